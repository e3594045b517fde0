// Package app wires SafeDuty together: it opens the database, builds the platform
// services and every capability module, and mounts their routes on one handler. Adding a
// capability means adding its folder and one line in modules().
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/safeduty/safeduty/internal/account"
	"github.com/safeduty/safeduty/internal/admin"
	"github.com/safeduty/safeduty/internal/attachment"
	"github.com/safeduty/safeduty/internal/duty"
	"github.com/safeduty/safeduty/internal/enforcement"
	"github.com/safeduty/safeduty/internal/enterprise"
	"github.com/safeduty/safeduty/internal/hazard"
	"github.com/safeduty/safeduty/internal/home"
	"github.com/safeduty/safeduty/internal/letter"
	"github.com/safeduty/safeduty/internal/meeting"
	"github.com/safeduty/safeduty/internal/notify"
	"github.com/safeduty/safeduty/internal/org"
	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/httpx"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/jobs"
	"github.com/safeduty/safeduty/internal/platform/kit"
	"github.com/safeduty/safeduty/internal/platform/web"
	"github.com/safeduty/safeduty/internal/riskpoint"
	"github.com/safeduty/safeduty/internal/selfinspect"
	"github.com/safeduty/safeduty/internal/tackling"
)

// Config is everything the server needs to start.
type Config struct {
	DB             db.Config
	Auth           auth.Config
	InsecureCookie bool
	TrustedProxies []netip.Prefix
	Version        string
	Clock          clock.Clock
	Log            *slog.Logger
	// Files is the folder of uploaded files (attachments), outside any web root. New
	// defaults it to <data dir>/files; Wire with it empty keeps uploads in memory (tests).
	Files string
	// FileStore, when set, keeps the attachments instead of the Files folder: an S3
	// store shared by several server processes.
	FileStore attachment.Store
	// Uploads limits uploaded files; zero fields take the defaults (10 MiB, 10,000 px a
	// side, 40 megapixels).
	Uploads attachment.Limits
	// Hazards sets the escalation timing (zero: hazard.DefaultConfig).
	Hazards hazard.Config
	// NoticeWebhook, when set, receives every notice as JSON (an SMS gateway's adapter);
	// otherwise notices are written to the log.
	NoticeWebhook string
	// ReadTimeouts bound how long a request body may take to arrive, for anyone and for
	// a signed-in user (zero: httpx.DefaultReadTimeouts).
	ReadTimeouts httpx.ReadTimeouts
	// MaxHeaderBytes bounds a request's headers (zero: 64 KiB); more answers 431.
	MaxHeaderBytes int
}

// App is a wired SafeDuty instance.
type App struct {
	Cfg     Config
	DB      *db.DB
	Audit   *audit.Log
	Auth    *auth.Service
	AuthMW  *auth.Middleware
	API     *api.Registry
	Site    *web.Site
	Org     *org.Module
	Handler http.Handler

	// Attachments stores uploads; capabilities link them to their records.
	Attachments *attachment.Module
	Notify      *notify.Service
	Hazard      *hazard.Module
	Enterprise  *enterprise.Module
	RiskPoint   *riskpoint.Module
	SelfInspect *selfinspect.Module
	Enforcement *enforcement.Module
	// The responsibility system (党政同责、一岗双责): duty lists and their tasks, target
	// responsibility letters, dedicated study, special tackling and 五个反思.
	Duty     *duty.Module
	Letter   *letter.Module
	Meeting  *meeting.Module
	Tackling *tackling.Module
	// Jobs runs periodic work (escalation, notice delivery, clean-up); serve starts it.
	Jobs *jobs.Runner

	metrics *prometheus.Registry
	mux     *http.ServeMux

	districtMu sync.Mutex
	district   string
	districtAt time.Time
}

