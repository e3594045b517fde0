package db

import (
	"context"
	"fmt"
)

// Statistics for the query planners. PostgreSQL's autovacuum keeps its own; SQLite keeps
// none until asked, and plans from the schema alone. So SQLite runs PRAGMA optimize once
// the schema is migrated and daily (the db.optimize job), which analyzes only the tables
// whose statistics are missing or stale; and both engines run ANALYZE after a bulk load
// (the demo build, the enterprise import, the city-dataset generator), which would
// otherwise leave the planner with the figures of a nearly empty database until the next
// automatic run.

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
