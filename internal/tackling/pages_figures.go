package tackling

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// figuresView is the figures page: per leader and per department, with bars.
type figuresView struct {
	Year           string
	Years          []string
	Leaders, Depts Figures
	LeaderChart    map[string]any
	DeptChart      map[string]any
}

func (m *Module) figuresPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		var q FiguresParams
		if err := api.DecodeQuery(r, &q, false); err != nil {
			return err
		}
		v := figuresView{Year: intText(q.Year), Years: m.years()}
		var err error
		q.By = "leader"
		if v.Leaders, err = m.FiguresOf(ctx, p, q); err != nil {
			return err
		}
		q.By = "department"
		if v.Depts, err = m.FiguresOf(ctx, p, q); err != nil {
			return err
		}
		loc := i18n.FromContext(ctx)
		if len(v.Leaders.Rows) > 0 {
			v.LeaderChart = figureChart(loc, v.Leaders)
		}
		if len(v.Depts.Rows) > 0 {
			v.DeptChart = figureChart(loc, v.Depts)
		}
		return s.Render(w, r, t.figures, v)
	}
}

// figureChart stacks each row's measures: verified on time, verified late, in progress,
// overdue.
func figureChart(loc i18n.Localizer, f Figures) map[string]any {
	c := web.BarChart{Stack: "measures"}
	onTime, late, going, overdue := make([]int, len(f.Rows)), make([]int, len(f.Rows)), make([]int, len(f.Rows)), make([]int, len(f.Rows))
	for i, r := range f.Rows {
		name := r.Name
		if name == "" {
			name = loc.T("tackling.no_leader")
		}
		c.Categories = append(c.Categories, name)
		onTime[i], late[i], going[i], overdue[i] = r.OnTime, r.Verified-r.OnTime, r.InProgress, r.Overdue
	}
	c.Bars = []web.Bar{
		{Name: loc.T("tackling.fig.on_time"), Color: "green", Data: onTime},
		{Name: loc.T("tackling.fig.late"), Color: "yellow", Data: late},
		{Name: loc.T("tackling.fig.in_progress"), Color: "brand", Data: going},
		{Name: loc.T("tackling.fig.overdue"), Color: "red", Data: overdue},
	}
	return c.Option()
}

// ledgerView is the printable ledger (台账): the problems of a year with their measures.
type ledgerView struct {
	Year     int
	Issuer   string
	Problems []ledgerProblem
	Measures int
	Verified int
	Overdue  int
	Printed  time.Time
}

// ledgerProblem is a problem with its measures, as the ledger prints it.
type ledgerProblem struct {
	Problem
	N     int
	Items []Measure
}

// ledgerPage is the A4 landscape ledger of a year (?year=, default this year).
func (m *Module) ledgerPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		now := m.Clock.Now()
		year := now.In(clock.China).Year()
		if y := strings.TrimSpace(r.URL.Query().Get("year")); y != "" {
			n, err := strconv.Atoi(y)
			if err != nil || n < 2000 || n > 2100 {
				v := &apperr.Validation{}
				v.Add("year", "validate.between", apperr.E{"min": 2000, "max": 2100})
				return v.Err()
			}
			year = n
		}
		v := ledgerView{Year: year, Issuer: p.OrgName, Printed: now}
		var probs []Problem
		if _, err := m.ListProblems(ctx, p, ProblemFilter{Year: &year}, api.ListParams{Sort: "code"}, web.Collect(&probs)); err != nil {
			return err
		}
		ms, err := m.listAll(ctx, p, MeasureFilter{Year: &year}, "position")
		if err != nil {
			return err
		}
		byProblem := map[db.ID][]Measure{}
		for _, x := range ms {
			byProblem[x.ProblemID] = append(byProblem[x.ProblemID], x)
		}
		for i, pr := range probs {
			items := byProblem[pr.ID]
			if len(items) == 0 {
				continue
			}
			v.Problems = append(v.Problems, ledgerProblem{Problem: pr, N: i + 1, Items: items})
			for _, x := range items {
				v.Measures++
				if x.Status == "verified" {
					v.Verified++
				}
				if x.Overdue {
					v.Overdue++
				}
			}
		}
		for i := range v.Problems {
			v.Problems[i].N = i + 1
		}
		return s.Render(w, r, t.ledger, v)
	}
}
