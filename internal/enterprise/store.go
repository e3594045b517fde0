package enterprise

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/hazard"
	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/privacy"
)

// Sorting is the orders of an enterprise list.
var Sorting = api.Sorting{
	Columns: map[string]string{
		"name": "e.name", "credit_code": "e.credit_code", "color": "CASE e.color WHEN 'red' THEN 2 WHEN 'yellow' THEN 1 ELSE 0 END",
		"next_inspection_at": "e.next_inspection_at", "created_at": "e.created_at", "updated_at": "e.updated_at",
		"open_hazards": "open_hazards",
	},
	Default:  "name",
	Tiebreak: "e.id",
	Nullable: []string{"next_inspection_at"},
	Joined:   []string{"open_hazards"},
}

const selectEnterprise = `SELECT e.id, e.name, e.credit_code, e.industry, e.grid_id, g.code, v.name, e.town_id, t.name, e.address,
	e.scale, e.legal_rep, e.safety_manager, e.safety_phone, e.standard_grade, e.status, e.color, e.color_since, e.color_reasons,
	e.last_inspected_at, e.next_inspection_at, e.closure_flagged, e.created_at, e.updated_at, e.org_path,
	(SELECT COUNT(*) FROM hazards h WHERE h.enterprise_id = e.id AND h.status <> 'closed') AS open_hazards
	FROM enterprises e
	JOIN grids g ON g.id = e.grid_id
	JOIN orgs v ON v.id = g.village_id
	JOIN orgs t ON t.id = e.town_id`

func (m *Module) scan(loc i18n.Localizer, s db.Scanner, now time.Time, reveal bool) (Enterprise, error) {
	var e Enterprise
	var reasons string
	err := s.Scan(&e.ID, &e.Name, &e.CreditCode, &e.Industry, &e.GridID, &e.GridCode, &e.VillageName, &e.TownID, &e.TownName,
		&e.Address, &e.Scale, &e.LegalRep, &e.SafetyManager, &e.SafetyPhone, &e.StandardGrade, &e.Status, &e.Color,
		&e.ColorSince, &reasons, &e.LastInspectedAt, &e.NextInspectionAt, &e.ClosureFlagged, &e.CreatedAt, &e.UpdatedAt,
		&e.Path, &e.OpenHazards)
	e.Reasons = localize(loc, decodeReasons(reasons))
	e.InspectionOverdue = e.Status == "operating" && e.NextInspectionAt != nil && now.After(*e.NextInspectionAt)
	if !reveal {
		e.SafetyPhone = privacy.Phone(e.SafetyPhone)
	}
	return e, err
}

// ScopeWhere limits a query to the enterprises of the caller's scope: territory, the
// industries of a department, and an enterprise user's own enterprise. The query names
// the enterprises table e; a record kept about an enterprise (a risk point, a step of
// the ladder) joins it to be seen exactly where its enterprise is.
func ScopeWhere(w *db.Where, sc auth.Scope) {
	w.AddCond(sc.PathCond("e.org_path"))
	w.AddCond(sc.IndustryCond("e.industry"))
	switch {
	case sc.EnterpriseID != nil:
		w.Add("e.id = ?", *sc.EnterpriseID)
	case sc.OwnOnly:
		w.Add("1 = 0") // an enterprise account not yet linked to its enterprise
	}
}

// InScope reports whether the enterprise id, at path and of industry, lies in sc: what
// ScopeWhere selects, for a record read by id.
func InScope(sc auth.Scope, id db.ID, path, industry string) bool {
	if !sc.Contains(path) || !sc.AllowsIndustry(industry) {
		return false
	}
	if sc.EnterpriseID != nil {
		return *sc.EnterpriseID == id
	}
	return !sc.OwnOnly
}

func inScope(sc auth.Scope, e *Enterprise) bool { return InScope(sc, e.ID, e.Path, e.Industry) }

