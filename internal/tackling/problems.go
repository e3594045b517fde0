package tackling

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// Problem is one problem of a list for special tackling, with its measures' counts.
type Problem struct {
	ID          db.ID     `json:"id"`
	Year        int       `json:"year"`
	Code        string    `json:"code"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	SourceKind  string    `json:"source_kind" jsonschema:"enum=state_council,enum=province,enum=city,enum=inspection,enum=reflection,enum=meeting,enum=other"`
	Source      string    `json:"source"`
	SourceID    *db.ID    `json:"source_id" jsonschema:"nullable"`
	OrgID       db.ID     `json:"org_id" jsonschema:"description=the lead unit (牵头单位)"`
	OrgName     string    `json:"org_name"`
	Measures    int       `json:"measures" jsonschema:"description=measures in the caller's scope"`
	Verified    int       `json:"verified" jsonschema:"description=measures verified (验收销号)"`
	Overdue     int       `json:"overdue" jsonschema:"description=measures not verified and past their deadline"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	// MeasureList is the problem's measures in the caller's scope (one problem only).
	MeasureList []Measure `json:"measure_list,omitempty"`

	path string
}

// ProblemFilter selects problems.
type ProblemFilter struct {
	Year       *int     `query:"year"`
	SourceKind []string `query:"source_kind" enum:"state_council,province,city,inspection,reflection,meeting,other" doc:"one or more, comma-separated"`
	SourceID   *db.ID   `query:"source_id" doc:"the reflection or meeting a problem came from"`
	OrgID      *db.ID   `query:"org_id" doc:"the lead unit"`
	Under      *db.ID   `query:"under" doc:"lead unit at or under this org"`
	Q          string   `query:"q" doc:"code, title, description or source contains"`
	HasOverdue *bool    `query:"has_overdue" doc:"true: at least one measure is overdue"`
}

var problemSorting = api.Sorting{
	Columns: map[string]string{"code": "p.code", "title": "p.title", "year": "p.year", "created_at": "p.created_at",
		"updated_at": "p.updated_at", "source_kind": "p.source_kind"},
	Default:  "-year",
	Tiebreak: "p.id",
}

func (m *Module) problemExport() api.Export[Problem] {
	return api.Export[Problem]{Name: "tackling.export_problems", Columns: []api.Column[Problem]{
		{Header: "tackling.field.year", Value: func(p Problem) any { return p.Year }, Width: 6},
		{Header: "tackling.field.code", Value: func(p Problem) any { return p.Code }, Width: 10},
		{Header: "tackling.field.title", Value: func(p Problem) any { return p.Title }, Width: 40},
		{Header: "tackling.field.source_kind", Value: func(p Problem) any { return i18n.Key("tackling.source_kind." + p.SourceKind) }, Width: 16},
		{Header: "tackling.field.source", Value: func(p Problem) any { return p.Source }, Width: 24},
		{Header: "tackling.field.org", Value: func(p Problem) any { return p.OrgName }, Width: 20},
		{Header: "tackling.field.measures", Value: func(p Problem) any { return p.Measures }, Width: 8},
		{Header: "tackling.field.verified", Value: func(p Problem) any { return p.Verified }, Width: 8},
		{Header: "tackling.field.overdue", Value: func(p Problem) any { return p.Overdue }, Width: 8},
		{Header: "tackling.field.description", Value: func(p Problem) any { return p.Description }, Width: 50},
	}}
}

// pathCond is the scope of problems and measures on col: an enterprise's accounts
// (OwnOnly) see none.
func pathCond(s auth.Scope, col string) (string, []any) {
	if s.OwnOnly {
		return "1 = 0", nil
	}
	return s.PathCond(col)
}

// inScope reports whether a path lies in the scope of problems and measures.
func inScope(s auth.Scope, path string) bool { return !s.OwnOnly && s.Contains(path) }

// problemScope is the scope of problems: the lead unit in scope, or a measure carried
// by a unit in scope.
func problemScope(s auth.Scope) (string, []any) {
	if s.Whole || s.OwnOnly {
		return pathCond(s, "p.org_path")
	}
	c1, a1 := pathCond(s, "p.org_path")
	c2, a2 := pathCond(s, "sm.org_path")
	return "(" + c1 + " OR EXISTS (SELECT 1 FROM measures sm WHERE sm.problem_id = p.id AND " + c2 + "))", append(a1, a2...)
}

const selectProblem = `SELECT p.id, p.year, p.code, p.title, p.description, p.source_kind, p.source, p.source_id, p.org_id, o.name,
	p.created_at, p.updated_at, p.org_path,
	(SELECT COUNT(*) FROM measures c WHERE c.problem_id = p.id AND %[1]s),
	(SELECT COUNT(*) FROM measures c WHERE c.problem_id = p.id AND c.status = 'verified' AND %[1]s),
	(SELECT COUNT(*) FROM measures c WHERE c.problem_id = p.id AND c.status <> 'verified' AND c.deadline < ? AND %[1]s)
	FROM problems p JOIN orgs o ON o.id = p.org_id`

