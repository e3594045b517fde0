package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/app"
	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/demo"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

// The foundation's "done when", end to end on the demo district: admin signs in and sees
// 2,831 grids; town01 sees only its town's grids and gets 404 for another town's grid;
// six wrong passwords lock an account.
func TestDemo_FoundationAcceptance(t *testing.T) {
	for _, eng := range dbtest.Engines() {
		t.Run(string(eng), func(t *testing.T) {
			ctx := context.Background()
			d := dbtest.New(t, eng)
			const pw = "demo-pass-2026"
			res, err := demo.Build(ctx, d, demo.Options{Password: pw, Clock: clock.System{}})
			if err != nil || !res.Built {
				t.Fatalf("demo: %v %+v", err, res)
			}
			a := app.Wire(d, app.Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), InsecureCookie: true})
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
			for i := 1; i <= 6; i++ {
				r := e.Do("POST", "/api/v1/session", "", map[string]string{"username": "mayor", "password": "wrong-" + strings.Repeat("x", i)})
				want := http.StatusUnauthorized
				if i >= 5 {
					want = http.StatusLocked
				}
				if r.Status != want {
					t.Fatalf("wrong password #%d: %d, want %d", i, r.Status, want)
				}
				if i == 6 && r.Map(t)["unlocks_at"] == nil {
					t.Errorf("locked answer lacks unlocks_at: %s", r.Body)
				}
			}
		})
	}
}
