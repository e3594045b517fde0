package attachment

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// MaxLink caps how many attachments one Link call claims.
const MaxLink = 100

const attachmentSelect = `SELECT a.id, a.sha256, a.size_bytes, a.content_type, a.original_name, a.width, a.height,
	a.uploaded_at, a.uploaded_by, a.storage_key, a.org_path, a.industry, a.linked
	FROM attachments a`

func scanAttachment(s db.Scanner) (Attachment, error) {
	var a Attachment
	var width, height sql.NullInt64
	var industry sql.NullString
	err := s.Scan(&a.ID, &a.SHA256, &a.SizeBytes, &a.ContentType, &a.OriginalName, &width, &height,
		&a.UploadedAt, db.NullID{P: &a.UploadedBy}, &a.StorageKey, &a.OrgPath, &industry, &a.Linked)
	if err != nil {
		return a, err
	}
	if width.Valid && height.Valid {
		w, h := int(width.Int64), int(height.Int64)
		a.Width, a.Height = &w, &h
	}
	if industry.Valid {
		a.Industry = &industry.String
	}
	a.URL = ContentURL(a.ID)
	return a, nil
}

// ContentURL is the API address of an attachment's bytes.
func ContentURL(id db.ID) string { return "/api/v1/attachments/" + id.String() + "/content" }

// visibleCond keeps the attachments actor may see: their own uploads, and attachments
// linked to a record whose place lies in their scope (with an industry their scope
// allows, when one is set). An upload nobody has linked yet is its uploader's alone, so
// nobody else can claim it. An enterprise user (OwnOnly scope) sees only their own.
func visibleCond(actor *auth.Principal) (string, []any) {
	sc := actor.Scope
	if sc.OwnOnly {
		if sc.EnterpriseID != nil {
			return "(a.uploaded_by = ? OR (a.linked = TRUE AND a.enterprise_id = ?))", []any{actor.UserID, *sc.EnterpriseID}
		}
		return "a.uploaded_by = ?", []any{actor.UserID}
	}
	cond, args := sc.PathCond("a.org_path")
	cond = "(a.linked = TRUE AND " + cond + ")"
	if ic, iargs := sc.IndustryCond("a.industry"); ic != "" {
		cond = "(" + cond + " AND (a.industry IS NULL OR " + ic + "))"
		args = append(args, iargs...)
	}
	if actor.UserID == 0 {
		return cond, args
	}
	return "(a.uploaded_by = ? OR " + cond + ")", append([]any{actor.UserID}, args...)
}

// Get returns the attachment id if actor may see it. Errors: NotFound (also when it
// exists outside actor's scope).
func Get(ctx context.Context, q db.Querier, actor *auth.Principal, id db.ID) (Attachment, error) {
	var w db.Where
	w.Add("a.id = ?", id)
	w.AddCond(visibleCond(actor))
	a, err := scanAttachment(q.QueryRow(ctx, attachmentSelect+w.SQL(), w.Args()...))
	if db.IsNoRows(err) {
		return Attachment{}, apperr.NotFoundf("attachment")
	}
	return a, err
}