// problemSelect is selectProblem with the counts of measures in s, and its arguments.
func problemSelect(s auth.Scope, now time.Time) (string, []any) {
	c, a := pathCond(s, "c.org_path")
	args := append(append(append([]any{}, a...), a...), now)
	return fmt.Sprintf(selectProblem, c), append(args, a...)
}

func scanProblem(s db.Scanner) (Problem, error) {
	var p Problem
	err := s.Scan(&p.ID, &p.Year, &p.Code, &p.Title, &p.Description, &p.SourceKind, &p.Source, &p.SourceID, &p.OrgID, &p.OrgName,
		&p.CreatedAt, &p.UpdatedAt, &p.path, &p.Measures, &p.Verified, &p.Overdue)
	return p, err
}

func (m *Module) problemWhere(ctx context.Context, p *auth.Principal, f ProblemFilter) (db.Where, error) {
	var w db.Where
	w.AddCond(problemScope(p.Scope))
	w.Eq("p.year", f.Year)
	w.AddCond(db.In("p.source_kind", f.SourceKind))
	w.Eq("p.source_id", f.SourceID)
	w.Eq("p.org_id", f.OrgID)
	if f.Under != nil {
		c, a, err := underCond(ctx, m.DB, p.Scope, *f.Under, "p.org_path")
		if err != nil {
			return w, err
		}
		w.Add(c, a...)
	}
	w.AddCond(m.DB.Engine().ContainsAny(f.Q, "p.code", "p.title", "p.description", "p.source"))
	w.Bool(f.HasOverdue, "EXISTS (SELECT 1 FROM measures od WHERE od.problem_id = p.id AND od.status <> 'verified' AND od.deadline < ?)",
		"NOT EXISTS (SELECT 1 FROM measures od WHERE od.problem_id = p.id AND od.status <> 'verified' AND od.deadline < ?)", m.Clock.Now())
	return w, nil
}

