package hazard_test

// The loader of the hazard benchmarks (bench_test.go): a database holding the demo
// district and N more hazards (SAFEDUTY_BENCH_HAZARDS, default 1,000,000), written by the
// city-dataset generator (demo.Scale, as `safeduty demo --scale N`). Loading takes minutes, so the
// database is kept between runs: a SQLite file under bench/results/ (git-ignored), and a
// PostgreSQL database named after N on the SAFEDUTY_TEST_POSTGRES server. A meta row
// marks a complete load; SAFEDUTY_BENCH_FRESH=1 loads again.

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/demo"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

// Environment of the benchmarks.
const (
	envBenchHazards = "SAFEDUTY_BENCH_HAZARDS" // how many hazards to add to the demo's (default 1,000,000)
	envBenchDir     = "SAFEDUTY_BENCH_DIR"     // where the SQLite file is kept (default bench/results)
	envBenchFresh   = "SAFEDUTY_BENCH_FRESH"   // 1: load again even when a loaded database exists
	envBenchSQL     = "SAFEDUTY_BENCH_SQL"     // statements (;-separated) run on a scratch copy before measuring
)

// benchNow is the clock of the loaded database: hazards were found in the three years
// before it, and overdue means past the deadline at it.
var benchNow = time.Date(2026, 6, 30, 1, 0, 0, 0, time.UTC)

// loaderVersion changes when the loader writes different data, so old caches are not
// reused.
const loaderVersion = "hazards-bench-v3"

const benchPassword = "bench-hazards-2026"

// benchDB is a loaded database and what the benchmarks need to know about it.
type benchDB struct {
	DB      *db.DB
	Engine  db.Engine
	N       int    // hazards added to the demo's
	Total   int    // hazards in the table after loading
	MaxID   db.ID  // the largest loaded id; benchmarks delete what they add above it
	Where   string // the SQLite file or the PostgreSQL database
	Loaded  time.Duration
	Size    int64 // bytes on disk
	Scratch bool  // a copy with SAFEDUTY_BENCH_SQL applied
}

func benchN(tb testing.TB) int {
	n := 1_000_000
	if v := os.Getenv(envBenchHazards); v != "" {
		var err error
		if n, err = strconv.Atoi(strings.ReplaceAll(v, "_", "")); err != nil || n < 0 {
			tb.Fatalf("%s=%q: want a number", envBenchHazards, v)
		}
	}
	return n
}