// defaults fills what cfg leaves unset (the files folder is New's, which knows the data
// folder).
func (cfg *Config) defaults() {
	if cfg.Clock == nil {
		cfg.Clock = clock.System{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Auth == (auth.Config{}) {
		cfg.Auth = auth.DefaultConfig()
	}
	if cfg.Hazards == (hazard.Config{}) {
		cfg.Hazards = hazard.DefaultConfig()
	}
	if cfg.ReadTimeouts == (httpx.ReadTimeouts{}) {
		cfg.ReadTimeouts = httpx.DefaultReadTimeouts()
	}
	if cfg.MaxHeaderBytes == 0 {
		cfg.MaxHeaderBytes = 64 << 10
	}
}

// New opens the database, applies migrations and builds the handler.
func New(ctx context.Context, cfg Config) (*App, error) {
	cfg.defaults()
	if cfg.Files == "" {
		dir := cfg.DB.DataDir
		if dir == "" {
			dir = "data"
		}
		cfg.Files = filepath.Join(dir, "files")
	}
	d, err := db.Open(ctx, cfg.DB)
	if err != nil {
		return nil, err
	}
	if _, err := d.Migrate(ctx, cfg.Log); err != nil {
		d.Close()
		return nil, err
	}
	return Wire(d, cfg), nil
}

// Wire builds the application on an open, migrated database.
func Wire(d *db.DB, cfg Config) *App {
	cfg.defaults()
	a := &App{Cfg: cfg, DB: d, mux: http.NewServeMux(), metrics: prometheus.NewRegistry()}
	a.Audit = &audit.Log{Clock: cfg.Clock}
	a.Auth = &auth.Service{DB: d, Clock: cfg.Clock, Audit: a.Audit, Cfg: cfg.Auth, Log: cfg.Log}
	a.Auth.Listen(context.Background()) // the principal cache's announcements, until d is closed
	a.AuthMW = &auth.Middleware{Service: a.Auth, InsecureCookie: cfg.InsecureCookie, OnError: a.renderError}
	a.API = api.NewRegistry(a.mux, a.Audit, d)
	a.Site = web.NewSite(a.mux, a.Audit, d, a.AuthMW)
	a.Site.Version = cfg.Version
	a.Site.District = a.districtName

	deps := kit.Deps{DB: d, Audit: a.Audit, Clock: cfg.Clock} // what every capability keeping records is given
	a.Org = &org.Module{Deps: deps}
	acc := &account.Module{Auth: a.Auth, MW: a.AuthMW, Site: a.Site}
	adm := &admin.Module{DB: d, Auth: a.Auth, Site: a.Site}
	hm := &home.Module{DB: d, Site: a.Site}
	a.Attachments = &attachment.Module{Deps: deps, Store: attachment.NewMemStore(), Limits: cfg.Uploads,
		ErrorPage: a.Site.Error, Log: cfg.Log}
	if cfg.Files != "" {
		a.Attachments.Store = &attachment.LocalStore{Dir: cfg.Files}
		a.Attachments.TempDir = filepath.Join(cfg.Files, ".tmp")
	}
	if cfg.FileStore != nil {
		a.Attachments.Store, a.Attachments.TempDir = cfg.FileStore, ""
	}

	var sender notify.Sender = notify.LogSender{Log: cfg.Log}
	if cfg.NoticeWebhook != "" {
		sender = notify.WebhookSender{URL: cfg.NoticeWebhook}
	}
	a.Notify = &notify.Service{DB: d, Clock: cfg.Clock, Sender: sender, Log: cfg.Log}
	// Every capability that keeps files links them with the attachment store's Linker and
	// stores what its page forms send with its Uploader.
	files := linker{a.Attachments}
	uploads := web.UploaderOf(a.Attachments.Create, func(at attachment.Attachment) db.ID { return at.ID })
	a.Hazard = &hazard.Module{Deps: deps, Notify: a.Notify, Attachments: files, Uploader: uploads, Cfg: cfg.Hazards}
	a.Enterprise = &enterprise.Module{Deps: deps, Hazards: a.Hazard, Auth: a.Auth, Attachments: files, Uploader: uploads}
	a.RiskPoint = &riskpoint.Module{Deps: deps, Registry: a.Enterprise}
	a.SelfInspect = &selfinspect.Module{Deps: deps, Registry: a.Enterprise, Hazards: a.Hazard, Uploader: uploads}
	a.Enforcement = &enforcement.Module{Deps: deps, Registry: a.Enterprise, Attachments: files, Uploader: uploads}
	a.Duty = &duty.Module{Deps: deps, Notify: a.Notify, Attachments: files, Uploader: uploads}
	a.Letter = &letter.Module{Deps: deps}
	a.Meeting = &meeting.Module{Deps: deps, Duties: a.Duty, Attachments: files, Uploader: uploads}
	a.Tackling = &tackling.Module{Deps: deps, Attachments: files, Uploader: uploads}
	a.Hazard.Enterprises = a.Enterprise
	a.Hazard.OnChange = func(ctx context.Context, tx *db.Tx, id db.ID) error {
		_, err := a.Enterprise.Recolor(ctx, tx, "hazard", id)
		return err
	}
	a.Jobs = &jobs.Runner{DB: d, Clock: cfg.Clock, Log: cfg.Log}
	a.addJobs()

	// API routes.
	acc.Routes(a.API)
	a.Org.Routes(a.API)
	a.Attachments.Routes(a.API)
	a.Hazard.Routes(a.API)
	a.Enterprise.Routes(a.API)
	a.RiskPoint.Routes(a.API)
	a.SelfInspect.Routes(a.API)
	a.Enforcement.Routes(a.API)
	a.Duty.Routes(a.API)
	a.Letter.Routes(a.API)
	a.Meeting.Routes(a.API)
	a.Tackling.Routes(a.API)
	a.Notify.Routes(a.API)
	adm.Routes(a.API)
	a.API.Add(api.Route{Method: "GET", Path: "/api/v1/openapi.json", ID: "openapi", Tag: "meta", Public: true,
		Summary: "This OpenAPI document", Handler: a.API.ServeOpenAPI(cfg.Version)})

	// Pages.
	acc.Pages(a.Site)
	a.Org.Pages(a.Site)
	a.Notify.Pages(a.Site)
	a.Hazard.Pages(a.Site)
	a.Enterprise.Pages(a.Site) // before the capabilities that show an enterprise's parts and add to its pages
	a.RiskPoint.Pages(a.Site)
	a.SelfInspect.Pages(a.Site)
	a.Enforcement.Pages(a.Site)
	a.Duty.Pages(a.Site)
	a.Letter.Pages(a.Site)
	a.Meeting.Pages(a.Site)
	a.Tackling.Pages(a.Site)
	adm.Pages(a.Site)
	hm.Pages(a.Site)
	// The to-do card's sources (待我处理), in the card's order.
	a.Site.AddTodo(a.Hazard)
	a.Site.AddTodo(a.Enterprise)
	a.Site.AddTodo(a.Duty)
	a.Site.AddTodo(a.Tackling)

	a.RefreshReferenceData(context.Background())
	if err := a.Duty.LoadDefaults(context.Background()); err != nil { // the default duty templates and holidays, into empty tables
		cfg.Log.Error("duty templates", "err", err)
	}
	a.mountOps()
	a.metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a.metrics.MustRegister(collectors.NewDBStatsCollector(d.Pool(), string(d.Engine())))
	m := httpx.NewMetrics(a.metrics)

	var h http.Handler = a.mux
	h = a.langMiddleware(h)
	h = cfg.ReadTimeouts.Extend(h, func(r *http.Request) bool { return auth.FromContext(r.Context()) != nil })
	h = a.AuthMW.Handler(h)
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(a.langMiddleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.renderError(w, r, apperr.New(apperr.Forbidden, "input.cross_origin", nil))
	})))
	h = cop.Handler(h)
	h = cfg.ReadTimeouts.Limit(h)
	h = httpx.Wrap(h, cfg.Log, m, httpx.ClientIP{Trusted: cfg.TrustedProxies})
	a.Handler = h
	return a
}

