package tackling

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// Measure is what is done about a problem: owned by a leader, carried out by a
// department, by a deadline.
type Measure struct {
	ID             db.ID      `json:"id"`
	ProblemID      db.ID      `json:"problem_id"`
	ProblemCode    string     `json:"problem_code"`
	ProblemTitle   string     `json:"problem_title"`
	Year           int        `json:"year"`
	SourceKind     string     `json:"source_kind" jsonschema:"enum=state_council,enum=province,enum=city,enum=inspection,enum=reflection,enum=meeting,enum=other"`
	Position       int        `json:"position"`
	Text           string     `json:"text"`
	LeaderID       *db.ID     `json:"leader_id" jsonschema:"nullable,description=the owning leader (a person)"`
	LeaderName     string     `json:"leader_name"`
	LeaderPost     string     `json:"leader_post"`
	DepartmentID   db.ID      `json:"department_id"`
	DepartmentName string     `json:"department_name"`
	Deadline       time.Time  `json:"deadline" jsonschema:"description=the end of the due day"`
	Status         string     `json:"status" jsonschema:"enum=open,enum=completed,enum=verified"`
	Progress       int        `json:"progress" jsonschema:"description=percent done, as last reported"`
	Overdue        bool       `json:"overdue" jsonschema:"description=not verified and past its deadline"`
	OnTime         *bool      `json:"on_time" jsonschema:"nullable,description=verified: whether it was completed by the deadline"`
	CompletedAt    *time.Time `json:"completed_at" jsonschema:"nullable"`
	CompletedBy    string     `json:"completed_by" jsonschema:"description=who reported it done"`
	VerifiedAt     *time.Time `json:"verified_at" jsonschema:"nullable"`
	VerifiedBy     string     `json:"verified_by" jsonschema:"description=who verified it"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	// History is the measure's progress reports and steps, newest first (one measure only).
	History []Step `json:"history,omitempty"`

	path          string
	completedByID *db.ID
}

// Timely reports a measure verified and completed by its deadline.
func (x Measure) Timely() bool { return x.OnTime != nil && *x.OnTime }

// Step is one entry of a measure's history: a progress report, its completion, its
// verification or a reject (with the reason).
type Step struct {
	ID          db.ID        `json:"id"`
	Kind        string       `json:"kind" jsonschema:"enum=progress,enum=complete,enum=verify,enum=reject,enum=change"`
	Text        string       `json:"text"`
	Progress    int          `json:"progress"`
	By          string       `json:"by"`
	At          time.Time    `json:"at"`
	Attachments []Attachment `json:"attachments"`
}

// Attachment is a file of a progress report.
type Attachment struct {
	ID          db.ID  `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	URL         string `json:"url"`
}

// ProgressInput reports progress on a measure.
type ProgressInput struct {
	Text          *string `json:"text,omitempty" form:"text"`
	Percent       *int    `json:"percent,omitempty" form:"percent" jsonschema:"description=0–100"`
	AttachmentIDs []db.ID `json:"attachment_ids,omitempty" form:"-" jsonschema:"description=photos or files uploaded first (POST /api/v1/attachments)"`
}

// StepInput completes, verifies or rejects a measure: what was done, the verifier's
// remark, or the reason of a reject (required in each).
type StepInput struct {
	Text *string `json:"text,omitempty" form:"text" jsonschema:"description=what was done (complete), the verifier's remark (verify), the reason (reject)"`
}

// MeasureFilter selects measures; the figures count through the same conditions.
type MeasureFilter struct {
	ProblemID     *db.ID   `query:"problem_id"`
	LeaderID      *db.ID   `query:"leader_id"`
	DepartmentID  *db.ID   `query:"department_id"`
	Status        []string `query:"status" enum:"open,completed,verified" doc:"one or more, comma-separated"`
	Overdue       *bool    `query:"overdue" doc:"true: not verified and past the deadline"`
	OnTime        *bool    `query:"on_time" doc:"true: verified and completed by the deadline; false: verified late"`
	Year          *int     `query:"year" doc:"the problem's year"`
	SourceKind    []string `query:"source_kind" enum:"state_council,province,city,inspection,reflection,meeting,other"`
	DueWithinDays *int     `query:"due_within_days" doc:"not verified and due within this many days (overdue included)"`
	Verifiable    *bool    `query:"verifiable" doc:"true: completed, and the caller may verify it (not its leader nor who completed it)"`
	Q             string   `query:"q" doc:"measure text or problem title contains"`
}