func (m *Module) where(ctx context.Context, p *auth.Principal, f Filter, now time.Time) (db.Where, error) {
	var w db.Where
	ScopeWhere(&w, p.Scope)
	w.AddCond(db.In("e.color", f.Color))
	w.Eq("e.status", f.Status)
	w.Eq("e.industry", f.Industry)
	w.Eq("e.town_id", f.TownID)
	if f.VillageID != nil {
		w.Add("e.org_path = (SELECT path FROM orgs WHERE id = ?)", *f.VillageID)
	}
	w.Eq("e.grid_id", f.GridID)
	w.Eq("e.scale", f.Scale)
	w.Eq("e.standard_grade", f.StandardGrade)
	if f.DueWithinDays != nil {
		w.Add("e.status = 'operating' AND e.next_inspection_at < ?", now.AddDate(0, 0, max(*f.DueWithinDays, 0)))
	}
	if f.DepartmentID != nil {
		w.Add("e.industry IN (SELECT industry FROM unit_industries WHERE org_id = ?)", *f.DepartmentID)
	}
	w.Eq("e.closure_flagged", f.Flagged)
	w.AddCond(m.DB.Engine().Search(f.Q, "e.id", "enterprises_fts", "e.name", "e.credit_code"))
	return w, nil
}

// List calls each for the enterprises in the caller's scope matching f (phones masked)
// and returns how many match (when lp is paged).
func (m *Module) List(ctx context.Context, p *auth.Principal, f Filter, lp api.ListParams, each func(Enterprise) error) (int, error) {
	return m.ListWhere(ctx, p, f, lp, each, nil)
}

// ListWhere is List with conditions of the caller's own over the enterprises e (the
// incentive list's: a standardization grade, no penalty of late).
func (m *Module) ListWhere(ctx context.Context, p *auth.Principal, f Filter, lp api.ListParams, each func(Enterprise) error,
	extra func(w *db.Where)) (int, error) {
	now := m.Clock.Now()
	w, err := m.where(ctx, p, f, now)
	if err != nil {
		return 0, err
	}
	if extra != nil {
		extra(&w)
	}
	lq := api.ListQuery{Select: selectEnterprise, Count: `FROM enterprises e`, Where: w, Sorting: Sorting, ID: "e.id"}
	loc := i18n.FromContext(ctx)
	return api.QueryList(ctx, m.DB, lq, lp, func(s db.Scanner) (Enterprise, error) { return m.scan(loc, s, now, false) }, each)
}

// Get returns an enterprise in the caller's scope; reveal shows the full phone (the
// caller audits it). Errors: NotFound.
func (m *Module) Get(ctx context.Context, q db.Querier, p *auth.Principal, id db.ID, reveal bool) (Enterprise, error) {
	e, err := m.scan(i18n.FromContext(ctx), q.QueryRow(ctx, selectEnterprise+` WHERE e.id = ?`, id), m.Clock.Now(), reveal)
	if db.IsNoRows(err) || (err == nil && !inScope(p.Scope, &e)) {
		return Enterprise{}, apperr.NotFoundf("enterprise")
	}
	return e, err
}

// RevealContact returns an enterprise with its safety manager's full phone and audits it.
func (m *Module) RevealContact(ctx context.Context, p *auth.Principal, id db.ID) (Enterprise, error) {
	var e Enterprise
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if e, err = m.Get(ctx, tx, p, id, true); err != nil {
			return err
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "enterprise.reveal_contact", ObjectType: "enterprise", ObjectID: id.String()})
	})
	return e, err
}

// Enterprise implements hazard.Enterprises: the hazard loop checks an enterprise exists
// in the reporter's scope and learns its grid.
func (m *Module) Enterprise(ctx context.Context, q db.Querier, sc auth.Scope, id db.ID) (hazard.EnterpriseRef, error) {
	var ref hazard.EnterpriseRef
	err := q.QueryRow(ctx, `SELECT id, name, credit_code, grid_id, industry, org_path FROM enterprises WHERE id = ?`, id).
		Scan(&ref.ID, &ref.Name, &ref.CreditCode, &ref.GridID, &ref.Industry, &ref.Path)
	if db.IsNoRows(err) || (err == nil && !InScope(sc, ref.ID, ref.Path, ref.Industry)) {
		return ref, apperr.NotFoundf("enterprise")
	}
	return ref, err
}