// Server returns the HTTP server for a.Handler: headers within 10 seconds and
// MaxHeaderBytes, a body within ReadTimeouts (the handler shortens the server's
// ReadTimeout, SignedIn, to Anonymous for anyone not signed in), 10 minutes to write
// (long exports stream). Serve it on httpx.ProblemListener(ln, a.Cfg.MaxHeaderBytes),
// so that even the 431 that net/http writes by itself is a problem document.
func (a *App) Server() *http.Server {
	return &http.Server{
		Handler:           a.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       a.Cfg.ReadTimeouts.SignedIn,
		WriteTimeout:      10 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    a.Cfg.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(a.Cfg.Log.Handler(), slog.LevelWarn),
	}
}

// linker adapts the attachment module to the web kit's Linker.
type linker struct{ m *attachment.Module }

func (l linker) Link(ctx context.Context, tx *db.Tx, actor *auth.Principal, ids []db.ID, orgPath string, industry *string, enterprise *db.ID) error {
	_, err := l.m.LinkTo(ctx, tx, actor, ids, attachment.Place{OrgPath: orgPath, Industry: industry, EnterpriseID: enterprise})
	return err
}

// addJobs registers the periodic work of every capability.
func (a *App) addJobs() {
	a.Jobs.Add(jobs.Job{Name: "hazard.escalate", Every: a.Cfg.Hazards.ScanEvery, Run: func(ctx context.Context, now time.Time) error {
		n, err := a.Hazard.Escalate(ctx, now)
		if n > 0 {
			a.Cfg.Log.Info("hazards escalated", "count", n)
		}
		return err
	}})
	a.Jobs.Add(jobs.Job{Name: "enterprise.recolor", Every: 24 * time.Hour, Lease: time.Hour, Run: func(ctx context.Context, now time.Time) error {
		n, err := a.Enterprise.RecolorAll(ctx, "nightly")
		if n > 0 {
			a.Cfg.Log.Info("enterprises recolored", "count", n)
		}
		return err
	}})
	a.Jobs.Add(jobs.Job{Name: "notify.deliver", Every: time.Minute, Run: func(ctx context.Context, now time.Time) error {
		for {
			n, err := a.Notify.Deliver(ctx, 200)
			if err != nil || n < 200 {
				return err
			}
		}
	}})
	a.Jobs.Add(jobs.Job{Name: "attachment.sweep", Every: time.Hour, Run: func(ctx context.Context, now time.Time) error {
		n, err := a.Attachments.Sweep(ctx, now)
		if n > 0 {
			a.Cfg.Log.Info("unclaimed uploads removed", "count", n)
		}
		return err
	}})
	a.Jobs.Add(jobs.Job{Name: "sessions.cleanup", Every: time.Hour, Run: func(ctx context.Context, now time.Time) error {
		_, err := a.DB.Exec(ctx, `DELETE FROM sessions WHERE expires_at < ? OR idle_expires_at < ?`, now, now)
		return err
	}})
	a.Jobs.Add(jobs.Job{Name: "duty.generate", Every: time.Hour, Run: func(ctx context.Context, now time.Time) error { _, err := a.Duty.Generate(ctx, now); return err }})
	a.Jobs.Add(jobs.Job{Name: "duty.remind", Every: time.Hour, Run: func(ctx context.Context, now time.Time) error { _, err := a.Duty.Remind(ctx, now); return err }})
	a.Jobs.Add(jobs.Job{Name: "signin.throttle_sweep", Every: 15 * time.Minute, Run: func(ctx context.Context, now time.Time) error {
		_, err := a.Auth.SweepThrottles(ctx, now)
		return err
	}})
}

