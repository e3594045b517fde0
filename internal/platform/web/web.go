// Package web is SafeDuty's web kit: the page layout, template rendering in the user's
// language, static files (CSS, htmx, ECharts, all vendored), navigation and home panels
// that capabilities contribute, form helpers, flash messages and error pages.
package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/httpx"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

//go:embed templates
var baseTemplates embed.FS

//go:embed static
var staticFiles embed.FS

// HandlerFunc is a page handler; a returned error is rendered as an error page (or, for
// a missing sign-in, a redirect to the sign-in page).
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Page describes one page route.
type Page struct {
	Method  string // GET or POST
	Path    string
	Public  bool
	Perm    *auth.Permission
	Object  string // the record kind {id} names, as for API routes
	Handler HandlerFunc
}

// NavItem is one entry of the navigation; Visible decides who sees it.
type NavItem struct {
	Key     string // message key of the label
	Path    string
	Icon    string // name of an icon in the sprite
	Order   int
	Perm    *auth.Permission
	Visible func(p *auth.Principal) bool
	// Badge, when set, counts what waits for the user (e.g. unread notices); a positive
	// count is shown beside the label.
	Badge func(r *http.Request) int
	// Count is Badge's result for the current request (set when the page renders).
	Count int
	// Todo, when set, makes the entry's badge the to-do card's total (the home's).
	Todo bool
}

// Panel is one block of the home page, contributed by a capability.
type Panel struct {
	Order    int
	Visible  func(p *auth.Principal) bool
	Template *template.Template // executes "panel" with the Data result
	Data     func(r *http.Request) (any, error)
}

// Site holds the web shell's templates, navigation and pages.
type Site struct {
	mux      *http.ServeMux
	audit    *audit.Log
	db       *db.DB
	Auth     *auth.Middleware
	Name     string // product name shown in the header
	District func(ctx context.Context) string
	Version  string

	mu     sync.RWMutex
	nav    []NavItem
	panels []Panel
	pages  []Page
	todos  []TodoSource

	base      *template.Template
	errorPage *template.Template
	// compiled holds each template cloned with one language's functions and escaped once
	// (compiledKey → *template.Template); see compiled.
	compiled sync.Map
	assets   map[string]string // static path -> content hash
	// Stylesheets the capabilities contribute (AddStylesheet), by static path, and
	// their paths in the order the layout links them.
	extra       map[string][]byte
	stylesheets []string
}

// NewSite returns a site mounting pages on mux.
func NewSite(mux *http.ServeMux, log *audit.Log, d *db.DB, mw *auth.Middleware) *Site {
	s := &Site{mux: mux, audit: log, db: d, Auth: mw, Name: "安责通", assets: map[string]string{}, extra: map[string][]byte{}}
	s.base = template.Must(template.New("base").Funcs(s.funcs(s.baseLoc())).ParseFS(baseTemplates, "templates/layout/*.html"))
	s.errorPage = s.MustParse(baseTemplates, "templates/error.html")
	_ = fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFiles.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		s.assets[strings.TrimPrefix(p, "static/")] = hex.EncodeToString(sum[:6])
		return nil
	})
	mux.Handle("GET /static/", http.HandlerFunc(s.serveStatic))
	return s
}

// baseLoc is the language templates are parsed in; each render sets the reader's.
func (s *Site) baseLoc() i18n.Localizer { return i18n.Localizer{Lang: i18n.Zh, Catalog: i18n.Default} }

// MustParse parses page templates together with the layout; it panics on error (at
// start-up). Files are read from fsys; each page file defines "title" and "content".
func (s *Site) MustParse(fsys fs.FS, files ...string) *template.Template {
	s.mu.RLock()
	t := template.Must(s.base.Clone())
	s.mu.RUnlock()
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			panic(err)
		}
		template.Must(t.New(f).Parse(string(b)))
	}
	return t
}

