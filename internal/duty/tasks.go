package duty

import (
	"context"
	"time"

	"github.com/safeduty/safeduty/internal/notify"
	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// Task is the task of one duty for one period.
type Task struct {
	ID            db.ID      `json:"id"`
	ItemID        db.ID      `json:"item_id"`
	OriginID      db.ID      `json:"origin_id"`
	ListID        db.ID      `json:"list_id"`
	PersonID      db.ID      `json:"person_id"`
	PersonName    string     `json:"person_name"`
	OrgID         db.ID      `json:"org_id"`
	OrgName       string     `json:"org_name"`
	PostTitle     string     `json:"post_title"`
	Text          string     `json:"text"`
	Body          string     `json:"body"`
	Role          string     `json:"role"`
	Basis         string     `json:"basis"`
	Frequency     string     `json:"frequency"`
	Evidence      string     `json:"evidence" jsonschema:"description=what proves it (meeting, inspection, hazard, document, confirm)"`
	MeetingKind   string     `json:"meeting_kind"`
	Period        string     `json:"period"`
	StartsAt      time.Time  `json:"starts_at"`
	DueAt         time.Time  `json:"due_at" jsonschema:"description=the end of the due day (China time)"`
	Status        string     `json:"status" jsonschema:"enum=open,enum=done"`
	Overdue       bool       `json:"overdue" jsonschema:"description=open and past due"`
	PhotoRequired bool       `json:"photo_required"`
	DoneAt        *time.Time `json:"done_at"`
	Late          bool       `json:"late" jsonschema:"description=done after it was due"`
	RemindedAt    *time.Time `json:"reminded_at"`
	// Proofs is the evidence linked to it (one task only).
	Proofs []EvidenceRecord `json:"evidence_linked,omitempty"`

	path string
}

// TaskFilter selects tasks.
type TaskFilter struct {
	PersonID      *db.ID   `query:"person_id"`
	OrgID         *db.ID   `query:"org_id"`
	Status        []string `query:"status" enum:"open,done"`
	Overdue       *bool    `query:"overdue" doc:"true: open and past due"`
	Period        string   `query:"period" doc:"2026-Q4, 2026-12, 2026-W49 …"`
	Frequency     []string `query:"frequency" enum:"daily,weekly,monthly,quarterly,half_yearly,yearly,before_holidays"`
	Year          *int     `query:"year" doc:"the year of the list"`
	Mine          *bool    `query:"mine" doc:"true: the tasks of the caller's person, or of the caller's unit"`
	DueWithinDays *int     `query:"due_within_days" doc:"open tasks due within this many days from now"`
	Late          *bool    `query:"late" doc:"true: done after due"`
}

var taskSorting = api.Sorting{
	Columns: map[string]string{"due_at": "t.due_at", "period": "t.period", "person": "p.name", "org": "o.path", "status": "t.status", "done_at": "t.done_at"},
	Default: "due_at", Tiebreak: "t.id",
}

var taskExport = api.Export[Task]{Name: "duty.export_tasks", Columns: []api.Column[Task]{
	{Header: "duty.field.org", Value: func(t Task) any { return t.OrgName }, Width: 24},
	{Header: "duty.field.person", Value: func(t Task) any { return t.PersonName }, Width: 10},
	{Header: "duty.field.text", Value: func(t Task) any { return t.Text }, Width: 40},
	{Header: "duty.field.period", Value: func(t Task) any { return t.PeriodName() }, Width: 14},
	{Header: "duty.field.due_at", Value: func(t Task) any { return api.DueDay(&t.DueAt) }, Width: 12},
	{Header: "duty.field.status", Value: func(t Task) any { return i18n.Key("duty.status." + t.statusKey()) }, Width: 10},
	{Header: "duty.field.done_at", Value: func(t Task) any { return t.DoneAt }, Width: 17},
}}

// statusKey is open, overdue, done or done_late.
func (t Task) statusKey() string {
	switch {
	case t.Status == "done" && t.Late:
		return "done_late"
	case t.Status == "done":
		return "done"
	case t.Overdue:
		return "overdue"
	}
	return "open"
}

const taskFrom = ` FROM duty_tasks t JOIN duty_items i ON i.id = t.item_id JOIN duty_lists l ON l.id = t.list_id
	JOIN people p ON p.id = t.person_id JOIN orgs o ON o.id = t.org_id`

const selectTask = `SELECT t.id, t.item_id, t.origin_id, t.list_id, t.person_id, p.name, t.org_id, o.name, l.post_title, i.text, i.body, i.role, i.basis,
	i.frequency, i.evidence, i.meeting_kind, t.period, t.starts_at, t.due_at, t.status, t.photo_required, t.done_at, t.late, t.reminded_at, t.org_path` + taskFrom

func scanTask(now time.Time) func(db.Scanner) (Task, error) {
	return func(s db.Scanner) (Task, error) {
		var t Task
		err := s.Scan(&t.ID, &t.ItemID, &t.OriginID, &t.ListID, &t.PersonID, &t.PersonName, &t.OrgID, &t.OrgName, &t.PostTitle, &t.Text, &t.Body,
			&t.Role, &t.Basis, &t.Frequency, &t.Evidence, &t.MeetingKind, &t.Period, &t.StartsAt, &t.DueAt, &t.Status, &t.PhotoRequired, &t.DoneAt,
			&t.Late, &t.RemindedAt, &t.path)
		t.Overdue = t.Status == "open" && !t.DueAt.After(now)
		return t, err
	}
}

// mineCond keeps the tasks of p's person or p's unit.
func mineCond(p *auth.Principal) (string, []any) {
	if p.PersonID != nil {
		return "(t.person_id = ? OR t.org_id = ?)", []any{*p.PersonID, p.OrgID}
	}
	return "t.org_id = ?", []any{p.OrgID}
}

// taskWhere is the scope and filter of a task query at now.
func taskWhere(p *auth.Principal, f TaskFilter, now time.Time) db.Where {
	var w db.Where
	w.AddCond(p.Scope.PathCond("t.org_path"))
	w.Eq("t.person_id", f.PersonID)
	w.Eq("t.org_id", f.OrgID)
	w.AddCond(db.In("t.status", f.Status))
	w.Bool(f.Overdue, "t.status = 'open' AND t.due_at <= ?", "(t.status <> 'open' OR t.due_at > ?)", now)
	if f.Period != "" {
		w.Add("t.period = ?", f.Period)
	}
	w.AddCond(db.In("i.frequency", f.Frequency))
	w.Eq("l.year", f.Year)
	if f.Mine != nil && *f.Mine {
		w.AddCond(mineCond(p))
	}
	if f.DueWithinDays != nil {
		w.Add("t.status = 'open' AND t.due_at <= ?", now.AddDate(0, 0, *f.DueWithinDays))
	}
	w.Bool(f.Late, "t.late = TRUE", "t.late = FALSE")
	return w
}

// ListTasks calls each for the tasks in the caller's scope matching f.
func (m *Module) ListTasks(ctx context.Context, p *auth.Principal, f TaskFilter, lp api.ListParams, each func(Task) error) (int, error) {
	now := m.Clock.Now()
	lq := api.ListQuery{Select: selectTask, Count: taskFrom, Where: taskWhere(p, f, now), Sorting: taskSorting}
	return api.QueryList(ctx, m.DB, lq, lp, scanTask(now), each)
}

// GetTask returns a task in the caller's scope with its evidence. Errors: NotFound.
func (m *Module) GetTask(ctx context.Context, q db.Querier, p *auth.Principal, id db.ID) (Task, error) {
	t, err := scanTask(m.Clock.Now())(q.QueryRow(ctx, selectTask+` WHERE t.id = ?`, id))
	if db.IsNoRows(err) || (err == nil && !p.Scope.Contains(t.path)) {
		return Task{}, apperr.NotFoundf("task")
	}
	if err != nil {
		return Task{}, err
	}
	t.Proofs, err = db.All(ctx, q, selectEvidence+` JOIN duty_task_evidence te ON te.evidence_id = e.id WHERE te.task_id = ? ORDER BY e.happened_at, e.id`,
		[]any{id}, scanEvidence)
	return t, err
}

func (m *Module) getTask(ctx context.Context, p *auth.Principal, id db.ID) (Task, error) {
	return m.GetTask(ctx, m.DB, p, id)
}

// genItem is a recurring item of a current list, as generation reads it.
type genItem struct {
	item, origin, list, person, org db.ID
	path, freq, evidence            string
	photoEvery                      int
}

// Generate creates, for every current list of the year of now, the task of the current
// period of each recurring item, and for "before holidays" items the task of each holiday
// starting within the next 7 days (due the day before it); daily items on school days
// (Monday to Friday) only. Each task exists once (origin, period): running it twice
// creates nothing more. It returns how many tasks it created.
func (m *Module) Generate(ctx context.Context, now time.Time) (int, error) {
	created := 0
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		var err error
		created, err = generate(ctx, tx, now)
		return err
	})
	return created, err
}

