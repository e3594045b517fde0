package auth_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/platform/auth"
)

// me returns GET /api/v1/me with token: the status and, on 200, the body's fields.
func me(t *testing.T, e *apptest.Env, token string) (int, map[string]any) {
	t.Helper()
	res := e.Do("GET", "/api/v1/me", token, nil)
	if res.Status != http.StatusOK {
		return res.Status, nil
	}
	return res.Status, res.Map(t)
}

// signIn opens a new API session of username (apptest's Token keeps one per user).
func signIn(t *testing.T, e *apptest.Env, username string) string {
	t.Helper()
	res := e.Do("POST", "/api/v1/session", "", map[string]string{"username": username, "password": apptest.Password})
	if res.Status != http.StatusOK {
		t.Fatalf("sign in %s: %d %s", username, res.Status, res.Body)
	}
	return res.Map(t)["token"].(string)
}

// The cache answers a session seen recently without reading the database: a change
// nobody announced (written by hand) shows only once CacheMaxAge has passed. This is what
// makes the tests below meaningful: their changes would go unseen if not announced.
func TestPrincipalCache_AnswersFromMemoryForMaxAge(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		tok := signIn(t, e, apptest.UserTown1)
		_, before := me(t, e, tok)
		if _, err := e.App.DB.Exec(context.Background(), `UPDATE users SET display_name = '改过的名字' WHERE id = ?`,
			e.F.Users[apptest.UserTown1]); err != nil {
			t.Fatal(err)
		}
		if _, got := me(t, e, tok); got["display_name"] != before["display_name"] {
			t.Errorf("within the max age: display_name %v, want the cached %v", got["display_name"], before["display_name"])
		}
		e.Clock.Advance(auth.DefaultConfig().CacheMaxAge)
		if _, got := me(t, e, tok); got["display_name"] != "改过的名字" {
			t.Errorf("after the max age: display_name %v, want the database's", got["display_name"])
		}
	})
}

// Every change to what a signed-in user may do is seen by the very next request of a
// session the cache holds.
func TestPrincipalCache_ChangesSeenByTheNextRequest(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		admin := e.Token(apptest.UserAdmin)
		must := apptest.Must(t)
		user := func(name string) string { return "/api/v1/users/" + e.F.Users[name].String() }
		for _, c := range []struct {
			name, user string
			change     func(tok string)
			want       int                       // the next request's status
			check      func(map[string]any) bool // on 200, what it must show
		}{
			{"sign-out", apptest.UserPatrol1, func(tok string) {
				must(e.Do("DELETE", "/api/v1/session", tok, nil), http.StatusNoContent, "sign out")
			}, http.StatusUnauthorized, nil},
			{"disabled", apptest.UserPatrol2, func(string) {
				must(e.Do("PATCH", user(apptest.UserPatrol2), admin, map[string]any{"disabled": true}), http.StatusOK, "disable")
			}, http.StatusUnauthorized, nil},
			{"password reset", apptest.UserVillage, func(string) {
				must(e.Do("POST", user(apptest.UserVillage)+"/password", admin, map[string]any{"password": "Reset-pass-2027x"}),
					http.StatusNoContent, "reset")
			}, http.StatusUnauthorized, nil},
			{"own password changed in another session", apptest.UserTown2, func(string) {
				other := signIn(t, e, apptest.UserTown2)
				must(e.Do("POST", "/api/v1/me/password", other, map[string]any{"current_password": apptest.Password,
					"new_password": "Changed-pass-2027x"}), http.StatusNoContent, "change password")
			}, http.StatusUnauthorized, nil},
			{"roles changed", apptest.UserReader, func(string) {
				must(e.Do("PATCH", user(apptest.UserReader), admin, map[string]any{"roles": []string{"leader"}}), http.StatusOK, "roles")
			}, http.StatusUnauthorized, nil},
			{"name and language changed", apptest.UserLeader, func(string) {
				must(e.Do("PATCH", user(apptest.UserLeader), admin, map[string]any{"display_name": "新名字", "lang": "en"}),
					http.StatusOK, "rename")
			}, http.StatusOK, func(m map[string]any) bool { return m["display_name"] == "新名字" && m["lang"] == "en" }},
			{"the unit's industries changed", apptest.UserDept, func(string) {
				must(e.Do("PATCH", "/api/v1/orgs/"+e.F.Units["construction"].String(), admin,
					map[string]any{"industries": []string{"construction", "hazardous_chemicals"}}), http.StatusOK, "industries")
			}, http.StatusOK, func(m map[string]any) bool {
				got, _ := m["industries"].([]any)
				return slices.Equal(got, []any{"construction", "hazardous_chemicals"})
			}},
		} {
			t.Run(c.name, func(t *testing.T) {
				tok := signIn(t, e, c.user)
				for range 2 { // the second answer comes from the cache
					if st, _ := me(t, e, tok); st != http.StatusOK {
						t.Fatalf("before: %d", st)
					}
				}
				c.change(tok)
				st, got := me(t, e, tok)
				if st != c.want {
					t.Fatalf("the next request: %d, want %d", st, c.want)
				}
				if c.check != nil && !c.check(got) {
					t.Errorf("the next request shows %v", got)
				}
			})
		}
	})
}

// A session's idle timeout still slides while the cache answers: the session lives on
// past BrowserIdle/TokenIdle as long as it is used, and ends when it is not.
func TestPrincipalCache_IdleTimeoutSlides(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		tok := signIn(t, e, apptest.UserTown1)
		idle := auth.DefaultConfig().TokenIdle
		for range 3 { // three times 60% of the idle time, each time used
			e.Clock.Advance(idle * 6 / 10)
			if st, _ := me(t, e, tok); st != http.StatusOK {
				t.Fatalf("a session in use ended: %d", st)
			}
		}
		e.Clock.Advance(idle + time.Minute)
		if st, _ := me(t, e, tok); st != http.StatusUnauthorized {
			t.Errorf("an idle session answered %d, want 401", st)
		}
	})
}