// Handle registers a page.
func (s *Site) Handle(p Page) {
	if p.Method == "" {
		p.Method = http.MethodGet
	}
	if strings.Contains(strings.ReplaceAll(p.Path, "{$}", ""), "{") && p.Object == "" {
		panic("web: page " + p.Path + " has a path parameter but no Object")
	}
	s.mu.Lock()
	s.pages = append(s.pages, p)
	s.mu.Unlock()
	s.mux.Handle(p.Method+" "+p.Path, s.handler(p))
}

// Pages returns the registered pages.
func (s *Site) Pages() []Page {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.pages)
}

// AddNav adds a navigation entry.
func (s *Site) AddNav(n NavItem) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nav = append(s.nav, n)
	slices.SortStableFunc(s.nav, func(a, b NavItem) int { return a.Order - b.Order })
}

// AddPanel adds a home page panel.
func (s *Site) AddPanel(p Panel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.panels = append(s.panels, p)
	slices.SortStableFunc(s.panels, func(a, b Panel) int { return a.Order - b.Order })
}

func (s *Site) handler(p Page) http.Handler {
	pattern := p.Method + " " + p.Path
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if req := audit.RequestFrom(ctx); req != nil {
			req.Route = pattern
		}
		sw := &httpx.StatusWriter{ResponseWriter: w}
		pr := auth.FromContext(ctx)
		var err error
		switch {
		case p.Public:
		case pr == nil:
			err = apperr.New(apperr.Unauthenticated, "auth.required", nil)
		case pr.MustChangePassword && p.Path != "/account/password" && p.Path != "/logout":
			http.Redirect(sw, r, "/account/password", http.StatusSeeOther)
			return
		case p.Perm != nil && !pr.Can(*p.Perm):
			err = apperr.Forbid()
		}
		if err == nil {
			err = p.Handler(sw, r)
		}
		if err != nil {
			if sw.Status != 0 {
				httpx.LogCutShort(r, err)
				panic(http.ErrAbortHandler)
			}
			s.Error(sw, r, err)
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !audit.Recorded(ctx) && s.audit != nil {
			e := audit.Entry{Action: "page " + pattern, ObjectType: p.Object, ObjectID: r.PathValue("id"),
				Result: audit.ResultFor(sw.Code()), Status: sw.Code()}
			if err := s.audit.Record(context.WithoutCancel(ctx), s.db, e); err != nil {
				slog.Error("audit page write", "err", err)
			}
		}
	})
}

// Error renders err as an error page, or redirects to the sign-in page when the visitor
// is not signed in.
func (s *Site) Error(w http.ResponseWriter, r *http.Request, err error) {
	e := apperr.As(err)
	if e.Code == apperr.Unauthenticated {
		next := r.URL.RequestURI()
		target := "/login?next=" + url.QueryEscape(next)
		if auth.AuthFailure(r.Context()) != nil {
			target += "&expired=1"
		}
		if r.Header.Get("HX-Request") == "true" {
			w.Header().Set("HX-Redirect", target)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return
	}
	loc := i18n.FromContext(r.Context())
	status := apperr.Status(e.Code)
	apperr.SetRetryAfter(w.Header(), err)
	data := map[string]any{"Status": status, "Title": loc.T("problem." + string(e.Code))}
	if e.Code == apperr.Internal {
		slog.Error("page error", "path", r.URL.Path, "err", err)
		data["Message"] = loc.T("error.internal")
	} else {
		data["Message"] = loc.TArgs(e.Key, e.Args)
	}
	s.RenderStatus(w, r, status, s.errorPage, data)
}

// View is what every page template receives.
type View struct {
	L         i18n.Localizer
	User      *auth.Principal
	Nav       []NavItem
	Path      string
	Here      string // the page's address with its query (filters), for the language switch
	CSRF      string
	Flash     string
	Site      *Site
	District  string
	Data      any
	Embedded  bool // rendered inside another page (htmx partial)
	LangOther i18n.Lang
	// Todo is the signed-in user's to-do card (web.TodoSource): the home shows it first,
	// the menu button and the home's navigation entry its total.
	Todo Todo
}

// Render executes the page template t with data and status 200.
func (s *Site) Render(w http.ResponseWriter, r *http.Request, t *template.Template, data any) error {
	return s.RenderStatus(w, r, http.StatusOK, t, data)
}

// RenderStatus executes t (entry "layout", or "content" alone for htmx requests that
// target the main area) into a buffer first, so a template error never sends half a page.
func (s *Site) RenderStatus(w http.ResponseWriter, r *http.Request, status int, t *template.Template, data any) error {
	v := s.view(w, r, data)
	tc, err := s.compile(t, v.L)
	if err != nil {
		return err
	}
	entry := "layout"
	if r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Target") != "" && tc.Lookup("partial") != nil {
		entry = "partial"
		v.Embedded = true
	}
	var buf bytes.Buffer
	if err := tc.ExecuteTemplate(&buf, entry, v); err != nil {
		return err
	}
	page := fillErrorSummary(buf.Bytes(), v.L)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Vary", "HX-Request")
	w.WriteHeader(status)
	_, err = w.Write(page)
	return err
}

