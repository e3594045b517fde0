package db

import (
	"context"
	"reflect"
	"strings"
)

// Where builds a WHERE clause from conditions joined by AND, keeping the arguments in
// step with the '?' marks, as in `q := "SELECT … FROM t" + w.SQL()`.
type Where struct {
	conds []string
	args  []any
}

// Add appends a condition and its arguments; an empty condition is ignored.
func (w *Where) Add(cond string, args ...any) {
	if cond == "" {
		return
	}
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

// SQL returns " WHERE a AND b", or "" with no conditions.
func (w *Where) SQL() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// Args returns the arguments in order.
func (w *Where) Args() []any { return w.args }

// Eq adds "col = ?" for a filter the request set: v is a string (set unless empty) or a
// pointer (set unless nil; the argument is what it points to), as the fields of a
// decoded filter are.
func (w *Where) Eq(col string, v any) {
	rv := reflect.ValueOf(v)
	switch {
	case rv.Kind() == reflect.String && rv.Len() == 0, rv.Kind() == reflect.Pointer && rv.IsNil():
		return
	case rv.Kind() == reflect.Pointer:
		v = rv.Elem().Interface()
	}
	w.Add(col+" = ?", v)
}

// Bool adds yes for a yes-or-no filter the request set to true, no for false, and
// nothing when it is not set (nil); args go with whichever is added.
func (w *Where) Bool(b *bool, yes, no string, args ...any) {
	switch {
	case b == nil:
	case *b:
		w.Add(yes, args...)
	default:
		w.Add(no, args...)
	}
}

// AddCond appends a condition with its arguments as a slice, as returned by the scope's
// PathCond and IndustryCond.
func (w *Where) AddCond(cond string, args []any) { w.Add(cond, args...) }

// In returns "col IN (?, …)" with one mark and one argument for each value, as in
// w.AddCond(db.In("h.status", f.Status)) for a filter of one or more values, or a query
// of the rows with some ids. With no values it returns "" (which Where.Add ignores): a
// caller writing the condition into a query of its own checks for none first.
func In[T any](col string, vals []T) (string, []any) {
	if len(vals) == 0 {
		return "", nil
	}
	args := make([]any, len(vals))
	for i, v := range vals {
		args[i] = v
	}
	return col + " IN (" + Placeholders(len(vals)) + ")", args
}

// Scanner reads one row: *sql.Rows and *Row both are, so one scan function serves a list
// and a single record.
type Scanner interface{ Scan(dest ...any) error }

// Set builds the SET list of an UPDATE for a PATCH: one "col = ?" for each field the
// request carries, its arguments in step, and what changed (for the audit log), as in
//
//	s := db.NewSet("updated_at", now)
//	s.Text("name", in.Name)
//	q, args := s.Update("grids", "id = ?", id)
//
// Its '?' marks are rebound to the engine's by the Querier that runs the statement.
type Set struct {
	cols    []string
	args    []any
	Changed map[string]any
}

// NewSet starts a SET list with col = val, which is not noted as a change (updated_at).
func NewSet(col string, val any) *Set {
	s := &Set{Changed: map[string]any{}}
	s.Also(col, val)
	return s
}

// Add sets col to val and notes it changed.
func (s *Set) Add(col string, val any) {
	s.Also(col, val)
	s.Changed[col] = val
}

// Text is an optional text field trimmed, "" when absent: what Set.Text stores, for the
// values of an INSERT.
func Text(val *string) string {
	if val == nil {
		return ""
	}
	return strings.TrimSpace(*val)
}

// Text sets col to the text val points to, trimmed, and notes it; a nil val (the field
// was absent) sets nothing. It reports whether it set the column.
func (s *Set) Text(col string, val *string) bool {
	if val == nil {
		return false
	}
	s.Add(col, strings.TrimSpace(*val))
	return true
}

// Also sets col to val without noting it (a column that follows another, like a path).
func (s *Set) Also(col string, val any) { s.Expr(col+" = ?", val) }

// Expr appends an assignment of its own ("listed = TRUE", "x = COALESCE(x, ?)") with the
// arguments of its '?' marks; it is not noted.
func (s *Set) Expr(assign string, args ...any) {
	s.cols = append(s.cols, assign)
	s.args = append(s.args, args...)
}

// SQL returns the assignments joined by commas ("a = ?, b = ?").
func (s *Set) SQL() string { return strings.Join(s.cols, ", ") }

// Args returns the assignments' arguments in order.
func (s *Set) Args() []any { return s.args }

// Update returns "UPDATE table SET … WHERE where" and its arguments, the SET's before
// where's.
func (s *Set) Update(table, where string, whereArgs ...any) (string, []any) {
	return `UPDATE ` + table + ` SET ` + s.SQL() + ` WHERE ` + where, append(append([]any{}, s.args...), whereArgs...)
}

// Each runs query on q and calls each with every row scan reads, in order; an error of
// the query, scan, each or the cursor (rows.Err) ends it and is returned. The rows are
// closed before it returns.
func Each[T any](ctx context.Context, q Querier, query string, args []any, scan func(Scanner) (T, error), each func(T) error) error {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		t, err := scan(rows)
		if err != nil {
			return err
		}
		if err := each(t); err != nil {
			return err
		}
	}
	return rows.Err()
}

// All runs query on q and returns every row scan reads, in order.
func All[T any](ctx context.Context, q Querier, query string, args []any, scan func(Scanner) (T, error)) ([]T, error) {
	var out []T
	err := Each(ctx, q, query, args, scan, func(t T) error {
		out = append(out, t)
		return nil
	})
	return out, err
}

// Map reads a query of (key, value) rows, such as (id, COUNT(*)) grouped by id, into a
// map; a later row of a key wins.
func Map[K comparable, V any](ctx context.Context, q Querier, query string, args []any) (map[K]V, error) {
	type row struct {
		k K
		v V
	}
	out := map[K]V{}
	err := Each(ctx, q, query, args, func(s Scanner) (r row, err error) {
		return r, s.Scan(&r.k, &r.v)
	}, func(r row) error {
		out[r.k] = r.v
		return nil
	})
	return out, err
}

// ScanID reads a row of one id.
func ScanID(s Scanner) (ID, error) {
	var id ID
	err := s.Scan(&id)
	return id, err
}
