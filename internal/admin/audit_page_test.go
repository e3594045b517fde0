package admin_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

// The audit page speaks words: after sign-ins and sign-outs, a refused sign-in, writes
// of several capabilities through the API and the pages, a refused API write and a
// refused page form, every action reads as words in Chinese and in English, with no
// code (session.create, updateRiskPoint) or key left on the page; objects are named
// (a session is not "会话 3"); the action filter offers areas in words, not "grid.".
func TestAuditPage_ActionsAndObjectsInWords(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := e.F
		must := apptest.Must(t)
		town := e.SignIn(apptest.UserTown1)
		if res := town.PostForm("/logout", nil, true); res.Status != http.StatusSeeOther {
			t.Fatalf("sign out: %d", res.Status)
		}
		if res := e.NewBrowser().PostForm("/login", url.Values{"username": {apptest.UserTown1}, "password": {"wrong-password-1"}}, false); res.Status == http.StatusSeeOther {
			t.Fatalf("a wrong password signed in")
		}
		town = e.SignIn(apptest.UserTown1)
		ent := f.Enterprises[0].String()
		hz := must(e.As(apptest.UserPatrol1, "POST", "/api/v1/hazards", map[string]any{"title": "配电箱柜门缺失", "category": "unsafe_condition",
			"industry": "construction", "grade": "general", "grid_id": f.Grids[0][0].String(), "place": "东湖村工地"}), http.StatusCreated, "report")
		must(e.As(apptest.UserTown1, "POST", "/api/v1/hazards/"+hz["id"].(string)+"/actions", map[string]any{"action": "assign",
			"owner_id": f.Users[apptest.UserVillage].String(), "supervisor_org_id": f.Units["construction"].String(),
			"measures": "安装柜门", "deadline": "2026-03-20"}), http.StatusOK, "assign")
		rp := must(e.As(apptest.UserEnt, "POST", "/api/v1/enterprises/"+ent+"/risk-points", map[string]any{"name": "液氨储罐区", "grade": "major"}),
			http.StatusCreated, "risk point")["id"].(string)
		must(e.As(apptest.UserTown1, "PATCH", "/api/v1/risk-points/"+rp, map[string]any{"controls_ok": false}), http.StatusUnprocessableEntity, "refused API write")
		must(e.As(apptest.UserTown1, "PATCH", "/api/v1/risk-points/"+rp, map[string]any{"controls_ok": false, "controls_reason": "报警器损坏"}), http.StatusOK, "marking")
		must(e.As(apptest.UserTown1, "PATCH", "/api/v1/enterprises/"+ent, map[string]any{"safety_manager": "周安全"}), http.StatusOK, "edit")
		if res := town.PostForm("/enterprises", url.Values{"name": {""}}, true); res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("refused page form: %d", res.Status)
		}

		admin := e.SignIn(apptest.UserAdmin)
		for _, lang := range []string{"zh", "en"} {
			res := admin.Get("/admin/audit?per_page=100&lang=" + lang)
			if res.Status != http.StatusOK {
				t.Fatalf("audit page %s: %d", lang, res.Status)
			}
			if codes := apptest.RawCodes(res.Body); len(codes) > 0 {
				t.Errorf("audit page (%s) shows codes: %q", lang, codes)
			}
			text := apptest.VisibleText(res.Body)
			want := map[string][]string{
				"zh": {"登录", "退出登录", "上报隐患", "隐患：交办", "登记风险点", "修改风险点", "修改企业", "页面操作",
					"企业 东湖建工集团有限公司", "风险点 液氨储罐区", "隐患 YH"},
				"en": {"Sign in", "Sign out", "Report a hazard", "hazard: Assign", "Register a risk point", "Change a risk point", "Page action"},
			}[lang]
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("audit page (%s) lacks %q", lang, w)
				}
			}
			if strings.Contains(text, "会话") || strings.Contains(text, "session") {
				t.Errorf("audit page (%s) names sessions: %s", lang, text)
			}
		}
		// The action filter: areas and common actions in words; a filter from a link
		// (the home panel's failed sign-ins) shows as words too.
		res := admin.Get("/admin/audit?action=session.create&result=denied")
		body := string(res.Body)
		for _, w := range []string{`<select id="action" name="action">`, `<option value="grid.">网格</option>`,
			`<option value="session.create" selected>登录</option>`, `<option value="hazard.">隐患</option>`} {
			if !strings.Contains(body, w) {
				t.Errorf("action filter lacks %s", w)
			}
		}
		if strings.Contains(body, "grid.\"") && strings.Contains(body, "placeholder=\"如") {
			t.Errorf("the action filter still asks to type a code")
		}
		if codes := apptest.RawCodes(res.Body); len(codes) > 0 {
			t.Errorf("filtered audit page shows codes: %q", codes)
		}
		if !strings.Contains(apptest.VisibleText(res.Body), "town01") {
			t.Errorf("the refused sign-in is not listed")
		}
		// The export names the actions in the same words, the code beside them.
		csv := string(e.As(apptest.UserAdmin, "GET", "/api/v1/audit?format=csv&per_page=500", nil).Body)
		for _, w := range []string{"隐患：交办,hazard.assign", "修改风险点,enterprise.risk_point_update", "登录,session.create"} {
			if !strings.Contains(csv, w) {
				t.Errorf("audit export lacks %q", w)
			}
		}
		if strings.Contains(csv, ",admin.action.") || strings.Contains(csv, "page POST") && !strings.Contains(csv, "页面操作,page POST") {
			t.Errorf("audit export names an action by its code")
		}
		// The administrator's home lists the latest entries the same way.
		home := admin.Get("/")
		if codes := apptest.RawCodes(home.Body); len(codes) > 0 {
			t.Errorf("admin home shows codes: %q", codes)
		}
	})
}

// Technical words found on other pages: the sidebar shows no build name ("dev", "test":
// only a release version, and the administrator's panel says which build runs); the
// joint-constraint list calls its data link a data interface for other agencies, not
// "JSON 接口"; the user form lists a town's villages without a dot before their names.
func TestPages_NoTechnicalWords(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		admin := e.SignIn(apptest.UserAdmin)
		home := string(admin.Get("/").Body)
		if !strings.Contains(home, `<div class="sidebar-foot">安责通 安全生产责任落实平台</div>`) {
			t.Errorf("the sidebar shows a build name: %s", home[strings.Index(home, `sidebar-foot`):][:120])
		}
		if !strings.Contains(home, "开发版本（test），不是正式发布的版本") {
			t.Errorf("the administrator's panel does not say which build runs")
		}
		cons := admin.Get("/constraints")
		if text := apptest.VisibleText(cons.Body); !strings.Contains(text, "数据接口（供其他部门系统对接）") || strings.Contains(text, "JSON") {
			t.Errorf("constraints page: the data link reads %q", text[:min(len(text), 300)])
		}
		form := string(admin.Get("/admin/users/new").Body)
		if strings.Contains(form, ">· ") || !strings.Contains(form, ">　东湖村</option>") {
			t.Errorf("the unit select marks villages with a dot")
		}
	})
}
