package api

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// Paging limits (API.md: per_page max 500). MaxPage keeps the offset, (page-1) ×
// per_page, far from overflowing: a page beyond it is refused naming page, where it
// would otherwise fail on PostgreSQL and wrap to the wrong page on SQLite.
const (
	DefaultPerPage = 50
	MaxPerPage     = 500
	MaxPage        = 1_000_000
)

// ListParams are a list request's paging, sorting and output format.
type ListParams struct {
	Page    int
	PerPage int    // 0 means every row (exports)
	Sort    string // API field name, optionally prefixed by "-" for descending
	Format  string // "" (JSON), "xlsx" or "csv"
	// After (?after=, the "next" of the page before) starts the page after that row
	// instead of at (Page-1) × PerPage: keyset paging, no rows skipped by OFFSET.
	After *Cursor
	// CapCount stops the count at CountCap: ParseList sets it for a request's list unless
	// it asks count=exact. A list asked for by code (a panel's figure, a to-do count)
	// counts every match unless it sets it.
	CapCount bool
	// Result, when set, receives what QueryList learns beside the total.
	Result *ListResult
}

// ListResult is what a page's list query reports beside its total.
type ListResult struct {
	Next   string // the cursor of the next page (?after=); "" on the last page
	Capped bool   // more than CountCap rows match: the total is CountCap
}

// Sorting maps the API's sortable field names to SQL expressions; Default applies when
// the request names none, and Tiebreak (usually the primary key) keeps pages stable.
// Nullable names the fields whose column may be NULL: their NULLs sort after every value
// on both engines (PostgreSQL's default; SQLite would put them first). Joined names the
// fields sorted by a column of Select's alone (a joined name, a computed count), which a
// ListQuery's Count does not hold: a page in their order is read the plain way, without
// ids first or keyset pages.
type Sorting struct {
	Columns  map[string]string
	Default  string
	Tiebreak string
	Nullable []string
	Joined   []string
}

// Fields lists the sortable field names (for docs and errors), sorted.
func (s Sorting) Fields() []string {
	out := make([]string, 0, len(s.Columns))
	for k := range s.Columns {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// ParseList reads page, per_page, sort and format from the query string.
func ParseList(r *http.Request, s Sorting) (ListParams, error) {
	q := r.URL.Query()
	lp := ListParams{Page: 1, PerPage: DefaultPerPage, Sort: s.Default, CapCount: true}
	v := apperr.Validation{}
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		switch {
		case errors.Is(err, strconv.ErrRange) || (err == nil && n > MaxPage):
			v.Add("page", "validate.between", apperr.E{"min": 1, "max": MaxPage})
		case err != nil || n < 1:
			v.Add("page", "validate.min", apperr.E{"min": 1})
		}
		lp.Page = n
	}
	if p := q.Get("per_page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > MaxPerPage {
			v.Add("per_page", "validate.between", apperr.E{"min": 1, "max": MaxPerPage})
		}
		lp.PerPage = n
	}
	if p := q.Get("sort"); p != "" {
		if _, ok := s.Columns[strings.TrimPrefix(p, "-")]; !ok {
			v.Add("sort", "validate.one_of", apperr.E{"values": strings.Join(s.Fields(), ", ")})
		}
		lp.Sort = p
	}
	if a := q.Get("after"); a != "" {
		c, err := ParseCursor(a)
		switch {
		case err != nil || c.Sort != lp.Sort:
			v.Add("after", "validate.cursor", nil)
		case q.Get("page") != "" && lp.Page != 1:
			v.Add("after", "validate.cursor_page", nil)
		default:
			lp.After = &c
		}
	}
	switch c := q.Get("count"); c {
	case "":
	case "exact":
		lp.CapCount = false
	default:
		v.Add("count", "validate.one_of", apperr.E{"values": "exact"})
	}
	switch f := q.Get("format"); f {
	case "", "json":
	case "xlsx", "csv":
		lp.Format = f
	default:
		v.Add("format", "validate.one_of", apperr.E{"values": "json, xlsx, csv"})
	}
	if len(v.Fields) > 0 {
		e := apperr.As(badRequest(v))
		if len(v.Fields) == 1 && v.Fields[0].Field == "page" && v.Fields[0].Key == "validate.between" {
			e.Key, e.Args = "input.page_range", apperr.E{"max": MaxPage} // what a page shows
		}
		return lp, e
	}
	return lp, nil
}

// All returns the parameters for every row in the same order (for exports).
func (lp ListParams) All() ListParams {
	lp.Page, lp.PerPage, lp.After = 1, 0, nil
	return lp
}

// Paged reports whether the request wants one page (and so a total).
func (lp ListParams) Paged() bool { return lp.PerPage > 0 }

// sortBy returns the column of the requested sort (the default's for an unknown field),
// whether it descends and whether it may be NULL.
func (lp ListParams) sortBy(s Sorting) (col string, desc, nullable bool) {
	field, desc := strings.CutPrefix(lp.Sort, "-")
	col, ok := s.Columns[field]
	if !ok {
		field, desc = strings.CutPrefix(s.Default, "-")
		col = s.Columns[field]
	}
	return col, desc, slices.Contains(s.Nullable, field)
}

