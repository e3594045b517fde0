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
