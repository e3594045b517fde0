package enterprise

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// VisitKinds are the kinds of supervision visit.
var VisitKinds = []string{"routine", "unannounced", "campaign", "acceptance", "other"}

// Visit is one supervision visit (an inspection) at an enterprise; it resets the clock of
// the enterprise's inspection frequency.
type Visit struct {
	ID        db.ID     `json:"id"`
	VisitedAt time.Time `json:"visited_at"`
	Kind      string    `json:"kind" jsonschema:"enum=routine,enum=unannounced,enum=campaign,enum=acceptance,enum=other"`
	OrgName   string    `json:"org_name"`
	VisitedBy string    `json:"visited_by"`
	Findings  int       `json:"findings"`
	Note      string    `json:"note"`
}

// VisitInput records a visit.
type VisitInput struct {
	VisitedAt string `json:"visited_at,omitempty" form:"visited_at" jsonschema:"description=date or RFC 3339; defaults to now"`
	Kind      string `json:"kind" form:"kind" jsonschema:"enum=routine,enum=unannounced,enum=campaign,enum=acceptance,enum=other"`
	Findings  int    `json:"findings,omitempty" form:"findings"`
	Note      string `json:"note,omitempty" form:"note"`
}

// RecordVisit records a supervision visit at an enterprise in scope and moves its next
// inspection date. Errors: NotFound, Invalid.
func (m *Module) RecordVisit(ctx context.Context, p *auth.Principal, entID db.ID, in VisitInput) (db.ID, error) {
	now := m.Clock.Now()
	v := apperr.Validation{}
	if !slices.Contains(VisitKinds, in.Kind) {
		v.Add("kind", "validate.one_of", apperr.E{"values": strings.Join(VisitKinds, ", ")})
	}
	at := now
	if in.VisitedAt != "" {
		t, err := api.ParseTime(in.VisitedAt)
		switch {
		case err != nil:
			v.Add("visited_at", "validate.date", nil)
		case t.After(now.Add(time.Minute)):
			v.Add("visited_at", "enterprise.not_future", nil)
		default:
			at = t
		}
	}
	if in.Findings < 0 {
		v.Add("findings", "validate.min", apperr.E{"min": 0})
	}
	if len([]rune(in.Note)) > 2000 {
		v.Add("note", "validate.max_len", apperr.E{"max": 2000})
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	var id db.ID
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := m.Get(ctx, tx, p, entID, false); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO enterprise_visits (enterprise_id, visited_at, kind, org_id, visited_by, findings, note, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, entID, at, in.Kind, db.NullIfZero(p.OrgID), db.NullIfZero(p.UserID), in.Findings, strings.TrimSpace(in.Note), now).Scan(&id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE enterprises SET last_inspected_at = ? WHERE id = ? AND (last_inspected_at IS NULL OR last_inspected_at < ?)`,
			at, entID, at); err != nil {
			return err
		}
		if _, err := m.Recolor(ctx, tx, "visit", entID); err != nil {
			return err
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "enterprise.visit", ObjectType: "enterprise", ObjectID: entID.String(),
			Detail: map[string]any{"kind": in.Kind, "visited_at": at}})
	})
	return id, err
}

var visitSorting = api.Sorting{
	Columns:  map[string]string{"visited_at": "v.visited_at"},
	Default:  "-visited_at",
	Tiebreak: "v.id",
}

// visitExport is the columns of an enterprise's visits in Excel.
var visitExport = api.Export[Visit]{Name: "enterprise.export_visits", Columns: []api.Column[Visit]{
	{Header: "ent.visit.date", Value: func(v Visit) any { return api.Day(&v.VisitedAt) }, Width: 12},
	{Header: "ent.visit.kind", Value: func(v Visit) any { return i18n.Key("ent.visit_kind." + v.Kind) }, Width: 12},
	{Header: "ent.visit.by", Value: func(v Visit) any { return v.VisitedBy }, Width: 12},
	{Header: "enterprise.field.org", Value: func(v Visit) any { return v.OrgName }, Width: 20},
	{Header: "ent.visit.findings", Value: func(v Visit) any { return v.Findings }, Width: 10},
	{Header: "ent.visit.note", Value: func(v Visit) any { return v.Note }, Width: 40},
}}

// Visits lists an enterprise's visits, newest first.
func (m *Module) Visits(ctx context.Context, p *auth.Principal, entID db.ID) ([]Visit, error) {
	out := []Visit{}
	_, err := m.ListVisits(ctx, p, entID, api.ListParams{Sort: visitSorting.Default}, func(v Visit) error {
		out = append(out, v)
		return nil
	})
	return out, err
}

// ListVisits calls each for the visits of an enterprise in scope, in lp's order (a page of
// them when lp is paged, with the total). Errors: NotFound.
func (m *Module) ListVisits(ctx context.Context, p *auth.Principal, entID db.ID, lp api.ListParams, each func(Visit) error) (int, error) {
	if _, err := m.Get(ctx, m.DB, p, entID, false); err != nil {
		return 0, err
	}
	lq := api.ListQuery{Select: `SELECT v.id, v.visited_at, v.kind, COALESCE(o.name, ''), COALESCE(u.display_name, ''), v.findings, v.note
		FROM enterprise_visits v LEFT JOIN orgs o ON o.id = v.org_id LEFT JOIN users u ON u.id = v.visited_by`,
		Count: `FROM enterprise_visits v`, Sorting: visitSorting}
	lq.Where.Add("v.enterprise_id = ?", entID)
	return api.QueryList(ctx, m.DB, lq, lp, func(s db.Scanner) (Visit, error) {
		var vi Visit
		err := s.Scan(&vi.ID, &vi.VisitedAt, &vi.Kind, &vi.OrgName, &vi.VisitedBy, &vi.Findings, &vi.Note)
		return vi, err
	}, each)
}
