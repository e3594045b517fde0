package demo

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/safeduty/safeduty/internal/platform/db"
)

// bulkWriter writes generated rows: multi-row INSERTs through one prepared statement in
// large transactions on SQLite, COPY on PostgreSQL.
type bulkWriter struct{ d *db.DB }

func newBulkWriter(d *db.DB) *bulkWriter { return &bulkWriter{d: d} }

// rowsPerTx is the rows of one transaction (SQLite) or one COPY (PostgreSQL).
const rowsPerTx = 100_000

// write writes n rows of table drawn by next, reporting each batch to p.
func (w *bulkWriter) write(ctx context.Context, table string, cols []string, n int, next func() []any, p *progress) error {
	for done := 0; done < n; {
		m := min(rowsPerTx, n-done)
		var err error
		if w.d.Engine() == db.Postgres {
			err = w.copy(ctx, table, cols, m, next, p)
		} else {
			err = w.insert(ctx, table, cols, m, next, p)
		}
		if err != nil {
			return err
		}
		done += m
	}
	return nil
}

// insert writes n rows in one transaction, as many to a statement as the bound-parameter
// limit allows, reusing one prepared statement for the full chunks so SQLite parses it once.
func (w *bulkWriter) insert(ctx context.Context, table string, cols []string, n int, next func() []any, p *progress) error {
	per := min(maxArgs/len(cols), maxRows)
	return w.d.Tx(ctx, func(tx *db.Tx) error {
		var full *db.Stmt
		defer func() {
			if full != nil {
				full.Close()
			}
		}()
		args := make([]any, 0, per*len(cols))
		for done := 0; done < n; {
			m := min(per, n-done)
			args = args[:0]
			for range m {
				args = append(args, next()...)
			}
			if m == per {
				if full == nil {
					var err error
					if full, err = tx.Prepare(ctx, insertSQL(table, cols, per)); err != nil {
						return err
					}
				}
				if _, err := full.Exec(ctx, args...); err != nil {
					return err
				}
			} else if _, err := tx.Exec(ctx, insertSQL(table, cols, m), args...); err != nil {
				return err
			}
			done += m
			p.add(m)
		}
		return nil
	})
}

func insertSQL(table string, cols []string, rows int) string {
	one := "(" + db.Placeholders(len(cols)) + ")"
	var q strings.Builder
	q.Grow(32 + len(table) + 12*len(cols) + rows*(len(one)+2))
	q.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
	for i := range rows {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(one)
	}
	return q.String()
}

// copy writes n rows with PostgreSQL's COPY, through pgx's CopyFrom on the pool's
// underlying connection, drawing each row as COPY asks for it.
func (w *bulkWriter) copy(ctx context.Context, table string, cols []string, n int, next func() []any, p *progress) error {
	conn, err := w.d.Pool().Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	done := 0
	rows := pgx.CopyFromFunc(func() ([]any, error) {
		if done == n {
			return nil, nil
		}
		done++
		if done%1000 == 0 {
			p.add(1000)
		}
		return copyValues(next()), nil
	})
	err = conn.Raw(func(dc any) error {
		_, err := dc.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, rows)
		return err
	})
	p.add(done % 1000)
	return err
}

// copyValues gives COPY the values the database/sql path would: ids as integers, times in
// UTC at microsecond precision.
func copyValues(row []any) []any {
	for i, v := range row {
		switch v := v.(type) {
		case db.ID:
			row[i] = int64(v)
		case time.Time:
			row[i] = v.UTC().Truncate(time.Microsecond)
		}
	}
	return row
}
