package app_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/apptest"
)

func login(e *apptest.Env, user, pw string, headers ...string) *apptest.Response {
	return e.Do("POST", "/api/v1/session", "", map[string]string{"username": user, "password": pw}, headers...)
}

func TestSession_SignInAndOut(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		res := login(e, "ADMIN ", apptest.Password) // usernames are case-insensitive and trimmed
		if res.Status != http.StatusOK {
			t.Fatalf("sign in: %d %s", res.Status, res.Body)
		}
		var out struct {
			Token string
			User  struct {
				ID       string   `json:"id"`
				Username string   `json:"username"`
				Roles    []string `json:"roles"`
				OrgID    string   `json:"org_id"`
			}
		}
		res.JSON(t, &out)
		if out.Token == "" || out.User.Username != "admin" || out.User.OrgID == "" || out.User.ID == "" {
			t.Fatalf("session response lacks token or user: %s", res.Body)
		}
		if strings.Join(out.User.Roles, ",") != "admin,safety_office" {
			t.Errorf("roles = %v", out.User.Roles)
		}
		if me := e.Do("GET", "/api/v1/me", out.Token, nil); me.Status != http.StatusOK {
			t.Fatalf("me: %d %s", me.Status, me.Body)
		}
		if res := e.Do("DELETE", "/api/v1/session", out.Token, nil); res.Status != http.StatusNoContent {
			t.Fatalf("sign out: %d %s", res.Status, res.Body)
		}
		if res := e.Do("GET", "/api/v1/me", out.Token, nil); res.Status != http.StatusUnauthorized {
			t.Errorf("token still works after sign-out: %d", res.Status)
		}
		if res := e.Do("GET", "/api/v1/grids", "not-a-token", nil); res.Status != http.StatusUnauthorized {
			t.Errorf("bad token: %d", res.Status)
		}
	})
}

// An unknown user and a wrong password must be indistinguishable.
func TestSession_UnknownUserLooksLikeWrongPassword(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		// From two addresses, as each client's own count goes into attempts_left.
		wrong := login(e, "admin", "wrong-password-1", apptest.ClientHeader("203.0.113.1")...)
		unknown := login(e, "nobody-at-all", "wrong-password-1", apptest.ClientHeader("203.0.113.2")...)
		if wrong.Status != http.StatusUnauthorized || unknown.Status != wrong.Status {
			t.Fatalf("statuses: wrong=%d unknown=%d", wrong.Status, unknown.Status)
		}
		if string(wrong.Body) != string(unknown.Body) {
			t.Errorf("bodies differ:\n wrong:   %s\n unknown: %s", wrong.Body, unknown.Body)
		}
	})
}

