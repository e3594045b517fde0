package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
)

// The to-do card (待我处理): what waits for the signed-in user, first on every home and
// counted on the menu button and the home's navigation entry. Each capability registers
// a TodoSource in the wiring; a source returns one TodoGroup per kind of work the user's
// roles and scope give them (待交办, 待整改, 待验收, …), each with the link to the list
// that shows exactly the counted records (the same filter and scope), and the nearest few.

// TodoItems is how many records a group shows on the card (the nearest ones).
const TodoItems = 5

// TodoItem is one record waiting for the user.
type TodoItem struct {
	Title   string
	Sub     string     // one line of facts (code, place)
	Href    string     // the record's page
	Due     *time.Time // its deadline, if it has one (shown with dueDate)
	Overdue bool
}

// TodoGroup is one kind of work waiting for the user: its label (a message key), how
// many records wait, the list of exactly those records and the nearest TodoItems.
type TodoGroup struct {
	Key    string // message key of the label ("hazard.todo.assign")
	Count  int
	Href   string // the list with the filter that counts them
	Items  []TodoItem
	Urgent bool // overdue work: shown in red
}

// TodoSource is what a capability contributes to the to-do card. Todo returns the
// groups of work that p must do now (a group with no records may be left out); counts
// must be the totals of the lists the groups link to.
type TodoSource interface {
	Todo(ctx context.Context, p *auth.Principal) ([]TodoGroup, error)
}

// TodoFunc adapts a function to TodoSource.
type TodoFunc func(ctx context.Context, p *auth.Principal) ([]TodoGroup, error)

// Todo calls f.
func (f TodoFunc) Todo(ctx context.Context, p *auth.Principal) ([]TodoGroup, error) {
	return f(ctx, p)
}

// AddTodo registers a capability's to-do source; the card lists the sources' groups in
// the order they were added.
func (s *Site) AddTodo(src TodoSource) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.todos = append(s.todos, src)
}

// Todo is the to-do card of a request: the groups with records waiting and their total.
type Todo struct {
	Groups []TodoGroup
	Total  int
}

// TodoFor collects the groups of every source for the request's principal, leaving out
// the empty ones.
func (s *Site) TodoFor(r *http.Request) (Todo, error) {
	var out Todo
	p := auth.FromContext(r.Context())
	if p == nil {
		return out, nil
	}
	s.mu.RLock()
	srcs := slices.Clone(s.todos)
	s.mu.RUnlock()
	for _, src := range srcs {
		gs, err := src.Todo(r.Context(), p)
		if err != nil {
			return Todo{}, err
		}
		for _, g := range gs {
			if g.Count > 0 {
				out.Groups = append(out.Groups, g)
				out.Total += g.Count
			}
		}
	}
	return out, nil
}

// todoOf is the view's to-do card: computed once per page (the badge needs it on every
// page); a failure leaves the card empty and is logged, the page still shows.
func (s *Site) todoOf(r *http.Request) Todo {
	t, err := s.TodoFor(r)
	if err != nil {
		slog.Error("to-do card", "path", r.URL.Path, "err", err)
	}
	return t
}

// LinkFilter decodes the query of a list link into the list's filter struct with the
// decoder its page uses (ParseListPage), so a to-do group counts with exactly the filter
// its link shows.
func LinkFilter(q url.Values, filter any) error {
	r := &http.Request{Method: http.MethodGet, URL: &url.URL{RawQuery: q.Encode()}}
	return api.DecodeQuery(r, filter, true)
}