// Writable returns an enterprise in the caller's scope whose file the caller may keep
// (its risk points, its documents): its own accounts, and users who may edit
// enterprises. Errors: NotFound (outside the scope, first), Forbidden.
func (m *Module) Writable(ctx context.Context, q db.Querier, p *auth.Principal, id db.ID) (Enterprise, error) {
	e, err := m.Get(ctx, q, p, id, false)
	if err != nil {
		return e, err
	}
	if p.Scope.EnterpriseID == nil && !p.Can(PermWrite) {
		return e, apperr.Forbid()
	}
	return e, nil
}

// validate checks an Input; creating requires every mandatory field.
func (in *Input) validate(creating bool) *apperr.Validation {
	v := &apperr.Validation{}
	v.Text("name", in.Name, creating, true, 100)
	v.Text("address", in.Address, creating, false, 200)
	v.Text("legal_rep", in.LegalRep, creating, false, 30)
	v.Text("safety_manager", in.SafetyManager, creating, false, 30)
	if in.CreditCode != nil || creating {
		code := ""
		if in.CreditCode != nil {
			code = NormalizeCreditCode(*in.CreditCode)
		}
		if code == "" {
			v.Add("credit_code", "validate.required", nil)
		} else if err := CheckCreditCode(code); err != nil {
			v.Add("credit_code", err.Error(), nil)
		}
	}
	if creating && in.Industry == nil {
		v.Add("industry", "validate.required", nil)
	}
	if creating && in.GridID == nil {
		v.Add("grid_id", "validate.required", nil)
	}
	oneOf := func(field string, s *string, allowed []string, required bool) {
		if s == nil {
			if creating && required {
				v.Add(field, "validate.required", nil)
			}
			return
		}
		if !slices.Contains(allowed, *s) {
			v.Add(field, "validate.one_of", apperr.E{"values": strings.Join(allowed, ", ")})
		}
	}
	oneOf("scale", in.Scale, Scales, true)
	oneOf("standard_grade", in.StandardGrade, StandardGrades, false)
	oneOf("status", in.Status, []string{"operating", "suspended"}, false)
	if in.SafetyPhone != nil && strings.TrimSpace(*in.SafetyPhone) != "" && !phoneOK(*in.SafetyPhone) {
		v.Add("safety_phone", "validate.phone", nil)
	}
	return v
}

func phoneOK(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) < 5 || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9') && r != '-' && r != '+' && r != ' ' {
			return false
		}
	}
	return true
}

// gridPlace returns a grid's village path and town when the grid lies in scope.
func gridPlace(ctx context.Context, q db.Querier, sc auth.Scope, grid db.ID) (path string, town db.ID, ok bool, err error) {
	err = q.QueryRow(ctx, `SELECT g.org_path, v.parent_id FROM grids g JOIN orgs v ON v.id = g.village_id WHERE g.id = ?`, grid).Scan(&path, &town)
	if db.IsNoRows(err) {
		return "", 0, false, nil
	}
	return path, town, err == nil && sc.Contains(path), err
}

// Create registers an enterprise in the caller's scope and colors it.
// Errors: Invalid (rules; a credit code already registered).
func (m *Module) Create(ctx context.Context, p *auth.Principal, in Input) (db.ID, error) {
	var id db.ID
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = m.create(ctx, tx, p, in)
		return err
	})
	return id, err
}

