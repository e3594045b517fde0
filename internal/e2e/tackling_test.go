package e2e_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/safeduty/safeduty/internal/apptest"
)

// Special tackling on a phone: the town finds its measure as a two-line item, opens it
// with its progress form unfolded (the step that is its to take), reports progress with a
// photo, then reports it done; the page never scrolls sideways.
func TestBrowser_TacklingMeasureOnPhone(t *testing.T) {
	s := newSession(t, 390, 844, true)
	photo := writePhoto(t)
	s.open("/login")
	s.signIn(apptest.UserTown1, apptest.Password)

	s.open("/measures")
	s.wantText("the measures", "整改措施", "东湖镇完成老旧小区燃气管道更换", "推进中")
	if !s.visibleIn("table.tk-measures td.li-facts") {
		t.Errorf("the measure is no two-line item on a phone")
	}
	if w := value(s, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 390 {
		t.Errorf("the measures scroll sideways: %d px", w)
	}
	s.shot("tk1-measures-phone")

	s.do(chromedp.Click(css("table.tk-measures a.li-link")), chromedp.WaitVisible(css("#step-progress[open]")))
	s.wantText("the measure", "报告进度", "报告完成", "孙东湖")
	s.do(
		chromedp.SendKeys(css("#progress_text"), "已更换燃气管道1.2公里"),
		chromedp.SendKeys(css("#progress_percent"), "40"),
		chromedp.SetUploadFiles(css("#progress_files"), []string{photo}),
	)
	s.submit("#step-progress button[type=submit]", ".flash")
	s.wantText("progress reported", "进度已报告。", "已更换燃气管道1.2公里", "40%")
	if !s.visibleIn(".tk-history img") {
		t.Errorf("the progress report's photo is not shown")
	}
	if w := value(s, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 390 {
		t.Errorf("the measure scrolls sideways: %d px", w)
	}
	s.shot("tk2-measure-progress-phone")

	s.do(chromedp.Click(css("#step-complete summary")), chromedp.WaitVisible(css("#complete_text")), chromedp.SendKeys(css("#complete_text"), "全部更换完毕"))
	s.submit("#step-complete button[type=submit]", ".flash")
	s.wantText("completed", "已报告完成，等待验收。", "待验收")
	s.noProblems()
}
