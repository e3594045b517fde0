package db

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// Group commit on SQLite. With synchronous=FULL every COMMIT waits for the disk; one
// commit per request would make the disk's flush rate the write rate. So concurrent Tx
// calls share one transaction: the first caller to arrive leads a batch (BEGIN IMMEDIATE
// on the one write connection), runs its own fn inside a SAVEPOINT, then hands the
// transaction in turn to each caller already queued (up to maxBatch), each of which runs
// its fn on its own goroutine inside its own SAVEPOINT; then the leader COMMITs once for
// all of them and hands the lead to the next caller in the queue, if any.
//
//   - A failing (or panicking) fn is rolled back to its savepoint; its caller gets its
//     error (or panic) at once and the others of the batch go on.
//   - A caller's context is checked before each of its statements; statements themselves
//     run uncancelled, since interrupting a write makes SQLite roll back the whole
//     transaction, which would fail the other callers of the batch.
//   - When SQLite rolled the whole transaction back (ROLLBACK TO or RELEASE fails, e.g.
//     after SQLITE_FULL or SQLITE_IOERR) or the COMMIT fails, every caller of the batch
//     whose fn succeeded gets an error, and nothing of the batch is written.
//   - A successful caller returns only after the COMMIT, and its AfterCommit functions
//     run then, on its own goroutine.
//
// There is no waiting for more callers: a batch is whatever queued while the previous
// one ran, so a lone writer pays nothing. PostgreSQL keeps plain transactions; its server
// does group commit itself.

// maxBatch caps the callers sharing one commit, so that a batch cannot grow for ever
// while callers keep arriving.
const maxBatch = 64

// group is the queue of SQLite writers waiting for a batch.
type group struct {
	mu      sync.Mutex
	queue   []*member
	busy    bool  // a leader is running a batch
	batches int64 // batches committed or failed since open (for tests)
}

// member is one Tx call waiting for, or taking, its turn in a batch.
type member struct {
	ctx      context.Context
	fn       func(*Tx) error
	turn     chan *batch   // the leader hands over the batch's transaction
	lead     chan struct{} // this caller leads the next batch
	tx       *Tx
	err      error // fn's own failure (rolled back to its savepoint)
	panicked any
	didPanic bool
}

// batch is one shared transaction.
type batch struct {
	tx     *sql.Tx
	back   chan struct{} // a member is done with the transaction
	done   chan struct{} // closed once the batch committed or failed
	broken error         // SQLite rolled the whole transaction back
	err    error         // the batch's outcome, for members whose fn succeeded
}

func (d *DB) groupTx(ctx context.Context, fn func(*Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m := &member{ctx: ctx, fn: fn, turn: make(chan *batch, 1), lead: make(chan struct{}, 1)}
	g := &d.group
	g.mu.Lock()
	leader := !g.busy
	if leader {
		g.busy = true
	} else {
		g.queue = append(g.queue, m)
	}
	g.mu.Unlock()
	if !leader {
		select {
		case b := <-m.turn:
			return d.follow(m, b)
		case <-m.lead:
		case <-ctx.Done():
			if g.leave(m) {
				return ctx.Err()
			}
			// The leader has just picked this caller: its signal is on the way. The
			// cancelled context makes it skip fn.
			select {
			case b := <-m.turn:
				return d.follow(m, b)
			case <-m.lead:
			}
		}
	}
	return d.lead(m)
}

// leave takes m out of the queue and reports whether it was still there.
func (g *group) leave(m *member) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for i, x := range g.queue {
		if x == m {
			g.queue = append(g.queue[:i], g.queue[i+1:]...)
			return true
		}
	}
	return false
}

// next pops the first queued member, or returns nil.
func (g *group) next() *member {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.queue) == 0 {
		return nil
	}
	m := g.queue[0]
	g.queue[0] = nil
	g.queue = g.queue[1:]
	return m
}