func (m *Module) create(ctx context.Context, tx *db.Tx, p *auth.Principal, in Input) (db.ID, error) {
	v := in.validate(true)
	var gridPath string
	var town db.ID
	if in.GridID != nil {
		path, t, ok, err := gridPlace(ctx, tx, p.Scope, *in.GridID)
		if err != nil {
			return 0, err
		}
		if !ok {
			v.Add("grid_id", "validate.unknown_ref", nil)
		}
		gridPath, town = path, t
	}
	if in.Industry != nil {
		if !industryOK(ctx, tx, *in.Industry) {
			v.Add("industry", "validate.unknown_ref", nil)
		} else if !p.Scope.AllowsIndustry(*in.Industry) {
			v.Add("industry", "enterprise.industry_not_yours", nil)
		}
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	now := m.Clock.Now()
	grade := "none"
	if in.StandardGrade != nil {
		grade = *in.StandardGrade
	}
	status := "operating"
	if in.Status != nil {
		status = *in.Status
	}
	code := NormalizeCreditCode(*in.CreditCode)
	var id db.ID
	err := tx.QueryRow(ctx, `INSERT INTO enterprises (name, credit_code, industry, grid_id, org_path, town_id, address, scale, legal_rep,
		safety_manager, safety_phone, standard_grade, status, color, color_since, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'green', ?, ?, ?) RETURNING id`,
		strings.TrimSpace(*in.Name), code, *in.Industry, *in.GridID, gridPath, town, db.Text(in.Address), *in.Scale, db.Text(in.LegalRep),
		db.Text(in.SafetyManager), db.Text(in.SafetyPhone), grade, status, now, now, now).Scan(&id)
	if db.IsUnique(err) {
		v.Add("credit_code", "enterprise.credit_taken", nil)
		return 0, v.Err()
	}
	if err != nil {
		return 0, err
	}
	if _, err := m.Recolor(ctx, tx, "created", id); err != nil {
		return 0, err
	}
	return id, m.Audit.Record(ctx, tx, audit.Entry{Action: "enterprise.create", ObjectType: "enterprise", ObjectID: id.String(),
		Detail: map[string]any{"name": strings.TrimSpace(*in.Name), "credit_code": code}})
}

// Update changes an enterprise in scope and recolors it. Errors: NotFound, Invalid.
func (m *Module) Update(ctx context.Context, p *auth.Principal, id db.ID, in Input) error {
	return m.DB.Tx(ctx, func(tx *db.Tx) error {
		return m.update(ctx, tx, p, id, in, "edit")
	})
}

func (m *Module) update(ctx context.Context, tx *db.Tx, p *auth.Principal, id db.ID, in Input, cause string) error {
	if _, err := m.Get(ctx, tx, p, id, false); err != nil {
		return err
	}
	v := in.validate(false)
	set := db.NewSet("updated_at", m.Clock.Now())
	if in.GridID != nil {
		path, town, ok, err := gridPlace(ctx, tx, p.Scope, *in.GridID)
		if err != nil {
			return err
		}
		if !ok {
			v.Add("grid_id", "validate.unknown_ref", nil)
		}
		set.Add("grid_id", *in.GridID)
		set.Also("org_path", path)
		set.Also("town_id", town)
	}
	if in.Industry != nil {
		if !industryOK(ctx, tx, *in.Industry) {
			v.Add("industry", "validate.unknown_ref", nil)
		} else if !p.Scope.AllowsIndustry(*in.Industry) {
			v.Add("industry", "enterprise.industry_not_yours", nil)
		}
		set.Add("industry", *in.Industry)
	}
	if err := v.Err(); err != nil {
		return err
	}
	for col, val := range map[string]*string{"name": in.Name, "address": in.Address, "legal_rep": in.LegalRep,
		"safety_manager": in.SafetyManager, "scale": in.Scale, "standard_grade": in.StandardGrade, "status": in.Status} {
		set.Text(col, val)
	}
	if set.Text("safety_phone", in.SafetyPhone) {
		set.Changed["safety_phone"] = privacy.Phone(*in.SafetyPhone)
	}
	if in.CreditCode != nil {
		set.Add("credit_code", NormalizeCreditCode(*in.CreditCode))
	}
	q, args := set.Update("enterprises", "id = ?", id)
	_, err := tx.Exec(ctx, q, args...)
	if db.IsUnique(err) {
		v.Add("credit_code", "enterprise.credit_taken", nil)
		return v.Err()
	}
	if err != nil {
		return err
	}
	if _, err := m.Recolor(ctx, tx, cause, id); err != nil {
		return err
	}
	return m.Audit.Record(ctx, tx, audit.Entry{Action: "enterprise.update", ObjectType: "enterprise", ObjectID: id.String(), Detail: set.Changed})
}

func industryOK(ctx context.Context, q db.Querier, code string) bool {
	var n int
	_ = q.QueryRow(ctx, `SELECT COUNT(*) FROM industries WHERE code = ?`, code).Scan(&n)
	return n > 0
}
