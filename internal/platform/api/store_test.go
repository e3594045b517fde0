package api

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

// recorder is a Querier that notes the queries it runs.
type recorder struct {
	db.Querier
	queries []string
}

func (r *recorder) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	r.queries = append(r.queries, q)
	return r.Querier.Query(ctx, q, args...)
}

func (r *recorder) QueryRow(ctx context.Context, q string, args ...any) *db.Row {
	r.queries = append(r.queries, q)
	return r.Querier.QueryRow(ctx, q, args...)
}

func (r *recorder) counted() bool {
	return slices.ContainsFunc(r.queries, func(q string) bool { return strings.HasPrefix(q, "SELECT COUNT(*)") })
}

type item struct {
	ID   db.ID
	Name string
	Rank int
}

func scanItem(s db.Scanner) (item, error) {
	var it item
	err := s.Scan(&it.ID, &it.Name, &it.Rank)
	return it, err
}

var itemSorting = Sorting{Columns: map[string]string{"name": "i.name", "rank": "i.rank"}, Default: "rank", Tiebreak: "i.id"}

// listItems runs QueryList and names the items it got, in order.
func listItems(t *testing.T, q db.Querier, lq ListQuery, lp ListParams) ([]string, int, error) {
	t.Helper()
	var got []string
	total, err := QueryList(context.Background(), q, lq, lp, scanItem, func(it item) error {
		got = append(got, fmt.Sprintf("%s/%d", it.Name, it.Rank))
		return nil
	})
	return got, total, err
}

