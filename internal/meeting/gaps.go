package meeting

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/duty"
	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// States of an obligation (one rule, one unit or leader, one period).
const (
	StateHeld       = "held"        // enough meetings were held
	StateGap        = "gap"         // the period ended without them
	StateInProgress = "in_progress" // the current period, not yet met
)

// Gap is one obligation of a frequency rule: a unit (or a leader) and a period, with the
// meetings held and required.
type Gap struct {
	RuleID      db.ID     `json:"rule_id" jsonschema:"description=0 while the rules are the defaults"`
	RuleName    string    `json:"rule_name"`
	MeetingKind string    `json:"meeting_kind"`
	Frequency   string    `json:"frequency"`
	OrgID       *db.ID    `json:"org_id" jsonschema:"nullable,description=the unit (subject unit)"`
	OrgName     string    `json:"org_name"`
	PersonID    *db.ID    `json:"person_id" jsonschema:"nullable,description=the leader (subject in_charge)"`
	PersonName  string    `json:"person_name"`
	PostTitle   string    `json:"post_title"`
	Period      string    `json:"period" jsonschema:"description=2026-Q3, 2026-03, 2026-H1, 2026"`
	PeriodText  string    `json:"period_text" jsonschema:"description=2026年第三季度"`
	Start       time.Time `json:"start"`
	Due         time.Time `json:"due" jsonschema:"description=the end of the period (exclusive)"`
	Held        int       `json:"held"`
	Required    int       `json:"required"`
	State       string    `json:"state" jsonschema:"enum=held,enum=gap,enum=in_progress"`
}

// Subject names the unit or the leader.
func (g Gap) Subject() string {
	if g.PersonID != nil {
		return g.PersonName
	}
	return g.OrgName
}

// GapFilter selects obligations.
type GapFilter struct {
	Year     *int     `query:"year" doc:"default this year; only periods begun are listed"`
	OrgID    *db.ID   `query:"org_id" doc:"obligations of this unit"`
	PersonID *db.ID   `query:"person_id" doc:"obligations of this leader"`
	RuleID   *db.ID   `query:"rule_id"`
	Kind     string   `query:"kind" enum:"standing_committee,executive,special,department,town,other" doc:"the rule's kind of meeting"`
	Period   string   `query:"period" doc:"a period key: 2026-Q3, 2026-03…"`
	State    []string `query:"state" enum:"gap,in_progress,held" doc:"default gap; comma-separated"`
}

var gapSorting = api.Sorting{Columns: map[string]string{"period": "period"}, Default: "period", Tiebreak: "period"}

var gapExport = api.Export[Gap]{Name: "meeting.export_gaps", Columns: []api.Column[Gap]{
	{Header: "meeting.gap.rule", Value: func(g Gap) any { return g.RuleName }, Width: 36},
	{Header: "meeting.gap.subject", Value: func(g Gap) any { return g.Subject() }, Width: 20},
	{Header: "meeting.gap.post", Value: func(g Gap) any { return g.PostTitle }, Width: 14},
	{Header: "meeting.gap.period", Value: func(g Gap) any { return g.PeriodText }, Width: 16},
	{Header: "meeting.gap.held", Value: func(g Gap) any { return g.Held }, Width: 8},
	{Header: "meeting.gap.required", Value: func(g Gap) any { return g.Required }, Width: 8},
	{Header: "meeting.gap.state", Value: func(g Gap) any { return i18n.Key("meeting.state." + g.State) }, Width: 10},
}}

// GapSummary is the year's compact figure: obligations of the periods ended, met and not.
type GapSummary struct {
	Year       int `json:"year"`
	Required   int `json:"required" jsonschema:"description=obligations (rule × unit or leader × period) of the periods ended"`
	Held       int `json:"held" jsonschema:"description=of those, met"`
	Gaps       int `json:"gaps" jsonschema:"description=of those, not met"`
	InProgress int `json:"in_progress" jsonschema:"description=obligations of the current periods not yet met"`
}

// SummaryParams asks for a year's figure.
type SummaryParams struct {
	Year *int `query:"year" doc:"default this year"`
}

// yearOf checks a year parameter (default: this year, China time).
func (m *Module) yearOf(y *int) (int, error) {
	if y == nil {
		return m.Clock.Now().In(clock.China).Year(), nil
	}
	if *y < 2000 || *y > 2100 {
		v := &apperr.Validation{}
		v.Add("year", "validate.between", apperr.E{"min": 2000, "max": 2100})
		return 0, v.Err()
	}
	return *y, nil
}

