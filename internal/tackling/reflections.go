package tackling

import (
	"context"
	"encoding/json"
	"fmt"
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

// Aspects are the five aspects of the 五个反思 of each body.
var Aspects = map[string][]string{
	"party_committee": {"planning", "staffing", "establishment", "mechanisms", "accountability"},
	"government":      {"baseline", "expertise", "investment", "work_style", "execution"},
}

// Bodies are who reflect: the party committee or a government (the district's or a town's).
var Bodies = []string{"party_committee", "government"}

// Reflection is one body's yearly 五个反思: five aspects scored out of 100 with findings,
// a summary, and actions that become the measures of a problem when it is submitted.
type Reflection struct {
	ID        db.ID          `json:"id"`
	Year      int            `json:"year"`
	Body      string         `json:"body" jsonschema:"enum=party_committee,enum=government"`
	OrgID     db.ID          `json:"org_id"`
	OrgName   string         `json:"org_name"`
	Summary   string         `json:"summary"`
	Status    string         `json:"status" jsonschema:"enum=draft,enum=submitted"`
	Score     int            `json:"score" jsonschema:"description=the mean of the five scores"`
	ProblemID *db.ID         `json:"problem_id" jsonschema:"nullable,description=the problem its actions became, once submitted"`
	Answers   []Answer       `json:"answers"`
	Actions   []MeasureInput `json:"actions" jsonschema:"description=the actions while a draft; once submitted, the problem's measures"`
	CreatedAt time.Time      `json:"created_at"`
	UpdatedAt time.Time      `json:"updated_at"`
	// Measures are the problem's measures in the caller's scope (one reflection, submitted).
	Measures []Measure `json:"measures,omitempty"`

	path string
}

// Answer is one aspect of a reflection.
type Answer struct {
	Aspect   string `json:"aspect" jsonschema:"enum=planning,enum=staffing,enum=establishment,enum=mechanisms,enum=accountability,enum=baseline,enum=expertise,enum=investment,enum=work_style,enum=execution"`
	Score    int    `json:"score" jsonschema:"description=0–100"`
	Findings string `json:"findings"`
}

// ReflectionInput writes a reflection (year, body, org and the five answers required
// when creating); Submit turns its actions into the measures of a problem at once.
type ReflectionInput struct {
	Year    *int           `json:"year,omitempty" form:"year"`
	Body    *string        `json:"body,omitempty" form:"body" jsonschema:"enum=party_committee,enum=government"`
	OrgID   *db.ID         `json:"org_id,omitempty" form:"org_id" jsonschema:"description=the party committee, the district government or a town government"`
	Summary *string        `json:"summary,omitempty" form:"summary"`
	Answers []Answer       `json:"answers,omitempty" form:"-" jsonschema:"description=the five aspects of the body (all five when creating)"`
	Actions []MeasureInput `json:"actions,omitempty" form:"-" jsonschema:"description=replaces the actions (text, leader, department, deadline)"`
	Submit  bool           `json:"submit,omitempty" form:"submit,checkbox" jsonschema:"description=submit now: the actions become the measures of a problem"`
}

// SubmitInput submits a draft reflection (an empty object).
type SubmitInput struct{}

// ReflectionFilter selects reflections.
type ReflectionFilter struct {
	Year   *int   `query:"year"`
	Body   string `query:"body" enum:"party_committee,government"`
	OrgID  *db.ID `query:"org_id"`
	Status string `query:"status" enum:"draft,submitted"`
}

var reflectionSorting = api.Sorting{
	Columns:  map[string]string{"year": "r.year", "org": "o.path", "updated_at": "r.updated_at"},
	Default:  "-year",
	Tiebreak: "r.id",
}

var reflectionExport = api.Export[Reflection]{Name: "tackling.export_reflections", Columns: []api.Column[Reflection]{
	{Header: "tackling.field.year", Value: func(r Reflection) any { return r.Year }, Width: 6},
	{Header: "tackling.field.reflection_org", Value: func(r Reflection) any { return r.OrgName }, Width: 24},
	{Header: "tackling.field.body", Value: func(r Reflection) any { return i18n.Key("tackling.body." + r.Body) }, Width: 10},
	{Header: "tackling.field.status", Value: func(r Reflection) any { return i18n.Key("tackling.rstatus." + r.Status) }, Width: 10},
	{Header: "tackling.field.score", Value: func(r Reflection) any { return r.Score }, Width: 8},
	{Header: "tackling.field.summary", Value: func(r Reflection) any { return r.Summary }, Width: 60},
}}

const selectReflection = `SELECT r.id, r.year, r.body, r.org_id, o.name, r.summary, r.status, r.problem_id, r.actions, r.created_at,
	r.updated_at, r.org_path, COALESCE((SELECT SUM(a.score) / COUNT(*) FROM reflection_answers a WHERE a.reflection_id = r.id), 0)
	FROM reflections r JOIN orgs o ON o.id = r.org_id`

func scanReflection(s db.Scanner) (Reflection, error) {
	var r Reflection
	var actions string
	err := s.Scan(&r.ID, &r.Year, &r.Body, &r.OrgID, &r.OrgName, &r.Summary, &r.Status, &r.ProblemID, &actions, &r.CreatedAt,
		&r.UpdatedAt, &r.path, &r.Score)
	if err == nil {
		r.Actions = []MeasureInput{}
		err = json.Unmarshal([]byte(actions), &r.Actions)
	}
	return r, err
}

// ListReflections calls each for the reflections in the caller's scope.
func (m *Module) ListReflections(ctx context.Context, p *auth.Principal, f ReflectionFilter, lp api.ListParams, each func(Reflection) error) (int, error) {
	var w db.Where
	w.AddCond(pathCond(p.Scope, "r.org_path"))
	w.Eq("r.year", f.Year)
	w.Eq("r.body", f.Body)
	w.Eq("r.org_id", f.OrgID)
	w.Eq("r.status", f.Status)
	lq := api.ListQuery{Select: selectReflection, Count: `FROM reflections r`, Where: w, Sorting: reflectionSorting}
	return api.QueryList(ctx, m.DB, lq, lp, scanReflection, each)
}

// GetReflection returns a reflection in the caller's scope with its answers and, once
// submitted, its measures. Errors: NotFound.
func (m *Module) GetReflection(ctx context.Context, q db.Querier, p *auth.Principal, id db.ID) (Reflection, error) {
	r, err := scanReflection(q.QueryRow(ctx, selectReflection+` WHERE r.id = ?`, id))
	if db.IsNoRows(err) || (err == nil && !inScope(p.Scope, r.path)) {
		return Reflection{}, apperr.NotFoundf("reflection")
	}
	if err != nil {
		return r, err
	}
	got, err := db.All(ctx, q, `SELECT aspect, score, findings FROM reflection_answers WHERE reflection_id = ?`, []any{id},
		func(s db.Scanner) (Answer, error) {
			var a Answer
			return a, s.Scan(&a.Aspect, &a.Score, &a.Findings)
		})
	if err != nil {
		return r, err
	}
	r.Answers = []Answer{}
	for _, aspect := range Aspects[r.Body] {
		for _, a := range got {
			if a.Aspect == aspect {
				r.Answers = append(r.Answers, a)
			}
		}
	}
	if r.ProblemID != nil {
		r.Measures = []Measure{}
		_, err = m.ListMeasures(ctx, p, MeasureFilter{ProblemID: r.ProblemID}, api.ListParams{Sort: "position"}, func(x Measure) error {
			r.Measures = append(r.Measures, x)
			return nil
		})
	}
	return r, err
}

func (m *Module) reflectionReader(ctx context.Context, p *auth.Principal, id db.ID) (Reflection, error) {
	return m.GetReflection(ctx, m.DB, p, id)
}

// checkReflection checks the fields of in for a reflection of body (creating: all
// required), the actions included, and returns the org's path.
func (m *Module) checkReflection(ctx context.Context, q db.Querier, p *auth.Principal, in *ReflectionInput, body string, creating bool,
	now time.Time) (string, error) {
	v := &apperr.Validation{}
	v.Text("summary", in.Summary, creating, false, 4000)
	if creating && in.Year == nil {
		v.Add("year", "validate.required", nil)
	} else if in.Year != nil && (*in.Year < 2000 || *in.Year > 2100) {
		v.Add("year", "validate.between", apperr.E{"min": 2000, "max": 2100})
	}
	if creating && in.Body == nil {
		v.Add("body", "validate.required", nil)
	} else if in.Body != nil && !slices.Contains(Bodies, *in.Body) {
		v.Add("body", "validate.one_of", apperr.E{"values": strings.Join(Bodies, ", ")})
	}
	var path string
	if creating && in.OrgID == nil {
		v.Add("org_id", "validate.required", nil)
	} else if in.OrgID != nil {
		pth, _, ok, err := orgIn(ctx, q, p, *in.OrgID)
		if err != nil {
			return "", err
		}
		if !ok {
			v.Add("org_id", "validate.unknown_ref", nil)
		}
		path = pth
	}
	aspects := Aspects[body]
	if creating && len(in.Answers) != len(aspects) && aspects != nil {
		v.Add("answers", "tackling.answers_all", apperr.E{"n": len(aspects)})
	}
	seen := map[string]bool{}
	for i, a := range in.Answers {
		f := fmt.Sprintf("answers[%d].", i)
		switch {
		case aspects != nil && !slices.Contains(aspects, a.Aspect):
			v.Add(f+"aspect", "validate.one_of", apperr.E{"values": strings.Join(aspects, ", ")})
		case seen[a.Aspect]:
			v.Add(f+"aspect", "tackling.aspect_twice", nil)
		}
		seen[a.Aspect] = true
		if a.Score < 0 || a.Score > 100 {
			v.Add(f+"score", "validate.between", apperr.E{"min": 0, "max": 100})
		}
		if len([]rune(a.Findings)) > 2000 {
			v.Add(f+"findings", "validate.max_len", apperr.E{"max": 2000})
		}
	}
	if len(in.Actions) > 50 {
		v.Add("actions", "tackling.too_many_actions", apperr.E{"max": 50})
	}
	for i := range in.Actions {
		if _, err := m.checkMeasure(ctx, q, p, &in.Actions[i], true, now, v, fmt.Sprintf("actions[%d].", i)); err != nil {
			return "", err
		}
	}
	return path, v.Err()
}

// CreateReflection writes a reflection (tackling.write), a draft unless in.Submit.
// Errors: Forbidden, Invalid, Conflict (the org's reflection of the year exists).
func (m *Module) CreateReflection(ctx context.Context, p *auth.Principal, in ReflectionInput) (db.ID, error) {
	if !p.Can(PermWrite) {
		return 0, apperr.Forbid()
	}
	var id db.ID
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		now := m.Clock.Now()
		path, err := m.checkReflection(ctx, tx, p, &in, db.Text(in.Body), true, now)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM reflections WHERE year = ? AND org_id = ?`, *in.Year, *in.OrgID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return apperr.Conflictf("tackling.reflection_exists", apperr.E{"year": *in.Year})
		}
		actions, err := json.Marshal(actionsOf(in.Actions))
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO reflections (year, body, org_id, org_path, summary, actions, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, *in.Year, *in.Body, *in.OrgID, path, strings.TrimSpace(db.Text(in.Summary)),
			string(actions), p.UserRef(), now, now).Scan(&id); err != nil {
			return err
		}
		if err := writeAnswers(ctx, tx, id, in.Answers); err != nil {
			return err
		}
		if err := m.Audit.Record(ctx, tx, audit.Entry{Action: "tackling.reflection_create", ObjectType: "reflection", ObjectID: id.String(),
			Detail: map[string]any{"year": *in.Year, "body": *in.Body, "org_id": in.OrgID.String()}}); err != nil {
			return err
		}
		if in.Submit {
			return m.submit(ctx, tx, p, id)
		}
		return nil
	})
	return id, err
}

func actionsOf(in []MeasureInput) []MeasureInput {
	if in == nil {
		return []MeasureInput{}
	}
	return in
}

func writeAnswers(ctx context.Context, tx *db.Tx, id db.ID, answers []Answer) error {
	for _, a := range answers {
		if _, err := tx.Exec(ctx, `DELETE FROM reflection_answers WHERE reflection_id = ? AND aspect = ?`, id, a.Aspect); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO reflection_answers (reflection_id, aspect, score, findings) VALUES (?, ?, ?, ?)`,
			id, a.Aspect, a.Score, strings.TrimSpace(a.Findings)); err != nil {
			return err
		}
	}
	return nil
}

