package db

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file holds the few SQL differences between the engines. Everything else is SQL
// that both speak: RETURNING, ON CONFLICT … DO UPDATE, LIMIT/OFFSET, CTEs, window functions.

// Contains returns a LIKE pattern matching s anywhere, with LIKE's wildcards escaped.
// Use it as `LOWER(col) LIKE ? ESCAPE '\'` with the pattern lowered. A search text is
// cut to MaxSearch characters: SQLite refuses a pattern of over 50,000 bytes (a 500),
// and no name or code searched is that long.
func Contains(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + strings.ToLower(r.Replace(searchText(s))) + "%"
}

// MaxSearch is the most characters of a search text a query compares.
const MaxSearch = 200

func searchText(s string) string {
	if r := []rune(s); len(r) > MaxSearch {
		return string(r[:MaxSearch])
	}
	return s
}

// ContainsAny returns a condition true when any of cols, lowered, contains s lowered,
// with its arguments. On PostgreSQL a text with a run of three or more letters or digits
// is matched with `LOWER(col) LIKE '%…%'`, which trigram indexes on LOWER(col) serve; a
// shorter one makes no trigram, and a trigram index scanned for it reads all of itself
// (measured five times slower than reading the table), so it is matched with strpos,
// which no index claims. SQLite always uses LIKE. An empty s returns "" (no condition,
// which Where.Add ignores), so a filter's text search is one w.AddCond(…ContainsAny(f.Q, …)).
func (e Engine) ContainsAny(s string, cols ...string) (string, []any) {
	if s == "" {
		return "", nil
	}
	parts := make([]string, len(cols))
	args := make([]any, len(cols))
	if e == Postgres && !hasTrigram(s) {
		for i, c := range cols {
			parts[i], args[i] = "strpos(LOWER("+c+"), ?) > 0", strings.ToLower(searchText(s))
		}
	} else {
		pat := Contains(s)
		for i, c := range cols {
			parts[i], args[i] = "LOWER("+c+`) LIKE ? ESCAPE '\'`, pat
		}
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

// Search returns a text search's condition: true when any of cols contains s, ignoring
// case, as ContainsAny. On SQLite a text of three characters or more is looked up in fts,
// an FTS5 trigram table indexing cols of the rows whose rowid is id (migration 00017):
// `id IN (SELECT rowid FROM fts WHERE fts MATCH ?)`, where LIKE would read every row. The
// text goes to MATCH as one quoted string, its double quotes doubled, so FTS5's syntax in
// it (AND, *, NEAR, column filters) is text to find, never a query. A shorter text makes
// no trigram: ContainsAny, as on PostgreSQL, whose trigram indexes serve LIKE itself.
func (e Engine) Search(s, id, fts string, cols ...string) (string, []any) {
	s = searchText(s)
	if e != SQLite || utf8.RuneCountInString(s) < 3 {
		return e.ContainsAny(s, cols...)
	}
	return id + " IN (SELECT rowid FROM " + fts + " WHERE " + fts + " MATCH ?)", []any{`"` + strings.ReplaceAll(s, `"`, `""`) + `"`}
}

// hasTrigram reports whether s holds three letters or digits in a row (what pg_trgm
// takes for a word long enough to make a trigram of a LIKE pattern).
func hasTrigram(s string) bool {
	run := 0
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if run++; run >= 3 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
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
