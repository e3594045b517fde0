package hazard_test

// Benchmarks of the hazard loop at scale (docs/PERFORMANCE.md, "Hazards at 1,000,000"):
// create, lists with the filters people use, the three clears (三清) and the export, each
// through the module's real code (Module.Report, List, Stats; the export through the
// HTTP handler), as a district admin, a town user and a department user, on the database
// of bench_load_test.go. bench/hazards.sh runs them and summarizes.
//
//	go test -run '^$' -bench BenchmarkHazards -benchtime 1s ./internal/hazard
//	SAFEDUTY_BENCH_HAZARDS=100000 …   # a smaller table
//	SAFEDUTY_TEST_POSTGRES=postgres://… # PostgreSQL too

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/safeduty/safeduty/internal/app"
	"github.com/safeduty/safeduty/internal/hazard"
	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

// benchEnv is the application on a loaded database, with the benchmarks' users.
type benchEnv struct {
	bd     *benchDB
	app    *app.App
	as     map[string]*auth.Principal
	tokens map[string]string
	town   db.ID // town01's town
	grid   db.ID // a grid of town01
}

// The users the benchmarks act as: the district admin, the first town, and the
// construction department (an industry-scoped department).
const (
	asAdmin = "admin"
	asTown  = "town01"
	asDept  = "dept-construction"
)

var benchUsers = []string{asAdmin, asTown, asDept}

