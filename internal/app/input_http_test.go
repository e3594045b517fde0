package app_test

import (
	"bufio"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/app"
	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/platform/httpx"
)

// serveReal serves a second SafeDuty on e's database the way `serve` does (a.Server on
// httpx.ProblemListener, a real TCP listener) with cfg's read limits, and returns its
// address.
func serveReal(t *testing.T, e *apptest.Env, cfg app.Config) string {
	t.Helper()
	cfg.Clock, cfg.Log, cfg.Version, cfg.InsecureCookie = e.Clock, slog.New(slog.NewTextHandler(io.Discard, nil)), "test", true
	a := app.Wire(e.App.DB, cfg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := a.Server()
	go srv.Serve(httpx.ProblemListener(ln, a.Cfg.MaxHeaderBytes)) //nolint:errcheck
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// slowRequest is a request sent in parts on a connection of its own, as a slow client
// sends it. Its head asks for "100 Continue", which the server answers when the handler
// starts reading the body: the signal that the request has begun, with its read deadline
// set. The connection's own deadline only guards the test against hanging; nothing is
// measured.
type slowRequest struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

// startSlow sends the head of a request (its lines, without the blank line that ends
// it) with a Content-Length of n and waits for the server's 100 Continue.
func startSlow(t *testing.T, addr, head string, n int) *slowRequest {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(20 * time.Second))
	s := &slowRequest{t: t, c: c, r: bufio.NewReader(c)}
	s.send(head + "Host: " + addr + "\r\nContent-Length: " + strconv.Itoa(n) + "\r\nExpect: 100-continue\r\n\r\n")
	res, err := http.ReadResponse(s.r, nil)
	if err != nil || res.StatusCode != http.StatusContinue {
		t.Fatalf("no 100 Continue: %v %v", res, err)
	}
	return s
}

// send writes part of the request.
func (s *slowRequest) send(part string) {
	s.t.Helper()
	if _, err := io.WriteString(s.c, part); err != nil {
		s.t.Fatal(err)
	}
}

// response reads the final response.
func (s *slowRequest) response() (*http.Response, []byte) {
	s.t.Helper()
	res, err := http.ReadResponse(s.r, nil)
	if err != nil {
		s.t.Fatalf("no response: %v", err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, b
}

// A body sent too slowly by someone not signed in is cut at the anonymous read timeout
// (the test makes it short) with a problem document, without waiting for the rest; a
// signed-in user's body, begun before that one and finished only after it was cut, is
// read to its end.
func TestInput_SlowBodyIsCut(t *testing.T) {
	e := apptest.New(t, "sqlite")
	token := e.Token(apptest.UserTown1)
	addr := serveReal(t, e, app.Config{ReadTimeouts: httpx.ReadTimeouts{Anonymous: 300 * time.Millisecond, SignedIn: time.Minute}})

	comment := `{"action":"comment","comment":"慢慢说"}`
	signedIn := startSlow(t, addr, "POST /api/v1/hazards/"+e.F.Hazards[0].String()+"/actions HTTP/1.1\r\nAuthorization: Bearer "+token+
		"\r\nContent-Type: application/json\r\n", len(comment))
	signedIn.send(comment[:10])

	body := `{"username":"town01","password":"` + strings.Repeat("x", 100000) + `"}`
	anonymous := startSlow(t, addr, "POST /api/v1/session HTTP/1.1\r\nContent-Type: application/json\r\n", len(body))
	anonymous.send(body[:10])
	res, b := anonymous.response() // it never sends the rest
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "请求内容未能及时传完") ||
		!strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("anonymous slow body: %d %s", res.StatusCode, b)
	}

	// The anonymous limit has passed for the signed-in request too, which began first.
	signedIn.send(comment[10:])
	res, b = signedIn.response()
	if res.StatusCode != http.StatusOK {
		t.Errorf("signed-in slow body: %d %s", res.StatusCode, b)
	}
}

// Headers over the limit answer a problem document in the client's language, not
// net/http's plain text, and the limit is named.
func TestInput_HeadersTooLargeIsAProblem(t *testing.T) {
	e := apptest.New(t, "sqlite")
	addr := serveReal(t, e, app.Config{})
	for lang, want := range map[string]string{"zh": "请求头超过上限 64 KiB", "en": "exceed the limit of 64 KiB"} {
		req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/hazards", nil)
		req.Header.Set("Accept-Language", lang)
		req.Header.Set("X-Padding", strings.Repeat("a", 100<<10))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var p struct {
			Status        int
			Title, Detail string
		}
		if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") ||
			json.Unmarshal(b, &p) != nil || p.Status != 431 || !strings.Contains(p.Detail, want) {
			t.Errorf("%s: %d %s %s", lang, res.StatusCode, res.Header.Get("Content-Type"), b)
		}
	}
	// A request within the limit on the same server is served as usual.
	if res, err := http.Get("http://" + addr + "/healthz"); err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("healthz: %v %v", res, err)
	}
}

// A cross-origin write from a browser is refused with a 403 in the user's language: a
// problem document for the API, an error page for pages (net/http's default is an
// untranslated text/plain line).
func TestInput_CrossOriginRefusalIsTranslated(t *testing.T) {
	e := apptest.New(t, "sqlite")
	api := e.Do("POST", "/api/v1/session", "", `{"username":"town01","password":"x"}`,
		"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example", "Accept-Language", "en")
	if api.Status != http.StatusForbidden || !strings.HasPrefix(api.Header.Get("Content-Type"), "application/problem+json") ||
		!strings.Contains(string(api.Body), "came from another site") {
		t.Errorf("API: %d %s %s", api.Status, api.Header.Get("Content-Type"), api.Body)
	}
	b := e.NewBrowser()
	page := b.PostForm("/login", url.Values{"username": {"town01"}, "password": {"x"}}, false,
		"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
	if page.Status != http.StatusForbidden || !strings.HasPrefix(page.Header.Get("Content-Type"), "text/html") ||
		!strings.Contains(string(page.Body), "该请求来自其他网站") {
		t.Errorf("page: %d %s %s", page.Status, page.Header.Get("Content-Type"), snippet(page.Body))
	}
}
