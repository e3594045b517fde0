package tackling

import (
	"context"

	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// FiguresParams asks for the measures' figures per leader or per department.
type FiguresParams struct {
	By         string   `query:"by" enum:"leader,department" doc:"one row per owning leader (default) or per responsible department"`
	Year       *int     `query:"year"`
	SourceKind []string `query:"source_kind" enum:"state_council,province,city,inspection,reflection,meeting,other"`
}

// Figures counts the measures in scope per leader or department. Each count equals the
// total of /api/v1/measures with the row's id (leader_id or department_id), the same
// year and source_kind, and: status=verified (Verified), on_time=true (OnTime),
// overdue=true (Overdue), status=open,completed&overdue=false (InProgress).
type Figures struct {
	By    string      `json:"by" jsonschema:"enum=leader,enum=department"`
	Rows  []FigureRow `json:"rows"`
	Total FigureRow   `json:"total"`
}

// FigureRow is one leader's or department's measures.
type FigureRow struct {
	ID         *db.ID `json:"id" jsonschema:"nullable,description=the leader (a person) or the department; null: measures without a leader"`
	Name       string `json:"name"`
	Post       string `json:"post" jsonschema:"description=the leader's post"`
	Total      int    `json:"total"`
	Verified   int    `json:"verified" jsonschema:"description=verified (done)"`
	OnTime     int    `json:"on_time" jsonschema:"description=verified and completed by the deadline"`
	Overdue    int    `json:"overdue" jsonschema:"description=not verified and past the deadline"`
	InProgress int    `json:"in_progress" jsonschema:"description=not verified and not yet due"`
	// Rate is verified on time out of the total, in percent (0 without measures).
	Rate int `json:"rate"`
}

// FiguresOf counts the measures in the caller's scope per leader or department, through
// the list's own conditions (measureWhere), so figures and the list cannot drift.
func (m *Module) FiguresOf(ctx context.Context, p *auth.Principal, q FiguresParams) (Figures, error) {
	if q.By != "department" {
		q.By = "leader"
	}
	out := Figures{By: q.By, Rows: []FigureRow{}}
	now := m.Clock.Now()
	w := m.measureWhere(p, MeasureFilter{Year: q.Year, SourceKind: q.SourceKind}, now)
	key, name, order := "m.leader_id", "COALESCE(MIN(l.name), '')", "MIN(l.id) IS NULL, MIN(l.id)"
	post := "COALESCE((SELECT ps.title FROM posts ps WHERE ps.person_id = m.leader_id ORDER BY ps.rank, ps.id LIMIT 1), '')"
	if q.By == "department" {
		key, name, post, order = "m.department_id", "MIN(d.name)", "''", "MIN(d.depth), MIN(d.sort_order), MIN(d.path)"
	}
	args := append([]any{now, now}, w.Args()...)
	rows, err := m.DB.Query(ctx, `SELECT `+key+`, `+name+`, `+post+`, COUNT(*),
		SUM(CASE WHEN `+condVerified+` THEN 1 ELSE 0 END),
		SUM(CASE WHEN `+condOnTime+` THEN 1 ELSE 0 END),
		SUM(CASE WHEN `+condOverdue+` THEN 1 ELSE 0 END),
		SUM(CASE WHEN `+condInProgress+` THEN 1 ELSE 0 END)
		FROM measures m
		JOIN problems p ON p.id = m.problem_id
		JOIN orgs d ON d.id = m.department_id
		LEFT JOIN people l ON l.id = m.leader_id`+w.SQL()+`
		GROUP BY `+key+` ORDER BY `+order, args...)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	t := &out.Total
	for rows.Next() {
		var r FigureRow
		if err := rows.Scan(&r.ID, &r.Name, &r.Post, &r.Total, &r.Verified, &r.OnTime, &r.Overdue, &r.InProgress); err != nil {
			return out, err
		}
		r.Rate = rate(r.OnTime, r.Total)
		out.Rows = append(out.Rows, r)
		t.Total, t.Verified, t.OnTime, t.Overdue, t.InProgress = t.Total+r.Total, t.Verified+r.Verified, t.OnTime+r.OnTime,
			t.Overdue+r.Overdue, t.InProgress+r.InProgress
	}
	t.Rate = rate(t.OnTime, t.Total)
	return out, rows.Err()
}

func rate(n, of int) int {
	if of == 0 {
		return 0
	}
	return n * 100 / of
}
