package db

// Waiting is how many SQLite writers wait in the group-commit queue.
func (d *DB) Waiting() int {
	d.group.mu.Lock()
	defer d.group.mu.Unlock()
	return len(d.group.queue)
}

// Batches is how many group-commit batches ended since the database was opened.
func (d *DB) Batches() int64 {
	d.group.mu.Lock()
	defer d.group.mu.Unlock()
	return d.group.batches
}

// SetGroupCommit turns group commit on or off (off: one COMMIT per Tx, as before), for
// the benchmarks' before and after.
func (d *DB) SetGroupCommit(on bool) { d.noGroup = !on }

// CachedStatements is how many prepared statements the read and the write pools keep.
func (d *DB) CachedStatements() (read, write int) {
	if d.readStmts == nil {
		return 0, 0
	}
	return d.readStmts.len(), d.writeStmts.len()
}

// SetStmtCache turns the statement cache on or off (off: each query prepared anew, as
// before), for the benchmarks' before and after; call it while no query runs.
func (d *DB) SetStmtCache(on bool) {
	if d.engine != SQLite {
		return
	}
	if on {
		d.readStmts, d.writeStmts = newStmtCache(d.read), newStmtCache(d.write)
	} else {
		d.readStmts, d.writeStmts = nil, nil
	}
}
