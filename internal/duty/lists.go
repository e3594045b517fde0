package duty

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
)

func itoa(i int) string { return strconv.Itoa(i) }

// List is one version of the duty list of a person's post in a unit for a year.
type List struct {
	ID         db.ID     `json:"id"`
	PersonID   db.ID     `json:"person_id"`
	PersonName string    `json:"person_name"`
	OrgID      db.ID     `json:"org_id"`
	OrgName    string    `json:"org_name"`
	PostTitle  string    `json:"post_title"`
	PostKind   string    `json:"post_kind"`
	Year       int       `json:"year"`
	Version    int       `json:"version"`
	Current    bool      `json:"current" jsonschema:"description=the latest version: what the year is judged against"`
	Note       string    `json:"note" jsonschema:"description=why this version was made"`
	ItemCount  int       `json:"item_count"`
	CreatedAt  time.Time `json:"created_at"`
	// Items are the list's duties (one list only).
	Items []Item `json:"items,omitempty"`

	path string
}

// Item is one duty of a list version; OriginID is the id it had in the version it first
// appeared in (its tasks hang on it).
type Item struct {
	ID       db.ID `json:"id"`
	OriginID db.ID `json:"origin_id"`
	TemplateItem
}

// ListFilter selects duty lists (current versions unless all_versions).
type ListFilter struct {
	Year     *int   `query:"year"`
	PersonID *db.ID `query:"person_id"`
	OrgID    *db.ID `query:"org_id"`
	PostKind string `query:"post_kind"`
	Q        string `query:"q" doc:"person, unit or post contains"`
}

// ListInput creates a person's list for a post from the template of the post's kind.
type ListInput struct {
	PersonID *db.ID `json:"person_id" form:"person_id"`
	OrgID    *db.ID `json:"org_id" form:"org_id" jsonschema:"description=the unit of the post (defaults to the person's first post with a kind)"`
	Year     *int   `json:"year" form:"year" jsonschema:"description=defaults to the current year"`
}

// ItemInput is one item of a new version: OriginID names the duty it continues (so it
// keeps its tasks); without it the item is a new duty.
type ItemInput struct {
	OriginID *db.ID `json:"origin_id,omitempty" form:"origin_id"`
	TemplateItem
}

// ItemsInput is the new version of a list: all its items, and why.
type ItemsInput struct {
	Items []ItemInput `json:"items"`
	Note  *string     `json:"note,omitempty" form:"note"`
}

// CopyInput copies the current lists of a year to the next year.
type CopyInput struct {
	Year *int `json:"year" form:"year" jsonschema:"description=the year copied from; its lists become version 1 of year+1 (lists already there are kept)"`
}

// CopyResult says how many lists were copied.
type CopyResult struct {
	Copied int `json:"copied"`
}

var listSorting = api.Sorting{
	Columns: map[string]string{"org": "o.path", "person": "p.name", "year": "l.year", "created_at": "l.created_at"},
	Default: "org", Tiebreak: "l.id",
}

var listExport = api.Export[List]{Name: "duty.export_lists", Columns: []api.Column[List]{
	{Header: "duty.field.org", Value: func(l List) any { return l.OrgName }, Width: 24},
	{Header: "duty.field.person", Value: func(l List) any { return l.PersonName }, Width: 10},
	{Header: "duty.field.post", Value: func(l List) any { return l.PostTitle }, Width: 20},
	{Header: "duty.field.year", Value: func(l List) any { return l.Year }, Width: 8},
	{Header: "duty.field.version", Value: func(l List) any { return l.Version }, Width: 8},
	{Header: "duty.field.items", Value: func(l List) any { return l.ItemCount }, Width: 8},
}}

const selectList = `SELECT l.id, l.person_id, p.name, l.org_id, o.name, l.post_title, l.post_kind, l.year, l.version, l.current, l.note,
	(SELECT COUNT(*) FROM duty_items i WHERE i.list_id = l.id), l.created_at, l.org_path
	FROM duty_lists l JOIN people p ON p.id = l.person_id JOIN orgs o ON o.id = l.org_id`

