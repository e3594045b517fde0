package enterprise

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/attachment"
	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// DocumentKinds are the kinds of file kept in an enterprise's file (一企一档): licenses,
// plans (e.g. the contingency plan), training records, inspection reports, other.
var DocumentKinds = []string{"license", "plan", "training", "inspection_report", "other"}

// Document is one uploaded file kept in an enterprise's file.
type Document struct {
	AttachmentID db.ID     `json:"attachment_id"`
	EnterpriseID db.ID     `json:"enterprise_id"`
	Title        string    `json:"title"`
	Kind         string    `json:"kind" jsonschema:"enum=license,enum=plan,enum=training,enum=inspection_report,enum=other"`
	FileName     string    `json:"file_name"`
	ContentType  string    `json:"content_type"`
	SizeBytes    int64     `json:"size_bytes"`
	URL          string    `json:"url" jsonschema:"description=where to GET the content"`
	AddedBy      string    `json:"added_by"`
	AddedAt      time.Time `json:"added_at"`
}

// DocumentInput adds an uploaded file (POST /api/v1/attachments) to an enterprise's file.
type DocumentInput struct {
	AttachmentID db.ID  `json:"attachment_id"`
	Title        string `json:"title" form:"title"`
	Kind         string `json:"kind,omitempty" form:"kind" jsonschema:"enum=license,enum=plan,enum=training,enum=inspection_report,enum=other,description=defaults to other"`
}

// DocumentFilter selects an enterprise's documents.
type DocumentFilter struct {
	Kind string `query:"kind" enum:"license,plan,training,inspection_report,other"`
	Q    string `query:"q" doc:"title or file name contains"`
}

var documentSorting = api.Sorting{
	Columns:  map[string]string{"added_at": "d.added_at", "title": "d.title", "kind": "d.kind"},
	Default:  "-added_at",
	Tiebreak: "d.attachment_id",
}

var documentExport = api.Export[Document]{Name: "enterprise.export_documents", Columns: []api.Column[Document]{
	{Header: "enterprise.document.field.title", Value: func(d Document) any { return d.Title }, Width: 30},
	{Header: "enterprise.document.field.kind", Value: func(d Document) any { return i18n.Key("enterprise.document.kind." + d.Kind) }, Width: 12},
	{Header: "enterprise.document.field.file_name", Value: func(d Document) any { return d.FileName }, Width: 24},
	{Header: "enterprise.document.field.size", Value: func(d Document) any { return d.SizeBytes }, Width: 10},
	{Header: "enterprise.document.field.added_by", Value: func(d Document) any { return d.AddedBy }, Width: 12},
	{Header: "enterprise.document.field.added_at", Value: func(d Document) any { return d.AddedAt }, Width: 17},
}}

const selectDocument = `SELECT d.attachment_id, d.enterprise_id, d.title, d.kind, a.original_name, a.content_type, a.size_bytes,
	COALESCE(u.display_name, ''), d.added_at
	FROM enterprise_documents d
	JOIN attachments a ON a.id = d.attachment_id
	LEFT JOIN users u ON u.id = d.added_by`

func scanDocument(s db.Scanner) (Document, error) {
	var d Document
	err := s.Scan(&d.AttachmentID, &d.EnterpriseID, &d.Title, &d.Kind, &d.FileName, &d.ContentType, &d.SizeBytes, &d.AddedBy, &d.AddedAt)
	d.URL = attachment.ContentURL(d.AttachmentID)
	return d, err
}

// ListDocuments calls each for the documents of an enterprise in the caller's scope.
// Whoever sees the enterprise may download them (the files are linked to its place,
// industry and enterprise). Errors: NotFound.
func (m *Module) ListDocuments(ctx context.Context, p *auth.Principal, entID db.ID, f DocumentFilter, lp api.ListParams, each func(Document) error) (int, error) {
	if _, err := m.Get(ctx, m.DB, p, entID, false); err != nil {
		return 0, err
	}
	var w db.Where
	w.Add("d.enterprise_id = ?", entID)
	w.Eq("d.kind", f.Kind)
	w.AddCond(m.DB.Engine().ContainsAny(f.Q, "d.title", "a.original_name"))
	lq := api.ListQuery{Select: selectDocument, Count: `FROM enterprise_documents d JOIN attachments a ON a.id = d.attachment_id`,
		Where: w, Sorting: documentSorting}
	return api.QueryList(ctx, m.DB, lq, lp, scanDocument, each)
}

// AddDocument keeps an uploaded file in an enterprise's file: the attachment is linked to
// the enterprise's place, industry and enterprise in the same transaction. The
// enterprise's own accounts and users who may edit enterprises add documents.
// Errors: NotFound, Forbidden, Invalid (unknown or foreign attachment, already kept).
func (m *Module) AddDocument(ctx context.Context, p *auth.Principal, entID db.ID, in DocumentInput) (Document, error) {
	var d Document
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		e, err := m.Writable(ctx, tx, p, entID)
		if err != nil {
			return err
		}
		if in.Kind == "" {
			in.Kind = "other"
		}
		v := apperr.Validation{}
		if in.AttachmentID == 0 {
			v.Add("attachment_id", "validate.required", nil)
		}
		switch title := strings.TrimSpace(in.Title); {
		case title == "":
			v.Add("title", "validate.required", nil)
		case len([]rune(title)) > 100:
			v.Add("title", "validate.max_len", apperr.E{"max": 100})
		}
		if !slices.Contains(DocumentKinds, in.Kind) {
			v.Add("kind", "validate.one_of", apperr.E{"values": strings.Join(DocumentKinds, ", ")})
		}
		if err := v.Err(); err != nil {
			return err
		}
		industry := e.Industry
		if err := m.Attachments.Link(ctx, tx, p, []db.ID{in.AttachmentID}, e.Path, &industry, &e.ID); err != nil {
			return renameField(err, "attachments", "attachment_id")
		}
		now := m.Clock.Now()
		_, err = tx.Exec(ctx, `INSERT INTO enterprise_documents (enterprise_id, attachment_id, title, kind, added_by, added_at)
			VALUES (?, ?, ?, ?, ?, ?)`, entID, in.AttachmentID, strings.TrimSpace(in.Title), in.Kind, db.NullIfZero(p.UserID), now)
		if db.IsUnique(err) {
			v.Add("attachment_id", "enterprise.document_exists", nil)
			return v.Err()
		}
		if err != nil {
			return err
		}
		if d, err = scanDocument(tx.QueryRow(ctx, selectDocument+` WHERE d.enterprise_id = ? AND d.attachment_id = ?`, entID, in.AttachmentID)); err != nil {
			return err
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "enterprise.document_add", ObjectType: "enterprise", ObjectID: entID.String(),
			Detail: map[string]any{"attachment_id": in.AttachmentID.String(), "title": d.Title, "kind": in.Kind}})
	})
	return d, err
}

// renameField reports a field error of a callee under the caller's field name.
func renameField(err error, from, to string) error {
	return apperr.RenameFields(err, func(f string) string {
		if f == from {
			return to
		}
		return f
	})
}
