// Package apptest runs the real SafeDuty handler on a real database for tests that go
// through the public entry points: it builds a small two-town district (Fixture), signs
// users in through POST /api/v1/session and sends API requests like any client would.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/app"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

// Password is every fixture user's password.
const Password = "fixture-pass-2026"

// Start is the fake clock's starting time.
var Start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// Env is a running SafeDuty on a fresh database.
type Env struct {
	T      testing.TB
	App    *app.App
	Server *httptest.Server
	Clock  *clock.Fake
	F      *Fixture

	mu     sync.Mutex
	tokens map[string]string
}

// Each runs fn once per engine under test, each with a fresh Env.
func Each(t *testing.T, fn func(t *testing.T, e *Env)) {
	t.Helper()
	for _, eng := range dbtest.Engines() {
		t.Run(string(eng), func(t *testing.T) { fn(t, New(t, eng)) })
	}
}

// New starts SafeDuty on a fresh database of engine eng and builds the fixture.
func New(t testing.TB, eng db.Engine) *Env {
	t.Helper()
	d := dbtest.New(t, eng)
	fc := clock.NewFake(Start)
	a := app.Wire(d, config(fc))
	e := &Env{T: t, App: a, Clock: fc, tokens: map[string]string{}}
	f, err := buildFixture(context.Background(), a)
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	e.F = f
	a.RefreshReferenceData(context.Background())
	e.Server = httptest.NewServer(a.Handler)
	t.Cleanup(e.Server.Close)
	return e
}

// config is every Env's server configuration. The loopback proxy is trusted, so a test
// can speak for other client addresses with X-Forwarded-For (ClientHeader).
func config(fc *clock.Fake) app.Config {
	return app.Config{Clock: fc, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: "test", InsecureCookie: true,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}}
}

// ClientHeader returns the header pair that makes a request come from client address ip
// (through the trusted loopback proxy), for Do's and the Browser's headers.
func ClientHeader(ip string) []string { return []string{"X-Forwarded-For", ip} }

// Replica starts a second server on the same database and clock, as another process of
// a cluster would run: its own handler and in-memory state, the same fixture. Tokens
// are not shared with e.
func (e *Env) Replica() *Env {
	e.T.Helper()
	a := app.Wire(e.App.DB, config(e.Clock))
	r := &Env{T: e.T, App: a, Clock: e.Clock, F: e.F, tokens: map[string]string{}}
	r.Server = httptest.NewServer(a.Handler)
	e.T.Cleanup(r.Server.Close)
	return r
}

// Response is an answer to a request.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test on error.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Map decodes the body as a JSON object.
func (r *Response) Map(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// Must returns a check of API answers for t: it fails the test unless an answer has the
// status want (what names the request) and returns its JSON object, nil for no body.
func Must(t testing.TB) func(res *Response, want int, what string) map[string]any {
	return func(res *Response, want int, what string) map[string]any {
		t.Helper()
		if res.Status != want {
			t.Fatalf("%s: %d %s", what, res.Status, res.Body)
		}
		if len(res.Body) == 0 {
			return nil
		}
		return res.Map(t)
	}
}

// Do sends a request with an optional bearer token and JSON body (nil for none; a
// string or []byte is sent as is). Extra headers come in pairs.
func (e *Env) Do(method, path, token string, body any, headers ...string) *Response {
	e.T.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		js, err := json.Marshal(b)
		if err != nil {
			e.T.Fatal(err)
		}
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequest(method, e.Server.URL+path, rd)
	if err != nil {
		e.T.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.T.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.T.Fatal(err)
	}
	return &Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// Token signs username in through the API (once per Env) and returns the bearer token.
func (e *Env) Token(username string) string {
	e.T.Helper()
	e.mu.Lock()
	tok, ok := e.tokens[username]
	e.mu.Unlock()
	if ok {
		return tok
	}
	res := e.Do("POST", "/api/v1/session", "", map[string]string{"username": username, "password": Password})
	if res.Status != http.StatusOK {
		e.T.Fatalf("sign in %s: %d %s", username, res.Status, res.Body)
	}
	var out struct{ Token string }
	res.JSON(e.T, &out)
	e.mu.Lock()
	e.tokens[username] = out.Token
	e.mu.Unlock()
	return out.Token
}

// As sends a request as username. When the cached token has expired (tests move the
// clock by days), it signs in again once.
func (e *Env) As(username, method, path string, body any, headers ...string) *Response {
	e.T.Helper()
	res := e.Do(method, path, e.Token(username), body, headers...)
	if res.Status == http.StatusUnauthorized {
		e.mu.Lock()
		delete(e.tokens, username)
		e.mu.Unlock()
		res = e.Do(method, path, e.Token(username), body, headers...)
	}
	return res
}

// Principal loads a fixture user's principal (for calling services directly).
func (e *Env) Principal(username string) *auth.Principal {
	e.T.Helper()
	p, err := e.App.Auth.LoadPrincipal(context.Background(), e.App.DB, e.F.Users[username])
	if err != nil {
		e.T.Fatal(err)
	}
	return p
}
