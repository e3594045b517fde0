package e2e_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/safeduty/safeduty/internal/apptest"
)

// writePhoto writes a small PNG "photo" into a temporary folder and returns its path.
func writePhoto(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	for y := range 240 {
		for x := range 320 {
			img.Set(x, y, color.RGBA{R: uint8(120 + x/4), G: uint8(90 + y/3), B: 60, A: 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "现场照片.png")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// signOut submits the sign-out form of the user menu and waits for the sign-in page.
func (s *session) signOut() {
	s.t.Helper()
	value(s, chromedp.Evaluate[any](`document.querySelector('form[action="/logout"]').submit()`))
	s.do(chromedp.WaitVisible(css("#username")))
}

// (f) The hazard loop in a browser. A patroller on a phone reports a hazard with a photo
// taken by the camera input and sees its page; the town user assigns it to the
// village; the list filters by overdue once the deadline has passed.
func TestBrowser_HazardReportAssignOverdue(t *testing.T) {
	s := newSession(t, 375, 812, true)
	photo := writePhoto(t)

	s.open("/login")
	s.signIn(apptest.UserPatrol1, apptest.Password)
	s.wantText("patroller home", "上报隐患", "我最近上报的隐患", "消防通道被杂物占用")
	s.shot("f1-home-patroller-phone")

	s.do(chromedp.Click(css("a.report-cta")), chromedp.WaitVisible(css("form.report-form")))
	if !strings.Contains(s.text("main h1"), "上报隐患") {
		t.Fatalf("the report button does not open the report form")
	}
	// The camera input, the patroller's own grid preselected, one column that fits.
	capture := value(s, chromedp.Evaluate[string](`document.querySelector('#files').getAttribute('capture')`))
	if capture != "environment" {
		t.Errorf("photo input capture = %q, want environment", capture)
	}
	if g := value(s, chromedp.Evaluate[string](`document.querySelector('#grid_id').selectedOptions[0].textContent`)); !strings.Contains(g, "T01001-01") {
		t.Errorf("preselected grid = %q, want the patroller's first grid T01001-01", g)
	}
	if w := value(s, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 375 {
		t.Errorf("the report form is %dpx wide on a 375px phone", w)
	}
	s.shot("f2-report-form-phone")

	// A refused form keeps what was typed and says what is missing.
	s.do(chromedp.Click(css(`.report-submit button[type=submit]`)), chromedp.WaitVisible(css(".alert")))
	s.wantText("refused report", "必填")
	s.shot("f3-report-refused-phone")

	s.do(
		chromedp.SetUploadFiles(css("#files"), []string{photo}),
		chromedp.WaitVisible(css("[data-previews] img")),
		chromedp.SendKeys(css("#title"), "配电箱柜门缺失"),
		chromedp.Click(css(`input[name=category][value=unsafe_condition] + span`)),
		chromedp.SetValue(css("#industry"), "construction"),
		chromedp.SendKeys(css("#place"), "东湖村安置房工地"),
		chromedp.SendKeys(css("#description"), "二号楼东侧临时配电箱柜门缺失，带电部位外露。"),
	)
	s.shot("f4-report-filled-phone")
	s.do(chromedp.Click(css(`.report-submit button[type=submit]`)), chromedp.WaitVisible(css(".hz-facts")))
	s.wantText("reported hazard", "配电箱柜门缺失", "隐患已上报", "已上报", "东湖村安置房工地", "张东一")
	if n := value(s, chromedp.Evaluate[int](`document.querySelectorAll('.hz-facts .photos img').length`)); n != 1 {
		t.Errorf("the hazard page shows %d photos, want 1", n)
	}
	loaded := value(s, chromedp.Evaluate[bool](`(function(){var i=document.querySelector('.hz-facts .photos img'); return !!i && i.complete && i.naturalWidth===320;})()`))
	if !loaded {
		t.Errorf("the photo does not load on the hazard page")
	}
	s.shot("f5-hazard-reported-phone")
	hazardURL := value(s, chromedp.Location())
	s.noProblems()

	// The town user assigns it on a desktop window.
	s.signOut()
	s.do(chromedp.EmulateViewport(1366, 900))
	s.signIn(apptest.UserTown1, apptest.Password)
	s.do(chromedp.Navigate(hazardURL), chromedp.WaitVisible(css("#act-assign form")))
	s.shot("f6-hazard-assign-form")
	owner := s.e.F.Users[apptest.UserVillage].String()
	s.do(
		chromedp.SetValue(css("#owner_id"), owner),
		chromedp.SetValue(css("#supervisor_org_id"), s.e.F.Units["construction"].String()),
		chromedp.SendKeys(css("#measures"), "立即安装柜门并加锁，设置警示标志"),
		chromedp.SetValue(css("#deadline"), "2026-03-06"),
	)
	s.submit("#act-assign button[type=submit]", ".flash")
	s.wantText("assigned hazard", "已交办", "东湖村用户", "区住建委", "2026-03-06", "立即安装柜门并加锁")
	if n := value(s, chromedp.Evaluate[int](`document.querySelectorAll('.timeline .tl-step').length`)); n != 2 {
		t.Errorf("the timeline has %d steps after the assignment, want 2", n)
	}
	s.shot("f7-hazard-assigned")

	// Past the deadline it is overdue: the overdue filter finds it, and only it. (The
	// session has expired meanwhile: sign in again, which leads back to the list.)
	s.e.Clock.Advance(6 * 24 * time.Hour)
	s.open("/hazards")
	s.signIn(apptest.UserTown1, apptest.Password)
	s.do(chromedp.WaitVisible(css("table.hz-list")))
	s.shot("f8-list")
	s.do(chromedp.SetValue(css("#overdue"), "true")) // fires "change": the filter form submits itself
	s.waitLocation("overdue=true")
	s.do(chromedp.WaitVisible(css("table.hz-list")))
	body := s.bodyText()
	if !strings.Contains(body, "配电箱柜门缺失") || !strings.Contains(body, "共 1 条") || strings.Contains(body, "消防通道被杂物占用") {
		t.Errorf("overdue list:\n%s", clip(body))
	}
	if n := value(s, chromedp.Evaluate[int](`document.querySelectorAll('table.hz-list .badge-red').length`)); n == 0 {
		t.Errorf("the overdue hazard has no red badge")
	}
	s.shot("f9-list-overdue")
	s.open("/")
	s.do(chromedp.WaitVisible(css(".hz-items")))
	s.wantText("town home", "逾期隐患", "配电箱柜门缺失")
	s.shot("f10-home-town")
	s.noProblems()
}

// (g) Rectification and acceptance in a browser: the village's official, on a phone,
// starts and submits an assigned hazard with an after-photo; the department accepts it
// on site with its own photo; the closed hazard reads in English too.
func TestBrowser_HazardRectifyAndAccept(t *testing.T) {
	s := newSession(t, 375, 812, true)
	photo := writePhoto(t)
	f := s.e.F
	id := f.Hazards[0].String()
	res := s.e.As(apptest.UserTown1, "POST", "/api/v1/hazards/"+id+"/actions", map[string]any{"action": "assign",
		"owner_id": f.Users[apptest.UserVillage].String(), "supervisor_org_id": f.Units["construction"].String(),
		"measures": "清理通道杂物，设置禁止堆放标志", "deadline": "2026-03-10"})
	if res.Status != 200 {
		t.Fatalf("assign: %d %s", res.Status, res.Body)
	}

	s.open("/login")
	s.signIn(apptest.UserVillage, apptest.Password)
	s.open("/hazards/" + id)
	s.wantText("assigned to the village", "开始整改", "清理通道杂物")
	s.submit("#act-start button[type=submit]", "#act-submit[open]")
	s.wantText("started", "已开始整改。", "整改中")
	s.do(
		chromedp.SetUploadFiles(css("#files-submit"), []string{photo}),
		chromedp.WaitVisible(css("#act-submit [data-previews] img")),
		chromedp.SendKeys(css("#comment-submit"), "杂物已清理，已设置禁止堆放标志"),
	)
	s.shot("g1-submit-form-phone")
	s.submit("#act-submit button[type=submit]", ".flash")
	s.wantText("submitted", "已提交验收，已通知督办单位。", "待验收", "杂物已清理")
	s.shot("g2-submitted-phone")
	s.noProblems()

	s.signOut()
	s.do(chromedp.EmulateViewport(1366, 900))
	s.signIn(apptest.UserDept, apptest.Password)
	s.open("/hazards/" + id)
	s.do(
		chromedp.Click(css(`#act-accept label.check-big`)),
		chromedp.SetUploadFiles(css("#files-accept"), []string{photo}),
		chromedp.WaitVisible(css("#act-accept [data-previews] img")),
	)
	s.shot("g3-accept-form")
	s.submit("#act-accept button[type=submit]", ".hz-closed")
	s.wantText("closed", "已验收销号。", "已销号", "按期销号", "隐患已销号，闭环完成。")
	if n := value(s, chromedp.Evaluate[int](`Array.from(document.querySelectorAll('.timeline img')).filter(function(i){return i.complete && i.naturalWidth>0}).length`)); n != 2 {
		t.Errorf("the timeline shows %d loaded photos, want 2 (after-photo and acceptance photo)", n)
	}
	s.shot("g4-closed")
	s.open("/hazards/" + id + "?lang=en")
	s.wantText("closed in English", "History", "Accept", "Closed on", "On time")
	s.shot("g5-closed-en")
	s.noProblems()
}
