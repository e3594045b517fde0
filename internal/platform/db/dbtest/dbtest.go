// Package dbtest gives each test a fresh, migrated database on every engine under test:
// SQLite always, and PostgreSQL whenever SAFEDUTY_TEST_POSTGRES names a server
// (e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable).
package dbtest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/safeduty/safeduty/internal/platform/db"
)

// EnvPostgres names the variable holding the PostgreSQL server URL for tests.
const EnvPostgres = "SAFEDUTY_TEST_POSTGRES"

// Engines lists the engines under test: SQLite, plus PostgreSQL when configured.
func Engines() []db.Engine {
	if os.Getenv(EnvPostgres) != "" {
		return []db.Engine{db.SQLite, db.Postgres}
	}
	return []db.Engine{db.SQLite}
}

// Each runs fn as a subtest per engine, each with its own fresh database.
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	for _, e := range Engines() {
		t.Run(string(e), func(t *testing.T) {
			fn(t, New(t, e))
		})
	}
}

// New returns a fresh migrated database on engine e, closed and removed after the test.
func New(t testing.TB, e db.Engine) *db.DB {
	t.Helper()
	cfg := Config(t, e)
	d, err := db.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("open %s: %v", e, err)
	}
	t.Cleanup(func() { d.Close() })
	if e == db.SQLite {
		if _, err := d.Migrate(context.Background(), nil); err != nil {
			t.Fatalf("migrate: %v", err)
		}
	}
	return d
}

// Int runs query, which selects one integer (a COUNT), and returns it, failing the test
// on an error.
func Int(t testing.TB, d *db.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// Strings runs query, which selects one column, and returns its values as text,
// failing the test on an error.
func Strings(t testing.TB, d *db.DB, query string, args ...any) []string {
	t.Helper()
	rows, err := d.Query(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return out
}

// Config returns the configuration of a fresh database on engine e; PostgreSQL databases
// are cloned from a migrated template and dropped after the test. SQLite ones are empty.
func Config(t testing.TB, e db.Engine) db.Config {
	t.Helper()
	if e == db.SQLite {
		return db.Config{DataDir: t.TempDir()}
	}
	server := os.Getenv(EnvPostgres)
	if server == "" {
		t.Skipf("%s is not set", EnvPostgres)
	}
	tmpl, err := template(server)
	if err != nil {
		t.Fatalf("postgres template: %v", err)
	}
	name := fmt.Sprintf("%s_t%d_%d", baseName(server), os.Getpid(), seq.Add(1))
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE DATABASE ` + name + ` TEMPLATE ` + tmpl); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", server)
		if err != nil {
			return
		}
		defer admin.Close()
		_, _ = admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
	})
	return db.Config{URL: WithDatabase(server, name), MaxOpen: 8}
}

var (
	seq       atomic.Int64
	tmplOnce  sync.Once
	tmplName  string
	tmplError error
)

// template creates (once per process, shared across processes through an advisory lock
// and a name derived from the migrations) a migrated database to clone tests from.
func template(server string) (string, error) {
	tmplOnce.Do(func() {
		tmplName, tmplError = makeTemplate(server)
	})
	return tmplName, tmplError
}

func makeTemplate(server string) (string, error) {
	sum, err := migrationsHash()
	if err != nil {
		return "", err
	}
	name := baseName(server) + "_tmpl_" + sum[:12]
	ctx := context.Background()
	admin, err := sql.Open("pgx", server)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(727001)`); err != nil {
		return "", err
	}
	defer conn.ExecContext(ctx, `SELECT pg_advisory_unlock(727001)`) //nolint:errcheck
	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	if _, err := conn.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+`_wip WITH (FORCE)`); err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, `CREATE DATABASE `+name+`_wip`); err != nil {
		return "", err
	}
	d, err := db.Open(ctx, db.Config{URL: WithDatabase(server, name+"_wip")})
	if err != nil {
		return "", err
	}
	if _, err := d.Migrate(ctx, nil); err != nil {
		d.Close()
		return "", err
	}
	d.Close()
	// Only a fully migrated template gets its final name.
	if _, err := conn.ExecContext(ctx, `ALTER DATABASE `+name+`_wip RENAME TO `+name); err != nil {
		return "", err
	}
	return name, nil
}

func migrationsHash() (string, error) {
	h := sha256.New()
	fsys, err := db.MigrationFiles(db.Postgres)
	if err != nil {
		return "", err
	}
	err = fs.WalkDir(fsys, ".", func(path string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	return hex.EncodeToString(h.Sum(nil)), err
}

// baseName is the database named in the server URL, used as a prefix for test databases
// so a CI run can drop everything it created.
func baseName(server string) string {
	u, err := url.Parse(server)
	if err != nil {
		return "safeduty"
	}
	name := strings.Trim(u.Path, "/")
	if name == "" || name == "postgres" {
		return "safeduty_test"
	}
	return name
}

// WithDatabase returns server with its database replaced by name.
func WithDatabase(server, name string) string {
	u, err := url.Parse(server)
	if err != nil {
		return server
	}
	u.Path = "/" + name
	return u.String()
}
