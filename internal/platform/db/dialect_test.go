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
