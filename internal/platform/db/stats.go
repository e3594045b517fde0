package db

import (
	"context"
	"fmt"
)

// Statistics for the query planners. PostgreSQL's autovacuum keeps its own; SQLite keeps
// none until asked, and plans from the schema alone. Analyze is for after a bulk load
// (the enterprise import, the city-dataset generator), Optimize for refreshing SQLite's
// where they are missing or stale. Neither runs at start or daily yet: with statistics
// SQLite picks worse plans for some hazard lists and the exports (docs/PERFORMANCE.md,
// "Statistics for SQLite: measured, not switched on").

// Analyze gathers the planner's statistics of every table (SQLite and PostgreSQL ANALYZE).
// Call it after loading many rows at once.
func (d *DB) Analyze(ctx context.Context) error {
	if _, err := d.write.ExecContext(ctx, `ANALYZE`); err != nil {
		return fmt.Errorf("analyze: %w", mapErr(d.engine, err))
	}
	return nil
}

// Optimize refreshes SQLite's statistics where they are missing or stale (PRAGMA
// optimize, with SQLite's own sampling limit); on PostgreSQL it does nothing, autovacuum's
// ANALYZE does it there. The 0x10000 flag makes it look at every table, not only at those
// the write connection itself queried (the reads run on the other pool).
func (d *DB) Optimize(ctx context.Context) error {
	if d.engine != SQLite {
		return nil
	}
	if _, err := d.write.ExecContext(ctx, `PRAGMA optimize=0x10002`); err != nil {
		return fmt.Errorf("optimize: %w", mapErr(d.engine, err))
	}
	return nil
}