func generate(ctx context.Context, tx *db.Tx, now time.Time) (int, error) {
	c := now.In(clock.China)
	items, err := db.All(ctx, tx, `SELECT i.id, COALESCE(i.origin_id, i.id), l.id, l.person_id, l.org_id, l.org_path, i.frequency, i.evidence, i.photo_every
		FROM duty_items i JOIN duty_lists l ON l.id = i.list_id WHERE l.year = ? AND l.current = ? AND i.frequency <> '' ORDER BY i.id`,
		[]any{c.Year(), true}, func(s db.Scanner) (genItem, error) {
			var g genItem
			return g, s.Scan(&g.item, &g.origin, &g.list, &g.person, &g.org, &g.path, &g.freq, &g.evidence, &g.photoEvery)
		})
	if err != nil || len(items) == 0 {
		return 0, err
	}
	today := time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, clock.China)
	type hol struct{ day string }
	hols, err := db.All(ctx, tx, `SELECT day FROM holidays WHERE day > ? AND day <= ? ORDER BY day`,
		[]any{today.Format(time.DateOnly), today.AddDate(0, 0, 7).Format(time.DateOnly)}, func(s db.Scanner) (hol, error) {
			var h hol
			return h, s.Scan(&h.day)
		})
	if err != nil {
		return 0, err
	}
	counts, err := db.Map[db.ID, int](ctx, tx, `SELECT origin_id, COUNT(*) FROM duty_tasks WHERE period >= ? AND period < ? GROUP BY origin_id`,
		[]any{itoa(c.Year()), itoa(c.Year() + 1)})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, g := range items {
		var periods []Period
		switch g.freq {
		case "before_holidays":
			for _, h := range hols {
				d, err := time.ParseInLocation(time.DateOnly, h.day, clock.China)
				if err != nil {
					return n, err
				}
				periods = append(periods, Period{Key: h.day, Start: d.AddDate(0, 0, -7), Due: d})
			}
		case "daily":
			if wd := c.Weekday(); wd == time.Saturday || wd == time.Sunday {
				continue
			}
			fallthrough
		default:
			if p, ok := PeriodOf(g.freq, now); ok {
				periods = append(periods, p)
			}
		}
		for _, p := range periods {
			occ := counts[g.origin] + 1
			photo := g.evidence == "confirm" && g.photoEvery > 0 && occ%g.photoEvery == 0
			res, err := tx.Exec(ctx, `INSERT INTO duty_tasks (item_id, origin_id, list_id, person_id, org_id, org_path, period, starts_at, due_at, status,
				photo_required, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?) ON CONFLICT (origin_id, period) DO NOTHING`,
				g.item, g.origin, g.list, g.person, g.org, g.path, p.Key, p.Start, p.Due, photo, now)
			if err != nil {
				return n, err
			}
			if k, _ := res.RowsAffected(); k > 0 {
				n++
				counts[g.origin]++
			}
		}
	}
	return n, nil
}