// Thirty failures within 15 minutes lock an account for 15 minutes, and a client
// address may fail only ten times in 15 minutes, so a lock takes three addresses. The
// lock says when it ends (also as Retry-After), refuses even the right password, and
// lifts by itself.
func TestSession_Lockout(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		fail := func(user string, client int) *apptest.Response {
			return login(e, user, "wrong-password-1", apptest.ClientHeader(fmt.Sprintf("203.0.113.%d", client))...)
		}
		for i := 1; i <= 4; i++ {
			res := fail("town01", 1)
			if res.Status != http.StatusUnauthorized {
				t.Fatalf("attempt %d: %d %s", i, res.Status, res.Body)
			}
			if left := res.Map(t)["attempts_left"]; left != float64(10-i) {
				t.Errorf("attempt %d: attempts_left = %v, want %d (the client's budget)", i, left, 10-i)
			}
		}
		for i := 5; i <= 10; i++ {
			fail("town01", 1)
		}
		for i := 1; i <= 10; i++ {
			fail("town01", 2)
		}
		for i := 1; i <= 9; i++ {
			if res := fail("town01", 3); res.Status != http.StatusUnauthorized {
				t.Fatalf("third client, attempt %d: %d %s", i, res.Status, res.Body)
			}
		}
		thirtieth := login(e, "town01", "wrong-password-1", append(apptest.ClientHeader("203.0.113.3"), "Accept-Language", "en")...)
		if thirtieth.Status != http.StatusLocked {
			t.Fatalf("thirtieth failure: %d %s", thirtieth.Status, thirtieth.Body)
		}
		if got := thirtieth.Header.Get("Retry-After"); got != "900" {
			t.Errorf("423 Retry-After = %q, want 900", got)
		}
		want := apptest.Start.Add(15 * time.Minute).Format(time.RFC3339)
		if got := thirtieth.Map(t)["unlocks_at"]; got != want {
			t.Errorf("unlocks_at = %v, want %s", got, want)
		}
		if !strings.Contains(thirtieth.Map(t)["detail"].(string), "locked until 2026-03-02 17:15") {
			t.Errorf("message does not say when it unlocks (China time): %s", thirtieth.Body)
		}
		e.Clock.Advance(5 * time.Minute)
		right := login(e, "town01", apptest.Password, apptest.ClientHeader("198.51.100.4")...)
		if right.Status != http.StatusLocked {
			t.Fatalf("right password while locked: %d %s", right.Status, right.Body)
		}
		if !strings.Contains(string(right.Body), "17:15") {
			t.Errorf("locked message lacks the unlock time: %s", right.Body)
		}
		if got := right.Header.Get("Retry-After"); got != "600" {
			t.Errorf("423 Retry-After five minutes later = %q, want 600", got)
		}
		// Other accounts are unaffected.
		if res := login(e, "town02", apptest.Password, apptest.ClientHeader("198.51.100.4")...); res.Status != http.StatusOK {
			t.Errorf("another user is refused: %d", res.Status)
		}
		e.Clock.Advance(10*time.Minute + time.Second)
		if res := login(e, "town01", apptest.Password); res.Status != http.StatusOK {
			t.Fatalf("after the lock: %d %s", res.Status, res.Body)
		}
		// A success resets the account's count: 29 more failures do not lock.
		for c := 4; c <= 5; c++ {
			for range 10 {
				fail("town01", c)
			}
		}
		for range 9 {
			fail("town01", 6)
		}
		if res := login(e, "town01", apptest.Password, apptest.ClientHeader("198.51.100.5")...); res.Status != http.StatusOK {
			t.Errorf("count was not reset by the success: %d %s", res.Status, res.Body)
		}
		// Unknown names lock the same way, so a lock reveals nothing either.
		for c := 8; c <= 10; c++ {
			for range 10 {
				fail("ghost", c)
			}
		}
		if res := login(e, "ghost", "x-password-2", apptest.ClientHeader("198.51.100.5")...); res.Status != http.StatusLocked {
			t.Errorf("unknown name after 30 failures: %d, want 423 like a real account", res.Status)
		}
		// Every attempt is in the audit log: 30 + 1 (locked) + 29.
		audit := e.As(apptest.UserAdmin, "GET", "/api/v1/audit?username=town01&action=session.create&result=denied", nil)
		if n := audit.Map(t)["total"]; n != float64(60) {
			t.Errorf("denied sign-ins of town01 in the audit log: %v, want 60", n)
		}
	})
}

func TestSession_IdleAndAbsoluteTimeouts(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		tok := e.Token("town01")
		e.Clock.Advance(6 * 24 * time.Hour)
		if res := e.Do("GET", "/api/v1/me", tok, nil); res.Status != http.StatusOK {
			t.Fatalf("token used within its idle period: %d", res.Status)
		}
		e.Clock.Advance(7*24*time.Hour + time.Minute)
		if res := e.Do("GET", "/api/v1/me", tok, nil); res.Status != http.StatusUnauthorized {
			t.Fatalf("token idle for 7 days still works: %d", res.Status)
		}
		tok2 := login(e, "town02", apptest.Password).Map(t)["token"].(string)
		for range 6 { // used every 5 days, never idle, but 30 days is the absolute limit
			e.Clock.Advance(5 * 24 * time.Hour)
			e.Do("GET", "/api/v1/me", tok2, nil)
		}
		e.Clock.Advance(time.Hour)
		if res := e.Do("GET", "/api/v1/me", tok2, nil); res.Status != http.StatusUnauthorized {
			t.Fatalf("token older than 30 days still works: %d", res.Status)
		}
	})
}

func TestSession_ChangePassword(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		tok := e.Token("town02")
		res := e.Do("POST", "/api/v1/me/password", tok, map[string]string{"current_password": "nope", "new_password": "short"})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad change: %d %s", res.Status, res.Body)
		}
		fields := map[string]string{}
		for _, fe := range res.Map(t)["errors"].([]any) {
			m := fe.(map[string]any)
			fields[m["field"].(string)] = m["rule"].(string)
		}
		if fields["current_password"] != "wrong_password" || fields["new_password"] != "password_short" {
			t.Errorf("field errors = %v", fields)
		}
		res = e.Do("POST", "/api/v1/me/password", tok, map[string]string{"current_password": apptest.Password, "new_password": "brand-new-pass-42"})
		if res.Status != http.StatusNoContent {
			t.Fatalf("change: %d %s", res.Status, res.Body)
		}
		if res := login(e, "town02", "brand-new-pass-42"); res.Status != http.StatusOK {
			t.Errorf("new password refused: %d", res.Status)
		}
		if res := login(e, "town02", apptest.Password); res.Status != http.StatusUnauthorized {
			t.Errorf("old password still accepted: %d", res.Status)
		}
	})
}