// OrderBy returns " ORDER BY …" for the requested sort. A nullable column's NULLs come
// last ascending and first descending on both engines (NULLS LAST/FIRST, which SQLite
// speaks since 3.30), the order a keyset cursor assumes.
func (lp ListParams) OrderBy(s Sorting) string {
	col, desc, nullable := lp.sortBy(s)
	dir := " ASC"
	if desc {
		dir = " DESC"
	}
	out := " ORDER BY " + col + dir
	switch {
	case nullable && desc:
		out += " NULLS FIRST"
	case nullable:
		out += " NULLS LAST"
	}
	if s.Tiebreak != "" && s.Tiebreak != col {
		out += ", " + s.Tiebreak + dir
	}
	return out
}

// Limit returns " LIMIT ? OFFSET ?" and its arguments, or nothing for every row.
func (lp ListParams) Limit() (string, []any) {
	if !lp.Paged() {
		return "", nil
	}
	return " LIMIT ? OFFSET ?", []any{lp.PerPage, (lp.Page - 1) * lp.PerPage}
}

// Page is one page of a list. Total is every match, or CountCap with TotalCapped when
// more match (unless the request asked count=exact); Next, absent on the last page, is
// the cursor of the next page (?after=).
type Page[T any] struct {
	Items       []T    `json:"items"`
	Total       int    `json:"total"`
	TotalCapped bool   `json:"total_capped,omitempty"`
	Page        int    `json:"page"`
	PerPage     int    `json:"per_page"`
	Next        string `json:"next,omitempty"`
}

// Lister runs a list query: it calls each for every row of the page (every row when
// lp is not paged) and returns the total number of matching rows (when paged).
type Lister[T any] func(ctx context.Context, lp ListParams, each func(T) error) (total int, err error)

// ServeList answers a list request: a JSON page, or, with format=xlsx|csv, every row
// streamed as a file with the same filters and order.
func ServeList[T any](w http.ResponseWriter, r *http.Request, lp ListParams, ex Export[T], list Lister[T]) error {
	if lp.Format != "" {
		return ex.Write(w, r, lp.Format, func(each func(T) error) error {
			_, err := list(r.Context(), lp.All(), each)
			return err
		})
	}
	items := make([]T, 0, min(lp.PerPage, 64))
	res := &ListResult{}
	lp.Result = res
	total, err := list(r.Context(), lp, func(t T) error {
		items = append(items, t)
		return nil
	})
	if err != nil {
		return err
	}
	return JSON(w, http.StatusOK, Page[T]{Items: items, Total: total, TotalCapped: res.Capped, Page: lp.Page, PerPage: lp.PerPage, Next: res.Next})
}

// ScopedLister is a store's list function: rows in scope matching filter f.
type ScopedLister[F, T any] func(ctx context.Context, sc auth.Scope, f F, lp ListParams, each func(T) error) (int, error)

// ListHandler is the handler of a list route: it decodes the filter F from the query
// string, reads paging and sorting, and answers a page or a streamed export.
func ListHandler[F, T any](s Sorting, ex Export[T], list ScopedLister[F, T]) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		f, lp, err := listRequest[F](r, s)
		if err != nil {
			return err
		}
		sc := auth.FromContext(r.Context()).Scope
		return ServeList(w, r, lp, ex, func(ctx context.Context, lp ListParams, each func(T) error) (int, error) {
			return list(ctx, sc, f, lp, each)
		})
	}
}

// listRequest reads a list request's filter F from the query string, and its paging and
// sorting.
func listRequest[F any](r *http.Request, s Sorting) (F, ListParams, error) {
	var f F
	if err := DecodeQuery(r, &f, true); err != nil {
		return f, ListParams{}, err
	}
	lp, err := ParseList(r, s)
	return f, lp, err
}

// ListUnderHandler is the handler of a list of the records under the one the path's {id}
// names (object: its kind; a malformed id is that kind's 404): it decodes the filter F
// (struct{} for none), reads paging and sorting, asks parent, unless nil, whether the
// caller may see the record named, before anything is written (an export's file must not
// begin for a 404), and answers a page or a streamed export of what list calls each for.
func ListUnderHandler[F, T any](object string, s Sorting, ex Export[T], parent func(ctx context.Context, p *auth.Principal, id db.ID) error,
	list func(ctx context.Context, p *auth.Principal, id db.ID, f F, lp ListParams, each func(T) error) (int, error)) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := PathID(r, "id", object)
		if err != nil {
			return err
		}
		f, lp, err := listRequest[F](r, s)
		if err != nil {
			return err
		}
		p := auth.FromContext(r.Context())
		if parent != nil {
			if err := parent(r.Context(), p, id); err != nil {
				return err
			}
		}
		return ServeList(w, r, lp, ex, func(ctx context.Context, lp ListParams, each func(T) error) (int, error) {
			return list(ctx, p, id, f, lp, each)
		})
	}
}
