package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/enterprise"
	"github.com/safeduty/safeduty/internal/platform/auth"
)

// (h) Issue 7: a hazard reported from the main button reaches its enterprise. A
// patroller on a phone finds the enterprise in the report form by typing part of its
// name (the grid's own enterprises fill the first choices, so it shows only when
// searched), picks it, and reports; the hazard names the enterprise and the enterprise's
// account may own it. Enter in the search box searches instead of sending the report.
func TestBrowser_ReportNamesItsEnterprise(t *testing.T) {
	s := newSession(t, 390, 844, true)
	f := s.e.F
	ctx := context.Background()
	// Ten enterprises in the patroller's own grid come before the target (in another
	// grid of the same village) in the choices first shown (eight).
	for i := range 10 {
		name, code := fmt.Sprintf("安置房%02d号商铺", i+1), apptest.CreditCode(fmt.Sprintf("91330199MA2T1%02d00", i+1))
		ind, scale, grid := "industry_trade", "micro", f.Grids[0][0]
		if _, err := s.e.App.Enterprise.Create(ctx, auth.System(), enterprise.Input{Name: &name, CreditCode: &code, Industry: &ind, GridID: &grid, Scale: &scale}); err != nil {
			t.Fatalf("enterprise %s: %v", name, err)
		}
	}
	target := f.Enterprises[0].String()
	choice := `#ent-choices input[value="` + target + `"]`

	s.open("/login")
	s.signIn(apptest.UserPatrol1, apptest.Password)
	s.open("/hazards/new")
	s.do(chromedp.WaitVisible(css("#ent_q")))
	if n := value(s, chromedp.Evaluate[int](`document.querySelectorAll('#ent-choices input[name=enterprise_id]').length`)); n != 9 {
		t.Errorf("the enterprise field first offers %d choices, want none and 8", n)
	}
	if value(s, chromedp.Evaluate[bool](`!!document.querySelector('`+choice+`')`)) {
		t.Fatalf("the target is among the first choices: the search would prove nothing")
	}
	s.wantText("enterprise field", "隐患所在企业（选填）", "不涉及企业（公共场所）", "仅列出前 8 家")

	// Typing part of the name finds it; Enter does not send the report.
	s.do(chromedp.SendKeys(css("#ent_q"), "建工"), chromedp.WaitVisible(css(choice)), chromedp.WaitReady(css("#ent_q:not(.htmx-request)")))
	value(s, chromedp.Evaluate[any](`document.documentElement.dataset.stay = "1"`))
	s.do(chromedp.SendKeys(css("#ent_q"), "\r"), chromedp.WaitReady(css("#ent_q:not(.htmx-request)")))
	if loc := value(s, chromedp.Location()); !strings.HasSuffix(loc, "/hazards/new") || !value(s, chromedp.Evaluate[bool](`document.documentElement.dataset.stay === "1"`)) {
		t.Errorf("Enter in the enterprise search sent the form: %s", loc)
	}
	s.do(chromedp.WaitVisible(css(choice)))
	s.wantText("search result", "东湖建工集团有限公司")
	// Tap its label (the whole row is the target), then check that it took.
	value(s, chromedp.Evaluate[any](`document.querySelector('`+choice+`').closest('label').click()`))
	if !value(s, chromedp.Evaluate[bool](`document.querySelector('`+choice+`').checked`)) {
		t.Fatalf("the enterprise could not be picked")
	}
	if w := value(s, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 390 {
		t.Errorf("the report form is %dpx wide on a 390px phone", w)
	}
	s.shot("h1-report-enterprise-found-phone")

	s.do(
		chromedp.SendKeys(css("#title"), "塔吊标准节螺栓松动"),
		chromedp.Click(css(`input[name=category][value=unsafe_condition] + span`)),
		chromedp.SetValue(css("#industry"), "construction"),
	)
	s.do(chromedp.Click(css(`.report-submit button[type=submit]`)), chromedp.WaitVisible(css(".hz-facts")))
	s.wantText("reported at the enterprise", "隐患已上报", "塔吊标准节螺栓松动", "东湖建工集团有限公司")
	s.shot("h2-hazard-at-enterprise-phone")
	loc := value(s, chromedp.Location())
	id := loc[strings.LastIndex(loc, "/")+1:]
	h := s.e.As(apptest.UserTown1, "GET", "/api/v1/hazards/"+id, nil).Map(t)
	if h["enterprise_id"] != target || h["source"] != "grid_patrol" {
		t.Errorf("the reported hazard: %v", h)
	}
	s.noProblems()

	s.signOut()
	s.do(chromedp.EmulateViewport(1366, 900))
	s.signIn(apptest.UserTown1, apptest.Password)
	s.open("/hazards/" + id)
	s.do(chromedp.WaitVisible(css("#act-assign form")))
	if !value(s, chromedp.Evaluate[bool](`!!document.querySelector('#owner_id option[value="`+f.Users[apptest.UserEnt].String()+`"]')`)) {
		t.Errorf("the enterprise's account is not an owner choice")
	}
	if !value(s, chromedp.Evaluate[bool](`document.querySelector('`+choice+`').checked`)) {
		t.Errorf("the assign form does not show the hazard's enterprise chosen")
	}
	s.shot("h3-assign-form-enterprise")
	s.noProblems()
}
