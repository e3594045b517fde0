package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/apptest"
)

// A client address over its budget of failed sign-ins (10 in 15 minutes) is refused
// with 429 and Retry-After before its password is checked, and what it sends then does
// not count against the account: the account is not locked, and the user signs in from
// another address.
func TestSignIn_ClientBudgetCannotLockAnAccount(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		attacker := apptest.ClientHeader("203.0.113.7")
		for i := 1; i <= 9; i++ {
			res := login(e, "admin", "wrong-password-1", attacker...)
			if res.Status != http.StatusUnauthorized {
				t.Fatalf("attempt %d: %d %s", i, res.Status, res.Body)
			}
			if left := res.Map(t)["attempts_left"]; left != float64(10-i) {
				t.Errorf("attempt %d: attempts_left = %v, want %d", i, left, 10-i)
			}
		}
		tenth := login(e, "admin", "wrong-password-1", append(attacker, "Accept-Language", "en")...)
		if tenth.Status != http.StatusTooManyRequests {
			t.Fatalf("tenth failure: %d %s, want 429", tenth.Status, tenth.Body)
		}
		// The window began at 09:00 UTC (the fake clock's start) and ends at 09:15.
		if got := tenth.Header.Get("Retry-After"); got != "900" {
			t.Errorf("Retry-After = %q, want 900", got)
		}
		if d := tenth.Map(t)["detail"].(string); !strings.Contains(d, "try again after 2026-03-02 17:15") {
			t.Errorf("429 does not say when to retry (China time): %s", d)
		}
		// Over budget: the attacker can no longer reach the account, not even with the
		// right password.
		for range 40 {
			if res := login(e, "admin", "wrong-password-1", attacker...); res.Status != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
				t.Fatalf("over budget: %d Retry-After %q", res.Status, res.Header.Get("Retry-After"))
			}
		}
		if res := login(e, "admin", apptest.Password, attacker...); res.Status != http.StatusTooManyRequests {
			t.Errorf("right password over budget: %d, want 429 (refused before the password is checked)", res.Status)
		}
		until, failures, err := e.App.Auth.LockState(context.Background(), e.App.DB, "admin")
		if err != nil || !until.IsZero() || failures != 10 {
			t.Errorf("admin after 51 attempts from one client: locked until %v, %d failures counted (%v); want unlocked, 10", until, failures, err)
		}
		if res := login(e, "admin", apptest.Password, apptest.ClientHeader("198.51.100.9")...); res.Status != http.StatusOK {
			t.Fatalf("admin from another address: %d %s", res.Status, res.Body)
		}
		// Another address in the attacker's IPv6 /64 is the same client; another /64 is not.
		v6 := apptest.ClientHeader("2001:db8:1:2::10")
		for range 10 {
			login(e, "nobody", "wrong-password-1", v6...)
		}
		if res := login(e, "town01", apptest.Password, apptest.ClientHeader("2001:db8:1:2:ffff::99")...); res.Status != http.StatusTooManyRequests {
			t.Errorf("same IPv6 /64: %d, want 429", res.Status)
		}
		if res := login(e, "town01", apptest.Password, apptest.ClientHeader("2001:db8:1:3::10")...); res.Status != http.StatusOK {
			t.Errorf("next IPv6 /64: %d, want 200", res.Status)
		}
		// Five minutes on, the wait is shorter; when the window ends the client may try again.
		e.Clock.Advance(5 * time.Minute)
		if got := login(e, "admin", "wrong-password-1", attacker...).Header.Get("Retry-After"); got != "600" {
			t.Errorf("Retry-After five minutes later = %q, want 600", got)
		}
		e.Clock.Advance(10 * time.Minute)
		if res := login(e, "admin", apptest.Password, attacker...); res.Status != http.StatusOK {
			t.Errorf("after the window: %d %s", res.Status, res.Body)
		}
		// The refused attempts are audited like the others, with the status they got,
		// and the client's address.
		var audit struct {
			Total int
			Items []struct {
				Status int    `json:"status"`
				IP     string `json:"ip"`
			}
		}
		e.As(apptest.UserAdmin, "GET", "/api/v1/audit?username=admin&action=session.create&result=denied&ip=203.0.113.7&per_page=100", nil).JSON(t, &audit)
		statuses := map[int]int{}
		for _, it := range audit.Items {
			statuses[it.Status]++
		}
		if audit.Total != 52 || statuses[401] != 9 || statuses[429] != 43 {
			t.Errorf("denied sign-ins of admin from the attacker in the audit log: %d, by status %v; want 52: 9×401, 43×429", audit.Total, statuses)
		}
		// The sweep forgets ended windows and stale counts.
		if n, err := e.App.Auth.SweepThrottles(context.Background(), e.Clock.Now()); err != nil || n < 2 {
			t.Errorf("sweep: %d rows, %v; want the attacker's and the IPv6 client's old windows", n, err)
		}
	})
}

