package duty

import (
	"context"
	"net/url"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// Todo is the duties' part of the to-do card (web.TodoSource): the open tasks of the
// caller's person or unit due within 7 days (待完成职责), and those past due (已逾期职责).
// Each is counted with the filter of the task list it links to.
func (m *Module) Todo(ctx context.Context, p *auth.Principal) ([]web.TodoGroup, error) {
	if p.Has(auth.Reader) && len(p.Roles) == 1 {
		return nil, nil
	}
	groups := []struct {
		key    string
		q      url.Values
		urgent bool
	}{
		{"duty.todo.due", url.Values{"mine": {"true"}, "due_within_days": {"7"}, "overdue": {"false"}}, false},
		{"duty.todo.overdue", url.Values{"mine": {"true"}, "overdue": {"true"}}, true},
	}
	var out []web.TodoGroup
	loc := i18n.FromContext(ctx)
	for _, g := range groups {
		var f TaskFilter
		if err := web.LinkFilter(g.q, &f); err != nil {
			return nil, err
		}
		tg := web.TodoGroup{Key: g.key, Urgent: g.urgent, Href: "/tasks?" + g.q.Encode()}
		var err error
		tg.Count, err = m.ListTasks(ctx, p, f, api.ListParams{Page: 1, PerPage: web.TodoItems, Sort: "due_at"}, func(t Task) error {
			due := t.DueAt
			tg.Items = append(tg.Items, web.TodoItem{Title: t.Text, Sub: t.PersonName + " · " + t.PeriodName()(loc), Href: "/tasks/" + t.ID.String(), Due: &due, Overdue: t.Overdue})
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
