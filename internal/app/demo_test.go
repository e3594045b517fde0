package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/app"
	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/demo"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

// The foundation's "done when", end to end on the demo district: admin signs in and sees
// 2,831 grids; town01 sees only its town's grids and gets 404 for another town's grid;
// one address is stopped after ten wrong passwords, and thirty from three addresses lock
// an account.
func TestDemo_FoundationAcceptance(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		const pw = "demo-pass-2026"
		res, err := demo.Build(ctx, d, demo.Options{Password: pw, Clock: clock.System{}})
		if err != nil || !res.Built {
			t.Fatalf("demo: %v %+v", err, res)
		}
		// A clock that stands still keeps the sign-in failures in one window; the
		// loopback proxy is trusted so the requests can come from several addresses.
		a := app.Wire(d, app.Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), InsecureCookie: true,
			Clock: clock.NewFake(time.Now()), TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
		srv := httptest.NewServer(a.Handler)
		defer srv.Close()
		e := &apptest.Env{T: t, App: a, Server: srv}

		tok := func(user string) string {
			r := e.Do("POST", "/api/v1/session", "", map[string]string{"username": user, "password": pw})
			if r.Status != http.StatusOK {
				t.Fatalf("sign in %s: %d %s", user, r.Status, r.Body)
			}
			return r.Map(t)["token"].(string)
		}
		admin := tok("admin")
		if total := e.Do("GET", "/api/v1/grids", admin, nil).Map(t)["total"]; total != float64(2831) {
			t.Fatalf("admin sees %v grids, want 2831", total)
		}
		town := tok("town01")
		var page struct {
			Items []struct {
				ID       string `json:"id"`
				TownID   string `json:"town_id"`
				TownName string `json:"town_name"`
			}
			Total int
		}
		e.Do("GET", "/api/v1/grids?per_page=500", town, nil).JSON(t, &page)
		if page.Total == 0 || page.Total >= 2831 {
			t.Fatalf("town01 sees %d grids", page.Total)
		}
		own := page.Items[0].TownID
		for _, g := range page.Items {
			if g.TownID != own {
				t.Fatalf("town01 sees a grid of %s", g.TownName)
			}
		}
		var other struct {
			Items []struct {
				ID     string `json:"id"`
				TownID string `json:"town_id"`
			}
		}
		e.Do("GET", "/api/v1/grids?sort=-code&per_page=1", admin, nil).JSON(t, &other)
		if other.Items[0].TownID == own {
			t.Fatal("the last grid by code is in town01; pick another")
		}
		if r := e.Do("GET", "/api/v1/grids/"+other.Items[0].ID, town, nil); r.Status != http.StatusNotFound {
			t.Errorf("town01 reads another town's grid: %d", r.Status)
		}
		for i := 1; i <= 31; i++ {
			client := fmt.Sprintf("203.0.113.%d", (i-1)/10+1)
			r := e.Do("POST", "/api/v1/session", "", map[string]string{"username": "mayor", "password": "wrong-" + strings.Repeat("x", i)},
				"X-Forwarded-For", client)
			want := http.StatusUnauthorized
			switch {
			case i >= 30:
				want = http.StatusLocked
			case i%10 == 0:
				want = http.StatusTooManyRequests
			}
			if r.Status != want {
				t.Fatalf("wrong password #%d from %s: %d, want %d", i, client, r.Status, want)
			}
			if i == 31 && (r.Map(t)["unlocks_at"] == nil || r.Header.Get("Retry-After") == "") {
				t.Errorf("locked answer lacks unlocks_at or Retry-After: %s", r.Body)
			}
		}
	})
}
