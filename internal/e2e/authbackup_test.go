package e2e_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/attachment"
)

// A photo whose file has gone from the server (a restore that left the uploads out)
// shows on the hazard page as a frame saying the file is missing, in Chinese, where the
// photo would be; opened on its own (a download link) it is an error page that says the
// same, and neither is a 500.
func TestBrowser_MissingAttachmentFile(t *testing.T) {
	s := newSession(t, 1366, 900, false)
	e := s.e
	files := filepath.Join(t.TempDir(), "files")
	e.App.Attachments.Store = &attachment.LocalStore{Dir: files}

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "配电箱照片.png")
	pic := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for i := range pic.Pix {
		pic.Pix[i] = 200
	}
	if err := png.Encode(fw, pic); err != nil {
		t.Fatal(err)
	}
	mw.Close()
	up := e.As(apptest.UserPatrol1, "POST", "/api/v1/attachments", body.Bytes(), "Content-Type", mw.FormDataContentType())
	if up.Status != http.StatusCreated {
		t.Fatalf("upload: %d %s", up.Status, up.Body)
	}
	photo := up.Map(t)["id"].(string)
	hz := e.As(apptest.UserPatrol1, "POST", "/api/v1/hazards", map[string]any{"title": "配电箱柜门缺失", "category": "unsafe_condition",
		"industry": "construction", "grade": "general", "grid_id": e.F.Grids[0][0].String(), "place": "东湖村安置房工地", "photos": []string{photo}})
	if hz.Status != http.StatusCreated {
		t.Fatalf("report: %d %s", hz.Status, hz.Body)
	}
	var key string
	if err := e.App.DB.QueryRow(context.Background(), `SELECT storage_key FROM attachments WHERE id = ?`, photo).Scan(&key); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(files, filepath.FromSlash(key))); err != nil {
		t.Fatal(err)
	}

	s.open("/login")
	s.signIn(apptest.UserPatrol1, apptest.Password)
	s.open("/hazards/" + hz.Map(t)["id"].(string))
	s.wantText("hazard page", "配电箱柜门缺失")
	// The placeholder is 320×240; the lost photo was 40×30.
	s.do(chromedp.Poll[chromedp.Void](`(function(){var i=document.querySelector('.hz-facts .photos img'); return !!i && i.complete;})()`))
	if w := value(s, chromedp.Evaluate[int](`document.querySelector('.hz-facts .photos img').naturalWidth`)); w != 320 {
		t.Errorf("the missing photo shows as an image %dpx wide, want the 320px placeholder", w)
	}
	s.shot("ab1-hazard-photo-missing")

	s.do(chromedp.Navigate(e.Server.URL+"/api/v1/attachments/"+photo+"/content"), chromedp.WaitReady(css("body")))
	s.wantText("download of the missing file", "附件“配电箱照片.png”的文件已不在服务器上", "请告知系统管理员")
	if strings.Contains(s.bodyText(), "服务器内部错误") {
		t.Error("the missing file reads as an internal error")
	}
	s.shot("ab2-download-missing")
}

// The sign-in page tells a browser that has failed ten times from its address to wait,
// and until when, in Chinese, keeping the username; the account is not locked.
func TestBrowser_SignInThrottled(t *testing.T) {
	s := newSession(t, 390, 844, true)
	s.open("/login")
	for range 10 {
		s.do(chromedp.Navigate(s.e.Server.URL + "/login"))
		s.signIn(apptest.UserTown1, "not-the-password-1")
	}
	msg := s.text("#login-error")
	if !strings.Contains(msg, "此网络地址的登录失败次数过多") || !strings.Contains(msg, "2026-03-02 17:15") {
		t.Errorf("error message after ten failures = %q", msg)
	}
	if v := value(s, chromedp.Evaluate[string](`document.querySelector('#username').value`)); v != apptest.UserTown1 {
		t.Errorf("the username is not kept: %q", v)
	}
	s.shot("ab3-sign-in-throttled-phone")
	if res := s.e.Do("POST", "/api/v1/session", "", map[string]string{"username": apptest.UserTown1, "password": apptest.Password},
		apptest.ClientHeader("198.51.100.20")...); res.Status != http.StatusOK {
		t.Errorf("town01 from another address: %d, want 200 (not locked)", res.Status)
	}
}
