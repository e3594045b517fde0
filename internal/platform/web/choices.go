package web

import (
	"context"

	"github.com/safeduty/safeduty/internal/platform/db"
)

// NamedChoices runs query, which selects a record's ID and name, and returns its rows,
// in order, as the choices mk makes of them (a filter's towns, a list's leaders).
func NamedChoices[C any](ctx context.Context, d *db.DB, mk func(id db.ID, name string) C, query string, args ...any) ([]C, error) {
	var out []C
	if err := EachNamed(ctx, d, func(id db.ID, name string) { out = append(out, mk(id, name)) }, query, args...); err != nil {
		return nil, err
	}
	return out, nil
}

// EachNamed runs query, which selects a record's ID and name, and hands each row to fn
// (the names a page shows for the IDs it holds).
func EachNamed(ctx context.Context, d *db.DB, fn func(id db.ID, name string), query string, args ...any) error {
	rows, err := d.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id db.ID
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		fn(id, name)
	}
	return rows.Err()
}

// Collect returns the function a store's List calls for each row, appending it to
// *items: `total, err := m.List(ctx, p, f, lp, web.Collect(&v.Items))`.
func Collect[T any](items *[]T) func(T) error {
	return func(x T) error {
		*items = append(*items, x)
		return nil
	}
}