// ByIDs returns the attachments with the given ids that exist, without a scope check: for
// a capability showing the attachments of a record the caller may already see (a
// hazard's history), in one query whatever their number.
func ByIDs(ctx context.Context, q db.Querier, ids []db.ID) (map[db.ID]Attachment, error) {
	out := make(map[db.ID]Attachment, len(ids))
	ids = uniq(ids)
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		in, args := db.In("a.id", chunk)
		rows, err := q.Query(ctx, attachmentSelect+" WHERE "+in, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			a, err := scanAttachment(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[a.ID] = a
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Link claims the attachments ids for a record at orgPath (of industry, or none), inside
// the record's transaction tx: from then on they are visible to whoever may see that
// place (and industry), besides their uploaders. Every id must exist and be visible to
// actor; an attachment already claimed by a record at another place (or of another
// industry) cannot move. Linking again to the same place is allowed, so a record may
// show the same evidence twice. Duplicate ids count once. It returns the attachments in
// the order of ids.
//
// Errors: Invalid on the field "attachments" (unknown or invisible ids, ids claimed
// elsewhere, more than MaxLink); Conflict when another transaction claimed one of them
// meanwhile.
func Link(ctx context.Context, tx *db.Tx, actor *auth.Principal, ids []db.ID, orgPath string, industry *string) ([]Attachment, error) {
	return LinkTo(ctx, tx, actor, ids, Place{OrgPath: orgPath, Industry: industry})
}

// Place is where a record that claims attachments lies: its territory path, its industry
// (or none) and its enterprise (or none). An enterprise user sees the attachments of
// their enterprise's records.
type Place struct {
	OrgPath      string
	Industry     *string
	EnterpriseID *db.ID
}

// LinkTo is Link for a record that may belong to an enterprise.
func LinkTo(ctx context.Context, tx *db.Tx, actor *auth.Principal, ids []db.ID, place Place) ([]Attachment, error) {
	orgPath, industry := place.OrgPath, place.Industry
	ids = uniq(ids)
	if len(ids) == 0 {
		return nil, nil
	}
	if orgPath == "" || actor == nil {
		return nil, errors.New("attachment.Link: a record path and an actor are required")
	}
	v := apperr.Validation{}
	if len(ids) > MaxLink {
		v.Add("attachments", "attachment.too_many", apperr.E{"max": MaxLink})
		return nil, v.Err()
	}
	var w db.Where
	w.AddCond(db.In("a.id", ids))
	w.AddCond(visibleCond(actor))
	rows, err := tx.Query(ctx, attachmentSelect+w.SQL(), w.Args()...)
	if err != nil {
		return nil, err
	}
	found := map[db.ID]Attachment{}
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		found[a.ID] = a
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, err
	}
	var unknown, elsewhere []string
	for _, id := range ids {
		a, ok := found[id]
		switch {
		case !ok:
			unknown = append(unknown, id.String())
		case a.Linked && (a.OrgPath != orgPath || !sameIndustry(a.Industry, industry)):
			elsewhere = append(elsewhere, id.String())
		}
	}
	if len(unknown) > 0 {
		v.Add("attachments", "attachment.unknown", apperr.E{"ids": strings.Join(unknown, ", ")})
	}
	if len(elsewhere) > 0 {
		v.Add("attachments", "attachment.already_linked", apperr.E{"ids": strings.Join(elsewhere, ", ")})
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	// The condition repeats the check, so a concurrent claim to another place is caught
	// here (row locks on PostgreSQL, the single writer on SQLite) rather than overwritten.
	in, idArgs := db.In("id", ids)
	args := append([]any{orgPath, industry, place.EnterpriseID}, idArgs...)
	args = append(args, orgPath, industry)
	res, err := tx.Exec(ctx, `UPDATE attachments SET org_path = ?, industry = ?, enterprise_id = ?, linked = TRUE
		WHERE `+in+`
		AND (linked = FALSE OR (org_path = ? AND industry IS NOT DISTINCT FROM ?))`, args...)
	if err != nil {
		return nil, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return nil, err
	} else if n != int64(len(ids)) {
		return nil, apperr.Conflictf("attachment.link_conflict", nil)
	}
	out := make([]Attachment, len(ids))
	for i, id := range ids {
		a := found[id]
		a.OrgPath, a.Industry, a.Linked = orgPath, industry, true
		out[i] = a
	}
	return out, nil
}

func sameIndustry(a, b *string) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

func uniq(ids []db.ID) []db.ID {
	seen := make(map[db.ID]bool, len(ids))
	out := make([]db.ID, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// insert adds the row of a checked, stored upload and returns its id.
func insert(ctx context.Context, tx *db.Tx, a *Attachment) error {
	var width, height any
	if a.Width != nil {
		width, height = *a.Width, *a.Height
	}
	return tx.QueryRow(ctx, `INSERT INTO attachments
		(storage_key, sha256, size_bytes, content_type, original_name, width, height, uploaded_by, uploaded_at, org_path, industry, linked)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, FALSE) RETURNING id`,
		a.StorageKey, a.SHA256, a.SizeBytes, a.ContentType, a.OriginalName, width, height,
		a.UploadedBy, a.UploadedAt, a.OrgPath).Scan(&a.ID)
}

// Link is the package's Link as a method, so a capability can take the module through a
// small interface of its own.
func (m *Module) Link(ctx context.Context, tx *db.Tx, actor *auth.Principal, ids []db.ID, orgPath string, industry *string) ([]Attachment, error) {
	return Link(ctx, tx, actor, ids, orgPath, industry)
}

// LinkTo is the package's LinkTo as a method.
func (m *Module) LinkTo(ctx context.Context, tx *db.Tx, actor *auth.Principal, ids []db.ID, place Place) ([]Attachment, error) {
	return LinkTo(ctx, tx, actor, ids, place)
}
