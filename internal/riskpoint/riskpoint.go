// Package riskpoint is risk grading and control (风险分级管控): the risk points of an
// enterprise — each place or activity with its hazard factors, the accidents it may
// cause, its control measures, the person responsible and its grade (重大 / 较大 / 一般 /
// 低, the four colors red, orange, yellow and blue) — the checks of their controls with
// the reason they fail and their history, and the four-color view (四色图) of a town or
// the district. A major risk point whose controls do not work turns its enterprise red:
// the enterprise registry counts them among the facts of its color rules, and every
// change here tells it to recolor the enterprise (Registry).
package riskpoint

import (
	"context"
	"embed"
	"slices"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/enterprise"
	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/kit"
)

// files are the capability's messages, page templates and stylesheet.
//
//go:embed messages/*.json templates/*.html static/*.css
var files embed.FS

func init() { i18n.MustRegister(files, "messages") }

// Module is the risk point capability.
type Module struct {
	kit.Deps
	Registry Registry
}

// Registry is what risk points ask of the enterprise registry: the enterprise of a risk
// point in the caller's scope, whether the caller keeps its file, its color after a
// change, what a failing control would do to it, and a place on its pages.
type Registry interface {
	enterprise.Keeper
	Writable(ctx context.Context, q db.Querier, p *auth.Principal, id db.ID) (enterprise.Enterprise, error)
	WhatIf(ctx context.Context, id db.ID, fact string, more int) (enterprise.WhatIf, error)
}

// Risk grades (风险分级管控): 重大 / 较大 / 一般 / 低, worst first. A major risk point whose
// controls do not work feeds the color rules (FactMajorRiskUncontrolled).
var RiskGrades = []string{"major", "significant", "general", "low"}

// riskColors are the four colors of the risk map (红 / 橙 / 黄 / 蓝) by grade.
var riskColors = map[string]string{"major": "red", "significant": "orange", "general": "yellow", "low": "blue"}