// handOff gives the lead to the first queued member, or marks the group idle.
func (g *group) handOff() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.queue) == 0 {
		g.busy = false
		return
	}
	m := g.queue[0]
	g.queue[0] = nil
	g.queue = g.queue[1:]
	m.lead <- struct{}{}
}

// lead runs one batch with m first, then the callers queued meanwhile.
func (d *DB) lead(m *member) error {
	g := &d.group
	// The batch outlives any one caller's context: it is begun without one.
	stx, err := d.write.BeginTx(context.Background(), nil)
	if err != nil {
		g.handOff()
		return mapErr(d.engine, err)
	}
	b := &batch{tx: stx, back: make(chan struct{}), done: make(chan struct{})}
	d.runMember(b, m)
	n := 1
	for n < maxBatch && b.broken == nil {
		f := g.next()
		if f == nil {
			break
		}
		f.turn <- b
		<-b.back
		n++
	}
	b.finish(d.engine)
	g.mu.Lock()
	g.batches++
	g.mu.Unlock()
	g.handOff()
	close(b.done)
	return d.result(m, b)
}

// follow runs m's fn in the batch the leader handed over, then waits for its commit.
func (d *DB) follow(m *member, b *batch) error {
	d.runMember(b, m)
	b.back <- struct{}{}
	if m.didPanic || m.err != nil {
		return d.result(m, b) // rolled back already: no need to wait for the others
	}
	<-b.done
	return d.result(m, b)
}

// runMember runs m.fn inside a savepoint of the batch, on the calling goroutine.
func (d *DB) runMember(b *batch, m *member) {
	if err := m.ctx.Err(); err != nil {
		m.err = err
		return
	}
	bg := context.Background()
	if _, err := b.tx.ExecContext(bg, "SAVEPOINT member"); err != nil {
		b.broken = err
		return
	}
	m.tx = &Tx{tx: b.tx, db: d, grouped: true, stmts: d.writeStmts}
	func() {
		defer func() {
			if p := recover(); p != nil {
				m.panicked, m.didPanic = p, true
			}
		}()
		m.err = m.fn(m.tx)
	}()
	if m.err == nil && !m.didPanic {
		if _, err := b.tx.ExecContext(bg, "RELEASE member"); err != nil {
			b.broken = err
		}
		return
	}
	if _, err := b.tx.ExecContext(bg, "ROLLBACK TO member"); err != nil {
		b.broken = err
		return
	}
	if _, err := b.tx.ExecContext(bg, "RELEASE member"); err != nil {
		b.broken = err
	}
}

// finish commits the batch, or rolls it back when SQLite already rolled it back.
func (b *batch) finish(engine Engine) {
	if b.broken != nil {
		_ = b.tx.Rollback()
		b.err = fmt.Errorf("transaction rolled back with the others of its group commit: %w", mapErr(engine, b.broken))
		return
	}
	// COMMIT as a statement, so that a failed COMMIT (which leaves SQLite's transaction
	// open, e.g. for a deferred foreign key) is rolled back below instead of leaving the
	// write connection inside a transaction.
	_, err := b.tx.ExecContext(context.Background(), "COMMIT")
	rerr := b.tx.Rollback() // after a successful COMMIT: "no transaction is active"
	if err != nil {
		b.err = fmt.Errorf("commit of a group: %w", mapErr(engine, err))
		return
	}
	_ = rerr
}

// result is what m's caller gets: its panic, its own error, the batch's error, or nil
// after running its AfterCommit functions.
func (d *DB) result(m *member, b *batch) error {
	if m.didPanic {
		panic(m.panicked)
	}
	if m.err != nil {
		return m.err
	}
	if b.err != nil {
		return b.err
	}
	if m.tx != nil {
		for _, f := range m.tx.afterCommit {
			f()
		}
	}
	return nil
}

// groupCtx is the context a statement of a grouped transaction runs with: none when the
// caller's has ended (the statement is not run), else the caller's without its
// cancellation (see above).
func groupCtx(ctx context.Context) (context.Context, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return context.WithoutCancel(ctx), nil
}