type compiledKey struct {
	t   *template.Template
	loc i18n.Localizer
}

// compile returns t cloned with the functions of loc, made once per template and language
// and kept. html/template escapes a template set on its first execution, and a clone is
// a new set: cloning on every request escaped the page's whole set (the layout, every
// partial) again on every request, most of a page's time. A template and its clones are
// never changed once pages are mounted, and an escaped template executes concurrently.
func (s *Site) compile(t *template.Template, loc i18n.Localizer) (*template.Template, error) {
	key := compiledKey{t, loc}
	if tc, ok := s.compiled.Load(key); ok {
		return tc.(*template.Template), nil
	}
	tc, err := t.Clone()
	if err != nil {
		return nil, err
	}
	tc.Funcs(s.funcs(loc))
	got, _ := s.compiled.LoadOrStore(key, tc)
	return got.(*template.Template), nil
}

func (s *Site) view(w http.ResponseWriter, r *http.Request, data any) *View {
	p := auth.FromContext(r.Context())
	loc := i18n.FromContext(r.Context())
	v := &View{L: loc, User: p, Path: r.URL.Path, Here: here(r), Site: s, Data: data, Flash: s.takeFlash(w, r)}
	if loc.Lang == i18n.Zh {
		v.LangOther = i18n.En
	} else {
		v.LangOther = i18n.Zh
	}
	if p != nil {
		v.CSRF = p.CSRFToken
		v.Nav = s.navFor(p)
		if r.Header.Get("HX-Request") != "true" {
			v.Todo = s.todoOf(r)
		}
		for i := range v.Nav {
			switch {
			case v.Nav[i].Todo:
				v.Nav[i].Count = v.Todo.Total
			case v.Nav[i].Badge != nil:
				v.Nav[i].Count = v.Nav[i].Badge(r)
			}
		}
	}
	if s.District != nil {
		v.District = s.District(r.Context())
	}
	return v
}

// here is the address the language switch returns to: the page with its filters (the
// query string without ?lang, which would undo the switch). A form's answer (a POST)
// returns to its page without the posted state.
func here(r *http.Request) string {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return r.URL.Path
	}
	q := r.URL.Query()
	q.Del("lang")
	if len(q) == 0 {
		return r.URL.Path
	}
	return r.URL.Path + "?" + q.Encode()
}

func (s *Site) navFor(p *auth.Principal) []NavItem {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []NavItem
	for _, n := range s.nav {
		if n.Perm != nil && !p.Can(*n.Perm) {
			continue
		}
		if n.Visible != nil && !n.Visible(p) {
			continue
		}
		out = append(out, n)
	}
	return out
}

