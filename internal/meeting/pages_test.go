package meeting_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/apptest"
)

// The pages: a town records a meeting through the form (a refused form keeps what was
// typed), sees it in the list and on its page; the gaps and the rules show.
func TestMeetingPages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := e.SignIn(apptest.UserTown1)
		apptest.WantPage(t, "list", b.Get("/meetings"), http.StatusOK, []string{"专题研究会议", "东湖镇汛期安全生产专题会", "镇（街道）会议"}, []string{"西山镇矿山安全生产专题会"})
		apptest.WantPage(t, "new", b.Get("/meetings/new"), http.StatusOK, []string{"记录专题研究会议", "东湖镇人民政府", "孙东湖", "研究的行业领域"}, nil)
		form := url.Values{"org_id": {e.F.Units["town1gov"].String()}, "kind": {"town"}, "title": {""}, "held_at": {"2026-02-20T15:00"},
			"topics": {"春季复工复产安全"}, "attendee_ids": {e.F.TownHeads[0].String()}}
		res := b.PostMultipart("/meetings", form, nil, true)
		apptest.WantPage(t, "refused", res, http.StatusUnprocessableEntity, []string{"春季复工复产安全", "必填"}, nil)
		form.Set("title", "东湖镇春季复工安全会")
		res = b.PostMultipart("/meetings", form, []apptest.File{{Field: "files", Name: "会场.png", Data: apptest.PNG(t)}}, true)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("record: %d %s", res.Status, apptest.Snippet(res.Body))
		}
		loc := res.Header.Get("Location")
		page := b.Follow(t, "recorded", res, loc)
		apptest.WantPage(t, "detail", page, http.StatusOK, []string{"东湖镇春季复工安全会", "补录", "孙东湖", "记录会议", "会场.png"}, nil)
		apptest.WantPage(t, "edit", b.Get(loc+"/edit"), http.StatusOK, []string{"修改会议记录", "东湖镇春季复工安全会"}, nil)
		edit := url.Values{"kind": {"town"}, "title": {"东湖镇春季复工安全部署会"}, "held_at": {"2026-02-20T15:00"}, "decisions": {"开展复工检查"}}
		res = b.PostMultipart(loc, edit, nil, true)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", res.Status, apptest.Snippet(res.Body))
		}
		page = b.Get(loc)
		apptest.WantPage(t, "edited", page, http.StatusOK, []string{"东湖镇春季复工安全部署会", "决议转为攻坚措施", "修改会议"}, nil)
		if !strings.Contains(string(page.Body), "/problems/new?source_kind=meeting&amp;source_id=") {
			t.Errorf("no link to the problem form")
		}
		if res := e.SignIn(apptest.UserTown2).Get(loc); res.Status != http.StatusNotFound {
			t.Errorf("other town opens it: %d", res.Status)
		}

		e.Clock.Set(time.Date(2026, 7, 10, 2, 0, 0, 0, time.UTC))
		admin, b := e.SignIn(apptest.UserAdmin), e.SignIn(apptest.UserTown1) // the sessions of March have expired
		apptest.WantPage(t, "gaps", admin.Get("/meetings/gaps"), http.StatusOK, []string{"专题研究缺项", "区政府", "2026年第二季度", "钱分管", "缺项"}, nil)
		apptest.WantPage(t, "town gaps", b.Get("/meetings/gaps"), http.StatusOK, []string{"东湖镇人民政府"}, []string{"西山镇人民政府", "区政府常务会议每季度"})
		apptest.WantPage(t, "rules", admin.Get("/meeting-rules"), http.StatusOK, []string{"专题研究频次规则", "保存此规则", "系统默认规则"}, nil)
		res = admin.PostForm("/meeting-rules", url.Values{"position": {"4"}, "name": {"镇（街道）每月至少召开一次安全生产会议"}, "frequency": {"monthly"},
			"min_count": {"1"}, "late_days": {"10"}, "active": {"true"}}, true)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("save rule: %d %s", res.Status, apptest.VisibleText(res.Body))
		}
		apptest.WantPage(t, "rules saved", admin.Get("/meeting-rules"), http.StatusOK, []string{"镇（街道）每月至少召开一次安全生产会议"}, []string{"系统默认规则"})
		apptest.WantPage(t, "town rules", b.Get("/meeting-rules"), http.StatusOK, []string{"每月"}, []string{"保存此规则"})
		// in English
		apptest.WantPage(t, "gaps (en)", admin.Get(apptest.WithLang("/meetings/gaps", "en")), http.StatusOK, []string{"Dedicated-study gaps", "Q2", "Gaps"}, nil)
		apptest.WantPage(t, "list (en)", b.Get(apptest.WithLang("/meetings", "en")), http.StatusOK, []string{"Dedicated-study meetings", "Town meeting"}, nil)
		apptest.WantPage(t, "detail (en)", b.Get(apptest.WithLang(loc, "en")), http.StatusOK, []string{"Duty tasks this meeting proved", "Turn decisions into tackling measures"}, nil)
	})
}
