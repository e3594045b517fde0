package api

import (
	"context"

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
	// ID, when set ("h.id"), makes a page of at most SmallList matches find their ids
	// first and sort just those (named by id): a planner expecting many matches walks the
	// sort order's index until a page is full, through the whole table when matches are
	// rare. It needs Count.
	ID string
}

// SmallList is the number of matches up to which a ListQuery with an ID finds the
// matches before sorting them (a variable for the tests of both ways).
var SmallList = 2000

// QueryList runs a list query on q: when lp is paged it counts the matches and reads one
// page of them (LIMIT/OFFSET); unpaged (an export) it skips the count and streams every
// row. Each row is read by scan and handed to each as it arrives; an error of scan, each
// or the cursor (rows.Err) ends the list and is returned. It returns the total (0 when
// unpaged).
func QueryList[T any](ctx context.Context, q db.Querier, lq ListQuery, lp ListParams, scan func(db.Scanner) (T, error), each func(T) error) (int, error) {
	where, args := lq.Where.SQL(), append(append([]any{}, lq.Args...), lq.Where.Args()...)
	query := lq.Select + where
	total := 0
	if lp.Paged() {
		count := `SELECT COUNT(*) ` + lq.Count + where
		if lq.Count == "" {
			count = `SELECT COUNT(*) FROM (` + query + `) n`
		}
		if err := q.QueryRow(ctx, count, args...).Scan(&total); err != nil {
			return 0, err
		}
		if total <= (lp.Page-1)*lp.PerPage {
			return total, nil // nothing on this page: no need to look
		}
		if lq.ID != "" && lq.Count != "" && total <= SmallList {
			ids, err := matchIDs(ctx, q, lq, where, args)
			if err != nil || len(ids) == 0 {
				return total, err
			}
			query = lq.Select + ` WHERE ` + lq.ID + ` IN (` + db.Placeholders(len(ids)) + `)`
			args = append(append([]any{}, lq.Args...), ids...)
		}
	}
	limit, largs := lp.Limit()
	if err := db.Each(ctx, q, query+lp.OrderBy(lq.Sorting)+limit, append(args, largs...), scan, each); err != nil {
		return 0, err
	}
	return total, nil
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
