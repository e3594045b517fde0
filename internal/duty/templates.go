package duty

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/org"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// PermWrite keeps the templates and the duty lists: the safety office (区安委办).
var PermWrite = auth.NewPermission("duty.write", auth.Admin, auth.SafetyOffice)

// Bodies, roles and meeting kinds of duty items.
var (
	Bodies       = []string{"party_committee", "government", "congress", "cppcc", "department", "town"}
	Roles        = []string{"decide", "execute", "supervise", "evaluate"}
	MeetingKinds = []string{"standing_committee", "executive", "special", "department", "town", "other"}
)

// Template is the duty list template of a kind of post.
type Template struct {
	ID        db.ID          `json:"id"`
	PostKind  string         `json:"post_kind"`
	Name      string         `json:"name"`
	Items     []TemplateItem `json:"items"`
	UpdatedAt time.Time      `json:"updated_at"`
}

// TemplateInput replaces the template of a kind of post (name and items).
type TemplateInput struct {
	PostKind string         `json:"post_kind"`
	Name     *string        `json:"name,omitempty"`
	Items    []TemplateItem `json:"items"`
}

// LoadDefaults fills empty tables with the default templates and holidays; it does
// nothing to tables that hold rows, so the safety office's edits stay. Safe to run twice.
func LoadDefaults(ctx context.Context, tx *db.Tx, now time.Time) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM duty_templates`).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		for _, t := range DefaultTemplates {
			var id db.ID
			if err := tx.QueryRow(ctx, `INSERT INTO duty_templates (post_kind, name, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id`,
				t.PostKind, t.Name, now, now).Scan(&id); err != nil {
				return err
			}
			if err := insertTemplateItems(ctx, tx, id, t.Items); err != nil {
				return err
			}
		}
	}
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM holidays`).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		for _, h := range DefaultHolidays {
			if _, err := tx.Exec(ctx, `INSERT INTO holidays (day, name) VALUES (?, ?)`, h.Day, h.Name); err != nil {
				return err
			}
		}
	}
	return nil
}

// LoadDefaults fills the empty template and holiday tables (see the function).
func (m *Module) LoadDefaults(ctx context.Context) error {
	return m.DB.Tx(ctx, func(tx *db.Tx) error { return LoadDefaults(ctx, tx, m.Clock.Now()) })
}

