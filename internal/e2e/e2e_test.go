package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/safeduty/safeduty/internal/apptest"
)

// Environment variables of the browser tests.
const (
	envBrowser = "SAFEDUTY_TEST_BROWSER"
	envShots   = "SAFEDUTY_TEST_SHOTS"
)

// TestMain says loudly when the browser tests cannot run. A test that skips is silent
// in `go test ./...`, which prints only an "ok" line for a package that passes; so
// without SAFEDUTY_TEST_BROWSER the package also writes the go command's own "no tests
// to run" notice, which that line shows ("ok … [no tests to run]"), after a line that
// says why (shown by `go test -v` and in the package's folder).
func TestMain(m *testing.M) {
	if os.Getenv(envBrowser) == "" {
		fmt.Fprintf(os.Stderr, "BROWSER TESTS SKIPPED: set %s to the path of a Chromium or Chrome binary (CI sets /usr/bin/chromium)\n", envBrowser)
		fmt.Fprintln(os.Stderr, "testing: warning: no tests to run")
	}
	os.Exit(m.Run())
}

// session is one browser tab on a running SafeDuty.
type session struct {
	t   *testing.T
	e   *apptest.Env
	ctx context.Context // the tab, limited in time

	mu       sync.Mutex
	problems []string                 // console errors, exceptions and CSP reports seen in the tab
	markers  map[string]chan struct{} // console markers settle waits for, closed when they arrive
	nMarkers int
}

// markerPrefix starts the console messages settle writes.
const markerPrefix = "e2e-settle-"

// newSession starts SafeDuty on SQLite and a fresh headless browser with a viewport of
// width×height CSS pixels (phone emulation when mobile).
func newSession(t *testing.T, width, height int64, mobile bool) *session {
	t.Helper()
	path := os.Getenv(envBrowser)
	if path == "" {
		t.Skipf("browser tests skipped: set %s to the path of a Chromium or Chrome binary (CI sets /usr/bin/chromium)", envBrowser)
	}
	e := apptest.New(t, "sqlite")
	profile := t.TempDir() // removed after the browser has exited (cleanups run last-in first-out)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(int(width), int(height)),
	)
	t.Cleanup(cancelAlloc)
	tab, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(cancelTab)
	// The first action starts the browser; it runs without a deadline, which would
	// otherwise stop the browser itself.
	var opts []chromedp.EmulateViewportOption
	if mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateScale(2))
	}
	if err := chromedp.Do(tab, chromedp.EmulateViewport(width, height, opts...)); err != nil {
		t.Fatalf("start the browser %s: %v", path, err)
	}
	ctx, cancelTime := context.WithTimeout(tab, 90*time.Second)
	t.Cleanup(cancelTime)
	s := &session{t: t, e: e, ctx: ctx, markers: map[string]chan struct{}{}}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			// A page that answers 401 or 422 on purpose (a refused sign-in, a refused
			// form) is logged as a failed resource; that is not a problem of the page.
			expected := m.Source == "network" && (strings.Contains(m.Text, "status of 401") || strings.Contains(m.Text, "status of 422"))
			s.mu.Lock()
			if (m.Type == chromedp.ConsoleError || m.IsException()) && !expected {
				s.problems = append(s.problems, m.String())
			}
			if ch, ok := s.markers[m.Text]; ok && m.Type == chromedp.ConsoleDebug {
				close(ch)
				delete(s.markers, m.Text)
			}
			s.mu.Unlock()
		}
	}()
	return s
}

// do runs browser steps, failing the test on error.
func (s *session) do(steps ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	if err := chromedp.Do(s.ctx, steps...); err != nil {
		s.t.Fatalf("browser: %v", err)
	}
}

// value runs a browser action that reads a value, failing the test on error.
func value[T any](s *session, a chromedp.Action[T]) T {
	s.t.Helper()
	v, err := chromedp.Run(s.ctx, a)
	if err != nil {
		s.t.Fatalf("browser: %v", err)
	}
	return v
}

// css is a CSS selector for the first match.
func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

// open loads a path of the server and waits for the page's main area.
func (s *session) open(path string) {
	s.t.Helper()
	s.do(chromedp.Navigate(s.e.Server.URL+path), chromedp.WaitReady(css("#main")))
}

