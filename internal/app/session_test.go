package app_test

import (
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
		wrong := login(e, "admin", "wrong-password-1")
		unknown := login(e, "nobody-at-all", "wrong-password-1")
		if wrong.Status != http.StatusUnauthorized || unknown.Status != wrong.Status {
			t.Fatalf("statuses: wrong=%d unknown=%d", wrong.Status, unknown.Status)
		}
		if string(wrong.Body) != string(unknown.Body) {
			t.Errorf("bodies differ:\n wrong:   %s\n unknown: %s", wrong.Body, unknown.Body)
		}
	})
}

// Five consecutive failures lock the account for 15 minutes; the lock says when it ends,
// refuses even the right password, and lifts by itself.
func TestSession_Lockout(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		for i := 1; i <= 4; i++ {
			res := login(e, "town01", "wrong-password-1")
			if res.Status != http.StatusUnauthorized {
				t.Fatalf("attempt %d: %d %s", i, res.Status, res.Body)
			}
			if left := res.Map(t)["attempts_left"]; left != float64(5-i) {
				t.Errorf("attempt %d: attempts_left = %v, want %d", i, left, 5-i)
			}
		}
		fifth := login(e, "town01", "wrong-password-1", "Accept-Language", "en")
		if fifth.Status != http.StatusLocked {
			t.Fatalf("fifth failure: %d %s", fifth.Status, fifth.Body)
		}
		want := apptest.Start.Add(15 * time.Minute).Format(time.RFC3339)
		if got := fifth.Map(t)["unlocks_at"]; got != want {
			t.Errorf("unlocks_at = %v, want %s", got, want)
		}
		if !strings.Contains(fifth.Map(t)["detail"].(string), "locked until 2026-03-02 17:15") {
			t.Errorf("message does not say when it unlocks (China time): %s", fifth.Body)
		}
		sixth := login(e, "town01", apptest.Password)
		if sixth.Status != http.StatusLocked {
			t.Fatalf("right password while locked: %d %s", sixth.Status, sixth.Body)
		}
		if !strings.Contains(string(sixth.Body), "17:15") {
			t.Errorf("locked message lacks the unlock time: %s", sixth.Body)
		}
		// Other accounts are unaffected.
		if res := login(e, "town02", apptest.Password); res.Status != http.StatusOK {
			t.Errorf("another user is refused: %d", res.Status)
		}
		e.Clock.Advance(15*time.Minute + time.Second)
		if res := login(e, "town01", apptest.Password); res.Status != http.StatusOK {
			t.Fatalf("after the lock: %d %s", res.Status, res.Body)
		}
		// A success resets the count: four more failures do not lock.
		for range 4 {
			login(e, "town01", "wrong-password-1")
		}
		if res := login(e, "town01", apptest.Password); res.Status != http.StatusOK {
			t.Errorf("count was not reset by the success: %d %s", res.Status, res.Body)
		}
		// Unknown names lock the same way, so a lock reveals nothing either.
		for range 5 {
			login(e, "ghost", "wrong-password-1")
		}
		if res := login(e, "ghost", "x-password-2"); res.Status != http.StatusLocked {
			t.Errorf("unknown name after 5 failures: %d, want 423 like a real account", res.Status)
		}
		// Every attempt is in the audit log.
		audit := e.As(apptest.UserAdmin, "GET", "/api/v1/audit?username=town01&action=session.create&result=denied", nil)
		if n := audit.Map(t)["total"]; n != float64(10) {
			t.Errorf("denied sign-ins of town01 in the audit log: %v, want 10", n)
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
