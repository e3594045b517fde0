package auth

import (
	"context"
	"crypto/subtle"
	"mime"
	"net/http"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
)

// Middleware resolves the bearer token or session cookie of each request to a Principal
// and enforces CSRF protection on cookie-authenticated writes.
type Middleware struct {
	Service *Service
	// InsecureCookie drops the Secure attribute (and the __Host- prefix) for deployments
	// served over plain HTTP on a private network. Off by default.
	InsecureCookie bool
	// OnError renders an error (problem details for the API, a page for the UI).
	OnError func(w http.ResponseWriter, r *http.Request, err error)
}

// CookieName is the session cookie's name.
func (m *Middleware) CookieName() string {
	if m.InsecureCookie {
		return "safeduty_session"
	}
	return "__Host-safeduty_session"
}

type failKey struct{}

// AuthFailure returns why a presented credential was refused (expired, unknown), or nil
// when none was presented or it was accepted.
func AuthFailure(ctx context.Context) error {
	err, _ := ctx.Value(failKey{}).(error)
	return err
}

// Handler wraps next.
func (m *Middleware) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		token, kind := bearer(r), KindAPI
		if token == "" {
			if c, err := r.Cookie(m.CookieName()); err == nil {
				token, kind = c.Value, KindBrowser
			}
		}
		if token != "" {
			p, err := m.Service.Authenticate(ctx, token, kind)
			switch {
			case err == nil:
				ctx = WithPrincipal(ctx, p)
				if req := audit.RequestFrom(ctx); req != nil {
					req.UserID, req.Username = &p.UserID, p.Username
				}
			case apperr.Is(err, apperr.Unauthenticated):
				ctx = context.WithValue(ctx, failKey{}, err)
				if kind == KindBrowser {
					m.ClearSession(w)
				}
			default:
				m.OnError(w, r, err)
				return
			}
			if err == nil && kind == KindBrowser && !safeMethod(r.Method) {
				if !m.csrfOK(r, FromContext(ctx).CSRFToken) {
					err := apperr.New(apperr.Forbidden, "auth.csrf", nil)
					if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/x-www-form-urlencoded" && r.ContentLength > maxFormBody {
						// the token was past what is read of a form: say the form is too large
						err = apperr.New(apperr.TooLarge, "error.too_large", apperr.E{"max": "1 MiB"})
					}
					m.OnError(w, r.WithContext(ctx), err)
					return
				}
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// maxFormBody is the most of an url-encoded form's body that is read.
const maxFormBody = 1 << 20

// csrfOK checks the synchronizer token: the X-CSRF-Token header (htmx and scripts) or
// the csrf_token form field (plain forms; in a multipart form, its first part) must
// equal the session's token. A token is never read from the URL, where it would land in
// the address bar, the history and the logs.
func (m *Middleware) csrfOK(r *http.Request, want string) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		switch ct {
		case "application/x-www-form-urlencoded":
			r.Body = http.MaxBytesReader(nil, r.Body, maxFormBody)
			got = r.PostFormValue("csrf_token")
		case "multipart/form-data":
			got = multipartToken(r, params["boundary"])
		}
	}
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// BearerToken returns the request's bearer token, if any.
func BearerToken(r *http.Request) string { return bearer(r) }

// SetSession sets the session cookie. It is a browser-session cookie (no Expires): it
// ends when the browser closes, and the server enforces the idle and absolute timeouts.
func (m *Middleware) SetSession(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{
		Name: m.CookieName(), Value: token, Path: "/",
		HttpOnly: true, Secure: !m.InsecureCookie, SameSite: http.SameSiteLaxMode,
	})
}

// ClearSession removes the session cookie.
func (m *Middleware) ClearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: m.CookieName(), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: !m.InsecureCookie, SameSite: http.SameSiteLaxMode,
	})
}

// SessionToken returns the cookie session token of r, if any.
func (m *Middleware) SessionToken(r *http.Request) string {
	if c, err := r.Cookie(m.CookieName()); err == nil {
		return c.Value
	}
	return ""
}
