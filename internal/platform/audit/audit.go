// Package audit appends to the audit log: who did what, when, from where, on which object,
// with which result. Entries are written in the same transaction as the change they
// describe, so a committed change always has its entry; failed and refused writes are
// recorded by Middleware. The table refuses UPDATE and DELETE (migration 00001), and no
// code path edits an entry.
package audit

import (
	"context"
	"encoding/json"
	"time"

	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// Result is the outcome of an audited action.
type Result string

// Outcomes.
const (
	OK     Result = "ok"     // done
	Denied Result = "denied" // refused: not signed in, no permission, out of scope, locked
	Failed Result = "failed" // refused: invalid input or a conflict with the current state
	Error  Result = "error"  // the server failed
)

// Entry is one audited action.
type Entry struct {
	Action     string // verb on a noun: "grid.update", "session.create"
	ObjectType string
	ObjectID   string
	Result     Result
	Status     int            // HTTP status, when the action came over HTTP
	Detail     map[string]any // what changed, or why it failed; no secrets
	// Actor overrides the request's signed-in user (sign-in, where nobody is yet).
	ActorID   *db.ID
	ActorName string
}

// Request is what the audit log knows of the current HTTP request. Middleware puts one
// in the context; the auth middleware fills in the actor.
type Request struct {
	IP        string
	UserAgent string
	UserID    *db.ID
	Username  string
	Route     string // the route pattern, e.g. "PATCH /api/v1/grids/{id}"
	recorded  bool
}

type ctxKey struct{}

// WithRequest returns a context carrying r.
func WithRequest(ctx context.Context, r *Request) context.Context {
	return context.WithValue(ctx, ctxKey{}, r)
}

// RequestFrom returns the request info in ctx, or nil.
func RequestFrom(ctx context.Context) *Request {
	r, _ := ctx.Value(ctxKey{}).(*Request)
	return r
}

// Log writes audit entries.
type Log struct {
	Clock clock.Clock
}

// Record appends e through q (normally the transaction making the change).
func (l *Log) Record(ctx context.Context, q db.Querier, e Entry) error {
	req := RequestFrom(ctx)
	var ip, ua, username string
	var userID *db.ID
	if req != nil {
		ip, ua, userID, username = req.IP, req.UserAgent, req.UserID, req.Username
	}
	if e.ActorID != nil || e.ActorName != "" {
		userID, username = e.ActorID, e.ActorName
	}
	if username == "" {
		username = "-"
	}
	if e.Result == "" {
		e.Result = OK
	}
	detail := ""
	if len(e.Detail) > 0 {
		b, err := json.Marshal(e.Detail)
		if err != nil {
			return err
		}
		detail = string(b)
	}
	if len(ua) > 300 {
		ua = ua[:300]
	}
	_, err := q.Exec(ctx, `INSERT INTO audit_log
		(at, user_id, username, ip, user_agent, action, object_type, object_id, result, status, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		l.now(), userID, username, ip, ua, e.Action, e.ObjectType, e.ObjectID, string(e.Result), e.Status, detail)
	if err == nil && req != nil {
		if tx, ok := q.(*db.Tx); ok {
			tx.AfterCommit(func() { req.recorded = true })
		} else {
			req.recorded = true
		}
	}
	return err
}

func (l *Log) now() time.Time {
	if l.Clock == nil {
		return time.Now()
	}
	return l.Clock.Now()
}

// Recorded reports whether an entry was committed for the request in ctx.
func Recorded(ctx context.Context) bool {
	r := RequestFrom(ctx)
	return r != nil && r.recorded
}

// ResultFor classifies an HTTP status.
func ResultFor(status int) Result {
	switch {
	case status < 400:
		return OK
	case status == 401 || status == 403 || status == 404 || status == 423 || status == 429:
		return Denied
	case status >= 500:
		return Error
	default:
		return Failed
	}
}

// Change is one change of a record that went through, as the record's page and API show
// it: when, by whom (the user's display name, else the name recorded: "system"), and
// the audit action ("meeting.update").
type Change struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Action string    `json:"action"`
}

// Changes reads the history of records: the entries that went through of the records of
// objectType with these ids, newest first (at most 200). It is what every record's page
// shows as its history.
func Changes(ctx context.Context, q db.Querier, objectType string, ids ...string) ([]Change, error) {
	in, args := db.In("a.object_id", ids)
	return db.All(ctx, q, `SELECT a.at, COALESCE(u.display_name, a.username), a.action FROM audit_log a
		LEFT JOIN users u ON u.id = a.user_id
		WHERE a.object_type = ? AND `+in+` AND a.result = 'ok' ORDER BY a.at DESC, a.id DESC LIMIT 200`,
		append([]any{objectType}, args...), func(s db.Scanner) (Change, error) {
			var c Change
			return c, s.Scan(&c.At, &c.By, &c.Action)
		})
}