// RiskPoint is one place or activity of an enterprise with its risk grade and controls.
type RiskPoint struct {
	ID              db.ID      `json:"id"`
	EnterpriseID    db.ID      `json:"enterprise_id"`
	EnterpriseName  string     `json:"enterprise_name"`
	Industry        string     `json:"industry"`
	TownID          db.ID      `json:"town_id"`
	TownName        string     `json:"town_name"`
	Name            string     `json:"name"`
	Place           string     `json:"place"`
	HazardFactors   string     `json:"hazard_factors" jsonschema:"description=危险有害因素"`
	AccidentTypes   string     `json:"accident_types" jsonschema:"description=可能导致的事故类型"`
	ControlMeasures string     `json:"control_measures" jsonschema:"description=管控措施"`
	Responsible     string     `json:"responsible" jsonschema:"description=the person responsible (责任人)"`
	Grade           string     `json:"grade" jsonschema:"enum=major,enum=significant,enum=general,enum=low"`
	Color           string     `json:"color" jsonschema:"enum=red,enum=orange,enum=yellow,enum=blue,description=the grade's color on the risk map"`
	ControlsOK      bool       `json:"controls_ok" jsonschema:"description=the control measures are in place and work"`
	CheckedAt       *time.Time `json:"checked_at" jsonschema:"nullable,description=when the controls were last checked"`
	ControlsReason  string     `json:"controls_reason" jsonschema:"description=why the controls were last marked failing (or working again)"`
	OpenHazards     int        `json:"open_hazards" jsonschema:"description=hazards found at this risk point and not closed"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	// History is every check of the controls, newest first (one risk point only).
	History []RiskCheck `json:"history,omitempty"`

	path string
}

// RiskPointInput registers a risk point (name and grade required) or changes one (nil
// fields unchanged).
type RiskPointInput struct {
	Name            *string `json:"name,omitempty" form:"name"`
	Place           *string `json:"place,omitempty" form:"place"`
	HazardFactors   *string `json:"hazard_factors,omitempty" form:"hazard_factors"`
	AccidentTypes   *string `json:"accident_types,omitempty" form:"accident_types"`
	ControlMeasures *string `json:"control_measures,omitempty" form:"control_measures"`
	Responsible     *string `json:"responsible,omitempty" form:"responsible"`
	Grade           *string `json:"grade,omitempty" form:"grade" jsonschema:"enum=major,enum=significant,enum=general,enum=low"`
	ControlsOK      *bool   `json:"controls_ok,omitempty" form:"controls_ok" jsonschema:"description=defaults to true when registering"`
	CheckedAt       *string `json:"checked_at,omitempty" jsonschema:"description=date or RFC 3339; defaults to now whenever controls_ok is given"`
	ControlsReason  *string `json:"controls_reason,omitempty" form:"controls_reason" jsonschema:"description=why the controls fail: required when controls_ok turns false (and when registering with false), as a major risk point out of control turns its enterprise red; optional when they work again"`
}

// RiskPointFilter selects risk points.
type RiskPointFilter struct {
	EnterpriseID *db.ID   `query:"enterprise_id"`
	Grade        []string `query:"grade" enum:"major,significant,general,low" doc:"one or more grades, comma-separated"`
	ControlsOK   *bool    `query:"controls_ok" doc:"false: the controls do not work"`
	TownID       *db.ID   `query:"town_id"`
	Industry     string   `query:"industry"`
	Q            string   `query:"q" doc:"name, place or enterprise name contains"`
}

const riskGradeRank = "CASE r.grade WHEN 'major' THEN 3 WHEN 'significant' THEN 2 WHEN 'general' THEN 1 ELSE 0 END"

var riskSorting = api.Sorting{
	Columns: map[string]string{
		"grade": riskGradeRank, "name": "r.name", "enterprise": "e.name", "controls_ok": "r.controls_ok",
		"checked_at": "r.checked_at", "created_at": "r.created_at", "updated_at": "r.updated_at",
	},
	Default:  "-grade",
	Tiebreak: "r.id",
}

var riskExport = api.Export[RiskPoint]{Name: "enterprise.export_risk_points", Columns: []api.Column[RiskPoint]{
	{Header: "enterprise.field.name", Value: func(r RiskPoint) any { return r.EnterpriseName }, Width: 30},
	{Header: "enterprise.risk.field.name", Value: func(r RiskPoint) any { return r.Name }, Width: 24},
	{Header: "enterprise.risk.field.place", Value: func(r RiskPoint) any { return r.Place }, Width: 20},
	{Header: "enterprise.risk.field.grade", Value: func(r RiskPoint) any { return i18n.Key("enterprise.risk.grade." + r.Grade) }, Width: 10},
	{Header: "enterprise.risk.field.controls_ok", Value: func(r RiskPoint) any { return r.ControlsOK }, Width: 10},
	{Header: "enterprise.risk.field.checked_at", Value: func(r RiskPoint) any { return r.CheckedAt }, Width: 17},
	{Header: "enterprise.risk.field.hazard_factors", Value: func(r RiskPoint) any { return r.HazardFactors }, Width: 30},
	{Header: "enterprise.risk.field.accident_types", Value: func(r RiskPoint) any { return r.AccidentTypes }, Width: 20},
	{Header: "enterprise.risk.field.control_measures", Value: func(r RiskPoint) any { return r.ControlMeasures }, Width: 40},
	{Header: "enterprise.risk.field.responsible", Value: func(r RiskPoint) any { return r.Responsible }, Width: 10},
	{Header: "enterprise.field.open_hazards", Value: func(r RiskPoint) any { return r.OpenHazards }, Width: 8},
	{Header: "enterprise.field.industry", Value: func(r RiskPoint) any { return i18n.Industry(r.Industry) }, Width: 14},
	{Header: "enterprise.field.town", Value: func(r RiskPoint) any { return r.TownName }, Width: 12},
}}

const selectRiskPoint = `SELECT r.id, r.enterprise_id, e.name, e.industry, e.town_id, t.name, r.name, r.place, r.hazard_factors,
	r.accident_types, r.control_measures, r.responsible, r.grade, r.controls_ok, r.checked_at, r.controls_reason, r.created_at, r.updated_at, e.org_path,
	(SELECT COUNT(*) FROM hazards h WHERE h.risk_point_id = r.id AND h.status <> 'closed')
	FROM risk_points r
	JOIN enterprises e ON e.id = r.enterprise_id
	JOIN orgs t ON t.id = e.town_id`

func scanRiskPoint(s db.Scanner) (RiskPoint, error) {
	var r RiskPoint
	err := s.Scan(&r.ID, &r.EnterpriseID, &r.EnterpriseName, &r.Industry, &r.TownID, &r.TownName, &r.Name, &r.Place, &r.HazardFactors,
		&r.AccidentTypes, &r.ControlMeasures, &r.Responsible, &r.Grade, &r.ControlsOK, &r.CheckedAt, &r.ControlsReason, &r.CreatedAt, &r.UpdatedAt,
		&r.path, &r.OpenHazards)
	r.Color = riskColors[r.Grade]
	return r, err
}

// riskWhere is the scope (that of the enterprises) and the filter of a risk-point query.
func (m *Module) riskWhere(p *auth.Principal, f RiskPointFilter) db.Where {
	var w db.Where
	enterprise.ScopeWhere(&w, p.Scope)
	w.Eq("r.enterprise_id", f.EnterpriseID)
	w.AddCond(db.In("r.grade", f.Grade))
	w.Eq("r.controls_ok", f.ControlsOK)
	w.Eq("e.town_id", f.TownID)
	w.Eq("e.industry", f.Industry)
	w.AddCond(m.DB.Engine().ContainsAny(f.Q, "r.name", "r.place", "e.name"))
	return w
}

// ListRiskPoints calls each for the risk points of the enterprises in the caller's scope
// matching f, and returns how many match (when lp is paged).
func (m *Module) ListRiskPoints(ctx context.Context, p *auth.Principal, f RiskPointFilter, lp api.ListParams, each func(RiskPoint) error) (int, error) {
	w := m.riskWhere(p, f)
	lq := api.ListQuery{Select: selectRiskPoint, Count: `FROM risk_points r JOIN enterprises e ON e.id = r.enterprise_id`,
		Where: w, Sorting: riskSorting}
	return api.QueryList(ctx, m.DB, lq, lp, scanRiskPoint, each)
}

// GetRiskPoint returns a risk point of an enterprise in the caller's scope.
// Errors: NotFound.
func (m *Module) GetRiskPoint(ctx context.Context, q db.Querier, p *auth.Principal, id db.ID) (RiskPoint, error) {
	r, err := scanRiskPoint(q.QueryRow(ctx, selectRiskPoint+` WHERE r.id = ?`, id))
	if db.IsNoRows(err) || (err == nil && !enterprise.InScope(p.Scope, r.EnterpriseID, r.path, r.Industry)) {
		return RiskPoint{}, apperr.NotFoundf("risk_point")
	}
	return r, err
}

// writableRiskPoint returns a risk point the caller may change: in scope, and of an
// enterprise whose file the caller keeps. Errors: NotFound, Forbidden.
func (m *Module) writableRiskPoint(ctx context.Context, tx *db.Tx, p *auth.Principal, id db.ID) (RiskPoint, error) {
	r, err := m.GetRiskPoint(ctx, tx, p, id)
	if err != nil {
		return RiskPoint{}, err
	}
	_, err = m.Registry.Writable(ctx, tx, p, r.EnterpriseID)
	return r, err
}

// validate checks a RiskPointInput; creating requires the name and the grade, and
// controls that turn from working (wasOK) to failing require a reason. It returns the
// checked time to store (nil: unchanged, or never checked).
func (in *RiskPointInput) validate(creating, wasOK bool, now time.Time) (*time.Time, *apperr.Validation) {
	v := &apperr.Validation{}
	v.Text("name", in.Name, creating, true, 100)
	v.Text("place", in.Place, creating, false, 100)
	v.Text("hazard_factors", in.HazardFactors, creating, false, 1000)
	v.Text("accident_types", in.AccidentTypes, creating, false, 200)
	v.Text("control_measures", in.ControlMeasures, creating, false, 2000)
	v.Text("responsible", in.Responsible, creating, false, 50)
	v.Text("controls_reason", in.ControlsReason, creating, false, 500)
	if in.ControlsOK != nil && !*in.ControlsOK && wasOK && (in.ControlsReason == nil || strings.TrimSpace(*in.ControlsReason) == "") {
		v.Add("controls_reason", "enterprise.controls_reason.required", nil)
	}
	switch {
	case in.Grade == nil && creating:
		v.Add("grade", "validate.required", nil)
	case in.Grade != nil && !slices.Contains(RiskGrades, *in.Grade):
		v.Add("grade", "validate.one_of", apperr.E{"values": strings.Join(RiskGrades, ", ")})
	}
	var checked *time.Time
	if in.CheckedAt != nil && *in.CheckedAt != "" {
		t, err := api.ParseTime(*in.CheckedAt)
		switch {
		case err != nil:
			v.Add("checked_at", "validate.date", nil)
		case t.After(now.Add(time.Minute)):
			v.Add("checked_at", "enterprise.not_future", nil)
		default:
			checked = &t
		}
	} else if in.ControlsOK != nil {
		checked = &now
	}
	return checked, v
}

// CreateRiskPoint registers a risk point of an enterprise and recolors the enterprise in
// the same transaction. Errors: NotFound, Forbidden, Invalid.
func (m *Module) CreateRiskPoint(ctx context.Context, p *auth.Principal, entID db.ID, in RiskPointInput) (db.ID, error) {
	var id db.ID
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := m.Registry.Writable(ctx, tx, p, entID); err != nil {
			return err
		}
		now := m.Clock.Now()
		checked, v := in.validate(true, true, now)
		if err := v.Err(); err != nil {
			return err
		}
		ok := in.ControlsOK == nil || *in.ControlsOK
		reason := db.Text(in.ControlsReason)
		if err := tx.QueryRow(ctx, `INSERT INTO risk_points (enterprise_id, name, place, hazard_factors, accident_types, control_measures,
			responsible, grade, controls_ok, checked_at, controls_reason, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			entID, db.Text(in.Name), db.Text(in.Place), db.Text(in.HazardFactors), db.Text(in.AccidentTypes), db.Text(in.ControlMeasures), db.Text(in.Responsible),
			*in.Grade, ok, checked, reason, now, now).Scan(&id); err != nil {
			return err
		}
		if in.ControlsOK != nil {
			if err := recordCheck(ctx, tx, p, id, ok, reason, now); err != nil {
				return err
			}
		}
		if _, err := m.Registry.Recolor(ctx, tx, "risk_point", entID); err != nil {
			return err
		}
		detail := map[string]any{"enterprise_id": entID.String(), "name": db.Text(in.Name), "grade": *in.Grade, "controls_ok": ok}
		if reason != "" {
			detail["controls_reason"] = reason
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "enterprise.risk_point_create", ObjectType: "risk_point", ObjectID: id.String(),
			Detail: detail})
	})
	return id, err
}

