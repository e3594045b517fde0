package auth_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

// BenchmarkSignedIn sends requests through the real handler (every middleware, the token
// check, the route), without the network, on every engine under test: /healthz
// anonymous (the floor), and /api/v1/me signed in with the principal cache off (every
// request reads the session and the principal) and on. With -cpuprofile it shows where a
// signed-in request's time goes:
//
//	go test -run '^$' -bench SignedIn -benchmem -cpuprofile /tmp/me.prof ./internal/platform/auth
func BenchmarkSignedIn(b *testing.B) {
	for _, eng := range dbtest.Engines() {
		e := apptest.New(b, eng)
		tok := e.Token(apptest.UserAdmin)
		run := func(name, path, token string, cache bool) {
			b.Run(string(eng)+"/"+name, func(b *testing.B) {
				cfg := e.App.Auth.Cfg
				if !cache {
					e.App.Auth.Cfg.CacheMaxAge = 0
				}
				defer func() { e.App.Auth.Cfg = cfg }()
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						req := httptest.NewRequest("GET", path, nil)
						req.RemoteAddr = "192.0.2.1:4711"
						if token != "" {
							req.Header.Set("Authorization", "Bearer "+token)
						}
						rec := httptest.NewRecorder()
						e.App.Handler.ServeHTTP(rec, req)
						if rec.Code != http.StatusOK {
							b.Errorf("%s: %d %s", path, rec.Code, rec.Body)
							return
						}
					}
				})
			})
		}
		run("healthz-anonymous", "/healthz", "", true)
		run("me-cache-off", "/api/v1/me", tok, false)
		run("me-cache-on", "/api/v1/me", tok, true)
	}
}
