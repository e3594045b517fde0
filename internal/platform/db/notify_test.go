package db_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

// inbox collects what a listener receives and its connection states.
type inbox struct {
	mu       sync.Mutex
	payloads []string
	states   []bool
	changed  chan struct{}
}

func newInbox() *inbox { return &inbox{changed: make(chan struct{}, 100)} }

func (b *inbox) notify(p string) {
	b.mu.Lock()
	b.payloads = append(b.payloads, p)
	b.mu.Unlock()
	b.changed <- struct{}{}
}

func (b *inbox) state(on bool) {
	b.mu.Lock()
	b.states = append(b.states, on)
	b.mu.Unlock()
	b.changed <- struct{}{}
}

// waitFor waits (at most 10 s: the machine may be loaded) until ok holds.
func (b *inbox) waitFor(t *testing.T, what string, ok func(payloads []string, states []bool) bool) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		b.mu.Lock()
		done := ok(append([]string(nil), b.payloads...), append([]bool(nil), b.states...))
		b.mu.Unlock()
		if done {
			return
		}
		select {
		case <-b.changed:
		case <-deadline:
			b.mu.Lock()
			defer b.mu.Unlock()
			t.Fatalf("%s: not within 10 s (payloads %q, states %v)", what, b.payloads, b.states)
		}
	}
}

func (b *inbox) has(p string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, x := range b.payloads {
		if x == p {
			return true
		}
	}
	return false
}

func connected(_ []string, states []bool) bool { return len(states) > 0 && states[len(states)-1] }

func contains(p string) func([]string, []bool) bool {
	return func(payloads []string, _ []bool) bool {
		for _, x := range payloads {
			if x == p {
				return true
			}
		}
		return false
	}
}

// A notification reaches this process's listeners as soon as the commit returns, and
// never when the transaction rolls back.
func TestNotify_DeliveredAtCommitOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		b := newInbox()
		d.Listen(ctx, "test_channel", b.notify, b.state)
		b.waitFor(t, "listening", connected)

		err := d.Tx(ctx, func(tx *db.Tx) error {
			if err := tx.Notify(ctx, "test_channel", "rolled back"); err != nil {
				return err
			}
			return errors.New("roll back")
		})
		if err == nil {
			t.Fatal("the transaction did not fail")
		}
		if err := d.Tx(ctx, func(tx *db.Tx) error {
			if err := tx.Notify(ctx, "test_channel", "u:7"); err != nil {
				return err
			}
			if b.has("u:7") {
				t.Error("delivered before the commit")
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if !b.has("u:7") {
			t.Error("not delivered to this process when the commit returned")
		}
		if err := d.Tx(ctx, func(tx *db.Tx) error { return tx.NotifyWait(ctx, "test_channel", "s:9") }); err != nil {
			t.Fatal(err)
		}
		if !b.has("s:9") {
			t.Error("NotifyWait not delivered when the commit returned")
		}
		if b.has("rolled back") {
			t.Error("a rolled-back transaction's notification was delivered")
		}
	})
}

// pgPair opens two handles on one fresh PostgreSQL database, as two server processes would.
func pgPair(t *testing.T) (*db.DB, *db.DB) {
	t.Helper()
	if len(dbtest.Engines()) < 2 {
		t.Skipf("%s is not set", dbtest.EnvPostgres)
	}
	cfg := dbtest.Config(t, db.Postgres)
	open := func() *db.DB {
		d, err := db.Open(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		return d
	}
	return open(), open()
}

// listenerPIDs returns the server processes of the LISTEN connections on d's database.
func listenerPIDs(t *testing.T, d *db.DB) []string {
	t.Helper()
	return dbtest.Strings(t, d, `SELECT pid::text FROM pg_stat_activity
		WHERE datname = current_database() AND application_name LIKE 'safeduty listen %' ORDER BY pid`)
}

// On PostgreSQL a notification committed through one handle reaches the listener of
// another; a listener whose connection is killed says so, reconnects, and receives again.
func TestNotify_PostgresAcrossHandlesAndReconnect(t *testing.T) {
	a, b := pgPair(t)
	ctx := t.Context()
	in, own := newInbox(), newInbox()
	a.Listen(ctx, "test_channel", own.notify, own.state)
	own.waitFor(t, "listening", connected)
	aPIDs := listenerPIDs(t, a)
	b.Listen(ctx, "test_channel", in.notify, in.state)
	in.waitFor(t, "listening", connected)

	// NotifyWait returns once every listener has run its callback: no waiting after it.
	if err := a.Tx(ctx, func(tx *db.Tx) error { return tx.NotifyWait(ctx, "test_channel", "u:1") }); err != nil {
		t.Fatal(err)
	}
	if !in.has("u:1") {
		t.Error("NotifyWait returned before the other handle's listener had the notification")
	}

	var pids []string
	for _, p := range listenerPIDs(t, a) {
		if p != aPIDs[0] {
			pids = append(pids, p)
		}
	}
	if len(pids) != 1 {
		t.Fatalf("listener connections: %v, want one besides a's %v", pids, aPIDs)
	}
	if _, err := a.Exec(ctx, `SELECT pg_terminate_backend(`+pids[0]+`)`); err != nil {
		t.Fatal(err)
	}
	in.waitFor(t, "the lost connection reported", func(_ []string, states []bool) bool {
		return len(states) >= 3 && !states[2] // false (start), true, false (lost)
	})
	in.waitFor(t, "listening again", func(_ []string, states []bool) bool {
		return len(states) >= 4 && states[len(states)-1]
	})
	if err := a.Tx(ctx, func(tx *db.Tx) error { return tx.Notify(ctx, "test_channel", "u:2") }); err != nil {
		t.Fatal(err)
	}
	in.waitFor(t, "a notification after the reconnection", contains("u:2"))
}

// Closing the database ends its PostgreSQL listener (its connection is gone).
func TestNotify_PostgresListenerEndsWithClose(t *testing.T) {
	a, b := pgPair(t)
	in := newInbox()
	b.Listen(context.Background(), "test_channel", in.notify, in.state)
	in.waitFor(t, "listening", connected)
	b.Close()
	in.waitFor(t, "stopped", func(_ []string, states []bool) bool { return len(states) >= 3 && !states[len(states)-1] })
	deadline := time.Now().Add(10 * time.Second)
	for len(listenerPIDs(t, a)) > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the listener's connection outlived Close")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
