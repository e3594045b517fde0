package db_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

// BenchmarkTxConcurrent: 50 goroutines (on 2 cores) each writing a row and an audit-like
// row in a Tx, on SQLite with synchronous=FULL, with one COMMIT per Tx (as before group
// commit) and with group commit, in the same run:
//
//	go test ./internal/platform/db -run '^$' -bench TxConcurrent -benchtime 5s -count 3
func BenchmarkTxConcurrent(b *testing.B) {
	for _, mode := range []struct {
		name  string
		group bool
	}{{"one-commit-each", false}, {"group-commit", true}} {
		b.Run(mode.name, func(b *testing.B) {
			d := dbtest.New(b, db.SQLite)
			d.SetGroupCommit(mode.group)
			ctx := context.Background()
			var seq atomic.Int64
			before := d.Batches()
			b.SetParallelism(25) // × GOMAXPROCS goroutines
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					n := seq.Add(1)
					err := d.Tx(ctx, func(tx *db.Tx) error {
						code := fmt.Sprintf("b-%d", n)
						if _, err := tx.Exec(ctx, `INSERT INTO industries (code, name_zh, name_en) VALUES (?, ?, ?)`, code, "行业", "Industry"); err != nil {
							return err
						}
						_, err := tx.Exec(ctx, `INSERT INTO audit_log (at, username, action, object_type, object_id, result) VALUES (?, ?, ?, ?, ?, ?)`,
							time.Now(), "bench", "industry.create", "industry", n, "ok")
						return err
					})
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			if mode.group {
				b.ReportMetric(float64(b.N)/float64(max(d.Batches()-before, 1)), "tx/commit")
			}
		})
	}
}