// writable returns a reflection the caller may change: tackling.write, its org in scope,
// still a draft. Errors: NotFound, Forbidden, Conflict.
func (m *Module) writableReflection(ctx context.Context, tx *db.Tx, p *auth.Principal, id db.ID) (Reflection, error) {
	r, err := m.GetReflection(ctx, tx, p, id)
	if err != nil {
		return r, err
	}
	if !p.Can(PermWrite) {
		return r, apperr.Forbid()
	}
	if r.Status == "submitted" {
		return r, apperr.Conflictf("tackling.reflection_submitted", nil)
	}
	return r, nil
}

// UpdateReflection changes a draft reflection; in.Submit submits it.
// Errors: NotFound, Forbidden, Conflict, Invalid.
func (m *Module) UpdateReflection(ctx context.Context, p *auth.Principal, id db.ID, in ReflectionInput) error {
	return m.DB.Tx(ctx, func(tx *db.Tx) error {
		r, err := m.writableReflection(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if in.Body != nil || in.OrgID != nil || in.Year != nil {
			v := &apperr.Validation{}
			for f, given := range map[string]bool{"body": in.Body != nil, "org_id": in.OrgID != nil, "year": in.Year != nil} {
				if given {
					v.Add(f, "validate.read_only", nil)
				}
			}
			return v.Err()
		}
		now := m.Clock.Now()
		if _, err := m.checkReflection(ctx, tx, p, &in, r.Body, false, now); err != nil {
			return err
		}
		set := db.NewSet("updated_at", now)
		set.Text("summary", in.Summary)
		if in.Actions != nil {
			actions, err := json.Marshal(in.Actions)
			if err != nil {
				return err
			}
			set.Add("actions", string(actions))
		}
		q, args := set.Update("reflections", "id = ?", id)
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return err
		}
		if err := writeAnswers(ctx, tx, id, in.Answers); err != nil {
			return err
		}
		if len(in.Answers) > 0 {
			set.Changed["answers"] = len(in.Answers)
		}
		if err := m.Audit.Record(ctx, tx, audit.Entry{Action: "tackling.reflection_update", ObjectType: "reflection", ObjectID: id.String(),
			Detail: set.Changed}); err != nil {
			return err
		}
		if in.Submit {
			return m.submit(ctx, tx, p, id)
		}
		return nil
	})
}

