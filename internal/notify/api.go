package notify

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// Filter selects the caller's notices.
type Filter struct {
	Unread *bool  `query:"unread" doc:"true: unread only"`
	Kind   string `query:"kind" doc:"e.g. hazard.overdue"`
}

var sorting = api.Sorting{Columns: map[string]string{"created_at": "n.created_at", "id": "n.id"}, Default: "-id", Tiebreak: "n.id"}

var export = api.Export[Notification]{Name: "notify.export", Columns: []api.Column[Notification]{
	{Header: "notify.field.created_at", Value: func(n Notification) any { return n.CreatedAt }, Width: 18},
	{Header: "notify.field.text", Value: func(n Notification) any { return n.Text }, Width: 60},
	{Header: "notify.field.read_at", Value: func(n Notification) any { return n.ReadAt }, Width: 18},
}}

// List calls each for the caller's own notices (the scope is the user: nobody reads
// another's inbox), texts in the request's language.
func (s *Service) List(ctx context.Context, p *auth.Principal, f Filter, lp api.ListParams, each func(Notification) error) (int, error) {
	loc := i18n.FromContext(ctx)
	var w db.Where
	w.Add("n.user_id = ?", p.UserID)
	w.Bool(f.Unread, "n.read_at IS NULL", "n.read_at IS NOT NULL")
	w.Eq("n.kind", f.Kind)
	lq := api.ListQuery{Select: `SELECT n.id, n.user_id, n.created_at, n.kind, n.subject_type, n.subject_id, n.message_key, n.args, n.link, n.read_at
		FROM notifications n`, Count: `FROM notifications n`, Where: w, Sorting: sorting}
	return api.QueryList(ctx, s.DB, lq, lp, func(sc db.Scanner) (Notification, error) {
		var n Notification
		var args string
		if err := sc.Scan(&n.ID, &n.UserID, &n.CreatedAt, &n.Kind, &n.SubjectType, &n.SubjectID, &n.Key, &args, &n.Link, &n.ReadAt); err != nil {
			return n, err
		}
		_ = json.Unmarshal([]byte(args), &n.Args)
		n.Text = noticeText(loc, n)
		return n, nil
	}, each)
}

// MarkRead marks one of the caller's notices read. Errors: NotFound (not the caller's).
func (s *Service) MarkRead(ctx context.Context, p *auth.Principal, id db.ID) (Notification, error) {
	res, err := s.DB.Exec(ctx, `UPDATE notifications SET read_at = COALESCE(read_at, ?) WHERE id = ? AND user_id = ?`, s.Clock.Now(), id, p.UserID)
	if err != nil {
		return Notification{}, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Notification{}, apperr.NotFoundf("notification")
	}
	var out Notification
	var args string
	err = s.DB.QueryRow(ctx, `SELECT id, user_id, created_at, kind, subject_type, subject_id, message_key, args, link, read_at FROM notifications WHERE id = ?`, id).
		Scan(&out.ID, &out.UserID, &out.CreatedAt, &out.Kind, &out.SubjectType, &out.SubjectID, &out.Key, &args, &out.Link, &out.ReadAt)
	_ = json.Unmarshal([]byte(args), &out.Args)
	out.Text = noticeText(i18n.FromContext(ctx), out)
	return out, err
}

// MarkAllRead marks every notice of the caller read.
func (s *Service) MarkAllRead(ctx context.Context, p *auth.Principal) error {
	_, err := s.DB.Exec(ctx, `UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL`, s.Clock.Now(), p.UserID)
	return err
}

// listMine lists the caller's own notices (api.ScopedLister: the scope is not theirs to widen).
func (s *Service) listMine(ctx context.Context, _ auth.Scope, f Filter, lp api.ListParams, each func(Notification) error) (int, error) {
	return s.List(ctx, auth.FromContext(ctx), f, lp, each)
}

// Routes registers the inbox API.
func (s *Service) Routes(r *api.Registry) {
	r.Add(api.Route{Method: "GET", Path: "/api/v1/notifications", ID: "listNotifications", Tag: "notify",
		Summary: "The caller's notices (inbox), newest first", Params: Filter{}, Response: Notification{}, List: true,
		Sorts: sorting.Fields(), Handler: api.ListHandler(sorting, export, s.listMine)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/notifications/{id}/read", ID: "readNotification", Tag: "notify",
		Summary: "Mark one notice read", Object: "notification", Response: Notification{}, Handler: func(w http.ResponseWriter, r *http.Request) error {
			id, err := api.PathID(r, "id", "notification")
			if err != nil {
				return err
			}
			n, err := s.MarkRead(r.Context(), auth.FromContext(r.Context()), id)
			if err != nil {
				return err
			}
			return api.JSON(w, http.StatusOK, n)
		}})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/notifications/read", ID: "readAllNotifications", Tag: "notify",
		Summary: "Mark every notice of the caller read", Status: http.StatusNoContent, Handler: func(w http.ResponseWriter, r *http.Request) error {
			if err := s.MarkAllRead(r.Context(), auth.FromContext(r.Context())); err != nil {
				return err
			}
			return api.NoContent(w)
		}})
}