// Close releases the database.
func (a *App) Close() error { return a.DB.Close() }

// mountOps adds the health, readiness and metrics endpoints, and the API's fallbacks.
func (a *App) mountOps() {
	a.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	a.mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := a.DB.Ping(ctx); err != nil {
			a.Cfg.Log.Warn("readyz: database not answering", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "database unavailable")
			return
		}
		fmt.Fprintln(w, "ready")
	})
	a.mux.Handle("GET /metrics", promhttp.HandlerFor(a.metrics, promhttp.HandlerOpts{}))
	// Unknown API paths and wrong methods answer problem documents, not the HTML 404.
	a.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := a.mux.Handler(probe); pattern != "/api/" && pattern != "" {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			api.WriteError(w, r, apperr.New(apperr.MethodNotAllowed, "error.method", nil))
			return
		}
		api.WriteError(w, r, apperr.New(apperr.NotFound, "error.no_route", nil))
	})
	a.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		a.Site.Error(w, r, apperr.NotFoundf("page"))
	})
}

// renderError answers errors raised before routing (bad token, CSRF) in the right form.
func (a *App) renderError(w http.ResponseWriter, r *http.Request, err error) {
	if isAPI(r) {
		api.WriteError(w, r, err)
		return
	}
	a.Site.Error(w, r, err)
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// langMiddleware picks the response language: ?lang=, then the lang cookie (pages) or
// Accept-Language (API), then the user's saved choice, then Chinese. An API URL that a
// page shows in the browser itself (an attachment in an <img> or opened in a tab: the
// browser says so in Sec-Fetch-Dest) is read like a page, in the language chosen there.
func (a *App) langMiddleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := i18n.Lang("")
		dest := r.Header.Get("Sec-Fetch-Dest")
		shown := dest == "document" || dest == "iframe" || dest == "image"
		q := ""
		if r.URL.RawQuery != "" { // most requests have no query: spare parsing one
			q = r.URL.Query().Get("lang")
		}
		if q != "" {
			lang = i18n.Parse(q)
		} else if isAPI(r) && !shown {
			if al := r.Header.Get("Accept-Language"); al != "" {
				lang = i18n.Negotiate(al)
			}
		} else if c, err := r.Cookie("lang"); err == nil && c.Value != "" {
			lang = i18n.Parse(c.Value)
		}
		if lang == "" {
			if p := auth.FromContext(r.Context()); p != nil {
				lang = p.Lang
			} else {
				lang = i18n.Zh
			}
		}
		next.ServeHTTP(w, r.WithContext(i18n.WithLang(r.Context(), lang)))
	})
}

