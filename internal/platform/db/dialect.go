package db

import "strings"

// This file holds the few SQL differences between the engines. Everything else is SQL
// that both speak: RETURNING, ON CONFLICT … DO UPDATE, LIMIT/OFFSET, CTEs, window functions.

// Contains returns a LIKE pattern matching s anywhere, with LIKE's wildcards escaped.
// Use it as `LOWER(col) LIKE ? ESCAPE '\'` with the pattern lowered.
func Contains(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + strings.ToLower(r.Replace(s)) + "%"
}

// PrefixRange returns the half-open byte range [lo, hi) holding every string that starts
// with prefix, so an index on a materialized path serves subtree queries on both engines
// (path columns use a byte-order collation: BINARY in SQLite, "C" in PostgreSQL).
func PrefixRange(prefix string) (lo, hi string) {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return prefix, string(b[:i+1])
		}
	}
	return prefix, "\xff\xff\xff\xff"
}

// StringAgg aggregates expr into a sep-separated string.
func (e Engine) StringAgg(expr, sep string) string {
	if e == Postgres {
		return "string_agg(" + expr + ", '" + sep + "')"
	}
	return "group_concat(" + expr + ", '" + sep + "')"
}

// Placeholders returns "?, ?, …" with n marks.
func Placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
