package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// auditRow is one audit entry as the page shows it.
type auditRow struct {
	AuditEntry
	ActionLabel string // the action in words
	ObjectLabel string // the object kind in words; "" when naming it would say nothing (a session)
	ObjectName  string // the record's name, while it exists (see nameObjects)
	ObjectURL   string // the object's page, when it has one
	Badge       string // badge class: green ok, yellow denied/failed, red error
	DetailText  string // the detail JSON, indented; "" when there is none
}

// objectPages maps object kinds to the page showing one.
var objectPages = map[string]string{
	"user": "/admin/users/", "org": "/orgs/", "grid": "/grids/", "person": "/people/",
	"enterprise": "/enterprises/", "hazard": "/hazards/",
}

// unnamedObjects are kinds whose id means nothing to a reader: the action says it all.
var unnamedObjects = map[string]bool{"session": true}

// objectLabel names a record kind in words ("" for none): the catalog's name, else "记录".
func objectLabel(loc i18n.Localizer, kind string) string {
	if kind == "" {
		return ""
	}
	if key := "object." + kind; i18n.Default.Has(key) {
		return loc.T(key)
	}
	return loc.T("object.record")
}

func rowOf(loc i18n.Localizer, e AuditEntry) auditRow {
	row := auditRow{AuditEntry: e, ActionLabel: actionLabel(loc, e.Action, e.ObjectType)}
	if e.ObjectType != "" && !unnamedObjects[e.ObjectType] {
		row.ObjectLabel = objectLabel(loc, e.ObjectType)
		if base, ok := objectPages[e.ObjectType]; ok && e.ObjectID != "" {
			row.ObjectURL = base + e.ObjectID
		}
	}
	switch e.Result {
	case "ok":
		row.Badge = "badge-green"
	case "denied", "failed":
		row.Badge = "badge-yellow"
	default:
		row.Badge = "badge-red"
	}
	if d := bytes.TrimSpace(e.Detail); len(d) > 0 && !bytes.Equal(d, []byte("null")) && !bytes.Equal(d, []byte("{}")) {
		var buf bytes.Buffer
		if json.Indent(&buf, d, "", "  ") == nil {
			row.DetailText = buf.String()
		} else {
			row.DetailText = string(d)
		}
	}
	return row
}

// auditView is the audit page's data.
type auditView struct {
	web.ListPage
	Username, Action, Result, From, To string
	Results                            []string
	Groups, Common                     []actionChoice // the action filter's options
	Items                              []auditRow
}

func (m *Module) auditPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var f AuditFilter
		lp, l, err := web.ParseListPage(r, auditSorting, &f)
		if err != nil {
			return err
		}
		q := r.URL.Query()
		v := auditView{ListPage: l, Username: f.Username, Action: f.Action, Result: f.Result, From: q.Get("from"), To: q.Get("to"),
			Results: []string{"ok", "denied", "failed", "error"}}
		loc := i18n.FromContext(r.Context())
		v.Groups, v.Common = actionChoices(loc, f.Action)
		total, err := m.ListAudit(r.Context(), auth.FromContext(r.Context()).Scope, f, lp, func(e AuditEntry) error {
			v.Items = append(v.Items, rowOf(loc, e))
			return nil
		})
		if err != nil {
			return err
		}
		if err := m.nameObjects(r.Context(), v.Items); err != nil {
			return err
		}
		v.Finish(total)
		return s.Render(w, r, t.audit, v)
	}
}

// adminPanelData is the administrator's home panel.
type adminPanelData struct {
	Users, Locked, FailedSignIns int
	Audit                        bool   // the reader reads the audit log (FailedSignIns and Recent)
	Since                        string // the start of the 24 hours, as a date for the audit filter
	Recent                       []auditRow
}

// recentAudit is how many entries the panel lists.
const recentAudit = 8

func (m *Module) adminPanel(r *http.Request) (any, error) {
	ctx := r.Context()
	sc := auth.FromContext(ctx).Scope
	var d adminPanelData
	none := func(User) error { return nil }
	one := api.ListParams{Page: 1, PerPage: 1, Sort: "username"}
	var err error
	if d.Users, err = m.ListUsers(ctx, sc, UserFilter{}, one, none); err != nil {
		return nil, err
	}
	locked := true
	if d.Locked, err = m.ListUsers(ctx, sc, UserFilter{Locked: &locked}, one, none); err != nil {
		return nil, err
	}
	if d.Audit = readsAudit(auth.FromContext(ctx)); !d.Audit {
		return d, nil
	}
	since := m.Auth.Clock.Now().Add(-24 * time.Hour)
	d.Since = clock.DateText(since)
	if d.FailedSignIns, err = m.countAudit(ctx, sc, AuditFilter{Action: "session.create", Result: "denied", From: &since}); err != nil {
		return nil, err
	}
	loc := i18n.FromContext(ctx)
	_, err = m.ListAudit(ctx, sc, AuditFilter{}, api.ListParams{Page: 1, PerPage: recentAudit, Sort: "-id"}, func(e AuditEntry) error {
		d.Recent = append(d.Recent, rowOf(loc, e))
		return nil
	})
	if err != nil {
		return d, err
	}
	return d, m.nameObjects(ctx, d.Recent)
}

// readsAudit reports whether p reads the audit log: audit.read and a district-wide
// scope (see ListAudit).
func readsAudit(p *auth.Principal) bool { return p.Can(auth.PermAuditRead) && p.Scope.Whole }

func (m *Module) countAudit(ctx context.Context, sc auth.Scope, f AuditFilter) (int, error) {
	return m.ListAudit(ctx, sc, f, api.ListParams{Page: 1, PerPage: 1, Sort: "-id"}, func(AuditEntry) error { return nil })
}