// remindLead is how long before its due a task's owners are reminded.
func remindLead(freq string) time.Duration {
	switch freq {
	case "daily", "weekly", "before_holidays":
		return 24 * time.Hour
	case "monthly":
		return 3 * 24 * time.Hour
	}
	return 7 * 24 * time.Hour
}

// Remind notifies, once, the users of each open task's person and the users bound to its
// unit when its due comes near (a day for daily, weekly and holiday duties, three for
// monthly, seven for longer). It returns how many tasks it reminded of.
func (m *Module) Remind(ctx context.Context, now time.Time) (int, error) {
	n := 0
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		type due struct {
			id, person, org db.ID
			text, freq      string
			dueAt           time.Time
		}
		tasks, err := db.All(ctx, tx, `SELECT t.id, t.person_id, t.org_id, i.text, i.frequency, t.due_at FROM duty_tasks t JOIN duty_items i ON i.id = t.item_id
			WHERE t.status = 'open' AND t.reminded_at IS NULL AND t.due_at > ? AND t.due_at <= ? ORDER BY t.id`,
			[]any{now, now.Add(7 * 24 * time.Hour)}, func(s db.Scanner) (due, error) {
				var d due
				return d, s.Scan(&d.id, &d.person, &d.org, &d.text, &d.freq, &d.dueAt)
			})
		if err != nil {
			return err
		}
		for _, t := range tasks {
			if t.dueAt.Sub(now) > remindLead(t.freq) {
				continue
			}
			users, err := db.All(ctx, tx, `SELECT id FROM users WHERE disabled = ? AND (person_id = ? OR org_id = ?) ORDER BY id`,
				[]any{false, t.person, t.org}, db.ScanID)
			if err != nil {
				return err
			}
			var notices []notify.Notice
			for _, u := range users {
				notices = append(notices, notify.Notice{UserID: u, Kind: "duty.due", SubjectType: "task", SubjectID: t.id.String(),
					Key: "duty.notice_due", Args: map[string]any{"text": t.text, "due": clock.DueText(t.dueAt)}, Link: "/tasks/" + t.id.String()})
			}
			if len(notices) > 0 && m.Notify != nil {
				if err := m.Notify.Send(ctx, tx, notices...); err != nil {
					return err
				}
			}
			if _, err := tx.Exec(ctx, `UPDATE duty_tasks SET reminded_at = ? WHERE id = ?`, now, t.id); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// SummaryParams asks for the tasks per unit or per period.
type SummaryParams struct {
	By string `query:"by" enum:"unit,period" doc:"one row per unit (default) or per period"`
	TaskFilter
}

// Summary counts tasks per unit or period.
type Summary struct {
	By    string       `json:"by"`
	Rows  []SummaryRow `json:"rows"`
	Total SummaryRow   `json:"total"`
}

// SummaryRow counts one unit's or period's tasks.
type SummaryRow struct {
	Key      string `json:"key" jsonschema:"description=the unit id or the period (empty in the total)"`
	Name     string `json:"name"`
	Total    int    `json:"total"`
	Done     int    `json:"done" jsonschema:"description=done, on time or late"`
	DoneLate int    `json:"done_late"`
	Open     int    `json:"open" jsonschema:"description=open, overdue or not"`
	Overdue  int    `json:"overdue"`
}

// summaryCounts are the counts of a summary row (its one argument: now).
const summaryCounts = `COUNT(*),
	SUM(CASE WHEN t.status = 'done' THEN 1 ELSE 0 END),
	SUM(CASE WHEN t.status = 'done' AND t.late = TRUE THEN 1 ELSE 0 END),
	SUM(CASE WHEN t.status = 'open' AND t.due_at <= ? THEN 1 ELSE 0 END) AS overdue`

// summaryCells counts the tasks of f per unit and period in one query (the overdue
// table): unit id → period → counts, each counted as SummaryOf counts.
func (m *Module) summaryCells(ctx context.Context, p *auth.Principal, f TaskFilter) (map[string]map[string]SummaryRow, error) {
	now := m.Clock.Now()
	w := taskWhere(p, f, now)
	type cell struct {
		unit string
		row  SummaryRow
	}
	cells := map[string]map[string]SummaryRow{}
	err := db.Each(ctx, m.DB, `SELECT t.org_id, t.period, `+summaryCounts+taskFrom+w.SQL()+` GROUP BY t.org_id, t.period`,
		append([]any{now}, w.Args()...), func(s db.Scanner) (cell, error) {
			var c cell
			r := &c.row
			err := s.Scan(&c.unit, &r.Key, &r.Total, &r.Done, &r.DoneLate, &r.Overdue)
			r.Open = r.Total - r.Done
			return c, err
		}, func(c cell) error {
			if cells[c.unit] == nil {
				cells[c.unit] = map[string]SummaryRow{}
			}
			cells[c.unit][c.row.Key] = c.row
			return nil
		})
	return cells, err
}

// SummaryOf counts the tasks in the caller's scope matching the filter, per unit (most
// overdue first) or per period (in order).
func (m *Module) SummaryOf(ctx context.Context, p *auth.Principal, q SummaryParams) (Summary, error) {
	now := m.Clock.Now()
	if q.By == "" {
		q.By = "unit"
	}
	out := Summary{By: q.By, Rows: []SummaryRow{}}
	key, name, order := "t.org_id", "o.name", "overdue DESC, o.name, t.org_id"
	if q.By == "period" {
		key, name, order = "t.period", "t.period", "t.period"
	}
	w := taskWhere(p, q.TaskFilter, now)
	args := append([]any{now}, w.Args()...)
	rows, err := db.All(ctx, m.DB, `SELECT `+key+`, `+name+`, `+summaryCounts+taskFrom+w.SQL()+`
		GROUP BY `+key+`, `+name+` ORDER BY `+order, args, func(s db.Scanner) (SummaryRow, error) {
		var r SummaryRow
		err := s.Scan(&r.Key, &r.Name, &r.Total, &r.Done, &r.DoneLate, &r.Overdue)
		r.Open = r.Total - r.Done
		return r, err
	})
	if err != nil {
		return out, err
	}
	out.Rows = append(out.Rows, rows...)
	for _, r := range rows {
		t := &out.Total
		t.Total, t.Done, t.DoneLate, t.Open, t.Overdue = t.Total+r.Total, t.Done+r.Done, t.DoneLate+r.DoneLate, t.Open+r.Open, t.Overdue+r.Overdue
	}
	return out, nil
}

// PeriodName is the task's period in the reader's language (2026年第四季度).
func (t Task) PeriodName() i18n.Text { return PeriodName(t.Period) }
