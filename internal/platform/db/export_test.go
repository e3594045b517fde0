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