var measureSorting = api.Sorting{
	Columns: map[string]string{"deadline": "m.deadline", "position": "m.position", "status": "m.status", "progress": "m.progress",
		"problem": "p.code", "created_at": "m.created_at", "updated_at": "m.updated_at"},
	Default:  "deadline",
	Tiebreak: "m.id",
}

func (m *Module) measureExport() api.Export[Measure] {
	return api.Export[Measure]{Name: "tackling.export_measures", Columns: []api.Column[Measure]{
		{Header: "tackling.field.year", Value: func(x Measure) any { return x.Year }, Width: 6},
		{Header: "tackling.field.code", Value: func(x Measure) any { return x.ProblemCode }, Width: 10},
		{Header: "tackling.field.problem", Value: func(x Measure) any { return x.ProblemTitle }, Width: 36},
		{Header: "tackling.field.source_kind", Value: func(x Measure) any { return i18n.Key("tackling.source_kind." + x.SourceKind) }, Width: 16},
		{Header: "tackling.field.measure", Value: func(x Measure) any { return x.Text }, Width: 50},
		{Header: "tackling.field.leader", Value: func(x Measure) any { return x.LeaderName }, Width: 10},
		{Header: "tackling.field.department", Value: func(x Measure) any { return x.DepartmentName }, Width: 20},
		{Header: "tackling.field.deadline", Value: func(x Measure) any { return api.DueDay(&x.Deadline) }, Width: 12},
		{Header: "tackling.field.status", Value: func(x Measure) any { return i18n.Key("tackling.status." + x.Status) }, Width: 10},
		{Header: "tackling.field.progress", Value: func(x Measure) any { return x.Progress }, Width: 8},
		{Header: "tackling.field.overdue", Value: func(x Measure) any { return x.Overdue }, Width: 8},
		{Header: "tackling.field.completed_at", Value: func(x Measure) any { return api.Day(x.CompletedAt) }, Width: 12},
		{Header: "tackling.field.verified_at", Value: func(x Measure) any { return api.Day(x.VerifiedAt) }, Width: 12},
	}}
}

const selectMeasure = `SELECT m.id, m.problem_id, p.code, p.title, p.year, p.source_kind, m.position, m.text, m.leader_id,
	COALESCE(l.name, ''), COALESCE((SELECT ps.title FROM posts ps WHERE ps.person_id = l.id ORDER BY ps.rank, ps.id LIMIT 1), ''),
	m.department_id, d.name, m.deadline, m.status, m.progress, m.completed_at, COALESCE(cu.display_name, ''), m.completed_by,
	m.verified_at, COALESCE(vu.display_name, ''), m.created_at, m.updated_at, m.org_path
	FROM measures m
	JOIN problems p ON p.id = m.problem_id
	JOIN orgs d ON d.id = m.department_id
	LEFT JOIN people l ON l.id = m.leader_id
	LEFT JOIN users cu ON cu.id = m.completed_by
	LEFT JOIN users vu ON vu.id = m.verified_by`

// scanMeasure reads a row of selectMeasure; now decides overdue.
func scanMeasure(now time.Time) func(s db.Scanner) (Measure, error) {
	return func(s db.Scanner) (Measure, error) {
		var x Measure
		err := s.Scan(&x.ID, &x.ProblemID, &x.ProblemCode, &x.ProblemTitle, &x.Year, &x.SourceKind, &x.Position, &x.Text, &x.LeaderID,
			&x.LeaderName, &x.LeaderPost, &x.DepartmentID, &x.DepartmentName, &x.Deadline, &x.Status, &x.Progress, &x.CompletedAt,
			&x.CompletedBy, &x.completedByID, &x.VerifiedAt, &x.VerifiedBy, &x.CreatedAt, &x.UpdatedAt, &x.path)
		x.Overdue = x.Status != "verified" && x.Deadline.Before(now)
		if x.Status == "verified" && x.CompletedAt != nil {
			ok := !x.CompletedAt.After(x.Deadline)
			x.OnTime = &ok
		}
		return x, err
	}
}

