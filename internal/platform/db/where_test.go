package db_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

func TestSetBuildsOnlyThePresentFields(t *testing.T) {
	name, blank := "  Grid 7 ", "   "
	var absent *string
	s := db.NewSet("updated_at", 42)
	if !s.Text("name", &name) || s.Text("code", absent) || !s.Text("note", &blank) {
		t.Fatal("Text reports a present field set and an absent one not")
	}
	s.Also("path", "/1/")
	s.Add("rank", 3)
	s.Expr("hits = hits + 1")
	s.Expr("seen_at = COALESCE(seen_at, ?)", 7)
	q, args := s.Update("things", "id = ? AND rank < ?", 9, 10)
	if want := "UPDATE things SET updated_at = ?, name = ?, note = ?, path = ?, rank = ?, hits = hits + 1, seen_at = COALESCE(seen_at, ?) WHERE id = ? AND rank < ?"; q != want {
		t.Errorf("Update:\n got %s\nwant %s", q, want)
	}
	if diff := cmp.Diff([]any{42, "Grid 7", "", "/1/", 3, 7, 9, 10}, args); diff != "" {
		t.Errorf("args (-want +got):\n%s", diff)
	}
	// Only Add and Text note a change: not the leading updated_at, a path or an expression.
	if diff := cmp.Diff(map[string]any{"name": "Grid 7", "note": "", "rank": 3}, s.Changed); diff != "" {
		t.Errorf("Changed (-want +got):\n%s", diff)
	}
	if got := len(s.Args()); got != 6 || s.SQL() == "" {
		t.Errorf("SQL/Args without the WHERE: %q, %d args", s.SQL(), got)
	}
	// Text is what Text would store, for an INSERT: trimmed, "" when absent.
	if got := db.Text(&name) + "|" + db.Text(absent); got != "Grid 7|" {
		t.Errorf("Text = %q, want %q", got, "Grid 7|")
	}
}

// The '?' marks run on every engine: PostgreSQL gets them rebound to $n in order.
func TestSetUpdatesOnEveryEngine(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.Exec(ctx, `CREATE TABLE set_things (id BIGINT PRIMARY KEY, name TEXT NOT NULL, rank INTEGER NOT NULL, hits INTEGER NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		for id, n := range []string{"a", "b"} {
			if _, err := d.Exec(ctx, `INSERT INTO set_things VALUES (?, ?, 1, 0)`, id+1, n); err != nil {
				t.Fatal(err)
			}
		}
		name := " renamed "
		s := db.NewSet("rank", 5)
		s.Text("name", &name)
		s.Expr("hits = hits + ?", 2)
		q, args := s.Update("set_things", "id = ?", 2)
		res, err := d.Exec(ctx, q, args...)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			t.Errorf("%d rows updated, want 1", n)
		}
		var got []string
		rows, err := d.Query(ctx, `SELECT name, rank, hits FROM set_things ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var n string
			var rank, hits int
			if err := rows.Scan(&n, &rank, &hits); err != nil {
				t.Fatal(err)
			}
			got = append(got, fmt.Sprintf("%s/%d/%d", n, rank, hits))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"a/1/0", "renamed/5/2"}, got); diff != "" {
			t.Errorf("rows (-want +got):\n%s", diff)
		}
	})
}

// All reads every row in order; Each stops at the first error of scan or each; Map
// reads (key, value) rows.
func TestAllAndEach(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.Exec(ctx, `CREATE TABLE each_things (id BIGINT PRIMARY KEY)`); err != nil {
			t.Fatal(err)
		}
		for _, id := range []int{3, 1, 2} {
			if _, err := d.Exec(ctx, `INSERT INTO each_things VALUES (?)`, id); err != nil {
				t.Fatal(err)
			}
		}
		ids, err := db.All(ctx, d, `SELECT id FROM each_things WHERE id > ? ORDER BY id DESC`, []any{1}, db.ScanID)
		if err != nil || !cmp.Equal(ids, []db.ID{3, 2}) {
			t.Errorf("All = %v, %v; want [3 2]", ids, err)
		}
		stop := fmt.Errorf("stop")
		seen := 0
		err = db.Each(ctx, d, `SELECT id FROM each_things ORDER BY id`, nil, db.ScanID, func(db.ID) error {
			if seen++; seen == 2 {
				return stop
			}
			return nil
		})
		if err != stop || seen != 2 {
			t.Errorf("Each: %d rows then %v; want 2 then stop", seen, err)
		}
		if _, err := db.All(ctx, d, `SELECT id, id FROM each_things`, nil, db.ScanID); err == nil {
			t.Error("a scan of one column from two: no error")
		}
		m, err := db.Map[db.ID, int](ctx, d, `SELECT id, id * 10 FROM each_things WHERE id <> ?`, []any{2})
		if err != nil || !cmp.Equal(m, map[db.ID]int{1: 10, 3: 30}) {
			t.Errorf("Map = %v, %v; want 1→10, 3→30", m, err)
		}
	})
}

// Eq adds a condition only for a filter that is set, with the value a pointer points to;
// Bool adds the condition of true or of false, or none when unset.
func TestWhereEq(t *testing.T) {
	town, yes := db.ID(5), true
	var none *db.ID
	var w db.Where
	w.Eq("a.kind", "penalty")
	w.Eq("a.outcome", "")
	w.Eq("e.town_id", &town)
	w.Eq("e.grid_id", none)
	w.Eq("u.disabled", &yes)
	no, unset := false, (*bool)(nil)
	w.Bool(&yes, "h.deadline < ?", "h.deadline >= ?", 7)
	w.Bool(&no, "g.patroller_id IS NOT NULL", "g.patroller_id IS NULL")
	w.Bool(unset, "n.read_at IS NULL", "n.read_at IS NOT NULL")
	if got, want := w.SQL(), " WHERE a.kind = ? AND e.town_id = ? AND u.disabled = ? AND h.deadline < ? AND g.patroller_id IS NULL"; got != want {
		t.Errorf("SQL = %q, want %q", got, want)
	}
	if diff := cmp.Diff([]any{"penalty", db.ID(5), true, 7}, w.Args()); diff != "" {
		t.Errorf("args (-want +got):\n%s", diff)
	}
}

// In marks one argument a value, adds nothing for none, and selects those rows on every
// engine.
func TestWhereIn(t *testing.T) {
	var w db.Where
	w.AddCond(db.In("h.status", []string{"reported", "closed"}))
	w.AddCond(db.In("h.grade", []string(nil)))
	if got, want := w.SQL(), " WHERE h.status IN (?, ?)"; got != want {
		t.Errorf("SQL = %q, want %q", got, want)
	}
	if diff := cmp.Diff([]any{"reported", "closed"}, w.Args()); diff != "" {
		t.Errorf("args (-want +got):\n%s", diff)
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.Exec(ctx, `CREATE TABLE in_things (id BIGINT PRIMARY KEY)`); err != nil {
			t.Fatal(err)
		}
		for _, id := range []int{1, 2, 3, 4} {
			if _, err := d.Exec(ctx, `INSERT INTO in_things VALUES (?)`, id); err != nil {
				t.Fatal(err)
			}
		}
		cond, args := db.In("id", []db.ID{4, 2, 9})
		ids, err := db.All(ctx, d, `SELECT id FROM in_things WHERE `+cond+` ORDER BY id`, args, db.ScanID)
		if err != nil || !cmp.Equal(ids, []db.ID{2, 4}) {
			t.Errorf("IN (4, 2, 9) = %v, %v; want [2 4]", ids, err)
		}
	})
}