// subject is a unit or a leader a rule applies to.
type subject struct {
	org, person *db.ID
	name, post  string
}

// Obligations lists, for the caller's scope and year, every obligation of the active
// rules in the periods begun: each with the meetings held and its state. Units come from
// the org tree (kind unit, the rule's category or unit); leaders are the people in
// charge of industries; a special meeting counts for a leader when the leader chairs it
// and it studies one of their industries, or names none.
func (m *Module) Obligations(ctx context.Context, p *auth.Principal, year int) ([]Gap, error) {
	rules, err := m.Rules(ctx, m.DB)
	if err != nil {
		return nil, err
	}
	now := m.Clock.Now()
	start := time.Date(year, 1, 1, 0, 0, 0, 0, clock.China)
	if !start.Before(now) {
		return []Gap{}, nil
	}
	// the year's meetings, counted by (kind, unit) and (kind, chair when it matches)
	type held struct {
		kind          string
		org           db.ID
		chair         *db.ID
		at            time.Time
		chairsOwnArea bool
	}
	all, err := db.All(ctx, m.DB, `SELECT m.kind, m.org_id, m.chair_id, m.held_at,
		CASE WHEN m.chair_id IS NOT NULL AND (NOT EXISTS (SELECT 1 FROM meeting_industries mi WHERE mi.meeting_id = m.id)
			OR EXISTS (SELECT 1 FROM meeting_industries mi JOIN in_charge ic ON ic.industry = mi.industry AND ic.person_id = m.chair_id
				WHERE mi.meeting_id = m.id)) THEN 1 ELSE 0 END
		FROM meetings m WHERE m.held_at >= ? AND m.held_at < ?`, []any{start, start.AddDate(1, 0, 0)}, func(s db.Scanner) (held, error) {
		var h held
		var n int
		err := s.Scan(&h.kind, &h.org, &h.chair, &h.at, &n)
		h.chairsOwnArea = n == 1
		return h, err
	})
	if err != nil {
		return nil, err
	}
	loc := i18n.FromContext(ctx)
	out := []Gap{}
	for _, r := range rules {
		if !r.Active {
			continue
		}
		subjects, err := m.subjects(ctx, p, r)
		if err != nil {
			return nil, err
		}
		counts := map[string]int{} // subject id / period key
		for _, h := range all {
			if h.kind != r.MeetingKind {
				continue
			}
			pd, ok := duty.PeriodOf(r.Frequency, h.at)
			if !ok {
				continue
			}
			if r.Subject == "in_charge" {
				if h.chair != nil && h.chairsOwnArea {
					counts[h.chair.String()+"/"+pd.Key]++
				}
			} else {
				counts[h.org.String()+"/"+pd.Key]++
			}
		}
		for _, pd := range duty.PeriodsOfYear(r.Frequency, year) {
			if !pd.Start.Before(now) {
				break
			}
			for _, s := range subjects {
				id := s.org
				if s.person != nil {
					id = s.person
				}
				g := Gap{RuleID: r.ID, RuleName: r.Name, MeetingKind: r.MeetingKind, Frequency: r.Frequency, OrgID: s.org, PersonID: s.person,
					Period: pd.Key, PeriodText: PeriodText(loc, r.Frequency, pd), Start: pd.Start.UTC(), Due: pd.Due.UTC(),
					Held: counts[id.String()+"/"+pd.Key], Required: r.MinCount}
				if s.person != nil {
					g.PersonName, g.PostTitle = s.name, s.post
				} else {
					g.OrgName = s.name
				}
				switch {
				case g.Held >= g.Required:
					g.State = StateHeld
				case now.Before(pd.Due):
					g.State = StateInProgress
				default:
					g.State = StateGap
				}
				out = append(out, g)
			}
		}
	}
	return out, nil
}

