package db_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

// ContainsAny finds the same rows on both engines whichever form it takes: LIKE for a
// text with a trigram, strpos on PostgreSQL for a shorter one; wildcards are literal.
func TestContainsAny(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		rows := map[string][2]string{ // code → (name_zh, name_en)
			"a": {"消防通道堵塞", "Fire exit"},
			"b": {"脚手架未设密目网", "Scaffold 100% open"},
			"c": {"护栏松动", "rail_loose"},
			"d": {"配电箱", "Box"},
		}
		for code, names := range rows {
			if _, err := d.Exec(ctx, `INSERT INTO industries (code, name_zh, name_en) VALUES (?, ?, ?)`, code, names[0], names[1]); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []struct {
			q    string
			want []string
			like bool // on PostgreSQL: three letters or digits in a row
		}{
			{"消防", []string{"a"}, false},
			{"脚手架", []string{"b"}, true},
			{"护", []string{"c"}, false},
			{"FIRE", []string{"a"}, true},
			{"box", []string{"d"}, true},
			{"100%", []string{"b"}, true},
			{"%", []string{"b"}, false},
			{"_", []string{"c"}, false},
			{"l_x", nil, false},
			{"无此", nil, false},
		} {
			q, want := c.q, c.want
			cond, args := d.Engine().ContainsAny(q, "name_zh", "name_en")
			if d.Engine() == db.Postgres && strings.Contains(cond, "LIKE") != c.like {
				t.Errorf("%q: %s on PostgreSQL", q, cond)
			}
			r, err := d.Query(ctx, `SELECT code FROM industries WHERE code IN ('a', 'b', 'c', 'd') AND `+cond+` ORDER BY code`, args...)
			if err != nil {
				t.Fatalf("%q: %v", q, err)
			}
			var got []string
			for r.Next() {
				var c string
				if err := r.Scan(&c); err != nil {
					t.Fatal(err)
				}
				got = append(got, c)
			}
			r.Close()
			if !slices.Equal(got, want) {
				t.Errorf("%q matched %v, want %v", q, got, want)
			}
		}
		// An empty text is no condition: a filter without q adds nothing.
		if cond, args := d.Engine().ContainsAny("", "name_zh"); cond != "" || args != nil {
			t.Errorf(`ContainsAny("") = %q %v, want no condition`, cond, args)
		}
	})
}

// Search looks a text of three characters or more up in the FTS5 table on SQLite, as one
// quoted string whatever it holds; anything shorter, and PostgreSQL, take ContainsAny.
func TestSearch(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t, db.SQLite)
	if _, err := d.Exec(ctx, `CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(ctx, `CREATE VIRTUAL TABLE notes_fts USING fts5 (body, content = 'notes', content_rowid = 'id', tokenize = 'trigram')`); err != nil {
		t.Fatal(err)
	}
	for i, b := range []string{`say "hi" AND bye`, "隐患排查", "x*y NEAR(a b)"} {
		if _, err := d.Exec(ctx, `INSERT INTO notes (id, body) VALUES (?, ?)`, i+1, b); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.Exec(ctx, `INSERT INTO notes_fts (notes_fts) VALUES ('rebuild')`); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string][]int64{`"HI" and`: {1}, "排查": {2}, "隐患排": {2}, "x*y": {3}, "NEAR(a": {3}, `" OR "`: nil, "hi*": nil} {
		cond, args := db.SQLite.Search(q, "n.id", "notes_fts", "n.body")
		if fts := strings.Contains(cond, "MATCH"); fts != (len([]rune(q)) >= 3) {
			t.Errorf("%q: %s; want the FTS table for three characters or more", q, cond)
		}
		got, err := db.All(ctx, d, `SELECT n.id FROM notes n WHERE `+cond+` ORDER BY n.id`, args, func(s db.Scanner) (int64, error) {
			var id int64
			return id, s.Scan(&id)
		})
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("%q: %v, %v; want %v", q, got, err, want)
		}
	}
	if cond, _ := db.Postgres.Search("隐患排", "n.id", "notes_fts", "n.body"); strings.Contains(cond, "MATCH") {
		t.Errorf("PostgreSQL searched an FTS5 table: %s", cond)
	}
}
