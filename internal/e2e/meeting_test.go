package e2e_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/safeduty/safeduty/internal/apptest"
)

// A town records a meeting on a phone: the empty form is refused with its summary, the
// filled one (a chair, an attendee ticked, the time picked) lands on the meeting's page;
// the list shows it as a two-line item and the gaps page its town's list of gaps.
func TestBrowser_MeetingOnAPhone(t *testing.T) {
	s := newSession(t, 390, 844, true)
	s.open("/login")
	s.signIn(apptest.UserTown1, apptest.Password)
	s.open("/meetings/new")
	s.wantText("the form", "记录专题研究会议", "东湖镇人民政府", "孙东湖")
	s.submit(`form.mt-form button[type=submit]`, ".error-summary")
	if items := s.summaryItems(); len(items) != 2 || items[0] != "召开时间：必填" || items[1] != "会议名称：必填" {
		t.Errorf("summary of the empty form: %q", items)
	}
	s.noTokenInAddress("refused meeting")
	s.do(chromedp.SetValue(css("#held_at"), "2026-03-01T09:30"),
		chromedp.SendKeys(css("#title"), "东湖镇三月安全生产例会"),
		chromedp.SendKeys(css("#topics"), "春季复工复产安全"))
	// The attendees' box scrolls on its own; bring the first one to the middle of the screen.
	value(s, chromedp.Evaluate[any](`document.querySelector('input[name="attendee_ids"]').scrollIntoView({block: "center"})`))
	s.do(chromedp.Click(css(`input[name="attendee_ids"]`)))
	s.submit(`form.mt-form button[type=submit]`, "h1")
	s.waitLocation("/meetings/")
	s.wantText("the meeting", "东湖镇三月安全生产例会", "镇（街道）会议", "春季复工复产安全", "据此完成的责任任务")
	s.shot("meeting-detail-phone")
	s.open("/meetings")
	s.wantText("the list", "东湖镇三月安全生产例会")
	if !s.visibleIn("table.rows-sm .li-title") {
		t.Errorf("the list shows no two-line item on a phone")
	}
	s.open("/meetings/gaps")
	s.wantText("the gaps", "专题研究缺项", "缺项清单")
	s.shot("meeting-gaps-phone")
	s.noProblems()
}