// The conditions of the measures' states, shared by the list's filters and the figures
// so that both count alike ('?' is now where it appears).
const (
	condVerified   = "m.status = 'verified'"
	condOverdue    = "(m.status <> 'verified' AND m.deadline < ?)"
	condNotOverdue = "(m.status = 'verified' OR m.deadline >= ?)"
	condOnTime     = "(m.status = 'verified' AND m.completed_at <= m.deadline)"
	condLate       = "(m.status = 'verified' AND m.completed_at > m.deadline)"
	condInProgress = "(m.status <> 'verified' AND m.deadline >= ?)"
)

// measureWhere is the scope and the filter of a measure query.
func (m *Module) measureWhere(p *auth.Principal, f MeasureFilter, now time.Time) db.Where {
	var w db.Where
	w.AddCond(pathCond(p.Scope, "m.org_path"))
	w.Eq("m.problem_id", f.ProblemID)
	w.Eq("m.leader_id", f.LeaderID)
	w.Eq("m.department_id", f.DepartmentID)
	w.AddCond(db.In("m.status", f.Status))
	w.Bool(f.Overdue, condOverdue, condNotOverdue, now)
	w.Bool(f.OnTime, condOnTime, condLate)
	w.Eq("p.year", f.Year)
	w.AddCond(db.In("p.source_kind", f.SourceKind))
	if f.DueWithinDays != nil {
		w.Add("m.status <> 'verified' AND m.deadline < ?", now.AddDate(0, 0, *f.DueWithinDays))
	}
	if f.Verifiable != nil && *f.Verifiable {
		w.Add("m.status = 'completed' AND (m.completed_by IS NULL OR m.completed_by <> ?)", p.UserID)
		if p.PersonID != nil {
			w.Add("(m.leader_id IS NULL OR m.leader_id <> ?)", *p.PersonID)
		}
		if !p.Can(PermVerify) {
			w.Add("1 = 0")
		}
	}
	w.AddCond(m.DB.Engine().ContainsAny(f.Q, "m.text", "p.title"))
	return w
}

// ListMeasures calls each for the measures in the caller's scope matching f, and returns
// how many match (when lp is paged).
func (m *Module) ListMeasures(ctx context.Context, p *auth.Principal, f MeasureFilter, lp api.ListParams, each func(Measure) error) (int, error) {
	now := m.Clock.Now()
	lq := api.ListQuery{Select: selectMeasure, Count: `FROM measures m JOIN problems p ON p.id = m.problem_id`,
		Where: m.measureWhere(p, f, now), Sorting: measureSorting}
	return api.QueryList(ctx, m.DB, lq, lp, scanMeasure(now), each)
}

// GetMeasure returns a measure in the caller's scope. Errors: NotFound.
func (m *Module) GetMeasure(ctx context.Context, q db.Querier, p *auth.Principal, id db.ID) (Measure, error) {
	x, err := scanMeasure(m.Clock.Now())(q.QueryRow(ctx, selectMeasure+` WHERE m.id = ?`, id))
	if db.IsNoRows(err) || (err == nil && !inScope(p.Scope, x.path)) {
		return Measure{}, apperr.NotFoundf("measure")
	}
	return x, err
}

// MeasureWithHistory returns a measure in the caller's scope with its history.
func (m *Module) MeasureWithHistory(ctx context.Context, p *auth.Principal, id db.ID) (Measure, error) {
	x, err := m.GetMeasure(ctx, m.DB, p, id)
	if err != nil {
		return x, err
	}
	x.History, err = m.history(ctx, id)
	return x, err
}

func (m *Module) history(ctx context.Context, id db.ID) ([]Step, error) {
	steps, err := db.All(ctx, m.DB, `SELECT s.id, s.kind, s.text, s.progress, COALESCE(u.display_name, ''), s.created_at
		FROM measure_progress s LEFT JOIN users u ON u.id = s.created_by WHERE s.measure_id = ? ORDER BY s.created_at DESC, s.id DESC`,
		[]any{id}, func(s db.Scanner) (Step, error) {
			var st Step
			err := s.Scan(&st.ID, &st.Kind, &st.Text, &st.Progress, &st.By, &st.At)
			st.Attachments = []Attachment{}
			return st, err
		})
	if err != nil || len(steps) == 0 {
		return []Step{}, err
	}
	idx := map[db.ID]int{}
	for i, s := range steps {
		idx[s.ID] = i
	}
	type link struct {
		step db.ID
		a    Attachment
	}
	err = db.Each(ctx, m.DB, `SELECT pa.progress_id, a.id, a.original_name, a.content_type FROM measure_progress_attachments pa
		JOIN attachments a ON a.id = pa.attachment_id JOIN measure_progress s ON s.id = pa.progress_id
		WHERE s.measure_id = ? ORDER BY a.id`, []any{id}, func(s db.Scanner) (link, error) {
		var l link
		err := s.Scan(&l.step, &l.a.ID, &l.a.Name, &l.a.ContentType)
		l.a.URL = fmt.Sprintf("/api/v1/attachments/%s/content", l.a.ID)
		return l, err
	}, func(l link) error {
		if i, ok := idx[l.step]; ok {
			steps[i].Attachments = append(steps[i].Attachments, l.a)
		}
		return nil
	})
	return steps, err
}

