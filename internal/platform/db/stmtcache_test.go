package db_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

// More query texts than the cache keeps, run concurrently on the pool and in
// transactions: each gets its own answer, and the cache stays bounded (statements are
// evicted while others use them).
func TestStmtCache_BoundedAndCorrect(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		const texts = 700
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range texts {
					k := (i + w*97) % texts
					q := fmt.Sprintf("SELECT %d + ?", k)
					var got int
					var err error
					switch w % 3 {
					case 0:
						err = d.QueryRow(ctx, q, 1).Scan(&got)
					case 1:
						err = d.ReadTx(ctx, func(tx *db.Tx) error { return tx.QueryRow(ctx, q, 1).Scan(&got) })
					case 2:
						err = d.Tx(ctx, func(tx *db.Tx) error { return tx.QueryRow(ctx, q, 1).Scan(&got) })
					}
					if err == nil && got != k+1 {
						err = fmt.Errorf("%s with 1 = %d, want %d", q, got, k+1)
					}
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if d.Engine() == db.SQLite {
			r, w := d.CachedStatements()
			if r == 0 || w == 0 || r > 300 || w > 300 {
				t.Errorf("cached statements: read %d, write %d; want 1–300 each", r, w)
			}
		}
		// A statement that fails to prepare reports its error and is not cached.
		if err := d.QueryRow(ctx, `SELECT nope FROM nowhere`).Scan(new(int)); err == nil {
			t.Error("query of a missing table: no error")
		}
	})
}
