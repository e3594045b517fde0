package admin

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

var auditSorting = api.Sorting{
	Columns:  map[string]string{"at": "a.at", "username": "a.username", "action": "a.action", "id": "a.id"},
	Default:  "-id",
	Tiebreak: "a.id",
}

var auditExport = api.Export[AuditEntry]{Name: "admin.export.audit", Columns: []api.Column[AuditEntry]{
	{Header: "admin.field.at", Value: func(e AuditEntry) any { return e.At }, Width: 18},
	{Header: "admin.field.username", Value: func(e AuditEntry) any { return e.Username }, Width: 14},
	{Header: "admin.field.ip", Value: func(e AuditEntry) any { return e.IP }, Width: 16},
	{Header: "admin.field.action", Value: func(e AuditEntry) any {
		return i18n.Text(func(loc i18n.Localizer) string { return actionLabel(loc, e.Action, e.ObjectType) })
	}, Width: 16},
	{Header: "admin.field.action_code", Value: func(e AuditEntry) any { return e.Action }, Width: 22}, // for matching and filters
	{Header: "admin.field.object", Value: func(e AuditEntry) any {
		return i18n.Text(func(loc i18n.Localizer) string { return objectLabel(loc, e.ObjectType) })
	}, Width: 12},
	{Header: "admin.field.object_id", Value: func(e AuditEntry) any { return e.ObjectID }, Width: 10},
	{Header: "admin.field.result", Value: func(e AuditEntry) any { return resultLabel(e.Result) }, Width: 8},
	{Header: "admin.field.status", Value: func(e AuditEntry) any { return e.Status }, Width: 8},
	{Header: "admin.field.detail", Value: func(e AuditEntry) any { return string(e.Detail) }, Width: 50},
}}

// resultLabel names an audit result (ok, denied, failed, error) in the reader's language.
func resultLabel(result string) any {
	if key := "admin.result." + result; i18n.Default.Has(key) {
		return i18n.Key(key)
	}
	return result
}

// ListAudit calls each for the audit entries matching f. The log is district-wide: only
// roles holding audit.read reach it, and every entry is shown to them. Its entries name
// records of every town (and the platform's own work), so it is read with a
// district-wide scope only: a user of a town holding audit.read is refused.
//
// Errors: Forbidden (a scope narrower than the district).
func (m *Module) ListAudit(ctx context.Context, sc auth.Scope, f AuditFilter, lp api.ListParams, each func(AuditEntry) error) (int, error) {
	if !sc.Whole {
		return 0, apperr.Forbid()
	}
	var w db.Where
	if f.Username != "" {
		w.Add("a.username = ?", auth.NormalizeUsername(f.Username))
	}
	if f.Action != "" {
		if strings.HasSuffix(f.Action, ".") {
			lo, hi := db.PrefixRange(f.Action)
			w.Add("a.action >= ? AND a.action < ?", lo, hi)
		} else {
			w.Add("a.action = ?", f.Action)
		}
	}
	w.Eq("a.object_type", f.ObjectType)
	w.Eq("a.object_id", f.ObjectID)
	w.Eq("a.result", f.Result)
	w.Eq("a.ip", f.IP)
	if f.From != nil {
		w.Add("a.at >= ?", *f.From)
	}
	if f.To != nil {
		to := *f.To
		if to.Hour() == 0 && to.Minute() == 0 && to.Second() == 0 && to.Nanosecond() == 0 {
			to = to.Add(24 * time.Hour) // a date means the whole day
		}
		w.Add("a.at < ?", to)
	}
	lq := api.ListQuery{Select: `SELECT a.id, a.at, a.user_id, a.username, a.ip, a.user_agent, a.action, a.object_type, a.object_id,
		a.result, a.status, a.detail FROM audit_log a`, Count: `FROM audit_log a`, Where: w, Sorting: auditSorting, ID: "a.id"}
	return api.QueryList(ctx, m.DB, lq, lp, func(s db.Scanner) (AuditEntry, error) {
		var e AuditEntry
		var detail string
		err := s.Scan(&e.ID, &e.At, db.NullID{P: &e.UserID}, &e.Username, &e.IP, &e.UserAgent, &e.Action, &e.ObjectType,
			&e.ObjectID, &e.Result, &e.Status, &detail)
		if detail == "" {
			detail = "null"
		}
		e.Detail = json.RawMessage(detail)
		return e, err
	}, each)
}
