package tackling

import (
	"context"
	"net/url"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// Todo is special tackling's part of the to-do card (web.TodoSource): 待推进措施, the
// open measures the caller's unit carries that fall due within 14 days or are overdue;
// 待验收措施, the completed measures in scope the caller may verify (not their owning
// leader nor who completed them). Each group counts with the filter of the list it links
// to, decoded by the list's own decoder.
func (m *Module) Todo(ctx context.Context, p *auth.Principal) ([]web.TodoGroup, error) {
	if !sees(p) || p.Has(auth.Reader) && !p.Can(PermVerify) {
		return nil, nil
	}
	type group struct {
		key    string
		q      url.Values
		urgent bool
	}
	var gs []group
	if p.Has(auth.Department) || p.Has(auth.Town) {
		gs = append(gs, group{key: "tackling.todo.advance",
			q: url.Values{"department_id": {p.OrgID.String()}, "status": {"open"}, "due_within_days": {"14"}}})
	}
	if p.Can(PermVerify) {
		gs = append(gs, group{key: "tackling.todo.verify", q: url.Values{"verifiable": {"true"}}})
	}
	var out []web.TodoGroup
	for _, g := range gs {
		var f MeasureFilter
		if err := web.LinkFilter(g.q, &f); err != nil {
			return nil, err
		}
		q := url.Values{}
		for k, v := range g.q {
			q[k] = v
		}
		q.Set("sort", "deadline")
		tg := web.TodoGroup{Key: g.key, Urgent: g.urgent, Href: "/measures?" + q.Encode()}
		var err error
		tg.Count, err = m.ListMeasures(ctx, p, f, api.ListParams{Page: 1, PerPage: web.TodoItems, Sort: "deadline"}, func(x Measure) error {
			d := x.Deadline
			tg.Items = append(tg.Items, web.TodoItem{Title: x.Text, Sub: x.ProblemCode + " · " + x.ProblemTitle, Href: "/measures/" + x.ID.String(),
				Due: &d, Overdue: x.Overdue})
			tg.Urgent = tg.Urgent || x.Overdue
			return nil
		})
		if err != nil {
			return nil, err
		}
		if tg.Count > 0 {
			out = append(out, tg)
		}
	}
	return out, nil
}
