package e2e_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/safeduty/safeduty/internal/apptest"
)

// On a phone, the safety office adds a target to a town's draft letter in one of the
// blank rows, saves it, signs the letter and opens the printed letter: no page is wider
// than the screen, the new target shows with its limit written from its value, the
// signed letter offers no edit form, and the print holds both parties and signatories.
func TestBrowser_LetterOnAPhone(t *testing.T) {
	s := newSession(t, 390, 844, true)
	id := s.e.F.Samples[0]["letter"]
	fits := func(what string) {
		t.Helper()
		if w := value(s, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`)); w > 0 {
			t.Errorf("%s: the page is %dpx wider than the phone", what, w)
		}
	}
	s.open("/login")
	s.signIn(apptest.UserAdmin, apptest.Password)
	s.open("/letters/" + id)
	s.wantText("draft", "东湖水库防汛责任落实率", "修改草稿", "确认已签订")
	fits("the draft")
	if !s.visibleIn(`[name="targets[7].indicator"]`) && !s.visibleIn(`label[for="targets[7].indicator"]`) {
		s.do(chromedp.ScrollIntoView(css(`[name="targets[7].indicator"]`)))
	}
	s.do(
		chromedp.SendKeys(css(`[name="targets[7].indicator"]`), "燃气安全入户检查覆盖率"),
		chromedp.SetValue(css(`[name="targets[7].kind"]`), "min"),
		chromedp.SendKeys(css(`[name="targets[7].value"]`), "90"),
		chromedp.SendKeys(css(`[name="targets[7].unit"]`), "%"),
		chromedp.SendKeys(css(`[name="district_signatory"]`), "吴区长"),
	)
	s.shot("lt1-letter-edit-phone")
	s.submit(`form.lt-edit button[type=submit]`, ".flash")
	s.wantText("saved", "责任书已保存。", "燃气安全入户检查覆盖率", "≥ 90%", "8 项目标")
	fits("the saved draft")

	s.do(chromedp.SetValue(css(`#signed_at`), "2026-02-20"))
	s.submit(`form.lt-sign-form button[type=submit]`, ".flash")
	s.wantText("signed", "责任书已签订", "2026年2月20日 签订", "该责任书已签订，内容不可修改。")
	if n := value(s, chromedp.Evaluate[int](`document.querySelectorAll('form.lt-edit, form.lt-sign-form').length`)); n != 0 {
		t.Errorf("the signed letter offers %d forms", n)
	}
	s.shot("lt2-letter-signed-phone")

	s.do(chromedp.Navigate(s.e.Server.URL+"/letters/"+id+"/print"), chromedp.WaitReady(css("#main")))
	s.wantText("print", "甲方", "乙方", "东湖镇人民政府", "吴区长", "孙东湖", "燃气安全入户检查覆盖率", "≥ 90%", "2026年2月20日")
	fits("the printed letter")
	s.shot("lt3-letter-print-phone")
	s.noProblems()
}
