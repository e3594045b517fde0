package db_test

import (
	"context"
	"io/fs"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

func names(t *testing.T, e db.Engine) []string {
	t.Helper()
	fsys, err := db.MigrationFiles(e)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, de := range entries {
		out = append(out, de.Name())
	}
	sort.Strings(out)
	return out
}

// Both engines must carry the same numbered migrations, so a schema change is never made
// on one engine only (one source renders both; this guards the rendering).
func TestMigrations_SameOnBothEngines(t *testing.T) {
	s, p := names(t, db.SQLite), names(t, db.Postgres)
	if len(s) == 0 {
		t.Fatal("no migrations embedded")
	}
	if diff := cmp.Diff(s, p); diff != "" {
		t.Errorf("migration files differ between sqlite and postgres (-sqlite +postgres):\n%s", diff)
	}
}

func TestMigrate_IdempotentAndVersioned(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		n, err := d.Migrate(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("second migrate applied %d migrations, want 0", n)
		}
		applied, newest, err := d.SchemaVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if applied != newest || applied == 0 {
			t.Errorf("schema version applied=%d newest=%d", applied, newest)
		}
	})
}

func TestErrors_MappedToCodes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Now()
		_, err := d.Exec(ctx, `INSERT INTO industries (code, name_zh, name_en) VALUES (?, ?, ?)`, "x", "甲", "X")
		if err != nil {
			t.Fatal(err)
		}
		_, err = d.Exec(ctx, `INSERT INTO industries (code, name_zh, name_en) VALUES (?, ?, ?)`, "x", "甲", "X")
		if !apperr.Is(err, apperr.Conflict) || !db.IsUnique(err) {
			t.Errorf("duplicate key: got %v, want conflict/unique", err)
		}
		// Taken names the field of a unique failure and passes any other error on.
		var v apperr.Validation
		if taken := db.Taken(err, &v, "code"); !apperr.Is(taken, apperr.Invalid) || !v.Has("code") {
			t.Errorf("Taken(duplicate key) = %v, want invalid with code", taken)
		}
		_, err = d.Exec(ctx, `INSERT INTO unit_industries (org_id, industry) VALUES (?, ?)`, 999, "x")
		if !apperr.Is(err, apperr.Conflict) || !db.IsForeignKey(err) {
			t.Errorf("missing parent: got %v, want conflict/foreign key", err)
		}
		if other := db.Taken(err, &apperr.Validation{}, "code"); other != err {
			t.Errorf("Taken(foreign key) = %v, want the error itself", other)
		}
		_, err = d.Exec(ctx, `INSERT INTO audit_log (at, username, action, result) VALUES (?, ?, ?, ?)`, now, "u", "a", "ok")
		if err != nil {
			t.Fatal(err)
		}
		_, err = d.Exec(ctx, `UPDATE audit_log SET username = 'x'`)
		if !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("update of audit log: got %v, want forbidden", err)
		}
		_, err = d.Exec(ctx, `DELETE FROM audit_log`)
		if !apperr.Is(err, apperr.Forbidden) {
			t.Errorf("delete from audit log: got %v, want forbidden", err)
		}
		var at time.Time
		if err := d.QueryRow(ctx, `SELECT at FROM audit_log`).Scan(&at); err != nil {
			t.Fatal(err)
		}
		if !at.Equal(now.Truncate(time.Microsecond)) {
			t.Errorf("time round trip: got %v, want %v", at, now)
		}
	})
}

// A failed transaction leaves nothing behind.
func TestTx_RollsBackOnError(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		err := d.Tx(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO industries (code, name_zh, name_en) VALUES ('a', '甲', 'A')`); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO industries (code, name_zh, name_en) VALUES ('a', '甲', 'A')`)
			return err
		})
		if !db.IsUnique(err) {
			t.Fatalf("got %v, want unique violation", err)
		}
		var n int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM industries WHERE code = 'a'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d rows left after rollback, want 0", n)
		}
	})
}

func TestPrefixRange(t *testing.T) {
	lo, hi := db.PrefixRange("/1/5/")
	for _, s := range []string{"/1/5/", "/1/5/7/", "/1/5/99/3/"} {
		if !(s >= lo && s < hi) {
			t.Errorf("%q should be inside [%q, %q)", s, lo, hi)
		}
	}
	for _, s := range []string{"/1/50/", "/1/4/", "/1/6/", "/1/"} {
		if s >= lo && s < hi {
			t.Errorf("%q should be outside [%q, %q)", s, lo, hi)
		}
	}
}

func TestContains_EscapesWildcards(t *testing.T) {
	if got, want := db.Contains(`50%_A\`), `%50\%\_a\\%`; got != want {
		t.Errorf("Contains = %q, want %q", got, want)
	}
}

func writeFile(path, s string) error { return os.WriteFile(path, []byte(s), 0o600) }
