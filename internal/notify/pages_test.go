package notify_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

// The inbox lists the user's own notices in their language with the unread count in the
// navigation; opening one marks it read and follows its link; "mark all read" empties
// the unread list; another user's notice answers 404; writes need the CSRF token.
func TestPages_Inbox(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		mine := e.F.Samples[0]["notification"]
		theirs := e.F.Samples[1]["notification"]
		hazard := e.F.Hazards[0].String()

		town := e.SignIn(apptest.UserTown1)
		apptest.WantPage(t, "inbox", town.Get("/inbox"), http.StatusOK, []string{
			"消息", "新上报隐患", "消防通道被杂物占用，请交办。", `class="inbox-item unread"`, `action="/inbox/` + mine + `"`,
			`消息</span><span class="nav-count" aria-label="1 条待处理">1</span>`, "共 1 条",
		}, []string{"液化气钢瓶露天存放"})
		apptest.WantPage(t, "inbox in English", town.Get("/inbox?lang=en"), http.StatusOK,
			[]string{"New hazard", "Unread", "Mark all read"}, []string{"新上报隐患"})
		if res := town.Get("/inbox?colour=red"); res.Status != http.StatusBadRequest {
			t.Errorf("unknown filter: %d, want 400", res.Status)
		}

		// Writes need the token.
		if res := town.PostForm("/inbox/"+mine, url.Values{}, false); res.Status != http.StatusForbidden {
			t.Errorf("open without the CSRF token: %d, want 403", res.Status)
		}
		// Another user's notice is not there.
		if res := town.PostForm("/inbox/"+theirs, url.Values{}, true); res.Status != http.StatusNotFound {
			t.Errorf("open the other town's notice: %d, want 404", res.Status)
		}

		// Opening marks it read and leads to the hazard.
		res := town.PostForm("/inbox/"+mine, url.Values{}, true)
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/hazards/"+hazard {
			t.Fatalf("open: %d to %q, want 303 to /hazards/%s", res.Status, res.Header.Get("Location"), hazard)
		}
		apptest.WantPage(t, "the notice's hazard", town.Get("/hazards/"+hazard), http.StatusOK, []string{"消防通道被杂物占用"}, nil)
		apptest.WantPage(t, "unread after opening", town.Get("/inbox?unread=true"), http.StatusOK,
			[]string{"没有消息", `href="/inbox">全部消息`}, []string{"消防通道被杂物占用，请交办。"})
		apptest.WantPage(t, "read notice", town.Get("/inbox"), http.StatusOK, []string{"消防通道被杂物占用，请交办。"},
			[]string{`class="inbox-item unread"`, `消息</span><span class="nav-count"`})

		// A new notice, then "mark all read".
		if res := e.As(apptest.UserTown1, "POST", "/api/v1/hazards/"+hazard+"/actions", map[string]any{"action": "comment", "comment": "请尽快处理"}); res.Status != http.StatusOK {
			t.Fatalf("comment: %d %s", res.Status, res.Body)
		}
		patrol := e.SignIn(apptest.UserPatrol1)
		apptest.WantPage(t, "patroller inbox", patrol.Get("/inbox"), http.StatusOK, []string{"没有消息"}, nil)
		res = town.PostForm("/inbox/read", url.Values{}, true)
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/inbox" {
			t.Fatalf("mark all read: %d %q", res.Status, res.Header.Get("Location"))
		}
		apptest.WantPage(t, "after mark all read", town.Get("/inbox"), http.StatusOK, []string{"已全部标为已读。"}, []string{`class="inbox-item unread"`})
	})
}

// The inbox pages through a long list.
func TestPages_InboxPages(t *testing.T) {
	e := apptest.New(t, "sqlite")
	hazard := e.F.Hazards[0].String()
	// Each assignment tells the owner (the village user): 55 notices.
	body := map[string]any{"action": "assign", "owner_id": e.F.Users[apptest.UserVillage].String(),
		"supervisor_org_id": e.F.Units["town1gov"].String(), "measures": "清理杂物"}
	for i := range 55 {
		body["deadline"] = []string{"2026-03-20", "2026-03-21"}[i%2]
		if res := e.As(apptest.UserTown1, "POST", "/api/v1/hazards/"+hazard+"/actions", body); res.Status != http.StatusOK {
			t.Fatalf("assign %d: %d %s", i, res.Status, res.Body)
		}
	}
	v := e.SignIn(apptest.UserVillage)
	apptest.WantPage(t, "page 1", v.Get("/inbox"), http.StatusOK, []string{"共 55 条", "第 1 / 2 页", `href="?page=2"`}, nil)
	apptest.WantPage(t, "page 2", v.Get("/inbox?page=2"), http.StatusOK, []string{"第 2 / 2 页", `rel="prev"`}, nil)
}