func scanList(s db.Scanner) (List, error) {
	var l List
	err := s.Scan(&l.ID, &l.PersonID, &l.PersonName, &l.OrgID, &l.OrgName, &l.PostTitle, &l.PostKind, &l.Year, &l.Version, &l.Current, &l.Note,
		&l.ItemCount, &l.CreatedAt, &l.path)
	return l, err
}

// ListLists calls each for the current duty lists in the caller's scope matching f.
func (m *Module) ListLists(ctx context.Context, p *auth.Principal, f ListFilter, lp api.ListParams, each func(List) error) (int, error) {
	var w db.Where
	w.AddCond(p.Scope.PathCond("l.org_path"))
	w.Add("l.current = ?", true)
	w.Eq("l.year", f.Year)
	w.Eq("l.person_id", f.PersonID)
	w.Eq("l.org_id", f.OrgID)
	if f.PostKind != "" {
		w.Add("l.post_kind = ?", f.PostKind)
	}
	w.AddCond(m.DB.Engine().ContainsAny(f.Q, "p.name", "o.name", "l.post_title"))
	lq := api.ListQuery{Select: selectList, Count: `FROM duty_lists l JOIN people p ON p.id = l.person_id JOIN orgs o ON o.id = l.org_id`,
		Where: w, Sorting: listSorting}
	return api.QueryList(ctx, m.DB, lq, lp, scanList, each)
}

// GetList returns a list version in the caller's scope, with its items. Errors: NotFound.
func (m *Module) GetList(ctx context.Context, q db.Querier, p *auth.Principal, id db.ID) (List, error) {
	l, err := scanList(q.QueryRow(ctx, selectList+` WHERE l.id = ?`, id))
	if db.IsNoRows(err) || (err == nil && !p.Scope.Contains(l.path)) {
		return List{}, apperr.NotFoundf("duty_list")
	}
	if err != nil {
		return List{}, err
	}
	l.Items, err = listItems(ctx, q, l.ID)
	return l, err
}

func (m *Module) getList(ctx context.Context, p *auth.Principal, id db.ID) (List, error) {
	return m.GetList(ctx, m.DB, p, id)
}

func listItems(ctx context.Context, q db.Querier, listID db.ID) ([]Item, error) {
	return db.All(ctx, q, `SELECT id, COALESCE(origin_id, id), body, role, text, basis, frequency, evidence, meeting_kind, photo_every
		FROM duty_items WHERE list_id = ? ORDER BY position, id`, []any{listID}, func(s db.Scanner) (Item, error) {
		var it Item
		err := s.Scan(&it.ID, &it.OriginID, &it.Body, &it.Role, &it.Text, &it.Basis, &it.Frequency, &it.Evidence, &it.MeetingKind, &it.PhotoEvery)
		return it, err
	})
}

// Versions lists every version of the list id belongs to, newest first.
func (m *Module) Versions(ctx context.Context, p *auth.Principal, id db.ID) ([]List, error) {
	l, err := m.GetList(ctx, m.DB, p, id)
	if err != nil {
		return nil, err
	}
	return db.All(ctx, m.DB, selectList+` WHERE l.person_id = ? AND l.org_id = ? AND l.year = ? ORDER BY l.version DESC`,
		[]any{l.PersonID, l.OrgID, l.Year}, scanList)
}

// CreateList creates version 1 of a person's list for a post and year from the template
// of the post's kind. Errors: Invalid, Conflict (the list exists).
func (m *Module) CreateList(ctx context.Context, p *auth.Principal, in ListInput) (db.ID, error) {
	var id db.ID
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = m.createList(ctx, tx, p, in)
		return err
	})
	return id, err
}