func newBenchEnv(b *testing.B, e db.Engine) *benchEnv {
	b.Helper()
	bd := openBench(b, e, benchN(b))
	ctx := context.Background()
	fc := clock.NewFake(benchNow)
	a := app.Wire(bd.DB, app.Config{Clock: fc, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	env := &benchEnv{bd: bd, app: a, as: map[string]*auth.Principal{}, tokens: map[string]string{}}
	for _, u := range benchUsers {
		lr, err := a.Auth.Login(ctx, u, benchPassword, auth.KindAPI)
		if err != nil {
			b.Fatalf("sign in %s: %v", u, err)
		}
		env.as[u], env.tokens[u] = lr.Principal, lr.Token
	}
	err := bd.DB.QueryRow(ctx, `SELECT t.id, MIN(g.id) FROM orgs t JOIN orgs v ON v.parent_id = t.id JOIN grids g ON g.village_id = v.id
		WHERE t.kind = 'town' AND t.code = (SELECT MIN(code) FROM orgs WHERE kind = 'town') GROUP BY t.id`).Scan(&env.town, &env.grid)
	if err != nil {
		b.Fatal(err)
	}
	// One line for bench/hazards.sh's summary (benchmark logs show only with -v).
	fmt.Fprintf(os.Stderr, "hazards-bench: engine=%s hazards=%d added=%d size_mib=%.0f load_s=%.0f scratch=%v where=%s\n",
		e, bd.Total, bd.N, float64(bd.Size)/(1<<20), bd.Loaded.Seconds(), bd.Scratch, bd.Where)
	b.Cleanup(func() { env.removeAdded(b) })
	return env
}

// removeAdded deletes what the benchmarks added (the reports), so the other benchmarks
// measure the table as loaded and the kept database stays so, tallies included. (Audit
// rows stay: the audit log refuses deletion.)
func (env *benchEnv) removeAdded(b *testing.B) {
	ctx := context.Background()
	for _, q := range []string{
		`DELETE FROM notifications WHERE subject_type = 'hazard' AND subject_id IN (SELECT CAST(id AS TEXT) FROM hazards WHERE id > ?)`,
		`DELETE FROM hazard_events WHERE hazard_id > ?`,
		`DELETE FROM hazards WHERE id > ?`,
	} {
		if _, err := env.bd.DB.Exec(ctx, q, env.bd.MaxID); err != nil {
			b.Errorf("%s: %v", q, err)
		}
	}
	if err := hazard.RebuildTallies(ctx, env.bd.DB); err != nil {
		b.Errorf("rebuild tallies: %v", err)
	}
}

// listCase is one list request: a filter and paging, as each user.
type listCase struct {
	name string
	f    func(env *benchEnv) hazard.Filter
	lp   api.ListParams
}

// listAfter names the list cases that read the page after another page's last row
// (?after=, keyset paging): the page whose next cursor they start from.
var listAfter = map[string]int{"default/after99": 99}

func yes() *bool { t := true; return &t }

// listCases count as the API does, up to api.CountCap (count_exact: every match).
var listCases = []listCase{
	{"default/page1", func(*benchEnv) hazard.Filter { return hazard.Filter{} },
		api.ListParams{Page: 1, PerPage: 50, Sort: "-found_at", CapCount: true}},
	{"default/page1000", func(*benchEnv) hazard.Filter { return hazard.Filter{} },
		api.ListParams{Page: 1000, PerPage: 50, Sort: "-found_at", CapCount: true}},
	{"default/page100", func(*benchEnv) hazard.Filter { return hazard.Filter{} },
		api.ListParams{Page: 100, PerPage: 50, Sort: "-found_at", CapCount: true}},
	{"default/after99", func(*benchEnv) hazard.Filter { return hazard.Filter{} },
		api.ListParams{Page: 1, PerPage: 50, Sort: "-found_at", CapCount: true}},
	{"default/count_exact", func(*benchEnv) hazard.Filter { return hazard.Filter{} },
		api.ListParams{Page: 1, PerPage: 50, Sort: "-found_at", CapCount: false}},
	{"town_open_overdue", func(env *benchEnv) hazard.Filter {
		return hazard.Filter{TownID: &env.town, Open: yes(), Overdue: yes()}
	}, api.ListParams{Page: 1, PerPage: 50, Sort: "-found_at", CapCount: true}},
	{"town_status_rectifying/page20", func(env *benchEnv) hazard.Filter {
		return hazard.Filter{TownID: &env.town, Status: []string{"rectifying"}}
	}, api.ListParams{Page: 20, PerPage: 50, Sort: "-found_at", CapCount: true}},
	{"industry_major/by_deadline", func(*benchEnv) hazard.Filter {
		return hazard.Filter{Industry: "construction", Grade: hazard.Major}
	}, api.ListParams{Page: 1, PerPage: 50, Sort: "deadline", CapCount: true}},
	{"open/by_deadline", func(*benchEnv) hazard.Filter { return hazard.Filter{Open: yes()} },
		api.ListParams{Page: 1, PerPage: 50, Sort: "deadline", CapCount: true}},
	{"q", func(*benchEnv) hazard.Filter { return hazard.Filter{Q: "脚手架"} },
		api.ListParams{Page: 1, PerPage: 50, Sort: "-found_at", CapCount: true}},
	// Two characters make no trigram: PostgreSQL's search indexes cannot serve it.
	{"q_two_chars", func(*benchEnv) hazard.Filter { return hazard.Filter{Q: "护栏"} },
		api.ListParams{Page: 1, PerPage: 50, Sort: "-found_at", CapCount: true}},
	{"q_code", func(*benchEnv) hazard.Filter { return hazard.Filter{Q: "YH2026000123"} },
		api.ListParams{Page: 1, PerPage: 50, Sort: "-found_at", CapCount: true}},
}

// statsCase is one Stats request.
type statsCase struct {
	name string
	as   []string
	sp   func(env *benchEnv) hazard.StatsParams
}

var statsCases = []statsCase{
	{"scope", benchUsers, func(*benchEnv) hazard.StatsParams { return hazard.StatsParams{} }},
	{"town01", []string{asAdmin}, func(env *benchEnv) hazard.StatsParams {
		return hazard.StatsParams{Filter: hazard.Filter{TownID: &env.town}}
	}},
	{"group_town", benchUsers, func(*benchEnv) hazard.StatsParams { return hazard.StatsParams{Group: "town"} }},
	{"group_industry", []string{asAdmin}, func(*benchEnv) hazard.StatsParams { return hazard.StatsParams{Group: "industry"} }},
}

// BenchmarkHazards runs every hazard benchmark on each engine under test.
func BenchmarkHazards(b *testing.B) {
	for _, e := range dbtest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			env := newBenchEnv(b, e)
			b.Run("Report", func(b *testing.B) {
				for _, u := range benchUsers {
					b.Run(u, func(b *testing.B) { env.benchReport(b, u) })
				}
			})
			env.removeAdded(b) // the reports all landed in one grid of town 01
			b.Run("List", func(b *testing.B) {
				for _, c := range listCases {
					for _, u := range benchUsers {
						b.Run(c.name+"/"+u, func(b *testing.B) { env.benchList(b, u, c.f(env), c.lp, listAfter[c.name]) })
					}
				}
			})
			b.Run("Stats", func(b *testing.B) {
				for _, c := range statsCases {
					for _, u := range c.as {
						b.Run(c.name+"/"+u, func(b *testing.B) { env.benchStats(b, u, c.sp(env)) })
					}
				}
			})
			b.Run("Export", func(b *testing.B) {
				// Every hazard of town01: the town exports its own, the admin filters.
				b.Run("csv/"+asTown, func(b *testing.B) { env.benchExport(b, asTown, "/api/v1/hazards?format=csv") })
				b.Run("csv/"+asAdmin, func(b *testing.B) {
					env.benchExport(b, asAdmin, fmt.Sprintf("/api/v1/hazards?format=csv&town_id=%s", env.town))
				})
				b.Run("xlsx/"+asTown, func(b *testing.B) { env.benchExport(b, asTown, "/api/v1/hazards?format=xlsx") })
			})
		})
	}
}

// benchReport registers general hazards in a grid of town01 through Module.Report: the
// insert, its code, the history event, the audit row and the town's notices.
func (env *benchEnv) benchReport(b *testing.B, user string) {
	ctx := context.Background()
	p := env.as[user]
	in := hazard.ReportInput{Title: "脚手架未设置密目网", Description: "外脚手架作业层未满挂密目式安全立网。",
		Category: "unsafe_condition", Industry: "construction", Grade: hazard.General, GridID: env.grid, Place: "基准测试工地"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := env.app.Hazard.Report(ctx, p, in); err != nil {
			b.Fatal(err)
		}
	}
}

