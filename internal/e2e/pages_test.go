package e2e_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/safeduty/safeduty/internal/apptest"
)

// (a) An administrator signs in through the form, lands on the home page in Chinese with
// the district's name, and finds the sign-in in the audit log.
func TestBrowser_AdminSignsInAndSeesTheAudit(t *testing.T) {
	s := newSession(t, 1366, 900, false)
	s.open("/")
	if !strings.Contains(s.text("h2"), "登录") {
		t.Fatalf("a visitor is not sent to the sign-in page")
	}
	s.shot("a1-login")
	s.signIn(apptest.UserAdmin, apptest.Password)
	if h := s.text("main h1"); h != "安委办工作台" {
		t.Errorf("home heading = %q, want 安委办工作台", h)
	}
	if d := s.text(".brand-district"); d != "测试区" {
		t.Errorf("district in the header = %q, want 测试区", d)
	}
	s.wantText("home", "组织与网格", "各镇(街道)网格数", "平台运行")
	// The chart is drawn (ECharts loads on demand and renders SVG).
	s.do(chromedp.WaitVisible(css(".chart svg")))
	s.shot("a2-home-admin")

	s.open("/admin/audit")
	s.wantText("audit", "审计日志", "登录", "admin", "成功")
	if strings.Contains(s.bodyText(), "session.create") {
		t.Errorf("the audit page shows the action code session.create")
	}
	s.shot("a3-audit")

	// Picking the unit of a new account offers that unit's people to link.
	s.open("/admin/users/new")
	s.do( // setting the value fires "change", as choosing does
		chromedp.SetValue(css("#org_id"), s.e.F.Units["gov"].String()),
		chromedp.WaitReady(css(`#person_id option[value="`+s.e.F.Leader.String()+`"]`)),
	)
	if got := s.text("#person_id"); !strings.Contains(got, "钱分管 · 副区长") {
		t.Errorf("the person select after picking the government: %q", got)
	}
	s.shot("a4-user-new-person")
	s.noProblems()
}

// (b) The language switch on the sign-in page carries over the sign-in; a town user sees
// English navigation and only the grids of their own town.
func TestBrowser_EnglishTownUserSeesOwnGrids(t *testing.T) {
	s := newSession(t, 1280, 900, false)
	s.open("/login")
	s.do(chromedp.Click(css(".lang-switch button")), chromedp.WaitVisible(css(`html[lang="en"]`)))
	if h := s.text(".login-box h2"); h != "Sign in" {
		t.Fatalf("sign-in heading after the switch = %q, want Sign in", h)
	}
	s.signIn(apptest.UserTown1, apptest.Password)
	nav := s.text(".sidebar")
	for _, w := range []string{"Home", "Organization", "Grids", "People"} {
		if !strings.Contains(nav, w) {
			t.Errorf("navigation lacks %q: %q", w, nav)
		}
	}
	s.shot("b1-home-town-en")
	s.do(chromedp.Click(css(`.sidebar a[href="/grids"]`)), chromedp.WaitVisible(css("table.list")))
	body := s.bodyText()
	if !strings.Contains(body, "T01001-01") || !strings.Contains(body, "6 in total") {
		t.Errorf("town grids missing:\n%s", clip(body))
	}
	if strings.Contains(body, "T02") {
		t.Errorf("the other town's grids show:\n%s", clip(body))
	}
	s.shot("b2-grids-town-en")
	s.noProblems()
}

// (c) On a phone the navigation hides behind the menu button; a patroller's home page
// lists "my grids".
func TestBrowser_PhonePatroller(t *testing.T) {
	s := newSession(t, 375, 812, true)
	s.open("/login")
	s.shot("c1-login-phone")
	s.signIn(apptest.UserPatrol1, apptest.Password)
	s.wantText("patroller home", "我的网格", "T01001-01", "东湖村第1网格")
	if s.visibleIn(".sidebar") {
		t.Errorf("the navigation shows on a phone before the menu button is pressed")
	}
	if !s.visibleIn(".nav-button") {
		t.Errorf("no menu button on a phone")
	}
	s.shot("c2-home-phone")
	if !s.openMenu() || !s.visibleIn(".sidebar") {
		t.Errorf("the menu button does not open the navigation")
	}
	if nav := s.text(".sidebar"); !strings.Contains(nav, "网格") {
		t.Errorf("opened navigation = %q", nav)
	}
	s.shot("c3-nav-open-phone")
	s.noProblems()
}

// (d) A wrong password answers with the error on the sign-in page.
func TestBrowser_WrongPassword(t *testing.T) {
	s := newSession(t, 1280, 800, false)
	s.open("/login")
	s.signIn(apptest.UserAdmin, "not-the-password-1")
	if msg := s.text("#login-error"); !strings.Contains(msg, "用户名或密码错误") {
		t.Errorf("error message = %q", msg)
	}
	if v := s.text(".login-box h2"); v != "登录" {
		t.Errorf("not on the sign-in page: %q", v)
	}
	s.shot("d1-wrong-password")
	s.noProblems()
}

// (e) The organization and administration pages work in a browser: the tree expands in
// place, a phone number is revealed in place, filters and the user form render.
func TestBrowser_Tour(t *testing.T) {
	s := newSession(t, 1366, 900, false)
	s.open("/login")
	s.signIn(apptest.UserAdmin, apptest.Password)
	f := s.e.F

	s.open("/orgs")
	town := f.Towns[0].String()
	s.do(chromedp.Click(css(`button[aria-controls="sub-`+town+`"]`)),
		chromedp.WaitVisible(css(`#sub-`+town+` a.node`)))
	if sub := s.text("#sub-" + town); !strings.Contains(sub, "东湖村") {
		t.Errorf("expanded town shows %q", sub)
	}
	s.shot("e1-orgs")

	s.open("/orgs/" + f.Villages[0][0].String())
	s.wantText("village", "东湖村", "T01001-01", "张东一")
	s.shot("e2-village")

	s.open("/grids?town_id=" + town)
	s.wantText("grids filtered", "T01002-03", "共 6 条")
	s.shot("e3-grids")

	s.open("/grids/" + f.Grids[0][0].String())
	s.wantText("grid", "更换巡查员", "张东一")
	s.shot("e4-grid")

	s.open("/people/" + f.Patrollers[0][0].String())
	s.do(chromedp.Click(css(`#phone-line button`)), chromedp.WaitVisible(css(`#phone-line .badge`)))
	if phone := s.text("#phone-line"); !strings.Contains(phone, "139011001234") {
		t.Errorf("revealed phone line = %q", phone)
	}
	s.shot("e5-person")

	s.open("/people")
	s.shot("e6-people")
	s.open("/admin/users")
	s.wantText("users", "town01", "东湖镇用户")
	s.shot("e7-users")
	s.open("/admin/users/" + f.Users[apptest.UserTown1].String())
	s.wantText("user", "重置密码", "东湖镇人民政府")
	s.shot("e8-user")
	s.open("/admin/users/new")
	s.shot("e9-user-new")
	s.noProblems()
}