// SubmitReflection submits a draft: its actions become the measures of a problem of
// source_kind reflection, in the same transaction. A submitted one answers 409.
func (m *Module) SubmitReflection(ctx context.Context, p *auth.Principal, id db.ID, _ SubmitInput) (Reflection, error) {
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := m.writableReflection(ctx, tx, p, id); err != nil {
			return err
		}
		return m.submit(ctx, tx, p, id)
	})
	if err != nil {
		return Reflection{}, err
	}
	return m.GetReflection(ctx, m.DB, p, id)
}

// submit turns a draft's actions into a problem's measures (once: the status update
// claims the draft first).
func (m *Module) submit(ctx context.Context, tx *db.Tx, p *auth.Principal, id db.ID) error {
	now := m.Clock.Now()
	res, err := tx.Exec(ctx, `UPDATE reflections SET status = 'submitted', updated_at = ? WHERE id = ? AND status = 'draft'`, now, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return apperr.Conflictf("tackling.reflection_submitted", nil)
	}
	r, err := m.GetReflection(ctx, tx, p, id)
	if err != nil {
		return err
	}
	var answers int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM reflection_answers WHERE reflection_id = ?`, id).Scan(&answers); err != nil {
		return err
	}
	if answers < len(Aspects[r.Body]) {
		v := &apperr.Validation{}
		v.Add("answers", "tackling.answers_all", apperr.E{"n": len(Aspects[r.Body])})
		return v.Err()
	}
	title := fmt.Sprintf("%s%d年度五个反思整改", r.OrgName, r.Year)
	kind, code := "reflection", fmt.Sprintf("反思-%d", r.Year)
	pid, err := m.CreateProblem(ctx, tx, p, ProblemInput{Year: &r.Year, Code: &code, Title: &title, Description: &r.Summary,
		SourceKind: &kind, Source: &r.OrgName, SourceID: &id, OrgID: &r.OrgID, Measures: r.Actions})
	if err != nil {
		return apperr.RenameFields(err, func(f string) string { return strings.Replace(f, "measures[", "actions[", 1) })
	}
	if _, err := tx.Exec(ctx, `UPDATE reflections SET problem_id = ? WHERE id = ?`, pid, id); err != nil {
		return err
	}
	return m.Audit.Record(ctx, tx, audit.Entry{Action: "tackling.reflection_submit", ObjectType: "reflection", ObjectID: id.String(),
		Detail: map[string]any{"problem_id": pid.String(), "measures": len(r.Actions)}})
}
