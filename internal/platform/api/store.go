package api

import (
	"context"
	"slices"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// ListQuery is what a store's list function asks of QueryList: the rows of Select
// narrowed by Where, in the order ListParams asks for among Sorting's.
type ListQuery struct {
	// Select is the query up to its WHERE ("SELECT h.id, … FROM hazards h JOIN …"); Args
	// are the arguments of its own '?' marks, which come before Where's.
	Select string
	Args   []any
	// Count is the FROM part counted for a page's total ("FROM hazards h"), with the same
	// '?' marks as Select's (Args); empty counts the rows of Select itself.
	Count string
	Where db.Where
	// Sorting maps the sort fields to SQL; ORDER BY always ends with its Tiebreak.
	Sorting Sorting
	// ID ("h.id"), with Count, says that Count's FROM holds every column of Where and of
	// Sorting, and that Sorting's Tiebreak is this id: a page then finds its ids first
	// from Count's tables alone (their own indexes: "SELECT h.id, h.found_at FROM hazards
	// h WHERE … ORDER BY … LIMIT"), and Select joins the names for those rows only. Only
	// such a list has keyset pages (ListParams.After, and a page's next cursor). A page of
	// at most SmallList matches finds the matches before sorting them: a planner expecting
	// many matches walks the sort order's index until a page is full, through the whole
	// table when matches are rare.
	ID string
}

// SmallList is the number of matches up to which a ListQuery with an ID finds the
// matches before sorting them (a variable for the tests of both ways).
var SmallList = 2000

// CountCap is the most matches a page's count reads: above it the total is CountCap and
// capped (ListResult.Capped, "10,000+"), unless the request asked for the exact count. A
// count stops early, where counting every match of a large table reads all of them.
// Only a request's list caps its count (ListParams.CapCount).
var CountCap = 10_000

// keyset reports whether lq finds the ids of a page in lp's order first (see ListQuery.ID
// and Sorting.Joined).
func (lq ListQuery) keyset(lp ListParams) bool {
	if lq.ID == "" || lq.Count == "" || lq.Sorting.Tiebreak != lq.ID {
		return false
	}
	field, _ := strings.CutPrefix(lp.Sort, "-")
	if _, ok := lq.Sorting.Columns[field]; !ok {
		field, _ = strings.CutPrefix(lq.Sorting.Default, "-")
	}
	return !slices.Contains(lq.Sorting.Joined, field)
}

// QueryList runs a list query on q: when lp is paged it counts the matches (up to
// CountCap when lp.CapCount) and reads one page of them, from lp.After (keyset) or at its
// offset; unpaged (an export) it skips the count and streams every row. Each row is read
// by scan and handed to each as it arrives; an error of scan, each or the cursor
// (rows.Err) ends the list and is returned. It returns the total (0 when unpaged), and
// sets lp.Result, when given, to the next page's cursor and whether the total is capped.
// Errors: BadRequest naming after when lp.After is set on a list without keyset pages.
func QueryList[T any](ctx context.Context, q db.Querier, lq ListQuery, lp ListParams, scan func(db.Scanner) (T, error), each func(T) error) (int, error) {
	where, args := lq.Where.SQL(), append(append([]any{}, lq.Args...), lq.Where.Args()...)
	if !lp.Paged() {
		return 0, db.Each(ctx, q, lq.Select+where+lp.OrderBy(lq.Sorting), args, scan, each)
	}
	if lp.After != nil && !lq.keyset(lp) {
		v := apperr.Validation{}
		v.Add("after", "validate.cursor", nil)
		return 0, badRequest(v)
	}
	res := lp.Result
	if res == nil {
		res = &ListResult{}
	}
	*res = ListResult{}
	total, capped, err := countList(ctx, q, lq, where, args, !lp.CapCount)
	if err != nil {
		return 0, err
	}
	res.Capped = capped
	if total == 0 || (lp.After == nil && !capped && total <= (lp.Page-1)*lp.PerPage) {
		return total, nil // nothing on this page: no need to look
	}
	query := lq.Select + where
	if lq.keyset(lp) {
		ids, next, err := pageIDs(ctx, q, lq, lp, where, args, !capped && total <= SmallList)
		if err != nil || len(ids) == 0 {
			return total, err
		}
		res.Next = next
		query = lq.Select + ` WHERE ` + lq.ID + ` IN (` + db.Placeholders(len(ids)) + `)`
		args = append(append([]any{}, lq.Args...), ids...)
		return total, db.Each(ctx, q, query+lp.OrderBy(lq.Sorting), args, scan, each)
	}
	limit, largs := lp.Limit()
	if err := db.Each(ctx, q, query+lp.OrderBy(lq.Sorting)+limit, append(args, largs...), scan, each); err != nil {
		return 0, err
	}
	return total, nil
}

// countList counts the matches: all of them when exact, else up to CountCap + 1, and
// reports whether there were more than CountCap (the total is then CountCap).
func countList(ctx context.Context, q db.Querier, lq ListQuery, where string, args []any, exact bool) (int, bool, error) {
	rows := `SELECT 1 ` + lq.Count + where
	if lq.Count == "" {
		rows = lq.Select + where
	}
	var total int
	if exact {
		err := q.QueryRow(ctx, `SELECT COUNT(*) FROM (`+rows+`) n`, args...).Scan(&total)
		return total, false, err
	}
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM (`+rows+` LIMIT ?) n`, append(append([]any{}, args...), CountCap+1)...).Scan(&total)
	if total > CountCap {
		return CountCap, true, err
	}
	return total, false, err
}

// pageIDs returns the ids of a page's rows, in order, from Count's tables alone, and the
// cursor of the next page ("" on the last). It reads one row more than the page to know
// whether another follows. With few (all the matches are at most SmallList), it finds the
// matches first and sorts just those (named by id).
func pageIDs(ctx context.Context, q db.Querier, lq ListQuery, lp ListParams, where string, args []any, few bool) ([]any, string, error) {
	if few {
		ids, err := matchIDs(ctx, q, lq, where, args)
		if err != nil || len(ids) == 0 {
			return nil, "", err
		}
		where = ` WHERE ` + lq.ID + ` IN (` + db.Placeholders(len(ids)) + `)`
		args = append(append([]any{}, lq.Args...), ids...)
	}
	col, desc, nullable := lp.sortBy(lq.Sorting)
	limit := ` LIMIT ? OFFSET ?`
	largs := []any{lp.PerPage + 1, (lp.Page - 1) * lp.PerPage}
	if lp.After != nil {
		cond, cargs := lp.After.cond(col, lq.ID, desc, nullable)
		if where == "" {
			where = ` WHERE ` + cond
		} else {
			where += ` AND ` + cond
		}
		args = append(append([]any{}, args...), cargs...)
		limit, largs = ` LIMIT ?`, largs[:1]
	}
	type key struct {
		id db.ID
		v  any
	}
	var keys []key
	err := db.Each(ctx, q, `SELECT `+lq.ID+`, `+col+` `+lq.Count+where+lp.OrderBy(lq.Sorting)+limit, append(args, largs...),
		func(s db.Scanner) (k key, err error) { return k, s.Scan(&k.id, &k.v) },
		func(k key) error { keys = append(keys, k); return nil })
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(keys) > lp.PerPage {
		keys = keys[:lp.PerPage]
		last := keys[len(keys)-1]
		next = Cursor{Sort: lp.Sort, Value: last.v, ID: last.id}.String()
	}
	ids := make([]any, len(keys))
	for i, k := range keys {
		ids[i] = k.id
	}
	return ids, next, nil
}

// matchIDs returns the ids of the rows matching where.
func matchIDs(ctx context.Context, q db.Querier, lq ListQuery, where string, args []any) ([]any, error) {
	var ids []any
	err := db.Each(ctx, q, `SELECT `+lq.ID+` `+lq.Count+where, args, db.ScanID, func(id db.ID) error {
		ids = append(ids, id)
		return nil
	})
	return ids, err
}