// districtName is the name of the root of the tree, shown in every page's header; it is
// read at most once a minute.
func (a *App) districtName(ctx context.Context) string {
	a.districtMu.Lock()
	defer a.districtMu.Unlock()
	if time.Since(a.districtAt) < time.Minute {
		return a.district
	}
	var name string
	err := a.DB.QueryRow(ctx, `SELECT name FROM orgs WHERE kind = 'district' ORDER BY id LIMIT 1`).Scan(&name)
	if err != nil && !db.IsNoRows(err) {
		if !errors.Is(err, context.Canceled) {
			a.Cfg.Log.Warn("district name", "err", err)
		}
		return a.district
	}
	a.district, a.districtAt = name, time.Now()
	return name
}

// RefreshReferenceData reloads the names that pages, exports and notices show for
// reference codes (industries) into the message catalog.
func (a *App) RefreshReferenceData(ctx context.Context) {
	inds, err := a.Org.ListIndustries(ctx)
	if err != nil {
		a.Cfg.Log.Warn("load industries", "err", err)
		return
	}
	names := make(map[string]map[i18n.Lang]string, len(inds))
	for _, i := range inds {
		names[i.Code] = map[i18n.Lang]string{i18n.Zh: i.NameZh, i18n.En: i.NameEn}
	}
	i18n.Default.SetNames(i18n.KindIndustry, names)
}
