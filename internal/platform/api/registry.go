package api

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/httpx"
)

// Route describes one API operation. Every API route is registered through a Route, so
// the OpenAPI document describes exactly what is served, and tests can walk every route.
type Route struct {
	Method  string // GET, POST, PATCH, PUT, DELETE
	Path    string // "/api/v1/grids/{id}"
	ID      string // operationId, e.g. "listGrids"
	Summary string // one line, English
	Tag     string // OpenAPI tag: the capability

	Public bool             // reachable without signing in
	Perm   *auth.Permission // required permission; nil means any signed-in user

	Params any // struct whose `query`-tagged fields are the filters (docs and decoding)
	Body   any // request body type (JSON)
	// FileField, when set, makes the body multipart/form-data carrying one file in this field.
	FileField string
	Response  any // success body type; for a List, the item type
	Status    int // success status (default 200; 204 means no body)
	List      bool
	Sorts     []string // sortable fields of a List
	// Object names the kind of record that {id} identifies (e.g. "grid"); the scope test
	// substitutes ids of that kind from another town.
	Object string
	// Produces lists extra media types of the success response (e.g. "application/pdf").
	Produces []string

	Handler HandlerFunc
}

// Registry holds the API routes and mounts them on a ServeMux.
type Registry struct {
	mux    *http.ServeMux
	routes []Route
	audit  *audit.Log
	db     *db.DB
}

// NewRegistry returns a registry mounting routes on mux; failed writes are audited
// through log and d.
func NewRegistry(mux *http.ServeMux, log *audit.Log, d *db.DB) *Registry {
	return &Registry{mux: mux, audit: log, db: d}
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

// Add registers a route.
func (g *Registry) Add(rt Route) {
	if rt.Status == 0 {
		rt.Status = http.StatusOK
	}
	if rt.ID == "" || rt.Summary == "" || rt.Tag == "" || rt.Handler == nil {
		panic("api: route " + rt.Method + " " + rt.Path + " needs ID, Summary, Tag and Handler")
	}
	if strings.Contains(strings.ReplaceAll(rt.Path, "{$}", ""), "{") && rt.Object == "" {
		panic("api: route " + rt.Method + " " + rt.Path + " has a path parameter but no Object")
	}
	g.routes = append(g.routes, rt)
	g.mux.Handle(rt.Method+" "+rt.Path, g.handler(rt))
}

// Routes returns the registered routes in registration order.
func (g *Registry) Routes() []Route { return slices.Clone(g.routes) }

func (g *Registry) handler(rt Route) http.Handler {
	pattern := rt.Method + " " + rt.Path
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		req := audit.RequestFrom(ctx)
		if req != nil {
			req.Route = pattern
		}
		sw := &httpx.StatusWriter{ResponseWriter: w}
		err := g.authorize(ctx, rt)
		if err == nil {
			err = rt.Handler(sw, r)
		}
		if err != nil {
			if sw.Status != 0 {
				// The response had begun (a streamed export): it cannot become a problem
				// document now, so cut the connection rather than end a file silently short.
				httpx.LogCutShort(r, err)
				panic(http.ErrAbortHandler)
			}
			WriteError(sw, r, err)
		}
		if !safe(r.Method) && !audit.Recorded(ctx) && g.audit != nil {
			g.auditFallback(ctx, rt, r, sw.Code())
		}
	})
}

func (g *Registry) authorize(ctx context.Context, rt Route) error {
	p := auth.FromContext(ctx)
	if rt.Public {
		return nil
	}
	if p == nil {
		if err := auth.AuthFailure(ctx); err != nil {
			return err
		}
		return apperr.New(apperr.Unauthenticated, "auth.required", nil)
	}
	if rt.Perm != nil && !p.Can(*rt.Perm) {
		return apperr.Forbid()
	}
	return nil
}

// auditFallback records a write that no domain code recorded: a refused or failed one,
// so that every write attempt leaves an entry.
func (g *Registry) auditFallback(ctx context.Context, rt Route, r *http.Request, status int) {
	e := audit.Entry{
		Action:     rt.ID,
		ObjectType: rt.Object,
		ObjectID:   r.PathValue("id"),
		Result:     audit.ResultFor(status),
		Status:     status,
		Detail:     map[string]any{"route": rt.Method + " " + rt.Path},
	}
	if err := g.audit.Record(context.WithoutCancel(ctx), g.db, e); err != nil {
		apperrLog(r, err)
	}
}

func safe(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}

// PathID parses the {name} path parameter as an id; a malformed id is NotFound, like an
// id that does not exist.
func PathID(r *http.Request, name string, object string) (db.ID, error) {
	id, err := db.ParseID(r.PathValue(name))
	if err != nil {
		return 0, apperr.NotFoundf(object)
	}
	return id, nil
}