// UpdateRiskPoint changes a risk point; a change of grade or controls recolors its
// enterprise in the same transaction. Errors: NotFound, Forbidden, Invalid.
func (m *Module) UpdateRiskPoint(ctx context.Context, p *auth.Principal, id db.ID, in RiskPointInput) error {
	return m.DB.Tx(ctx, func(tx *db.Tx) error {
		r, err := m.writableRiskPoint(ctx, tx, p, id)
		if err != nil {
			return err
		}
		now := m.Clock.Now()
		checked, v := in.validate(false, r.ControlsOK, now)
		if err := v.Err(); err != nil {
			return err
		}
		set := db.NewSet("updated_at", now)
		for _, f := range []struct {
			col string
			val *string
		}{{"name", in.Name}, {"place", in.Place}, {"hazard_factors", in.HazardFactors}, {"accident_types", in.AccidentTypes},
			{"control_measures", in.ControlMeasures}, {"responsible", in.Responsible}, {"grade", in.Grade}} {
			set.Text(f.col, f.val)
		}
		if in.ControlsOK != nil {
			set.Add("controls_ok", *in.ControlsOK)
			set.Add("controls_reason", db.Text(in.ControlsReason))
			if err := recordCheck(ctx, tx, p, id, *in.ControlsOK, db.Text(in.ControlsReason), now); err != nil {
				return err
			}
		}
		if checked != nil {
			set.Add("checked_at", *checked)
		}
		q, args := set.Update("risk_points", "id = ?", id)
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return err
		}
		if _, err := m.Registry.Recolor(ctx, tx, "risk_point", r.EnterpriseID); err != nil {
			return err
		}
		set.Changed["enterprise_id"] = r.EnterpriseID.String()
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "enterprise.risk_point_update", ObjectType: "risk_point", ObjectID: id.String(), Detail: set.Changed})
	})
}