// signIn fills in and submits the sign-in form, and waits for the next page.
func (s *session) signIn(username, password string) {
	s.t.Helper()
	s.do(
		chromedp.WaitVisible(css("#username")),
		chromedp.SendKeys(css("#username"), username),
		chromedp.SendKeys(css("#password"), password),
		chromedp.Click(css(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitReady(css(".topbar, #login-error")),
	)
}

// submit clicks the submit button matched by button, which sends a form and loads
// the next page, and waits until that page shows an element matching next. The page
// the click leaves is marked first, so an element of the same kind on it (the flash
// of the previous action, say) cannot be taken for the answer.
func (s *session) submit(button, next string) {
	s.t.Helper()
	value(s, chromedp.Evaluate[any](`document.documentElement.dataset.left = "1"`))
	s.do(
		chromedp.Click(css(button)),
		chromedp.WaitVisible(css("html:not([data-left]) "+next)),
	)
}

// text returns the visible text of the first element matching sel.
func (s *session) text(sel string) string {
	s.t.Helper()
	return strings.TrimSpace(value(s, chromedp.Text(css(sel), chromedp.NodeVisible)))
}

// bodyText returns the text of the whole page.
func (s *session) bodyText() string {
	s.t.Helper()
	return value(s, chromedp.Evaluate[string](`document.body.innerText`))
}

// wantText fails unless the page's text contains every string of want.
func (s *session) wantText(what string, want ...string) {
	s.t.Helper()
	body := s.bodyText()
	for _, w := range want {
		if !strings.Contains(body, w) {
			s.t.Errorf("%s: page lacks %q\n%s", what, w, clip(body))
		}
	}
}

func clip(s string) string {
	if len(s) > 800 {
		return s[:800] + "…"
	}
	return s
}

// shot saves a full-page PNG into the test's temporary folder, and into
// SAFEDUTY_TEST_SHOTS when set.
func (s *session) shot(name string) {
	s.t.Helper()
	png := value(s, chromedp.FullScreenshot(100))
	dirs := []string{s.t.TempDir()}
	if d := os.Getenv(envShots); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			s.t.Fatal(err)
		}
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		if err := os.WriteFile(filepath.Join(d, name+".png"), png, 0o644); err != nil {
			s.t.Fatal(err)
		}
	}
}

// settle waits until every console message the tab wrote so far has arrived: it writes
// a marker to the console and waits for it (the browser sends a tab's messages in the
// order they were written).
func (s *session) settle() {
	s.t.Helper()
	s.mu.Lock()
	s.nMarkers++
	marker := fmt.Sprintf("%s%d", markerPrefix, s.nMarkers)
	arrived := make(chan struct{})
	s.markers[marker] = arrived
	s.mu.Unlock()
	value(s, chromedp.Evaluate[any](`console.debug(`+jsString(marker)+`)`))
	select {
	case <-arrived:
	case <-s.ctx.Done():
		s.t.Fatalf("the console marker never arrived: %v", s.ctx.Err())
	}
}

// waitLocation waits until the tab's address contains part (a form that submits itself),
// polling in the page; a poll that the navigation interrupts starts again on the next
// page.
func (s *session) waitLocation(part string) {
	s.t.Helper()
	var err error
	for range 10 { // each navigation ends at most one poll
		_, err = chromedp.Run(s.ctx, chromedp.Poll[bool](`location.href.includes(`+jsString(part)+`)`))
		if err == nil {
			s.do(chromedp.WaitReady(css("#main")))
			return
		}
		if s.ctx.Err() != nil || errors.Is(err, chromedp.ErrPollingTimeout) {
			break
		}
	}
	s.t.Fatalf("the address never contained %q: %s (%v)", part, value(s, chromedp.Location()), err)
}

// openMenu presses the phone's menu button and waits until the navigation has slid in
// (its left edge at the window's); false when it never does.
func (s *session) openMenu() bool {
	s.t.Helper()
	s.do(chromedp.Click(css(".nav-button")))
	_, err := chromedp.Run(s.ctx, chromedp.Poll[bool](`document.querySelector(".sidebar").getBoundingClientRect().left >= 0`,
		chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil && !errors.Is(err, chromedp.ErrPollingTimeout) {
		s.t.Fatalf("browser: %v", err)
	}
	return err == nil
}

// noProblems fails on console errors, exceptions or CSP reports seen so far.
func (s *session) noProblems() {
	s.t.Helper()
	s.settle()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.problems {
		s.t.Errorf("browser reported %s", p)
	}
}

// visibleIn reports whether the element is displayed and lies at least partly inside
// the viewport.
func (s *session) visibleIn(sel string) bool {
	s.t.Helper()
	return value(s, chromedp.Evaluate[bool](`(function(){var el=document.querySelector(`+jsString(sel)+`); if(!el) return false;
		var r=el.getBoundingClientRect(); var cs=getComputedStyle(el);
		return cs.display!=="none" && cs.visibility!=="hidden" && r.width>0 && r.right>1 && r.left<window.innerWidth;})()`))
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
