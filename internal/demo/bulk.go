package demo

import (
	"context"
	"database/sql"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/db"
)

// maxArgs keeps every multi-row statement well below the engines' limits on bound
// parameters (SQLite 32,766; PostgreSQL 65,535).
const maxArgs = 30000

// maxRows caps the rows of one statement so statements stay a reasonable size.
const maxRows = 1000

// insertRows inserts rows into table with as few multi-row INSERT statements as the
// limits allow. With returning (e.g. "id, code") each returned row goes to scan; rows
// come back in no particular order (SQLite promises none), so scan must match them on a
// unique column, never on position.
func (b *builder) insertRows(ctx context.Context, table string, cols []string, rows [][]any, returning string, scan func(*sql.Rows) error) error {
	per := maxArgs / len(cols)
	if per > maxRows {
		per = maxRows
	}
	one := "(" + db.Placeholders(len(cols)) + ")"
	head := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	for len(rows) > 0 {
		n := min(per, len(rows))
		chunk := rows[:n]
		rows = rows[n:]
		var q strings.Builder
		q.Grow(len(head) + n*(len(one)+2) + len(returning) + 12)
		q.WriteString(head)
		args := make([]any, 0, n*len(cols))
		for i, r := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(one)
			args = append(args, r...)
		}
		if returning == "" {
			if _, err := b.tx.Exec(ctx, q.String(), args...); err != nil {
				return err
			}
			continue
		}
		q.WriteString(" RETURNING " + returning)
		if err := b.query(ctx, q.String(), args, scan); err != nil {
			return err
		}
	}
	return nil
}

// insertKeyed inserts rows as insertRows does and hands setID the id each row was
// stored under with the value of its key column (unique among rows), so the records the
// rows came from learn their ids.
func (b *builder) insertKeyed(ctx context.Context, table string, cols []string, rows [][]any, key string, setID func(key string, id db.ID)) error {
	return b.insertRows(ctx, table, cols, rows, "id, "+key, func(r *sql.Rows) error {
		var id db.ID
		var k string
		if err := r.Scan(&id, &k); err != nil {
			return err
		}
		setID(k, id)
		return nil
	})
}

// query runs q and hands each row to scan.
func (b *builder) query(ctx context.Context, q string, args []any, scan func(*sql.Rows) error) error {
	rs, err := b.tx.Query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rs.Close()
	for rs.Next() {
		if err := scan(rs); err != nil {
			return err
		}
	}
	return rs.Err()
}
