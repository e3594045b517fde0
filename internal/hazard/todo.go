package hazard

import (
	"context"
	"net/url"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// Todo is the hazard loop's part of the to-do card (web.TodoSource): what the machine
// lets p do next, by role and scope. 待交办: reported hazards, for whoever may assign
// them (canAssign: the safety office, the town, a department of the industry); 待整改:
// the hazards p owns that are assigned or being rectified; 待验收: the submitted
// rectifications p's unit supervises (isSupervisor; the safety office: all in scope);
// 已逾期: the overdue hazards of a town's or the safety office's scope, and those a
// department supervises. Each group is counted with the filter of the list it links
// to, decoded by the list's own decoder, so the card and the list agree.
func (m *Module) Todo(ctx context.Context, p *auth.Principal) ([]web.TodoGroup, error) {
	type group struct {
		key, sort string
		q         url.Values
		urgent    bool
	}
	var gs []group
	assigner := p.Has(auth.SafetyOffice) || p.Has(auth.Town) || (p.Has(auth.Department) && p.Scope.Industries != nil)
	if assigner {
		gs = append(gs, group{key: "hazard.todo.assign", sort: "found_at", q: url.Values{"status": {string(Reported)}}})
	}
	gs = append(gs, group{key: "hazard.todo.rectify", sort: "deadline",
		q: url.Values{"owner_id": {p.UserID.String()}, "status": {string(Assigned), string(Rectifying)}}})
	switch {
	case p.Has(auth.SafetyOffice):
		gs = append(gs, group{key: "hazard.todo.accept", sort: "deadline", q: url.Values{"status": {string(Submitted)}}})
	case p.Has(auth.Town) || p.Has(auth.Department):
		gs = append(gs, group{key: "hazard.todo.accept", sort: "deadline",
			q: url.Values{"status": {string(Submitted)}, "supervisor_org_id": {p.OrgID.String()}}})
	}
	switch {
	case p.Has(auth.SafetyOffice) || p.Has(auth.Town):
		gs = append(gs, group{key: "hazard.todo.overdue", sort: "deadline", urgent: true, q: url.Values{"overdue": {"true"}}})
	case p.Has(auth.Department):
		gs = append(gs, group{key: "hazard.todo.overdue", sort: "deadline", urgent: true,
			q: url.Values{"overdue": {"true"}, "supervisor_org_id": {p.OrgID.String()}}})
	}
	var out []web.TodoGroup
	for _, g := range gs {
		var f Filter
		if err := web.LinkFilter(g.q, &f); err != nil {
			return nil, err
		}
		tg := web.TodoGroup{Key: g.key, Urgent: g.urgent}
		q := cloneValues(g.q)
		q.Set("sort", g.sort)
		tg.Href = "/hazards?" + q.Encode()
		var err error
		tg.Count, err = m.List(ctx, p, f, api.ListParams{Page: 1, PerPage: web.TodoItems, Sort: g.sort}, func(h Hazard) error {
			tg.Items = append(tg.Items, todoItem(h))
			return nil
		})
		if err != nil {
			return nil, err
		}
		out = append(out, tg)
	}
	return out, nil
}

// todoItem is a hazard as the to-do card lists it.
func todoItem(h Hazard) web.TodoItem {
	sub := h.Code
	if h.EnterpriseName != "" {
		sub += " · " + h.EnterpriseName
	} else if h.VillageName != "" {
		sub += " · " + h.VillageName
	}
	return web.TodoItem{Title: h.Title, Sub: sub, Href: "/hazards/" + h.ID.String(), Due: h.Deadline, Overdue: h.Overdue}
}