// openBench returns the loaded database of engine e with n hazards, loading it when no
// complete load is kept.
func openBench(tb testing.TB, e db.Engine, n int) *benchDB {
	tb.Helper()
	ctx := context.Background()
	marker := fmt.Sprintf("%s n=%d", loaderVersion, n)
	fresh := os.Getenv(envBenchFresh) == "1"
	var bd *benchDB
	switch e {
	case db.SQLite:
		dir := os.Getenv(envBenchDir)
		if dir == "" {
			dir = filepath.Join("..", "..", "bench", "results")
		}
		path, err := filepath.Abs(filepath.Join(dir, fmt.Sprintf("hazards-sqlite-%d", n), "safeduty.db"))
		if err != nil {
			tb.Fatal(err)
		}
		if fresh || !sqliteLoaded(path, marker) {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(path + suffix)
			}
		}
		if os.Getenv(envBenchSQL) != "" {
			if !sqliteLoaded(path, marker) {
				tb.Fatalf("%s needs a loaded database: run once without it", envBenchSQL)
			}
			path = scratchSQLite(tb, path)
		}
		d, err := db.Open(ctx, db.Config{SQLitePath: path})
		if err != nil {
			tb.Fatal(err)
		}
		bd = &benchDB{DB: d, Engine: e, N: n, Where: path}
	case db.Postgres:
		server := os.Getenv(dbtest.EnvPostgres)
		if server == "" {
			tb.Skipf("%s is not set", dbtest.EnvPostgres)
		}
		name := fmt.Sprintf("safeduty_bench_hazards_%d", n)
		admin, err := sql.Open("pgx", server)
		if err != nil {
			tb.Fatal(err)
		}
		defer admin.Close()
		if fresh || !postgresLoaded(server, name, marker) {
			if _, err := admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`); err != nil {
				tb.Fatal(err)
			}
			if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
				tb.Fatal(err)
			}
		}
		if os.Getenv(envBenchSQL) != "" {
			scratch := name + "_scratch"
			if _, err := admin.Exec(`DROP DATABASE IF EXISTS ` + scratch + ` WITH (FORCE)`); err != nil {
				tb.Fatal(err)
			}
			if !postgresLoaded(server, name, marker) {
				tb.Fatalf("%s needs a loaded database: run once without it", envBenchSQL)
			}
			if _, err := admin.Exec(`CREATE DATABASE ` + scratch + ` TEMPLATE ` + name); err != nil {
				tb.Fatal(err)
			}
			tb.Cleanup(func() {
				if a, err := sql.Open("pgx", server); err == nil {
					a.Exec(`DROP DATABASE IF EXISTS ` + scratch + ` WITH (FORCE)`) //nolint:errcheck
					a.Close()
				}
			})
			name = scratch
		}
		d, err := db.Open(ctx, db.Config{URL: dbtest.WithDatabase(server, name), MaxOpen: 8})
		if err != nil {
			tb.Fatal(err)
		}
		bd = &benchDB{DB: d, Engine: e, N: n, Where: name}
	default:
		tb.Fatalf("engine %s", e)
	}
	tb.Cleanup(func() { bd.DB.Close() })
	if _, err := bd.DB.Migrate(ctx, nil); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	var got string
	err := bd.DB.QueryRow(ctx, `SELECT value FROM meta WHERE key = 'bench_hazards'`).Scan(&got)
	switch {
	case err == nil && got == marker:
		var secs float64
		var loadedAt string
		if err := bd.DB.QueryRow(ctx, `SELECT value FROM meta WHERE key = 'bench_hazards_load'`).Scan(&loadedAt); err == nil {
			secs, _ = strconv.ParseFloat(loadedAt, 64)
		}
		bd.Loaded = time.Duration(secs * float64(time.Second))
	case err == nil || db.IsNoRows(err):
		start := time.Now()
		if err := loadBench(ctx, bd.DB, n); err != nil {
			tb.Fatalf("load %d hazards: %v", n, err)
		}
		bd.Loaded = time.Since(start)
		if _, err := bd.DB.Exec(ctx, `INSERT INTO meta (key, value) VALUES ('bench_hazards_load', ?), ('bench_hazards', ?)`,
			strconv.FormatFloat(bd.Loaded.Seconds(), 'f', 1, 64), marker); err != nil {
			tb.Fatal(err)
		}
		tb.Logf("loaded %d hazards into %s %s in %v", n, e, bd.Where, bd.Loaded.Round(time.Second))
	default:
		tb.Fatal(err)
	}
	if sqlText := os.Getenv(envBenchSQL); sqlText != "" {
		bd.Scratch = true
		for _, stmt := range strings.Split(sqlText, ";") {
			if stmt = strings.TrimSpace(stmt); stmt == "" {
				continue
			}
			start := time.Now()
			if _, err := bd.DB.Exec(ctx, stmt); err != nil {
				tb.Fatalf("%s: %v", stmt, err)
			}
			tb.Logf("scratch %s: %s (%v)", e, stmt, time.Since(start).Round(time.Millisecond))
		}
	}
	if err := bd.DB.QueryRow(ctx, `SELECT COUNT(*), MAX(id) FROM hazards`).Scan(&bd.Total, &bd.MaxID); err != nil {
		tb.Fatal(err)
	}
	bd.Size = bd.size(ctx)
	return bd
}

func (bd *benchDB) size(ctx context.Context) int64 {
	if bd.Engine == db.Postgres {
		var n int64
		_ = bd.DB.QueryRow(ctx, `SELECT pg_database_size(current_database())`).Scan(&n)
		return n
	}
	var n int64
	for _, suffix := range []string{"", "-wal"} {
		if fi, err := os.Stat(bd.Where + suffix); err == nil {
			n += fi.Size()
		}
	}
	return n
}

// sqliteLoaded reports whether the file holds a complete load of this loader.
func sqliteLoaded(path, marker string) bool {
	if _, err := os.Stat(path); err != nil {
		return false
	}
	d, err := db.Open(context.Background(), db.Config{SQLitePath: path})
	if err != nil {
		return false
	}
	defer d.Close()
	var v string
	err = d.QueryRow(context.Background(), `SELECT value FROM meta WHERE key = 'bench_hazards'`).Scan(&v)
	return err == nil && v == marker
}

// postgresLoaded reports whether the database exists and holds a complete load.
func postgresLoaded(server, name, marker string) bool {
	d, err := sql.Open("pgx", dbtest.WithDatabase(server, name))
	if err != nil {
		return false
	}
	defer d.Close()
	var v string
	err = d.QueryRow(`SELECT value FROM meta WHERE key = 'bench_hazards'`).Scan(&v)
	return err == nil && v == marker
}

// scratchSQLite copies a loaded SQLite file to a temporary folder, so statements tried
// on it (a proposed index) leave the kept load as it is.
func scratchSQLite(tb testing.TB, path string) string {
	tb.Helper()
	// Fold the WAL into the file first, so the copy is complete.
	d, err := db.Open(context.Background(), db.Config{SQLitePath: path})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := d.Exec(context.Background(), `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		tb.Fatal(err)
	}
	d.Close()
	dst := filepath.Join(tb.TempDir(), "safeduty.db")
	in, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		tb.Fatal(err)
	}
	if err := out.Close(); err != nil {
		tb.Fatal(err)
	}
	return dst
}

// loadBench builds the demo district in db, then adds n hazards with the city-dataset
// generator (demo.Scale: indexes dropped and rebuilt, COPY on PostgreSQL, statistics and
// every demo.BulkLoadSteps after), found in the three years before benchNow.
func loadBench(ctx context.Context, d *db.DB, n int) error {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	res, err := demo.Build(ctx, d, demo.Options{Password: benchPassword, Clock: clock.NewFake(benchNow), Log: log})
	if err != nil {
		return err
	}
	if !res.Built {
		return fmt.Errorf("the database already held a demo district")
	}
	_, err = demo.Scale(ctx, d, res.District, demo.ScaleOptions{Hazards: n, Enterprises: 0, Seed: 20140401, Now: benchNow})
	return err
}