func insertTemplateItems(ctx context.Context, tx *db.Tx, id db.ID, items []TemplateItem) error {
	for i, it := range items {
		if _, err := tx.Exec(ctx, `INSERT INTO duty_template_items (template_id, position, body, role, text, basis, frequency, evidence, meeting_kind, photo_every)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, i+1, it.Body, it.Role, it.Text, it.Basis, it.Frequency, it.Evidence, it.MeetingKind, it.PhotoEvery); err != nil {
			return err
		}
	}
	return nil
}

// Templates lists the templates in the order of org.PostKinds, with their items.
func (m *Module) Templates(ctx context.Context, q db.Querier) ([]Template, error) {
	ts, err := db.All(ctx, q, `SELECT id, post_kind, name, updated_at FROM duty_templates`, nil, func(s db.Scanner) (Template, error) {
		var t Template
		err := s.Scan(&t.ID, &t.PostKind, &t.Name, &t.UpdatedAt)
		t.Items = []TemplateItem{}
		return t, err
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(ts, func(a, b Template) int {
		return slices.Index(org.PostKinds, a.PostKind) - slices.Index(org.PostKinds, b.PostKind)
	})
	byID := map[db.ID]*Template{}
	for i := range ts {
		byID[ts[i].ID] = &ts[i]
	}
	type row struct {
		tid db.ID
		it  TemplateItem
	}
	rows, err := db.All(ctx, q, `SELECT template_id, body, role, text, basis, frequency, evidence, meeting_kind, photo_every
		FROM duty_template_items ORDER BY template_id, position`, nil, func(s db.Scanner) (row, error) {
		var r row
		err := s.Scan(&r.tid, &r.it.Body, &r.it.Role, &r.it.Text, &r.it.Basis, &r.it.Frequency, &r.it.Evidence, &r.it.MeetingKind, &r.it.PhotoEvery)
		return r, err
	})
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		if t := byID[r.tid]; t != nil {
			t.Items = append(t.Items, r.it)
		}
	}
	return ts, nil
}

// templateOf returns the template of a kind of post (ok false when there is none).
func (m *Module) templateOf(ctx context.Context, q db.Querier, kind string) (Template, bool, error) {
	ts, err := m.Templates(ctx, q)
	if err != nil {
		return Template{}, false, err
	}
	for _, t := range ts {
		if t.PostKind == kind {
			return t, true, nil
		}
	}
	return Template{}, false, nil
}

// validateItem checks one item; prefix names the field ("items[2].").
func validateItem(v *apperr.Validation, prefix string, it *TemplateItem) {
	it.Text = strings.TrimSpace(it.Text)
	it.Basis = strings.TrimSpace(it.Basis)
	oneOf := func(field, val string, vals []string, required bool) {
		if val == "" && !required {
			return
		}
		if val == "" {
			v.Add(prefix+field, "validate.required", nil)
		} else if !slices.Contains(vals, val) {
			v.Add(prefix+field, "validate.one_of", apperr.E{"values": strings.Join(vals, ", ")})
		}
	}
	oneOf("body", it.Body, Bodies, true)
	oneOf("role", it.Role, Roles, false)
	oneOf("frequency", it.Frequency, Frequencies, false)
	oneOf("evidence", it.Evidence, EvidenceKinds, it.Frequency != "")
	if it.Evidence == "meeting" {
		oneOf("meeting_kind", it.MeetingKind, MeetingKinds, false)
	} else {
		it.MeetingKind = ""
	}
	if it.Text == "" {
		v.Add(prefix+"text", "validate.required", nil)
	} else if len([]rune(it.Text)) > 300 {
		v.Add(prefix+"text", "validate.max_len", apperr.E{"max": 300})
	}
	if len([]rune(it.Basis)) > 200 {
		v.Add(prefix+"basis", "validate.max_len", apperr.E{"max": 200})
	}
	if it.PhotoEvery < 0 || it.PhotoEvery > 100 {
		v.Add(prefix+"photo_every", "validate.between", apperr.E{"min": 0, "max": 100})
	}
	if it.Evidence != "confirm" {
		it.PhotoEvery = 0
	}
}

// SaveTemplate replaces the name and items of the template of a kind of post (creating
// it when there is none). Lists already drawn from it keep their items. Errors: Invalid.
func (m *Module) SaveTemplate(ctx context.Context, p *auth.Principal, in TemplateInput) (Template, error) {
	v := &apperr.Validation{}
	if !slices.Contains(org.PostKinds, in.PostKind) {
		v.Add("post_kind", "validate.one_of", apperr.E{"values": strings.Join(org.PostKinds, ", ")})
	}
	if in.Name != nil && (strings.TrimSpace(*in.Name) == "" || len([]rune(*in.Name)) > 100) {
		v.Add("name", "validate.required", nil)
	}
	if len(in.Items) == 0 {
		v.Add("items", "validate.required", nil)
	}
	for i := range in.Items {
		validateItem(v, "items["+itoa(i)+"].", &in.Items[i])
	}
	if err := v.Err(); err != nil {
		return Template{}, err
	}
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		now := m.Clock.Now()
		var id db.ID
		err := tx.QueryRow(ctx, `SELECT id FROM duty_templates WHERE post_kind = ?`, in.PostKind).Scan(&id)
		switch {
		case db.IsNoRows(err):
			name := in.PostKind
			if in.Name != nil {
				name = strings.TrimSpace(*in.Name)
			}
			if err := tx.QueryRow(ctx, `INSERT INTO duty_templates (post_kind, name, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id`,
				in.PostKind, name, now, now).Scan(&id); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			set := db.NewSet("updated_at", now)
			if in.Name != nil {
				set.Add("name", strings.TrimSpace(*in.Name))
			}
			q, args := set.Update("duty_templates", "id = ?", id)
			if _, err := tx.Exec(ctx, q, args...); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM duty_template_items WHERE template_id = ?`, id); err != nil {
				return err
			}
		}
		if err := insertTemplateItems(ctx, tx, id, in.Items); err != nil {
			return err
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "duty.template_save", ObjectType: "duty_template", ObjectID: id.String(),
			Detail: map[string]any{"post_kind": in.PostKind, "items": len(in.Items)}})
	})
	if err != nil {
		return Template{}, err
	}
	t, _, err := m.templateOf(ctx, m.DB, in.PostKind)
	return t, err
}
