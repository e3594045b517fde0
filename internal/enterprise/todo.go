package enterprise

import (
	"context"
	"net/url"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// todoDueDays is how far ahead the to-do card looks for supervision visits due.
const todoDueDays = "7"

// Todo is the registry's part of the to-do card (web.TodoSource): for whoever
// supervises enterprises (PermEnforce: the safety office, a department, a town), the
// operating enterprises of their scope whose next inspection is due within a week or
// overdue (待检查), the earliest first, counted with the filter of the list it links to.
func (m *Module) Todo(ctx context.Context, p *auth.Principal) ([]web.TodoGroup, error) {
	if !p.Can(PermEnforce) {
		return nil, nil
	}
	q := url.Values{"due_within_days": {todoDueDays}}
	var f Filter
	if err := web.LinkFilter(q, &f); err != nil {
		return nil, err
	}
	g := web.TodoGroup{Key: "ent.todo.inspect"}
	q.Set("sort", "next_inspection_at")
	g.Href = "/enterprises?" + q.Encode()
	var err error
	g.Count, err = m.List(ctx, p, f, api.ListParams{Page: 1, PerPage: web.TodoItems, Sort: "next_inspection_at"}, func(e Enterprise) error {
		it := web.TodoItem{Title: e.Name, Sub: e.VillageName, Href: "/enterprises/" + e.ID.String(), Overdue: e.InspectionOverdue}
		if e.NextInspectionAt != nil {
			it.Sub += " · " + clock.DateText(*e.NextInspectionAt)
		}
		g.Items = append(g.Items, it)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return []web.TodoGroup{g}, nil
}