// Two servers on one database share the client's count: failures on either add up.
func TestSignIn_ThrottleSharedByServers(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		other := e.Replica()
		c := apptest.ClientHeader("203.0.113.8")
		for i := 1; i <= 9; i++ {
			srv := e
			if i%2 == 0 {
				srv = other
			}
			if res := login(srv, "town02", "wrong-password-1", c...); res.Status != http.StatusUnauthorized {
				t.Fatalf("attempt %d: %d %s", i, res.Status, res.Body)
			}
		}
		// The tenth failure, on the second server, uses the budget up; the first server
		// then refuses even the right password unchecked.
		if res := login(other, "town02", "wrong-password-1", c...); res.Status != http.StatusTooManyRequests {
			t.Errorf("tenth failure: %d, want 429", res.Status)
		}
		res := login(e, "town02", apptest.Password, c...)
		if res.Status != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
			t.Errorf("first server after the budget was used on both: %d Retry-After %q, want 429", res.Status, res.Header.Get("Retry-After"))
		}
	})
}

// The sign-in page answers a throttled client with 429, Retry-After and the time to
// retry in the user's language, keeping the username.
func TestSignIn_PageThrottled(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := e.NewBrowser()
		c := apptest.ClientHeader("203.0.113.9")
		form := url.Values{"username": {"town01"}, "password": {"wrong-password-1"}}
		for range 10 {
			b.PostForm("/login", form, false, c...)
		}
		form.Set("password", apptest.Password)
		res := b.PostForm("/login", form, false, c...)
		if res.Status != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "900" {
			t.Fatalf("sign-in page over budget: %d Retry-After %q", res.Status, res.Header.Get("Retry-After"))
		}
		for _, want := range []string{"此网络地址的登录失败次数过多", "2026-03-02 17:15", `value="town01"`, "输错 10 次密码后，需等待最多 15 分钟才能再次登录"} {
			if !strings.Contains(string(res.Body), want) {
				t.Errorf("page lacks %q", want)
			}
		}
	})
}

// A client cannot choose the address it is counted and recorded under by sending an
// X-Forwarded-For line of its own: behind the trusted (loopback) proxy, which adds the
// line of the address it saw after the client's, the failed sign-ins are recorded in the
// audit log and counted by the throttle under the proxy's address for it.
func TestSignIn_ForwardedAddressIsTheProxys(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		const spoofed, real = "198.51.100.66", "203.0.113.66"
		for range 10 {
			req, err := http.NewRequest("POST", e.Server.URL+"/api/v1/session",
				strings.NewReader(`{"username":"town01","password":"wrong-password-1"}`))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Add("X-Forwarded-For", spoofed) // the client's own line
			req.Header.Add("X-Forwarded-For", real)    // the proxy's
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
		}
		for ip, want := range map[string]float64{real: 10, spoofed: 0} {
			if n := e.As(apptest.UserAdmin, "GET", "/api/v1/audit?action=session.create&ip="+ip, nil).Map(t)["total"]; n != want {
				t.Errorf("audit entries of %s: %v, want %v", ip, n, want)
			}
		}
		if res := login(e, "town01", apptest.Password, apptest.ClientHeader(real)...); res.Status != http.StatusTooManyRequests {
			t.Errorf("the proxy's address after 10 failures: %d, want 429", res.Status)
		}
		if res := login(e, "town01", apptest.Password, apptest.ClientHeader(spoofed)...); res.Status != http.StatusOK {
			t.Errorf("the address the client named: %d, want 200 (it made no attempt)", res.Status)
		}
	})
}
