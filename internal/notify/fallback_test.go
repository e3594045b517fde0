package notify_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

// A notice whose message the catalog lacks (a kind written by an older or a newer
// version, or by hand) never shows its message key: the inbox page and the API read it
// as a notice about its subject, in the reader's language.
func TestInbox_UnknownKindReadsAsText(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		user := e.F.Users[apptest.UserTown1]
		for _, n := range []struct{ subject, key string }{{"hazard", "hazard.notice.report"}, {"", "weather.notice.storm"}} {
			if _, err := e.App.DB.Exec(ctx, `INSERT INTO notifications (user_id, created_at, kind, subject_type, subject_id, message_key, args, link)
				VALUES (?, ?, ?, ?, '', ?, '{"code":"YH2026000001"}', '/inbox')`, user, apptest.Start, n.key, n.subject, n.key); err != nil {
				t.Fatal(err)
			}
		}
		b := e.SignIn(apptest.UserTown1)
		avoid := []string{"hazard.notice.report", "weather.notice.storm"}
		apptest.WantPage(t, "inbox", b.Get("/inbox"), http.StatusOK, []string{"您有一条关于隐患的新消息，请打开查看。", "您有一条新消息，请打开查看。"}, avoid)
		apptest.WantPage(t, "inbox (en)", b.Get("/inbox?lang=en"), http.StatusOK,
			[]string{"You have a new notice about a hazard; open it to see more.", "You have a new notice; open it to see more."}, avoid)
		var list struct{ Items []struct{ Kind, Text string } }
		e.As(apptest.UserTown1, "GET", "/api/v1/notifications", nil).JSON(t, &list)
		for _, n := range list.Items {
			if strings.Contains(n.Text, "notice.") || n.Text == "" {
				t.Errorf("notice %s reads %q", n.Kind, n.Text)
			}
		}
	})
}
