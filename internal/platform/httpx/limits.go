package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/input"
)

// ReadTimeouts bound how long a request's body may take to arrive, counted from when its
// headers did (http.Server.ReadHeaderTimeout bounds those). Anyone gets Anonymous, so
// nobody can hold a connection open by trickling a body to a public route; a signed-in
// user gets SignedIn, long enough for a form of photos over a slow mobile link. The
// server's own ReadTimeout should be SignedIn, the longest any request may take.
type ReadTimeouts struct {
	Anonymous time.Duration
	SignedIn  time.Duration
}

// DefaultReadTimeouts: 30 seconds, like a slow client's headers; 10 minutes for a
// signed-in user (a 200 MiB form of photos at 3 Mbit/s).
func DefaultReadTimeouts() ReadTimeouts {
	return ReadTimeouts{Anonymous: 30 * time.Second, SignedIn: 10 * time.Minute}
}

type readStartKey struct{}

// Limit sets every request's read deadline to Anonymous from now. It wraps the handler
// before anything reads a body (it runs ahead of sign-in).
func (t ReadTimeouts) Limit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		if t.Anonymous > 0 {
			_ = http.NewResponseController(w).SetReadDeadline(now.Add(t.Anonymous))
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), readStartKey{}, now)))
	})
}

// Extend gives the requests signedIn reports SignedIn instead, from the same start. It
// wraps the handler after sign-in (a cookie form's CSRF check, which reads an
// url-encoded body of at most 1 MiB, runs under Anonymous).
func (t ReadTimeouts) Extend(next http.Handler, signedIn func(*http.Request) bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if start, ok := r.Context().Value(readStartKey{}).(time.Time); ok && t.SignedIn > 0 && signedIn(r) {
			_ = http.NewResponseController(w).SetReadDeadline(start.Add(t.SignedIn))
		}
		next.ServeHTTP(w, r)
	})
}

// ProblemListener wraps ln so that the one refusal net/http writes by itself in plain
// text, 431 for headers over http.Server.MaxHeaderBytes (before any handler runs, so no
// middleware can answer it), becomes a problem document in the client's language (the
// lang query parameter or cookie, else Accept-Language, else Chinese), as sniffed from
// the first bytes of the request. maxHeader is the limit the message names. Anything
// else, and anything over TLS, passes unchanged.
func ProblemListener(ln net.Listener, maxHeader int) net.Listener {
	return &problemListener{Listener: ln, maxHeader: maxHeader}
}

type problemListener struct {
	net.Listener
	maxHeader int
}

func (l *problemListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &problemConn{Conn: c, maxHeader: l.maxHeader}, nil
}

// sniffBytes is how much of a request's start is kept for choosing the language.
const sniffBytes = 8 << 10

// goHeaderRefusal is the start of what net/http writes for headers over the limit.
var goHeaderRefusal = []byte("HTTP/1.1 431 ")

type problemConn struct {
	net.Conn
	maxHeader int
	mu        sync.Mutex
	head      []byte // the first bytes read since the last response began
	written   bool   // a response began since the last read
}

func (c *problemConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		if c.written { // a new request on a kept-alive connection
			c.head, c.written = c.head[:0], false
		}
		if room := sniffBytes - len(c.head); room > 0 {
			c.head = append(c.head, p[:min(n, room)]...)
		}
		c.mu.Unlock()
	}
	return n, err
}

func (c *problemConn) Write(p []byte) (int, error) {
	refusal := bytes.HasPrefix(p, goHeaderRefusal)
	var head []byte
	c.mu.Lock()
	c.written = true
	if refusal {
		head = bytes.Clone(c.head)
	}
	c.mu.Unlock()
	if !refusal {
		return c.Conn.Write(p)
	}
	if _, err := c.Conn.Write(headersTooLarge(head, c.maxHeader)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// headersTooLarge is the 431 response, in the language the request's start asks for.
func headersTooLarge(head []byte, max int) []byte {
	loc := i18n.Localizer{Lang: sniffLang(head), Catalog: i18n.Default}
	body, _ := json.Marshal(map[string]any{
		"type":   "urn:safeduty:problem:headers_too_large",
		"title":  loc.T("input.headers_title"),
		"status": http.StatusRequestHeaderFieldsTooLarge,
		"detail": loc.T("input.headers_too_large", "max", input.Size(int64(max))),
		"code":   "headers_too_large",
	})
	return fmt.Appendf(nil, "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: application/problem+json; charset=utf-8\r\n"+
		"Content-Length: %d\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n%s", len(body), body)
}

// sniffLang reads the language from a request's first bytes: ?lang=, the lang cookie,
// then Accept-Language.
func sniffLang(head []byte) i18n.Lang {
	lines := strings.Split(string(head), "\r\n")
	if f := strings.Fields(lines[0]); len(f) >= 2 {
		if _, q, ok := strings.Cut(f[1], "?"); ok {
			for _, kv := range strings.Split(q, "&") {
				if v, ok := strings.CutPrefix(kv, "lang="); ok {
					return i18n.Parse(v)
				}
			}
		}
	}
	var accept string
	for _, l := range lines[1:] {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		value = strings.TrimSpace(value)
		switch strings.ToLower(name) {
		case "cookie":
			for _, c := range strings.Split(value, ";") {
				if v, ok := strings.CutPrefix(strings.TrimSpace(c), "lang="); ok && v != "" {
					return i18n.Parse(v)
				}
			}
		case "accept-language":
			accept = value
		}
	}
	if accept != "" {
		return i18n.Negotiate(accept)
	}
	return i18n.Zh
}