func (m *Module) createList(ctx context.Context, tx *db.Tx, p *auth.Principal, in ListInput) (db.ID, error) {
	now := m.Clock.Now()
	v := &apperr.Validation{}
	if in.PersonID == nil {
		v.Add("person_id", "validate.required", nil)
		return 0, v.Err()
	}
	year := now.In(clock.China).Year()
	if in.Year != nil {
		year = *in.Year
	}
	if year < 2000 || year > 2100 {
		v.Add("year", "validate.between", apperr.E{"min": 2000, "max": 2100})
	}
	var w db.Where
	w.Add("po.person_id = ?", *in.PersonID)
	w.Add("po.kind <> ''")
	w.Eq("po.org_id", in.OrgID)
	w.AddCond(p.Scope.PathCond("o.path"))
	type post struct {
		org         db.ID
		path, title string
		kind        string
	}
	posts, err := db.All(ctx, tx, `SELECT po.org_id, o.path, po.title, po.kind FROM posts po JOIN orgs o ON o.id = po.org_id`+w.SQL()+` ORDER BY po.id LIMIT 1`,
		w.Args(), func(s db.Scanner) (post, error) {
			var r post
			return r, s.Scan(&r.org, &r.path, &r.title, &r.kind)
		})
	if err != nil {
		return 0, err
	}
	if len(posts) == 0 {
		v.Add("person_id", "duty.no_post", nil)
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	po := posts[0]
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM duty_lists WHERE person_id = ? AND org_id = ? AND year = ?`, *in.PersonID, po.org, year).Scan(&n); err != nil {
		return 0, err
	}
	if n > 0 {
		return 0, apperr.Conflictf("duty.list_exists", apperr.E{"year": year})
	}
	t, ok, err := m.templateOf(ctx, tx, po.kind)
	if err != nil {
		return 0, err
	}
	var tid *db.ID
	items := make([]ItemInput, 0, len(t.Items))
	if ok {
		tid = &t.ID
		for _, it := range t.Items {
			items = append(items, ItemInput{TemplateItem: it})
		}
	}
	id, err := insertList(ctx, tx, p, *in.PersonID, po.org, po.path, po.title, po.kind, year, 1, tid, "", items, now)
	if err != nil {
		return 0, err
	}
	return id, m.Audit.Record(ctx, tx, audit.Entry{Action: "duty.list_create", ObjectType: "duty_list", ObjectID: id.String(),
		Detail: map[string]any{"person_id": in.PersonID.String(), "org_id": po.org.String(), "year": year, "items": len(items)}})
}

// insertList stores a list version with its items (items without an origin start their
// own), and makes it the current one.
func insertList(ctx context.Context, tx *db.Tx, p *auth.Principal, person, orgID db.ID, path, title, kind string, year, version int,
	tid *db.ID, note string, items []ItemInput, now time.Time) (db.ID, error) {
	if _, err := tx.Exec(ctx, `UPDATE duty_lists SET current = ? WHERE person_id = ? AND org_id = ? AND year = ? AND current = ?`,
		false, person, orgID, year, true); err != nil {
		return 0, err
	}
	var id db.ID
	if err := tx.QueryRow(ctx, `INSERT INTO duty_lists (person_id, org_id, org_path, post_title, post_kind, year, version, current, template_id, note, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, person, orgID, path, title, kind, year, version, true, tid, note, p.UserRef(), now).Scan(&id); err != nil {
		return 0, err
	}
	for i, it := range items {
		var iid db.ID
		if err := tx.QueryRow(ctx, `INSERT INTO duty_items (list_id, origin_id, position, body, role, text, basis, frequency, evidence, meeting_kind, photo_every)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, id, it.OriginID, i+1, it.Body, it.Role, it.Text, it.Basis, it.Frequency, it.Evidence,
			it.MeetingKind, it.PhotoEvery).Scan(&iid); err != nil {
			return 0, err
		}
		if it.OriginID == nil {
			if _, err := tx.Exec(ctx, `UPDATE duty_items SET origin_id = id WHERE id = ?`, iid); err != nil {
				return 0, err
			}
		}
	}
	return id, nil
}

// SaveItems stores a new version of the list id belongs to with the items given (the
// version of a list that is not current cannot be changed: Conflict). Items naming an
// origin of the current version continue that duty. Errors: NotFound, Invalid, Conflict.
func (m *Module) SaveItems(ctx context.Context, p *auth.Principal, id db.ID, in ItemsInput) (db.ID, error) {
	var nid db.ID
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		l, err := m.GetList(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if !l.Current {
			return apperr.Conflictf("duty.not_current", nil)
		}
		origins := map[db.ID]bool{}
		for _, it := range l.Items {
			origins[it.OriginID] = true
		}
		v := &apperr.Validation{}
		if len(in.Items) == 0 {
			v.Add("items", "validate.required", nil)
		}
		for i := range in.Items {
			pre := "items[" + itoa(i) + "]."
			validateItem(v, pre, &in.Items[i].TemplateItem)
			if o := in.Items[i].OriginID; o != nil && !origins[*o] {
				v.Add(pre+"origin_id", "validate.unknown_ref", nil)
			}
		}
		note := strings.TrimSpace(db.Text(in.Note))
		if len([]rune(note)) > 200 {
			v.Add("note", "validate.max_len", apperr.E{"max": 200})
		}
		if err := v.Err(); err != nil {
			return err
		}
		var tid *db.ID
		_ = tx.QueryRow(ctx, `SELECT template_id FROM duty_lists WHERE id = ?`, id).Scan(&tid)
		nid, err = insertList(ctx, tx, p, l.PersonID, l.OrgID, l.path, l.PostTitle, l.PostKind, l.Year, l.Version+1, tid, note, in.Items, m.Clock.Now())
		if err != nil {
			return err
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "duty.list_version", ObjectType: "duty_list", ObjectID: nid.String(),
			Detail: map[string]any{"previous": id.String(), "version": l.Version + 1, "items": len(in.Items), "note": note}})
	})
	return nid, err
}

// CopyYear copies the current lists in the caller's scope of a year to the next year as
// version 1 (items start new duties there); lists the next year already has are kept.
func (m *Module) CopyYear(ctx context.Context, p *auth.Principal, in CopyInput) (CopyResult, error) {
	var res CopyResult
	if in.Year == nil {
		v := &apperr.Validation{}
		v.Add("year", "validate.required", nil)
		return res, v.Err()
	}
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		var w db.Where
		w.AddCond(p.Scope.PathCond("l.org_path"))
		w.Add("l.year = ? AND l.current = ?", *in.Year, true)
		w.Add("NOT EXISTS (SELECT 1 FROM duty_lists n WHERE n.person_id = l.person_id AND n.org_id = l.org_id AND n.year = ?)", *in.Year+1)
		lists, err := db.All(ctx, tx, selectList+w.SQL()+` ORDER BY l.id`, w.Args(), scanList)
		if err != nil {
			return err
		}
		now := m.Clock.Now()
		for _, l := range lists {
			items, err := listItems(ctx, tx, l.ID)
			if err != nil {
				return err
			}
			in := make([]ItemInput, len(items))
			for i, it := range items {
				in[i] = ItemInput{TemplateItem: it.TemplateItem}
			}
			var tid *db.ID
			_ = tx.QueryRow(ctx, `SELECT template_id FROM duty_lists WHERE id = ?`, l.ID).Scan(&tid)
			if _, err := insertList(ctx, tx, p, l.PersonID, l.OrgID, l.path, l.PostTitle, l.PostKind, l.Year+1, 1, tid, "", in, now); err != nil {
				return err
			}
			res.Copied++
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "duty.list_copy", ObjectType: "duty_list", ObjectID: "",
			Detail: map[string]any{"year": *in.Year, "copied": res.Copied}})
	})
	return res, err
}