// benchList runs Module.List as the API does for a page: the count and the page.
func (env *benchEnv) benchList(b *testing.B, user string, f hazard.Filter, lp api.ListParams, after int) {
	ctx := context.Background()
	p := env.as[user]
	var total, rows int
	if after > 0 { // the cursor that page's next gives
		res := &api.ListResult{}
		prev := lp
		prev.Page, prev.Result = after, res
		if _, err := env.app.Hazard.List(ctx, p, f, prev, func(hazard.Hazard) error { return nil }); err != nil || res.Next == "" {
			b.Fatalf("page %d: next %q, %v", after, res.Next, err)
		}
		c, err := api.ParseCursor(res.Next)
		if err != nil {
			b.Fatal(err)
		}
		lp.After = &c
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rows = 0
		var err error
		total, err = env.app.Hazard.List(ctx, p, f, lp, func(hazard.Hazard) error { rows++; return nil })
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(total), "matches")
	b.ReportMetric(float64(rows), "rows")
}

// benchStats runs Module.Stats.
func (env *benchEnv) benchStats(b *testing.B, user string, sp hazard.StatsParams) {
	ctx := context.Background()
	p := env.as[user]
	var res hazard.StatsResult
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var err error
		if res, err = env.app.Hazard.Stats(ctx, p, sp); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(res.Registered), "registered")
}

// benchExport downloads an export through the whole handler (authentication, the list
// of every row, the file writer) as user.
func (env *benchEnv) benchExport(b *testing.B, user, path string) {
	var size int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+env.tokens[user])
		rec := httptest.NewRecorder()
		env.app.Handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s as %s: %d %s", path, user, rec.Code, rec.Body.String())
		}
		size = rec.Body.Len()
	}
	b.ReportMetric(float64(size)/(1<<20), "MiB")
}

// TestBenchLoader loads a small table on each engine and checks that the loaded
// hazards are consistent and that the module reads them (so the loader behind the
// benchmarks' figures stays right).
func TestBenchLoader(t *testing.T) {
	for _, e := range dbtest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			var d *db.DB
			if e == db.SQLite {
				var err error
				if d, err = db.Open(ctx, db.Config{DataDir: t.TempDir()}); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { d.Close() })
				if _, err := d.Migrate(ctx, nil); err != nil {
					t.Fatal(err)
				}
			} else {
				d = dbtest.New(t, e)
			}
			const n = 3000
			if err := loadBench(ctx, d, n); err != nil {
				t.Fatal(err)
			}
			var demoN, total, bad int
			if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM hazard_events WHERE action = 'report'`).Scan(&demoN); err != nil {
				t.Fatal(err)
			}
			if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM hazards`).Scan(&total); err != nil || total != demoN+n {
				t.Fatalf("%d hazards, want %d + %d (%v)", total, demoN, n, err)
			}
			for _, q := range []string{
				`SELECT COUNT(*) FROM hazards h JOIN grids g ON g.id = h.grid_id JOIN orgs v ON v.id = g.village_id
					WHERE h.org_path <> v.path OR h.town_id <> v.parent_id`,
				`SELECT COUNT(*) FROM hazards WHERE status <> 'reported' AND (owner_id IS NULL OR supervisor_org_id IS NULL OR deadline IS NULL)`,
				`SELECT COUNT(*) FROM hazards WHERE status = 'closed' AND (closed_at IS NULL OR closed_by IS NULL)`,
				`SELECT COUNT(*) FROM hazards WHERE grade = 'major' AND status <> 'reported' AND NOT listed`,
			} {
				if err := d.QueryRow(ctx, q).Scan(&bad); err != nil || bad != 0 {
					t.Errorf("%s: %d (%v)", q, bad, err)
				}
			}
			a := app.Wire(d, app.Config{Clock: clock.NewFake(benchNow), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
			lr, err := a.Auth.Login(ctx, asAdmin, benchPassword, auth.KindAPI)
			if err != nil {
				t.Fatal(err)
			}
			st, err := a.Hazard.Stats(ctx, lr.Principal, hazard.StatsParams{})
			if err != nil || st.Registered != total || st.Overdue == 0 || st.Open == 0 || st.Listed == 0 {
				t.Errorf("stats %+v (%v)", st.Clears, err)
			}
			// A report after the load gets the next id (the sequence moved past the load).
			id, err := a.Hazard.Report(ctx, lr.Principal, hazard.ReportInput{Title: "测试", Category: "unsafe_act", Industry: "fire",
				Grade: hazard.General, GridID: 1, Place: "测试点"})
			if err != nil || int(id) != total+1 {
				t.Errorf("report after the load: id %d (%v), want %d", id, err, total+1)
			}
		})
	}
}
