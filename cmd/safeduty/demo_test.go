package main

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

// openStore opens the database that storeArgs named.
func openStore(t *testing.T, store []string) *db.DB {
	t.Helper()
	cfg := db.Config{}
	if store[0] == "--db" {
		cfg.URL = store[1]
	} else {
		cfg.DataDir = store[1]
	}
	d, err := db.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func count(t *testing.T, d *db.DB, q string) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// indexNames lists the indexes of the hazards and enterprises tables.
func indexNames(t *testing.T, d *db.DB) string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('hazards', 'enterprises') ORDER BY name`
	if d.Engine() == db.Postgres {
		q = `SELECT indexname FROM pg_indexes WHERE tablename IN ('hazards', 'enterprises') ORDER BY indexname`
	}
	rows, err := d.Query(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	return strings.Join(names, " ")
}

// fingerprint is the added hazards and enterprises as text, to compare two loads.
func fingerprint(t *testing.T, d *db.DB) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT code || '|' || title || '|' || status || '|' || grid_id || '|' || found_by || '|' || COALESCE(owner_id, 0) FROM hazards WHERE id > 4000 ORDER BY id`,
		`SELECT name || '|' || credit_code || '|' || industry || '|' || grid_id FROM enterprises WHERE id > 3000 ORDER BY id`,
	} {
		rows, err := d.Query(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			b.WriteString(s + "\n")
		}
		rows.Close()
	}
	return b.String()
}

// `safeduty demo --scale N` builds the demo district and N more hazards and N/10 more
// enterprises, with every index back and the list working; the same seed gives the same
// rows, and a database that already holds the district is refused.
func TestCLI_DemoScale(t *testing.T) {
	t.Setenv("SAFEDUTY_DEMO_PASSWORD", "scale-test-2026")
	for _, e := range dbtest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			plain := storeArgs(t, e)
			if out, err := runCmd(t, append([]string{"migrate"}, plain...)...); err != nil {
				t.Fatalf("migrate: %v\n%s", err, out)
			}
			wantIndexes := indexNames(t, openStore(t, plain))

			store := storeArgs(t, e)
			out, err := runCmd(t, append([]string{"demo", "--scale", "2000", "--seed", "7", "--now", "2026-06-30"}, store...)...)
			if err != nil {
				t.Fatalf("demo --scale: %v\n%s", err, out)
			}
			if !regexp.MustCompile(`added 2000 hazards and 200 enterprises`).MatchString(out) || !strings.Contains(out, "rows/s") {
				t.Errorf("demo --scale output:\n%s", out)
			}
			d := openStore(t, store)
			for q, want := range map[string]int{
				`SELECT COUNT(*) FROM hazards`:                                   6000,
				`SELECT COUNT(*) FROM enterprises`:                               3200,
				`SELECT COUNT(DISTINCT code) FROM hazards`:                       6000,
				`SELECT COUNT(*) FROM hazards WHERE found_at > '2026-07-01'`:     0,
				`SELECT COUNT(*) FROM enterprises WHERE credit_code LIKE '%SC%'`: 200,
			} {
				if got := count(t, d, q); got != want {
					t.Errorf("%s = %d, want %d", q, got, want)
				}
			}
			if n := count(t, d, `SELECT COUNT(*) FROM hazards WHERE id > 4000 AND found_at < '2024-01-01'`); n == 0 {
				t.Error("no added hazard found near three years back: want them spread over three years")
			}
			if got := indexNames(t, d); got != wantIndexes {
				t.Errorf("indexes after the load:\n%s\nwant those of a migrated database:\n%s", got, wantIndexes)
			}
			if out, err := runCmd(t, append([]string{"demo", "--scale", "10"}, store...)...); err == nil || !strings.Contains(err.Error(), "already holds") {
				t.Errorf("demo on a built database: %v\n%s", err, out)
			}

			// The same seed on another database: the same rows.
			again := storeArgs(t, e)
			if out, err := runCmd(t, append([]string{"demo", "--scale", "2000", "--seed", "7", "--now", "2026-06-30"}, again...)...); err != nil {
				t.Fatalf("second load: %v\n%s", err, out)
			}
			if a, b := fingerprint(t, d), fingerprint(t, openStore(t, again)); a != b || len(a) < 2200*10 {
				t.Errorf("the same seed gave different rows (%d and %d bytes)", len(a), len(b))
			}

			// The list serves the loaded hazards, filtered, to a signed-in user.
			d.Close()
			app, _ := startServeOn(t, store)
			res, err := http.Post(app+"/api/v1/session", "application/json", strings.NewReader(`{"username":"admin","password":"scale-test-2026"}`))
			if err != nil {
				t.Fatal(err)
			}
			var session struct{ Token string }
			json.NewDecoder(res.Body).Decode(&session) //nolint:errcheck
			res.Body.Close()
			for path, want := range map[string]func(int) bool{
				"/api/v1/hazards?per_page=5":                              func(n int) bool { return n == 6000 },
				"/api/v1/hazards?industry=construction&per_page=5&page=3": func(n int) bool { return n > 100 && n < 6000 },
				"/api/v1/enterprises?per_page=5":                          func(n int) bool { return n == 3200 },
			} {
				req, _ := http.NewRequest("GET", app+path, nil)
				req.Header.Set("Authorization", "Bearer "+session.Token)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				var page struct {
					Items []json.RawMessage
					Total int
				}
				err = json.NewDecoder(res.Body).Decode(&page)
				res.Body.Close()
				if err != nil || res.StatusCode != http.StatusOK || len(page.Items) != 5 || !want(page.Total) {
					t.Errorf("%s: %d, %d items of %d, %v", path, res.StatusCode, len(page.Items), page.Total, err)
				}
			}
		})
	}
}
