package db

import "strings"

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

// AddCond appends a condition with its arguments as a slice, as returned by the scope's
// PathCond and IndustryCond.
func (w *Where) AddCond(cond string, args []any) { w.Add(cond, args...) }

// Scanner reads one row: *sql.Rows and *Row both are, so one scan function serves a list
// and a single record.
type Scanner interface{ Scan(dest ...any) error }
