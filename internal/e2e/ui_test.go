package e2e_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/safeduty/safeduty/internal/apptest"
)

// scripts turns the page's scripts on or off, to try a page as a browser without them.
func scripts(on bool) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
		return chromedp.Void{}, err
	}
}

// "标记为失效" on a phone: the link opens a confirmation that says the enterprise would
// turn red and go on the joint-constraint list; confirming without a reason is refused
// with the field named; with the reason the point is marked, the row shows the reason
// and its checks, the enterprise is red. Without scripts the same step works.
func TestBrowser_RiskPointFailConfirm(t *testing.T) {
	s := newSession(t, 390, 844, true)
	ent := s.e.F.Enterprises[0].String()
	var ids []string
	for _, name := range []string{"液氨储罐区", "锅炉房"} {
		res := s.e.As(apptest.UserEnt, "POST", "/api/v1/enterprises/"+ent+"/risk-points", map[string]any{"name": name, "grade": "major",
			"control_measures": "泄漏报警、专人值守"})
		if res.Status != http.StatusCreated {
			t.Fatalf("risk point: %d %s", res.Status, res.Body)
		}
		ids = append(ids, res.Map(t)["id"].(string))
	}
	s.open("/login")
	s.signIn(apptest.UserTown1, apptest.Password)
	s.open("/enterprises/" + ent + "/risk-points")
	s.submit(`a[href="/risk-points/`+ids[0]+`/controls"]`, "#consequence")
	s.wantText("confirmation", "标记风险点管控失效", "液氨储罐区",
		"标记后，东湖建工集团有限公司将因“有 1 处重大风险点管控措施失效”被评为红色企业，并列入联合惩戒名单")
	if w := value(s, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 390 {
		t.Errorf("the confirmation is %dpx wide on a 390px phone", w)
	}
	s.shot("ui1-risk-confirm-phone")

	s.submit(`form[action="/risk-points/`+ids[0]+`/controls"] button[type=submit]`, ".error-summary")
	if items := s.summaryItems(); len(items) != 1 || items[0] != "失效原因：标记管控失效须说明原因" {
		t.Errorf("refused confirmation lists %q", items)
	}
	if got := s.activeID(); got != "summary" {
		t.Errorf("the focus is on %q, want the summary", got)
	}
	s.shot("ui2-risk-confirm-refused-phone")
	s.do(chromedp.SendKeys(css("#controls_reason"), "泄漏报警器损坏，未安排专人值守"))
	if got := s.text(".error-summary-title"); got != "已全部改好，请再次提交。" {
		t.Errorf("after typing the reason the summary says %q", got)
	}
	s.submit(`form[action="/risk-points/`+ids[0]+`/controls"] button[type=submit]`, ".flash")
	s.wantText("marked", "已标记为管控失效", "原因：泄漏报警器损坏，未安排专人值守", "核查记录（1）")
	s.shot("ui3-risk-marked-phone")
	s.open("/enterprises/" + ent)
	s.wantText("red", "红色企业")

	// Without scripts: the link, the step and the form are plain HTML.
	s.do(scripts(false))
	s.open("/enterprises/" + ent + "/risk-points")
	s.submit(`a[href="/risk-points/`+ids[1]+`/controls"]`, "#consequence")
	s.wantText("second confirmation", "锅炉房", "分类不变")
	s.do(chromedp.SendKeys(css("#controls_reason"), "安全阀校验过期"))
	s.submit(`form[action="/risk-points/`+ids[1]+`/controls"] button[type=submit]`, ".flash")
	s.wantText("marked without scripts", "原因：安全阀校验过期")
	s.do(scripts(true))
	if strings.Contains(value(s, chromedp.Location()), "csrf") {
		t.Errorf("the token reached the address bar")
	}
	s.noProblems()
}