// measureRow is a checked MeasureInput.
type measureRow struct {
	text       string
	leader     *db.ID
	department db.ID
	path       string
	deadline   time.Time
}

// checkMeasure checks a MeasureInput into v (fields prefixed); creating requires text,
// department and deadline. The department must be in the caller's scope.
func (m *Module) checkMeasure(ctx context.Context, q db.Querier, p *auth.Principal, in *MeasureInput, creating bool, now time.Time,
	v *apperr.Validation, prefix string) (measureRow, error) {
	var r measureRow
	sub := &apperr.Validation{}
	sub.Text("text", in.Text, creating, true, 1000)
	r.text = strings.TrimSpace(db.Text(in.Text))
	switch {
	case in.DepartmentID == nil && creating:
		sub.Add("department_id", "validate.required", nil)
	case in.DepartmentID != nil:
		path, _, ok, err := orgIn(ctx, q, p, *in.DepartmentID)
		if err != nil {
			return r, err
		}
		if !ok {
			sub.Add("department_id", "validate.unknown_ref", nil)
		}
		r.department, r.path = *in.DepartmentID, path
	}
	if in.LeaderID != nil {
		var n int
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM people WHERE id = ?`, *in.LeaderID).Scan(&n); err != nil {
			return r, err
		}
		if n == 0 {
			sub.Add("leader_id", "validate.unknown_ref", nil)
		}
		r.leader = in.LeaderID
	}
	switch {
	case in.Deadline == nil && creating:
		sub.Add("deadline", "validate.required", nil)
	case in.Deadline != nil:
		r.deadline, _ = api.Due(sub, "deadline", *in.Deadline, time.Time{}, "")
	}
	if err := sub.Err(); err != nil {
		for _, fe := range apperr.As(err).Fields {
			v.Add(prefix+fe.Field, fe.Key, fe.Args)
		}
	}
	return r, nil
}

func (m *Module) insertMeasure(ctx context.Context, tx *db.Tx, p *auth.Principal, problem db.ID, pos int, r measureRow, now time.Time) (db.ID, error) {
	var id db.ID
	err := tx.QueryRow(ctx, `INSERT INTO measures (problem_id, position, text, leader_id, department_id, org_path, deadline, created_by,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		problem, pos, r.text, r.leader, r.department, r.path, r.deadline, p.UserRef(), now, now).Scan(&id)
	return id, err
}

// AddMeasure adds a measure to a problem whose lead unit is in scope (tackling.write).
// Errors: NotFound, Forbidden, Invalid.
func (m *Module) AddMeasure(ctx context.Context, p *auth.Principal, problem db.ID, in MeasureInput) (db.ID, error) {
	var id db.ID
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		pr, err := m.GetProblem(ctx, tx, p, problem)
		if err != nil {
			return err
		}
		if !p.Can(PermWrite) || !inScope(p.Scope, pr.path) {
			return apperr.Forbid()
		}
		now := m.Clock.Now()
		v := &apperr.Validation{}
		r, err := m.checkMeasure(ctx, tx, p, &in, true, now, v, "")
		if err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		var pos int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM measures WHERE problem_id = ?`, problem).Scan(&pos); err != nil {
			return err
		}
		if id, err = m.insertMeasure(ctx, tx, p, problem, pos, r, now); err != nil {
			return err
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "tackling.measure_create", ObjectType: "measure", ObjectID: id.String(),
			Detail: map[string]any{"problem_id": problem.String(), "text": r.text, "department_id": r.department.String()}})
	})
	return id, err
}

// UpdateMeasure changes a measure's text, leader, department or deadline (tackling.write,
// the problem's lead unit in scope). Errors: NotFound, Forbidden, Invalid.
func (m *Module) UpdateMeasure(ctx context.Context, p *auth.Principal, id db.ID, in MeasureInput) error {
	return m.DB.Tx(ctx, func(tx *db.Tx) error {
		x, err := m.GetMeasure(ctx, tx, p, id)
		if err != nil {
			return err
		}
		var probPath string
		if err := tx.QueryRow(ctx, `SELECT org_path FROM problems WHERE id = ?`, x.ProblemID).Scan(&probPath); err != nil {
			return err
		}
		if !p.Can(PermWrite) || !inScope(p.Scope, probPath) {
			return apperr.Forbid()
		}
		now := m.Clock.Now()
		v := &apperr.Validation{}
		r, err := m.checkMeasure(ctx, tx, p, &in, false, now, v, "")
		if err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		set := db.NewSet("updated_at", now)
		set.Text("text", in.Text)
		if in.LeaderID != nil {
			set.Add("leader_id", *in.LeaderID)
		}
		if in.DepartmentID != nil {
			set.Add("department_id", r.department)
			set.Also("org_path", r.path)
		}
		if in.Deadline != nil {
			set.Add("deadline", r.deadline)
		}
		q, args := set.Update("measures", "id = ?", id)
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return err
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "tackling.measure_update", ObjectType: "measure", ObjectID: id.String(), Detail: set.Changed})
	})
}

// carries reports whether p may report on a measure: a user of its department (or a unit
// under it), or a holder of tackling.write whose scope holds it.
func carries(p *auth.Principal, x Measure) bool {
	return strings.HasPrefix(p.OrgPath, x.path) || p.Can(PermWrite)
}

// step appends an entry to a measure's history and links its attachments.
func (m *Module) step(ctx context.Context, tx *db.Tx, p *auth.Principal, x Measure, kind, text string, progress int, attachments []db.ID) error {
	var sid db.ID
	if err := tx.QueryRow(ctx, `INSERT INTO measure_progress (measure_id, kind, text, progress, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, x.ID, kind, text, progress, p.UserRef(), m.Clock.Now()).Scan(&sid); err != nil {
		return err
	}
	if len(attachments) == 0 {
		return nil
	}
	if err := m.Attachments.Link(ctx, tx, p, attachments, x.path, nil, nil); err != nil {
		return err
	}
	for _, a := range attachments {
		if _, err := tx.Exec(ctx, `INSERT INTO measure_progress_attachments (progress_id, attachment_id) VALUES (?, ?)`, sid, a); err != nil {
			if db.IsUnique(err) {
				v := apperr.Validation{}
				v.Add("attachment_ids", "tackling.attachment_reused", nil)
				return v.Err()
			}
			return err
		}
	}
	return nil
}

// ReportProgress records a progress report on an open measure (its department, or
// tackling.write). Errors: NotFound, Forbidden, Conflict, Invalid.
func (m *Module) ReportProgress(ctx context.Context, p *auth.Principal, id db.ID, in ProgressInput) (Measure, error) {
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		x, err := m.GetMeasure(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if !carries(p, x) {
			return apperr.New(apperr.Forbidden, "tackling.not_carrier", nil)
		}
		if x.Status == "verified" {
			return apperr.Conflictf("tackling.already_verified", nil)
		}
		v := &apperr.Validation{}
		v.Text("text", in.Text, true, true, 2000)
		switch {
		case in.Percent == nil:
			v.Add("percent", "validate.required", nil)
		case *in.Percent < 0 || *in.Percent > 100:
			v.Add("percent", "validate.between", apperr.E{"min": 0, "max": 100})
		}
		if len(in.AttachmentIDs) > 20 {
			v.Add("attachment_ids", "tackling.too_many_files", apperr.E{"max": 20})
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := m.step(ctx, tx, p, x, "progress", strings.TrimSpace(*in.Text), *in.Percent, in.AttachmentIDs); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE measures SET progress = ?, updated_at = ? WHERE id = ?`, *in.Percent, m.Clock.Now(), id); err != nil {
			return err
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "tackling.measure_progress", ObjectType: "measure", ObjectID: id.String(),
			Detail: map[string]any{"progress": *in.Percent, "attachments": len(in.AttachmentIDs)}})
	})
	if err != nil {
		return Measure{}, err
	}
	return m.MeasureWithHistory(ctx, p, id)
}

// CompleteMeasure reports an open measure done (its department, or tackling.write).
// Errors: NotFound, Forbidden, Conflict.
func (m *Module) CompleteMeasure(ctx context.Context, p *auth.Principal, id db.ID, in StepInput) (Measure, error) {
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		x, err := m.GetMeasure(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if !carries(p, x) {
			return apperr.New(apperr.Forbidden, "tackling.not_carrier", nil)
		}
		if x.Status != "open" {
			return apperr.Conflictf("tackling.not_open", nil)
		}
		v := &apperr.Validation{}
		v.Text("text", in.Text, true, true, 2000)
		if err := v.Err(); err != nil {
			return err
		}
		now := m.Clock.Now()
		if _, err := tx.Exec(ctx, `UPDATE measures SET status = 'completed', progress = 100, completed_at = ?, completed_by = ?, updated_at = ?
			WHERE id = ?`, now, p.UserRef(), now, id); err != nil {
			return err
		}
		if err := m.step(ctx, tx, p, x, "complete", strings.TrimSpace(*in.Text), 100, nil); err != nil {
			return err
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "tackling.measure_complete", ObjectType: "measure", ObjectID: id.String(),
			Detail: map[string]any{"on_time": !now.After(x.Deadline)}})
	})
	if err != nil {
		return Measure{}, err
	}
	return m.MeasureWithHistory(ctx, p, id)
}

// mayVerify checks that p may verify or reject a completed measure: tackling.verify, and
// neither its owning leader nor whoever completed it.
func mayVerify(p *auth.Principal, x Measure) error {
	switch {
	case !p.Can(PermVerify):
		return apperr.Forbid()
	case x.LeaderID != nil && p.PersonID != nil && *x.LeaderID == *p.PersonID:
		return apperr.New(apperr.Forbidden, "tackling.verify_own_leader", nil)
	case x.completedByID != nil && *x.completedByID == p.UserID:
		return apperr.New(apperr.Forbidden, "tackling.verify_own_completion", nil)
	case x.Status != "completed":
		return apperr.Conflictf("tackling.not_completed", nil)
	}
	return nil
}

// VerifyMeasure verifies (验收) a completed measure. Errors: NotFound, Forbidden, Conflict.
func (m *Module) VerifyMeasure(ctx context.Context, p *auth.Principal, id db.ID, in StepInput) (Measure, error) {
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		x, err := m.GetMeasure(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := mayVerify(p, x); err != nil {
			return err
		}
		v := &apperr.Validation{}
		v.Text("text", in.Text, true, true, 2000)
		if err := v.Err(); err != nil {
			return err
		}
		now := m.Clock.Now()
		if _, err := tx.Exec(ctx, `UPDATE measures SET status = 'verified', verified_at = ?, verified_by = ?, updated_at = ? WHERE id = ?`,
			now, p.UserRef(), now, id); err != nil {
			return err
		}
		if err := m.step(ctx, tx, p, x, "verify", strings.TrimSpace(*in.Text), x.Progress, nil); err != nil {
			return err
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "tackling.measure_verify", ObjectType: "measure", ObjectID: id.String()})
	})
	if err != nil {
		return Measure{}, err
	}
	return m.MeasureWithHistory(ctx, p, id)
}

// RejectMeasure sends a completed measure back to open with the reason.
// Errors: NotFound, Forbidden, Conflict, Invalid.
func (m *Module) RejectMeasure(ctx context.Context, p *auth.Principal, id db.ID, in StepInput) (Measure, error) {
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		x, err := m.GetMeasure(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := mayVerify(p, x); err != nil {
			return err
		}
		v := &apperr.Validation{}
		v.Text("text", in.Text, true, true, 2000)
		if err := v.Err(); err != nil {
			return err
		}
		now := m.Clock.Now()
		if _, err := tx.Exec(ctx, `UPDATE measures SET status = 'open', completed_at = NULL, completed_by = NULL, updated_at = ? WHERE id = ?`,
			now, id); err != nil {
			return err
		}
		reason := strings.TrimSpace(*in.Text)
		if err := m.step(ctx, tx, p, x, "reject", reason, x.Progress, nil); err != nil {
			return err
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "tackling.measure_reject", ObjectType: "measure", ObjectID: id.String(),
			Detail: map[string]any{"reason": reason}})
	})
	if err != nil {
		return Measure{}, err
	}
	return m.MeasureWithHistory(ctx, p, id)
}
