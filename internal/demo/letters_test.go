package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

// The demo's letters: one for every town government and department of the build's year,
// each with its kind's six standard targets and eight duty items and both signatories,
// signed on a working day in February with its history; a build in January leaves them
// drafts.
func TestDemo_Letters(t *testing.T) {
	count := func(t *testing.T, d *db.DB, q string, args ...any) int {
		t.Helper()
		var n int
		if err := d.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		res := buildAt(t, d, hazardsBuilt) // 2 March 2026
		units := count(t, d, `SELECT COUNT(*) FROM orgs WHERE kind = 'unit' AND category IN ('town_government', 'department')`)
		if units != res.Towns+22 {
			t.Errorf("%d town governments and departments, want %d", units, res.Towns+22)
		}
		for _, c := range []struct {
			what string
			q    string
			want int
		}{
			{"letters of 2026", `SELECT COUNT(*) FROM letters WHERE year = 2026`, units},
			{"units with a letter", `SELECT COUNT(DISTINCT org_id) FROM letters`, units},
			{"signed", `SELECT COUNT(*) FROM letters WHERE status = 'signed' AND signed_at >= ? AND signed_at < ?`, units},
			{"without a signatory", `SELECT COUNT(*) FROM letters WHERE district_signatory = '' OR unit_signatory = ''`, 0},
			{"path not the unit's", `SELECT COUNT(*) FROM letters l JOIN orgs o ON o.id = l.org_id WHERE l.org_path <> o.path`, 0},
			{"town targets", `SELECT COUNT(*) FROM letter_targets t JOIN letters l ON l.id = t.letter_id JOIN orgs o ON o.id = l.org_id
				WHERE o.category = 'town_government'`, 6 * res.Towns},
			{"department targets", `SELECT COUNT(*) FROM letter_targets t JOIN letters l ON l.id = t.letter_id JOIN orgs o ON o.id = l.org_id
				WHERE o.category = 'department'`, 6 * 22},
			{"items", `SELECT COUNT(*) FROM letter_items`, 8 * units},
			{"signing entries", `SELECT COUNT(*) FROM audit_log WHERE object_type = 'letter' AND action = 'letter.sign'`, units},
			{"generating entries", `SELECT COUNT(*) FROM audit_log WHERE object_type = 'letter' AND action = 'letter.generate'`, units},
		} {
			var args []any
			if c.what == "signed" {
				args = []any{time.Date(2026, 2, 9, 16, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 16, 0, 0, 0, time.UTC)}
			}
			if n := count(t, d, c.q, args...); n != c.want {
				t.Errorf("%s: %d, want %d", c.what, n, c.want)
			}
		}
		rows, err := d.Query(context.Background(), `SELECT signed_at FROM letters`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var at time.Time
			if err := rows.Scan(&at); err != nil {
				t.Fatal(err)
			}
			if wd := at.Add(8 * time.Hour).Weekday(); wd == time.Saturday || wd == time.Sunday {
				t.Errorf("signed on a %s: %v", wd, at)
			}
		}
	})
	t.Run("January", func(t *testing.T) {
		d := dbtest.New(t, db.SQLite)
		buildAt(t, d, time.Date(2027, 1, 25, 2, 0, 0, 0, time.UTC))
		if n := count(t, d, `SELECT COUNT(*) FROM letters WHERE year = 2027 AND status = 'draft' AND signed_at IS NULL`); n != 34 {
			t.Errorf("drafts of a January build: %d, want 34", n)
		}
	})
}