// PanelsFor renders the home panels visible to the request's principal, in order.
func (s *Site) PanelsFor(r *http.Request) ([]template.HTML, error) {
	p := auth.FromContext(r.Context())
	s.mu.RLock()
	panels := slices.Clone(s.panels)
	s.mu.RUnlock()
	var out []template.HTML
	for _, pn := range panels {
		if pn.Visible != nil && !pn.Visible(p) {
			continue
		}
		data, err := pn.Data(r)
		if err != nil {
			return nil, err
		}
		h, err := s.RenderPart(r, pn.Template, "panel", data)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}

// RenderPart executes the template name of t with data as a block of a larger page (a
// home panel, a section another capability keeps on a record's page): it sees the same
// View a page does (.Data, .CSRF for its forms, .User), in the request's language.
func (s *Site) RenderPart(r *http.Request, t *template.Template, name string, data any) (template.HTML, error) {
	p := auth.FromContext(r.Context())
	loc := i18n.FromContext(r.Context())
	tc, err := s.compile(t, loc)
	if err != nil {
		return "", err
	}
	v := &View{L: loc, User: p, Path: r.URL.Path, Site: s, Data: data}
	if p != nil {
		v.CSRF = p.CSRFToken
	}
	var buf bytes.Buffer
	if err := tc.ExecuteTemplate(&buf, name, v); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil //nolint:gosec // produced by html/template
}

// releaseRE matches a release version (v1.4.0, 1.4.0-rc.1), not a development build
// ("dev", "dev-<revision>") nor a Go pseudo-version (v0.0.0-20261203…-abcdef).
var releaseRE = regexp.MustCompile(`^v?\d+\.\d+\.\d+(-(alpha|beta|rc)(\.\d+)?)?$`)

// ReleaseVersion is Version when it names a release, else "": the pages show a version
// to people only when it means something to them.
func (s *Site) ReleaseVersion() string {
	if releaseRE.MatchString(s.Version) {
		return strings.TrimPrefix(s.Version, "v")
	}
	return ""
}

// Asset returns the URL of a static file with a content fingerprint for caching.
func (s *Site) Asset(name string) string {
	s.mu.RLock()
	h, ok := s.assets[name]
	s.mu.RUnlock()
	if ok {
		return "/static/" + name + "?v=" + h
	}
	return "/static/" + name
}

func (s *Site) serveStatic(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	s.mu.RLock()
	b, contributed := s.extra[name]
	hash := s.assets[name]
	s.mu.RUnlock()
	if !contributed {
		var err error
		if b, err = staticFiles.ReadFile("static/" + name); err != nil || name == "" {
			http.NotFound(w, r)
			return
		}
	}
	if v := r.URL.Query().Get("v"); v != "" && v == hash {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "public, max-age=300")
	}
	http.ServeContent(w, r, name, startTime, bytes.NewReader(b))
}

// SetFlash stores a one-time message key shown on the next page.
func SetFlash(w http.ResponseWriter, key string) {
	http.SetCookie(w, &http.Cookie{Name: "flash", Value: url.QueryEscape(key), Path: "/", MaxAge: 60, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

func (s *Site) takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie("flash")
	if err != nil || c.Value == "" {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: "flash", Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	key, err := url.QueryUnescape(c.Value)
	if err != nil || !strings.HasPrefix(key, "flash.") {
		return ""
	}
	return i18n.FromContext(r.Context()).T(key)
}

// FieldErrors returns the per-field messages of a validation error, in the request's
// language, and the remaining message for errors that are not about fields.
func FieldErrors(r *http.Request, err error) (fields map[string]string, message string, ok bool) {
	e := apperr.As(err)
	if e.Code != apperr.Invalid && e.Code != apperr.BadRequest && e.Code != apperr.Conflict {
		return nil, "", false
	}
	loc := i18n.FromContext(r.Context())
	fields = map[string]string{}
	for _, f := range e.Fields {
		if _, dup := fields[f.Field]; !dup {
			fields[f.Field] = loc.TArgs(f.Key, f.Args)
		}
	}
	if len(e.Fields) == 0 {
		message = loc.TArgs(e.Key, e.Args)
	} else {
		message = loc.T("error.invalid_fields", "n", len(e.Fields))
	}
	return fields, message, true
}

// HTML is trusted markup produced by html/template (a rendered panel).
type HTML = template.HTML
