package demo_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/app"
	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/demo"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

// The special tackling "done when" on a demo built in December (when the year's
// deadlines are mostly past): admin lists 44 problems and 89 measures, every state shows
// up, the 五个反思 of 区委 and 区政府 are submitted with their problems, and every figure
// per leader and department equals the list's total with the same filter. One engine:
// the demo build is the slow part, and TestDemo builds it on both.
func TestDemo_Tackling(t *testing.T) {
	d := dbtest.New(t, db.SQLite)
	built := time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC)
	if _, err := demo.Build(context.Background(), d, demo.Options{Password: hazardsPassword, Clock: clock.NewFake(built)}); err != nil {
		t.Fatal(err)
	}
	a := app.Wire(d, app.Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), InsecureCookie: true, Clock: clock.NewFake(built)})
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	e := &apptest.Env{T: t, App: a, Server: srv}
	r := e.Do("POST", "/api/v1/session", "", map[string]string{"username": "admin", "password": hazardsPassword})
	if r.Status != http.StatusOK {
		t.Fatalf("sign in: %d %s", r.Status, r.Body)
	}
	tok := r.Map(t)["token"].(string)
	total := func(path string) int {
		t.Helper()
		res := e.Do("GET", path, tok, nil)
		if res.Status != http.StatusOK {
			t.Fatalf("%s: %d %s", path, res.Status, res.Body)
		}
		return int(res.Map(t)["total"].(float64))
	}
	if n := total("/api/v1/problems"); n != 44 || demo.DemoProblems != 44 {
		t.Errorf("problems: %d, want 44", n)
	}
	if n := total("/api/v1/measures"); n != 89 || demo.DemoMeasures != 89 {
		t.Errorf("measures: %d, want 89", n)
	}
	if n := total("/api/v1/problems?source_kind=reflection"); n != 2 {
		t.Errorf("problems of the 五个反思: %d, want 2", n)
	}
	if n := total("/api/v1/reflections?status=submitted&year=2026"); n != 2 {
		t.Errorf("submitted 五个反思 of 2026: %d, want 2", n)
	}
	for q, min := range map[string]int{"on_time=true": 20, "on_time=false": 5, "status=completed": 5, "overdue=true&status=open": 5,
		"status=open,completed&overdue=false": 3} {
		if n := total("/api/v1/measures?" + q); n < min {
			t.Errorf("measures %s: %d, want at least %d", q, n, min)
		}
	}
	if n := total("/api/v1/measures?year=2026"); n != 89 {
		t.Errorf("measures of 2026: %d", n)
	}
	for _, by := range []string{"leader", "department"} {
		var fig struct {
			Rows []struct {
				ID                       *string
				Name                     string
				Total, Verified, Overdue int
				OnTime                   int `json:"on_time"`
				InProgress               int `json:"in_progress"`
			}
		}
		e.Do("GET", "/api/v1/measures/figures?by="+by, tok, nil).JSON(t, &fig)
		sum := 0
		for _, row := range fig.Rows {
			if row.ID == nil {
				t.Fatalf("a measure without its %s", by)
			}
			key := fmt.Sprintf("/api/v1/measures?%s_id=%s", by, *row.ID)
			for q, want := range map[string]int{"": row.Total, "&status=verified": row.Verified, "&on_time=true": row.OnTime,
				"&overdue=true": row.Overdue, "&status=open,completed&overdue=false": row.InProgress} {
				if n := total(key + q); n != want {
					t.Errorf("%s %s%s: figure %d, list %d", by, row.Name, q, want, n)
				}
			}
			sum += row.Total
		}
		if sum != 89 {
			t.Errorf("%s figures add up to %d", by, sum)
		}
	}
}