// DeleteRiskPoint removes a risk point no hazard points to, and recolors its enterprise.
// Errors: NotFound, Forbidden, Conflict (hazards link to it).
func (m *Module) DeleteRiskPoint(ctx context.Context, p *auth.Principal, id db.ID) error {
	return m.DB.Tx(ctx, func(tx *db.Tx) error {
		r, err := m.writableRiskPoint(ctx, tx, p, id)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM hazards WHERE risk_point_id = ?`, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return apperr.Conflictf("enterprise.risk_point_in_use", apperr.E{"n": n})
		}
		if _, err := tx.Exec(ctx, `DELETE FROM risk_points WHERE id = ?`, id); err != nil {
			return err
		}
		if _, err := m.Registry.Recolor(ctx, tx, "risk_point", r.EnterpriseID); err != nil {
			return err
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "enterprise.risk_point_delete", ObjectType: "risk_point", ObjectID: id.String(),
			Detail: map[string]any{"enterprise_id": r.EnterpriseID.String(), "name": r.Name, "grade": r.Grade}})
	})
}

// RiskSummaryParams asks for the four-color view of the risk points in scope.
type RiskSummaryParams struct {
	Group string `query:"group" enum:"town,enterprise,industry" doc:"one row per town (default), enterprise or industry"`
	RiskPointFilter
}

// RiskSummary is the four-color view (四色图): risk points per grade in each group, with
// the major ones whose controls do not work.
type RiskSummary struct {
	Group string           `json:"group" jsonschema:"enum=town,enum=enterprise,enum=industry"`
	Rows  []RiskSummaryRow `json:"rows"`
	Total RiskSummaryRow   `json:"total"`
}

// RiskSummaryRow counts one group's risk points.
type RiskSummaryRow struct {
	Key               string `json:"key" jsonschema:"description=the town or enterprise id or the industry code (empty in the total)"`
	Name              string `json:"name"`
	Enterprises       int    `json:"enterprises" jsonschema:"description=enterprises with at least one risk point"`
	Major             int    `json:"major" jsonschema:"description=重大 (red)"`
	Significant       int    `json:"significant" jsonschema:"description=较大 (orange)"`
	General           int    `json:"general" jsonschema:"description=一般 (yellow)"`
	Low               int    `json:"low" jsonschema:"description=低 (blue)"`
	Total             int    `json:"total"`
	UncontrolledMajor int    `json:"uncontrolled_major" jsonschema:"description=major risk points whose controls do not work"`
}

// RiskSummaryOf counts the risk points in the caller's scope matching the filter, per
// group. Enterprises come worst first; towns by name; industries in their usual order.
func (m *Module) RiskSummaryOf(ctx context.Context, p *auth.Principal, q RiskSummaryParams) (RiskSummary, error) {
	if q.Group == "" {
		q.Group = "town"
	}
	out := RiskSummary{Group: q.Group, Rows: []RiskSummaryRow{}}
	loc := i18n.FromContext(ctx)
	industryName := "i.name_zh"
	if loc.Lang == i18n.En {
		industryName = "i.name_en"
	}
	var key, name, order string
	switch q.Group {
	case "enterprise":
		key, name = "e.id", "e.name"
		order = "uncontrolled DESC, major DESC, significant DESC, e.name, e.id"
	case "industry":
		key, name = "e.industry", industryName
		order = "MIN(i.sort_order), e.industry"
	default:
		key, name = "e.town_id", "t.name"
		order = "t.name, e.town_id"
	}
	w := m.riskWhere(p, q.RiskPointFilter)
	rows, err := m.DB.Query(ctx, `SELECT `+key+`, `+name+`, COUNT(DISTINCT r.enterprise_id),
		SUM(CASE WHEN r.grade = 'major' THEN 1 ELSE 0 END) AS major,
		SUM(CASE WHEN r.grade = 'significant' THEN 1 ELSE 0 END) AS significant,
		SUM(CASE WHEN r.grade = 'general' THEN 1 ELSE 0 END),
		SUM(CASE WHEN r.grade = 'low' THEN 1 ELSE 0 END),
		SUM(CASE WHEN r.grade = 'major' AND r.controls_ok = FALSE THEN 1 ELSE 0 END) AS uncontrolled
		FROM risk_points r
		JOIN enterprises e ON e.id = r.enterprise_id
		JOIN orgs t ON t.id = e.town_id
		JOIN industries i ON i.code = e.industry`+w.SQL()+`
		GROUP BY `+key+`, `+name+` ORDER BY `+order, w.Args()...)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		var r RiskSummaryRow
		if err := rows.Scan(&r.Key, &r.Name, &r.Enterprises, &r.Major, &r.Significant, &r.General, &r.Low, &r.UncontrolledMajor); err != nil {
			return out, err
		}
		r.Total = r.Major + r.Significant + r.General + r.Low
		out.Rows = append(out.Rows, r)
		t := &out.Total
		t.Major, t.Significant, t.General, t.Low = t.Major+r.Major, t.Significant+r.Significant, t.General+r.General, t.Low+r.Low
		t.Total, t.UncontrolledMajor = t.Total+r.Total, t.UncontrolledMajor+r.UncontrolledMajor
		if q.Group == "enterprise" {
			t.Enterprises++
		} else {
			t.Enterprises += r.Enterprises // an enterprise has one town and one industry
		}
	}
	return out, rows.Err()
}