// subjects are the units or leaders in the caller's scope a rule applies to.
func (m *Module) subjects(ctx context.Context, p *auth.Principal, r Rule) ([]subject, error) {
	scan := func(s db.Scanner) (subject, error) {
		var id db.ID
		var x subject
		err := s.Scan(&id, &x.name, &x.post)
		if r.Subject == "in_charge" {
			x.person = &id
		} else {
			x.org = &id
		}
		return x, err
	}
	if r.Subject == "in_charge" {
		cond, args := p.Scope.PathCond("pe.org_path")
		return db.All(ctx, m.DB, `SELECT pe.id, pe.name, COALESCE((SELECT po.title FROM posts po WHERE po.person_id = pe.id ORDER BY po.rank, po.id LIMIT 1), '')
			FROM people pe WHERE EXISTS (SELECT 1 FROM in_charge ic WHERE ic.person_id = pe.id) AND `+cond+` ORDER BY pe.name, pe.id`, args, scan)
	}
	cond, args := p.Scope.PathCond("o.path")
	q := `SELECT o.id, o.name, '' FROM orgs o WHERE ` + cond
	if r.OrgID != nil {
		q, args = q+` AND o.id = ?`, append(args, *r.OrgID)
	} else {
		q, args = q+` AND o.kind = 'unit' AND o.category = ?`, append(args, r.OrgCategory)
	}
	return db.All(ctx, m.DB, q+` ORDER BY o.path, o.sort_order, o.id`, args, scan)
}

// filterGaps keeps the obligations matching f (state gap by default).
func filterGaps(all []Gap, f GapFilter) []Gap {
	states := f.State
	if len(states) == 0 {
		states = []string{StateGap}
	}
	out := []Gap{}
	for _, g := range all {
		switch {
		case !slices.Contains(states, g.State),
			f.OrgID != nil && (g.OrgID == nil || *g.OrgID != *f.OrgID),
			f.PersonID != nil && (g.PersonID == nil || *g.PersonID != *f.PersonID),
			f.RuleID != nil && g.RuleID != *f.RuleID,
			f.Kind != "" && g.MeetingKind != f.Kind,
			f.Period != "" && g.Period != f.Period:
			continue
		}
		out = append(out, g)
	}
	return out
}

// ListGaps calls each for the obligations in the caller's scope matching f (a page of
// them when lp is paged), and returns how many match.
func (m *Module) ListGaps(ctx context.Context, p *auth.Principal, f GapFilter, lp api.ListParams, each func(Gap) error) (int, error) {
	year, err := m.yearOf(f.Year)
	if err != nil {
		return 0, err
	}
	all, err := m.Obligations(ctx, p, year)
	if err != nil {
		return 0, err
	}
	rows := filterGaps(all, f)
	desc := strings.HasPrefix(lp.Sort, "-")
	sort.SliceStable(rows, func(i, j int) bool { // by period, then as the rules list them
		if desc {
			return rows[i].Start.After(rows[j].Start)
		}
		return rows[i].Start.Before(rows[j].Start)
	})
	page := rows
	if lp.Paged() {
		from := min((lp.Page-1)*lp.PerPage, len(rows))
		page = rows[from:min(from+lp.PerPage, len(rows))]
	}
	for _, g := range page {
		if err := each(g); err != nil {
			return 0, err
		}
	}
	if !lp.Paged() {
		return 0, nil
	}
	return len(rows), nil
}

// Summary counts a year's obligations in the caller's scope.
func (m *Module) Summary(ctx context.Context, p *auth.Principal, q SummaryParams) (GapSummary, error) {
	year, err := m.yearOf(q.Year)
	if err != nil {
		return GapSummary{}, err
	}
	all, err := m.Obligations(ctx, p, year)
	out := GapSummary{Year: year}
	for _, g := range all {
		switch g.State {
		case StateGap:
			out.Required++
			out.Gaps++
		case StateInProgress:
			out.InProgress++
		case StateHeld:
			if !m.Clock.Now().Before(g.Due) {
				out.Required++
				out.Held++
			}
		}
	}
	return out, err
}

// shortKeys are the messages of quarters and halves without the year (a table's head),
// by the end of the period's key.
var shortKeys = map[string]string{"Q1": "meeting.period_short.q1", "Q2": "meeting.period_short.q2", "Q3": "meeting.period_short.q3",
	"Q4": "meeting.period_short.q4", "H1": "meeting.period_short.h1", "H2": "meeting.period_short.h2"}

// PeriodShort words a period without its year: 第三季度, 3月.
func PeriodShort(loc i18n.Localizer, freq string, pd duty.Period) string {
	switch freq {
	case "monthly":
		return loc.T("meeting.period_short.monthly", "month", strconv.Itoa(int(pd.Start.In(clock.China).Month())))
	case "quarterly", "half_yearly":
		return loc.T(shortKeys[pd.Key[len(pd.Key)-2:]])
	case "yearly":
		return loc.T("meeting.period_short.yearly")
	}
	return pd.Key
}

// PeriodText words a period: 2026年第三季度, 2026年3月, 2026年上半年, 2026年.
func PeriodText(loc i18n.Localizer, freq string, pd duty.Period) string {
	return duty.PeriodName(pd.Key)(loc)
}
