package db_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

func loadIndustries(t *testing.T, d *db.DB, n int) {
	t.Helper()
	ctx := context.Background()
	err := d.Tx(ctx, func(tx *db.Tx) error {
		for i := range n {
			if err := insertIndustry(ctx, tx, fmt.Sprintf("s-%04d", i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Analyze leaves the planner statistics of a loaded table on both engines.
func TestAnalyze_GathersStatistics(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		loadIndustries(t, d, 500)
		if err := d.Analyze(context.Background()); err != nil {
			t.Fatal(err)
		}
		var n int
		switch d.Engine() {
		case db.SQLite:
			n = dbtest.Int(t, d, `SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'industries'`)
		case db.Postgres:
			n = dbtest.Int(t, d, `SELECT COUNT(*) FROM pg_stat_user_tables WHERE relname = 'industries' AND last_analyze IS NOT NULL`)
		}
		if n == 0 {
			t.Error("no statistics of industries after Analyze")
		}
	})
}

// Optimize analyzes on SQLite the tables that have no statistics yet (also those only the
// read pool queried), and does nothing on PostgreSQL.
func TestOptimize_AnalyzesTablesWithoutStatistics(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		loadIndustries(t, d, 500)
		if err := d.Optimize(context.Background()); err != nil {
			t.Fatal(err)
		}
		if d.Engine() != db.SQLite {
			return
		}
		if n := dbtest.Int(t, d, `SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'industries'`); n == 0 {
			t.Error("no statistics of industries after Optimize")
		}
	})
}
