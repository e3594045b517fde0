package e2e_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/safeduty/safeduty/internal/apptest"
)

// summaryItems returns the texts of the error summary's list.
func (s *session) summaryItems() []string {
	s.t.Helper()
	return value(s, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('.error-summary-list li')).map(function(li){return li.textContent.trim()})`))
}

// activeID is the id of the focused element ("" for none; "summary" for the summary).
func (s *session) activeID() string {
	s.t.Helper()
	return value(s, chromedp.Evaluate[string](`(function(){var a=document.activeElement; if(!a) return ""; if(a.classList.contains('error-summary')) return "summary"; return a.id||a.tagName})()`))
}

// noTokenInAddress fails when the address bar carries the CSRF token.
func (s *session) noTokenInAddress(what string) {
	s.t.Helper()
	if loc := value(s, chromedp.Location()); strings.Contains(loc, "csrf") {
		s.t.Errorf("%s: the address carries the form token: %s", what, loc)
	}
}

// A refused form (the enterprise form, url-encoded, as a town on a desktop) says what to
// correct: the summary takes the focus and lists every field with its label as a link
// that focuses the field; a corrected field's message goes and the summary counts down.
// The form's token never reaches the address bar. A multipart form (the hazard report on
// a phone, token first in the body) is refused and then accepted the same way.
func TestBrowser_RefusedFormSummary(t *testing.T) {
	s := newSession(t, 1366, 900, false)
	s.open("/login")
	s.signIn(apptest.UserTown1, apptest.Password)
	s.open("/enterprises/new")
	s.submit(`form[action="/enterprises"] button[type=submit]`, ".error-summary")
	s.shot("forms1-enterprise-refused")

	items := s.summaryItems()
	want := []string{"企业名称：必填", "统一社会信用代码：必填", "行业：必填", "网格：必填"}
	if len(items) != len(want) {
		t.Fatalf("the summary lists %q, want %q", items, want)
	}
	for i, w := range want {
		if items[i] != w {
			t.Errorf("summary item %d = %q, want %q", i, items[i], w)
		}
	}
	if got := s.text(".error-summary-title"); got != "有 4 处输入需要修改：" {
		t.Errorf("summary title %q", got)
	}
	if got := s.activeID(); got != "summary" {
		t.Errorf("after the refusal the focus is on %q, want the summary", got)
	}
	if loc := value(s, chromedp.Location()); !strings.HasSuffix(loc, "/enterprises") {
		t.Errorf("the refused form is shown at %s, want the address it was sent to", loc)
	}
	s.noTokenInAddress("refused url-encoded form")

	// A link focuses its field.
	s.do(chromedp.Click(css(`.error-summary a[data-target="credit_code"]`)))
	if got := s.activeID(); got != "credit_code" {
		t.Errorf("the credit code link focused %q", got)
	}
	// Typing a name removes the name's message, and the summary counts what is left.
	s.do(chromedp.SendKeys(css("#name"), "东湖新材料有限公司"))
	if n := value(s, chromedp.Evaluate[int](`document.querySelectorAll('#name ~ .field-error, .field:has(#name) .field-error').length`)); n != 0 {
		t.Errorf("the name's message stays after the name was typed")
	}
	if value(s, chromedp.Evaluate[bool](`document.querySelector('.field:has(#name)').classList.contains('has-error')`)) {
		t.Errorf("the name field is still marked as wrong")
	}
	if got := s.text(".error-summary-title"); got != "有 3 处输入需要修改：" {
		t.Errorf("summary title after one correction: %q", got)
	}
	if items := s.summaryItems(); len(items) != 3 || items[0] != "统一社会信用代码：必填" {
		t.Errorf("summary after one correction: %q", items)
	}
	if !strings.Contains(s.bodyText(), "统一社会信用代码：必填") {
		t.Errorf("the other messages went too")
	}
	s.shot("forms2-enterprise-one-fixed")
	s.noProblems()

	// The multipart hazard report on a phone: refused, listed, then accepted.
	s.signOut()
	s.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateScale(2)))
	s.signIn(apptest.UserPatrol1, apptest.Password)
	s.open("/hazards/new")
	if first := value(s, chromedp.Evaluate[string](`document.querySelector('form.report-form').elements[0].name`)); first != "csrf_token" {
		t.Errorf("the report form's first field is %q: the token must come first in a multipart body", first)
	}
	s.submit(`.report-submit button[type=submit]`, ".error-summary")
	s.shot("forms3-report-refused-phone")
	s.noTokenInAddress("refused multipart form")
	items = s.summaryItems()
	joined := strings.Join(items, "\n")
	for _, w := range []string{"隐患名称：必填", "类别：必填", "行业：必填"} {
		if !strings.Contains(joined, w) {
			t.Errorf("the report's summary lacks %q: %q", w, items)
		}
	}
	if got := s.activeID(); got != "summary" {
		t.Errorf("on the phone the focus is on %q, want the summary", got)
	}
	if !s.visibleIn(".error-summary") {
		t.Errorf("the summary is not in view on the phone")
	}
	s.do(chromedp.Click(css(`.error-summary a[data-target="title"]`)))
	if got := s.activeID(); got != "title" {
		t.Errorf("the title link focused %q", got)
	}
	s.do(
		chromedp.SendKeys(css("#title"), "配电箱柜门缺失"),
		chromedp.Click(css(`input[name=category][value=unsafe_condition] + span`)),
		chromedp.SetValue(css("#industry"), "construction"),
		chromedp.SendKeys(css("#place"), "东湖村安置房工地"),
	)
	s.submit(`.report-submit button[type=submit]`, ".hz-facts")
	s.wantText("reported", "配电箱柜门缺失", "隐患已上报")
	s.noTokenInAddress("accepted multipart form")
	s.noProblems()
}
