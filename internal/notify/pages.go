package notify

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// Pages registers the inbox page and its navigation entry with the unread count.
func (s *Service) Pages(site *web.Site) {
	page := site.MustParse(templates, "templates/inbox.html")
	site.AddNav(web.NavItem{Key: "notify.nav", Path: "/inbox", Icon: "inbox", Order: 5,
		Badge: func(r *http.Request) int {
			n, err := s.Unread(r.Context(), auth.FromContext(r.Context()).UserID)
			if err != nil {
				s.Log.Warn("unread count", "err", err)
			}
			return n
		}})
	site.Handle(web.Page{Path: "/inbox", Handler: func(w http.ResponseWriter, r *http.Request) error {
		var f Filter
		if err := api.DecodeQuery(r, &f, true); err != nil {
			return err
		}
		lp, err := api.ParseList(r, sorting)
		if err != nil {
			return err
		}
		p := auth.FromContext(r.Context())
		var items []Notification
		total, err := s.List(r.Context(), p, f, lp, func(n Notification) error {
			items = append(items, n)
			return nil
		})
		if err != nil {
			return err
		}
		pages := (total + lp.PerPage - 1) / lp.PerPage
		return site.Render(w, r, page, inboxData{Items: items, Total: total, Page: lp.Page, Pages: pages, Query: r.URL.Query(), UnreadOnly: f.Unread != nil && *f.Unread})
	}})
	// Opening a notice marks it read and follows its link (a POST, because it writes).
	site.Handle(web.Page{Method: "POST", Path: "/inbox/{id}", Object: "notification", Handler: func(w http.ResponseWriter, r *http.Request) error {
		id, err := api.PathID(r, "id", "notification")
		if err != nil {
			return err
		}
		if _, err := web.PostedForm(r); err != nil { // a confirm button: its token and body checked as every form's
			return err
		}
		n, err := s.MarkRead(r.Context(), auth.FromContext(r.Context()), id)
		if err != nil {
			return err
		}
		target := "/inbox"
		if strings.HasPrefix(n.Link, "/") && !strings.HasPrefix(n.Link, "//") {
			target = n.Link
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return nil
	}})
	site.Handle(web.Page{Method: "POST", Path: "/inbox/read", Handler: func(w http.ResponseWriter, r *http.Request) error {
		if _, err := web.PostedForm(r); err != nil {
			return err
		}
		if err := s.MarkAllRead(r.Context(), auth.FromContext(r.Context())); err != nil {
			return err
		}
		web.SetFlash(w, "flash.notify_all_read")
		http.Redirect(w, r, "/inbox", http.StatusSeeOther)
		return nil
	}})
}

type inboxData struct {
	Items              []Notification
	Total, Page, Pages int
	Query              url.Values
	UnreadOnly         bool
}
