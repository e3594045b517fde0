package api

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

type dated struct {
	ID  db.ID
	Key string
}

// datedTable makes a table whose sort columns repeat values (so only the tiebreak orders
// some rows) and whose nullable column holds NULLs, the cases keyset paging gets wrong.
func datedTable(t *testing.T, d *db.DB, n int) ListQuery {
	t.Helper()
	ctx := context.Background()
	if _, err := d.Exec(ctx, `CREATE TABLE dated (id BIGINT PRIMARY KEY, name TEXT NOT NULL, rank INTEGER NOT NULL, due `+
		map[db.Engine]string{db.SQLite: "TIMESTAMP", db.Postgres: "TIMESTAMPTZ"}[d.Engine()]+`, owner TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 3, 1, 8, 0, 0, 123456000, time.UTC)
	for i := 1; i <= n; i++ {
		var due any
		if i%3 != 0 { // a third have no due time
			due = base.Add(time.Duration(i%5) * time.Hour)
		}
		if _, err := d.Exec(ctx, `INSERT INTO dated (id, name, rank, due, owner) VALUES (?, ?, ?, ?, ?)`,
			i, fmt.Sprintf("n%02d", (i*7)%11), i%4, due, fmt.Sprintf("o%d", i%2)); err != nil {
			t.Fatal(err)
		}
	}
	return ListQuery{Select: `SELECT d.id, d.name || '/' || d.rank || '/' || COALESCE(d.owner, '') FROM dated d`, Count: `FROM dated d`,
		Sorting: Sorting{Columns: map[string]string{"name": "d.name", "rank": "d.rank", "due": "d.due", "id": "d.id"},
			Default: "-due", Tiebreak: "d.id", Nullable: []string{"due"}}}
}

func listDated(t *testing.T, q db.Querier, lq ListQuery, lp ListParams) ([]db.ID, ListResult) {
	t.Helper()
	var res ListResult
	lp.Result = &res
	var got []db.ID
	_, err := QueryList(context.Background(), q, lq, lp, func(s db.Scanner) (dated, error) {
		var r dated
		return r, s.Scan(&r.ID, &r.Key)
	}, func(r dated) error { got = append(got, r.ID); return nil })
	if err != nil {
		t.Fatalf("%+v: %v", lp, err)
	}
	return got, res
}

func TestQueryList_KeysetPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		lq := datedTable(t, d, 23)
		lq.Where.Add("d.owner <> ?", "none")
		for _, field := range lq.Sorting.Fields() {
			for _, sort := range []string{field, "-" + field} {
				for _, few := range []int{0, 1000} { // the matches sorted in the table's order, or found first
					old := SmallList
					SmallList = few
					t.Run(fmt.Sprintf("%s/small=%d", sort, few), func(t *testing.T) {
						// Today's way (no ID: the joined rows sorted and cut by OFFSET) is the reference.
						plain := lq
						plain.ID = ""
						all, _ := listDated(t, d, plain, ListParams{Page: 1, PerPage: 100, Sort: sort})
						if len(all) != 23 {
							t.Fatalf("%d rows; want 23", len(all))
						}
						keyed := lq
						keyed.ID = "d.id"
						var byPage, byNext []db.ID
						var after *Cursor
						for page := 1; page <= 6; page++ {
							ids, _ := listDated(t, d, keyed, ListParams{Page: page, PerPage: 5, Sort: sort})
							byPage = append(byPage, ids...)
							rec := &recorder{Querier: d}
							ids, res := listDated(t, rec, keyed, ListParams{Page: 1, PerPage: 5, Sort: sort, After: after})
							byNext = append(byNext, ids...)
							if after != nil && slices.ContainsFunc(rec.queries, func(q string) bool { return strings.Contains(q, "OFFSET") }) {
								t.Errorf("a page after a cursor used OFFSET: %q", rec.queries)
							}
							if (res.Next == "") != (len(byNext) == 23) {
								t.Errorf("page %d: next %q after %d of 23 rows", page, res.Next, len(byNext))
							}
							if res.Next == "" {
								break
							}
							c, err := ParseCursor(res.Next)
							if err != nil {
								t.Fatal(err)
							}
							after = &c
						}
						if !slices.Equal(byPage, all) {
							t.Errorf("ids first, pages 1…5:\n%v\nwant\n%v", byPage, all)
						}
						if !slices.Equal(byNext, all) {
							t.Errorf("walked by next:\n%v\nwant\n%v", byNext, all)
						}
					})
					SmallList = old
				}
			}
		}
		t.Run("NULLs last ascending, first descending, on both engines", func(t *testing.T) {
			plain := lq
			plain.ID = ""
			asc, _ := listDated(t, d, plain, ListParams{Page: 1, PerPage: 100, Sort: "due"})
			desc, _ := listDated(t, d, plain, ListParams{Page: 1, PerPage: 100, Sort: "-due"})
			if asc[len(asc)-1]%3 != 0 || desc[0]%3 != 0 || asc[0]%3 == 0 || desc[len(desc)-1]%3 == 0 {
				t.Errorf("due ascending %v, descending %v: want the NULLs (ids of 3) last, then first", asc, desc)
			}
		})
	})
}

func TestQueryList_CappedCount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		lq := datedTable(t, d, 23)
		lq.ID = "d.id"
		old := CountCap
		defer func() { CountCap = old }()
		CountCap = 10
		var res ListResult
		total, err := QueryList(context.Background(), d, lq, ListParams{Page: 3, PerPage: 5, Sort: "name", CapCount: true, Result: &res}, func(s db.Scanner) (dated, error) {
			var r dated
			return r, s.Scan(&r.ID, &r.Key)
		}, func(dated) error { return nil })
		if err != nil || total != 10 || !res.Capped || res.Next == "" {
			t.Errorf("capped: total %d, %+v, %v; want 10, capped, a next page", total, res, err)
		}
		// Past the capped total the pages still answer (page 5 holds rows 21–23).
		ids, res := listDated(t, d, lq, ListParams{Page: 5, PerPage: 5, Sort: "name", CapCount: true})
		if len(ids) != 3 || res.Next != "" {
			t.Errorf("page 5 of a capped list: %v, next %q; want 3 rows and no next", ids, res.Next)
		}
		total, err = QueryList(context.Background(), d, lq, ListParams{Page: 1, PerPage: 5, Sort: "name", Result: &res}, func(s db.Scanner) (dated, error) {
			var r dated
			return r, s.Scan(&r.ID, &r.Key)
		}, func(dated) error { return nil })
		if err != nil || total != 23 || res.Capped {
			t.Errorf("uncapped (count=exact, or a list asked for by code): total %d, %+v, %v; want 23, not capped", total, res, err)
		}
		CountCap = 23 // exactly the cap: not capped
		total, _ = QueryList(context.Background(), d, lq, ListParams{Page: 1, PerPage: 5, Sort: "name", CapCount: true, Result: &res}, func(s db.Scanner) (dated, error) {
			var r dated
			return r, s.Scan(&r.ID, &r.Key)
		}, func(dated) error { return nil })
		if total != 23 || res.Capped {
			t.Errorf("23 matches under a cap of 23: total %d, %+v; want 23, not capped", total, res)
		}
	})
}

func TestParseList_After(t *testing.T) {
	s := Sorting{Columns: map[string]string{"name": "d.name", "due": "d.due"}, Default: "-due", Tiebreak: "d.id"}
	good := Cursor{Sort: "-due", Value: time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC), ID: 42}.String()
	lp, err := ParseList(httptest.NewRequest("GET", "/x?after="+good, nil), s)
	if err != nil || lp.After == nil || lp.After.ID != 42 || !lp.After.Value.(time.Time).Equal(time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)) {
		t.Fatalf("a good cursor: %+v, %v", lp.After, err)
	}
	for _, c := range []Cursor{{Sort: "name", Value: "a", ID: 1}, {Sort: "-due", Value: nil, ID: 7}, {Sort: "-due", Value: int64(3), ID: 7}} {
		if _, err := ParseCursor(c.String()); err != nil {
			t.Errorf("%+v does not round-trip: %v", c, err)
		}
	}
	forged := []byte(good)
	forged[len(forged)-3] ^= 1
	for name, q := range map[string]string{
		"another sort's":     "sort=name&after=" + good,
		"forged":             "after=" + string(forged),
		"not base64":         "after=%22%20OR%201=1",
		"with a page beyond": "page=2&after=" + good,
	} {
		_, err := ParseList(httptest.NewRequest("GET", "/x?"+q, nil), s)
		e := apperr.As(err)
		if e == nil || e.Code != apperr.BadRequest || len(e.Fields) != 1 || e.Fields[0].Field != "after" {
			t.Errorf("%s cursor: %v; want a 400 naming after", name, err)
		}
	}
	if _, err := ParseList(httptest.NewRequest("GET", "/x?count=all", nil), s); err == nil {
		t.Errorf("count=all accepted; only exact is")
	}
	if lp, err := ParseList(httptest.NewRequest("GET", "/x", nil), s); err != nil || !lp.CapCount {
		t.Errorf("a request's list: %+v, %v; want its count capped", lp, err)
	}
	if lp, err := ParseList(httptest.NewRequest("GET", "/x?count=exact", nil), s); err != nil || lp.CapCount {
		t.Errorf("count=exact: %+v, %v", lp, err)
	}
}