func TestQueryList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.Exec(ctx, `CREATE TABLE list_items (id BIGINT PRIMARY KEY, name TEXT NOT NULL, rank INTEGER NOT NULL, doc TEXT NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		// Ranks repeat, so only the tiebreak (the id) orders the rows within a rank.
		for i, n := range []string{"e", "d", "c", "b", "a"} {
			doc := "{}"
			if i == 3 {
				doc = "not json"
			}
			if _, err := d.Exec(ctx, `INSERT INTO list_items (id, name, rank, doc) VALUES (?, ?, ?, ?)`, i+1, n, i/2, doc); err != nil {
				t.Fatal(err)
			}
		}
		base := func() ListQuery {
			lq := ListQuery{Select: `SELECT i.id, i.name, i.rank FROM list_items i`, Count: `FROM list_items i`, Sorting: itemSorting}
			lq.Where.Add("i.rank >= ?", 0)
			return lq
		}

		t.Run("pages", func(t *testing.T) {
			got, total, err := listItems(t, d, base(), ListParams{Page: 2, PerPage: 2, Sort: "rank"})
			if err != nil || total != 5 || !slices.Equal(got, []string{"c/1", "b/1"}) {
				t.Errorf("page 2 of 2 by rank = %v, total %d, %v; want [c/1 b/1], 5", got, total, err)
			}
			got, total, err = listItems(t, d, base(), ListParams{Page: 1, PerPage: 2, Sort: "-rank"})
			// Descending, the tiebreak descends too: the newest of rank 1 before the older.
			if err != nil || total != 5 || !slices.Equal(got, []string{"a/2", "b/1"}) {
				t.Errorf("page 1 by -rank = %v, total %d, %v; want [a/2 b/1], 5", got, total, err)
			}
			got, total, err = listItems(t, d, base(), ListParams{Page: 4, PerPage: 2, Sort: "name"})
			if err != nil || total != 5 || len(got) != 0 {
				t.Errorf("page past the end = %v, total %d, %v; want none, 5", got, total, err)
			}
		})

		t.Run("filters and counts with the select's own arguments", func(t *testing.T) {
			// A select's own marks (here in a subquery) take Args, before the filter's.
			lq := ListQuery{Select: `SELECT i.id, i.name, i.rank FROM (SELECT * FROM list_items WHERE name <> ?) i`, Args: []any{"c"},
				Count: `FROM (SELECT * FROM list_items WHERE name <> ?) i`, Sorting: itemSorting}
			lq.Where.Add("i.rank < ?", 2)
			got, total, err := listItems(t, d, lq, ListParams{Page: 1, PerPage: 10, Sort: "name"})
			if err != nil || total != 3 || !slices.Equal(got, []string{"b/1", "d/0", "e/0"}) {
				t.Errorf("filtered = %v, total %d, %v; want [b/1 d/0 e/0], 3", got, total, err)
			}
			lq.Count = "" // counted as a subquery of the select
			_, total, err = listItems(t, d, lq, ListParams{Page: 1, PerPage: 1, Sort: "name"})
			if err != nil || total != 3 {
				t.Errorf("counted from the select: total %d, %v; want 3", total, err)
			}
		})

		t.Run("export skips the count", func(t *testing.T) {
			rec := &recorder{Querier: d}
			got, total, err := listItems(t, rec, base(), ListParams{Page: 3, PerPage: 1, Sort: "-name"}.All())
			if err != nil || total != 0 || !slices.Equal(got, []string{"e/0", "d/0", "c/1", "b/1", "a/2"}) {
				t.Errorf("export = %v, total %d, %v; want all five by -name, 0", got, total, err)
			}
			if rec.counted() {
				t.Errorf("an export counted: %q", rec.queries)
			}
			rec = &recorder{Querier: d}
			if _, _, err := listItems(t, rec, base(), ListParams{Page: 1, PerPage: 1, Sort: "name"}); err != nil || !rec.counted() {
				t.Errorf("a page did not count (%v): %q", err, rec.queries)
			}
		})

		t.Run("few matches are found by id first", func(t *testing.T) {
			old := SmallList
			defer func() { SmallList = old }()
			for _, small := range []int{0, 10} {
				SmallList = small
				lq := base()
				lq.ID = "i.id"
				rec := &recorder{Querier: d}
				got, total, err := listItems(t, rec, lq, ListParams{Page: 1, PerPage: 3, Sort: "-rank"})
				if err != nil || total != 5 || !slices.Equal(got, []string{"a/2", "b/1", "c/1"}) {
					t.Errorf("SmallList %d: %v, total %d, %v; want [a/2 b/1 c/1], 5", small, got, total, err)
				}
				// The matches found first: a query of their ids alone, without an order.
				found := slices.ContainsFunc(rec.queries, func(q string) bool { return strings.HasPrefix(q, "SELECT i.id FROM") })
				if found != (small > 0) {
					t.Errorf("SmallList %d: matches found first = %v: %q", small, found, rec.queries)
				}
				// Either way the names are joined for the page's ids only.
				if !slices.ContainsFunc(rec.queries, func(q string) bool { return strings.HasPrefix(q, lq.Select+" WHERE i.id IN (") }) {
					t.Errorf("SmallList %d: the page not read by its ids: %q", small, rec.queries)
				}
			}
		})

		t.Run("errors surface", func(t *testing.T) {
			bad := errors.New("bad row")
			n := 0
			_, err := QueryList(ctx, d, base(), ListParams{Page: 1, PerPage: 10, Sort: "name"}, func(s db.Scanner) (item, error) {
				if n++; n == 2 {
					return item{}, bad
				}
				return scanItem(s)
			}, func(item) error { return nil })
			if !errors.Is(err, bad) {
				t.Errorf("scan error: got %v", err)
			}
			stop := errors.New("stop")
			_, err = QueryList(ctx, d, base(), ListParams{}.All(), scanItem, func(item) error { return stop })
			if !errors.Is(err, stop) {
				t.Errorf("each's error: got %v", err)
			}
			// The fourth row's document is not JSON: SQLite fails while the rows stream, after
			// the first three reached each, and only rows.Err tells; PostgreSQL, sorting the
			// projected rows of a small table first, fails before the first.
			parse := "json(i.doc)"
			if d.Engine() == db.Postgres {
				parse = "i.doc::json::text"
			}
			lq := base()
			lq.Select = `SELECT i.id, ` + parse + `, i.rank FROM list_items i`
			lq.Sorting = Sorting{Columns: map[string]string{"id": "i.id"}, Default: "id"}
			seen := 0
			_, err = QueryList(ctx, d, lq, ListParams{}.All(), scanItem, func(item) error { seen++; return nil })
			want := 3
			if d.Engine() == db.Postgres {
				want = 0
			}
			if err == nil || seen != want {
				t.Errorf("a failing row: %d rows then %v; want %d then an error", seen, err, want)
			}
		})
	})
}