// underCond is col at or under the org id names (nothing when it is unknown or out of scope).
func underCond(ctx context.Context, q db.Querier, sc auth.Scope, id db.ID, col string) (string, []any, error) {
	var path string
	err := q.QueryRow(ctx, `SELECT path FROM orgs WHERE id = ?`, id).Scan(&path)
	if db.IsNoRows(err) || (err == nil && !sc.Contains(path)) {
		return "1 = 0", nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	lo, hi := db.PrefixRange(path)
	return "(" + col + " >= ? AND " + col + " < ?)", []any{lo, hi}, nil
}

// ListProblems calls each for the problems in the caller's scope matching f, and returns
// how many match (when lp is paged).
func (m *Module) ListProblems(ctx context.Context, p *auth.Principal, f ProblemFilter, lp api.ListParams, each func(Problem) error) (int, error) {
	sel, args := problemSelect(p.Scope, m.Clock.Now())
	w, err := m.problemWhere(ctx, p, f)
	if err != nil {
		return 0, err
	}
	lq := api.ListQuery{Select: sel, Args: args, Where: w, Sorting: problemSorting}
	return api.QueryList(ctx, m.DB, lq, lp, scanProblem, each)
}

// GetProblem returns a problem in the caller's scope with its measures in scope.
// Errors: NotFound.
func (m *Module) GetProblem(ctx context.Context, q db.Querier, p *auth.Principal, id db.ID) (Problem, error) {
	sel, args := problemSelect(p.Scope, m.Clock.Now())
	c, a := problemScope(p.Scope)
	pr, err := scanProblem(q.QueryRow(ctx, sel+` WHERE p.id = ? AND `+c, append(append(args, id), a...)...))
	if db.IsNoRows(err) {
		return Problem{}, apperr.NotFoundf("problem")
	}
	if err != nil {
		return pr, err
	}
	pr.MeasureList = []Measure{}
	_, err = m.ListMeasures(ctx, p, MeasureFilter{ProblemID: &pr.ID}, api.ListParams{Sort: "position"}, func(x Measure) error {
		pr.MeasureList = append(pr.MeasureList, x)
		return nil
	})
	return pr, err
}

func (m *Module) problemReader(ctx context.Context, p *auth.Principal, id db.ID) (Problem, error) {
	return m.GetProblem(ctx, m.DB, p, id)
}

// orgIn returns the path and name of an org in the caller's scope (ok false: unknown or
// out of scope).
func orgIn(ctx context.Context, q db.Querier, p *auth.Principal, id db.ID) (path, name string, ok bool, err error) {
	err = q.QueryRow(ctx, `SELECT path, name FROM orgs WHERE id = ?`, id).Scan(&path, &name)
	if db.IsNoRows(err) {
		return "", "", false, nil
	}
	if err != nil {
		return "", "", false, err
	}
	return path, name, inScope(p.Scope, path), nil
}

func (in *ProblemInput) validate(ctx context.Context, q db.Querier, p *auth.Principal, creating bool) (orgPath string, v *apperr.Validation, err error) {
	v = &apperr.Validation{}
	v.Text("title", in.Title, creating, true, 200)
	v.Text("code", in.Code, creating, false, 40)
	v.Text("description", in.Description, creating, false, 4000)
	v.Text("source", in.Source, creating, false, 100)
	switch {
	case in.SourceKind == nil && creating:
		v.Add("source_kind", "validate.required", nil)
	case in.SourceKind != nil && !slices.Contains(SourceKinds, *in.SourceKind):
		v.Add("source_kind", "validate.one_of", apperr.E{"values": strings.Join(SourceKinds, ", ")})
	}
	if in.Year != nil && (*in.Year < 2000 || *in.Year > 2100) {
		v.Add("year", "validate.between", apperr.E{"min": 2000, "max": 2100})
	}
	switch {
	case in.OrgID == nil && creating:
		v.Add("org_id", "validate.required", nil)
	case in.OrgID != nil:
		path, _, ok, err := orgIn(ctx, q, p, *in.OrgID)
		if err != nil {
			return "", v, err
		}
		if !ok {
			v.Add("org_id", "validate.unknown_ref", nil)
		}
		orgPath = path
	}
	return orgPath, v, nil
}

// CreateProblem lists a problem with its measures inside tx (the reflections submit
// theirs this way) and audits it. Errors: Invalid.
func (m *Module) CreateProblem(ctx context.Context, tx *db.Tx, actor *auth.Principal, in ProblemInput) (db.ID, error) {
	orgPath, v, err := in.validate(ctx, tx, actor, true)
	if err != nil {
		return 0, err
	}
	now := m.Clock.Now()
	measures := make([]measureRow, len(in.Measures))
	for i := range in.Measures {
		measures[i], err = m.checkMeasure(ctx, tx, actor, &in.Measures[i], true, now, v, fmt.Sprintf("measures[%d].", i))
		if err != nil {
			return 0, err
		}
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	year := now.In(clock.China).Year()
	if in.Year != nil {
		year = *in.Year
	}
	var id db.ID
	if err := tx.QueryRow(ctx, `INSERT INTO problems (year, code, title, description, source_kind, source, source_id, org_id, org_path,
		created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		year, db.Text(in.Code), db.Text(in.Title), db.Text(in.Description), *in.SourceKind, db.Text(in.Source), in.SourceID, *in.OrgID, orgPath,
		actor.UserRef(), now, now).Scan(&id); err != nil {
		return 0, err
	}
	for i, mr := range measures {
		if _, err := m.insertMeasure(ctx, tx, actor, id, i+1, mr, now); err != nil {
			return 0, err
		}
	}
	return id, m.Audit.Record(ctx, tx, audit.Entry{Action: "tackling.problem_create", ObjectType: "problem", ObjectID: id.String(),
		Detail: map[string]any{"title": db.Text(in.Title), "source_kind": *in.SourceKind, "org_id": in.OrgID.String(), "year": year, "measures": len(measures)}})
}

// NewProblem lists a problem with its measures (tackling.write). Errors: Forbidden, Invalid.
func (m *Module) NewProblem(ctx context.Context, p *auth.Principal, in ProblemInput) (db.ID, error) {
	if !p.Can(PermWrite) {
		return 0, apperr.Forbid()
	}
	var id db.ID
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = m.CreateProblem(ctx, tx, p, in)
		return err
	})
	return id, err
}

// UpdateProblem changes a problem whose lead unit is in scope (tackling.write).
// Errors: NotFound, Forbidden, Invalid.
func (m *Module) UpdateProblem(ctx context.Context, p *auth.Principal, id db.ID, in ProblemInput) error {
	return m.DB.Tx(ctx, func(tx *db.Tx) error {
		pr, err := m.GetProblem(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if !p.Can(PermWrite) || !inScope(p.Scope, pr.path) {
			return apperr.Forbid()
		}
		orgPath, v, err := in.validate(ctx, tx, p, false)
		if err != nil {
			return err
		}
		if len(in.Measures) > 0 {
			v.Add("measures", "tackling.measures_on_patch", nil)
		}
		if err := v.Err(); err != nil {
			return err
		}
		set := db.NewSet("updated_at", m.Clock.Now())
		set.Text("title", in.Title)
		set.Text("code", in.Code)
		set.Text("description", in.Description)
		set.Text("source", in.Source)
		if in.SourceKind != nil {
			set.Add("source_kind", *in.SourceKind)
		}
		if in.Year != nil {
			set.Add("year", *in.Year)
		}
		if in.SourceID != nil {
			set.Add("source_id", *in.SourceID)
		}
		if in.OrgID != nil {
			set.Add("org_id", *in.OrgID)
			set.Also("org_path", orgPath)
		}
		q, args := set.Update("problems", "id = ?", id)
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return err
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "tackling.problem_update", ObjectType: "problem", ObjectID: id.String(), Detail: set.Changed})
	})
}
