package db_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

// waitQueued waits until n SQLite writers queue behind the running batch, so that a test
// knows which callers share a commit. PostgreSQL has no queue: it returns at once.
func waitQueued(t *testing.T, d *db.DB, n int) {
	t.Helper()
	if d.Engine() != db.SQLite {
		return
	}
	deadline := time.Now().Add(10 * time.Second)
	for d.Waiting() != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d writers queued, want %d", d.Waiting(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func insertIndustry(ctx context.Context, tx *db.Tx, code string) error {
	_, err := tx.Exec(ctx, `INSERT INTO industries (code, name_zh, name_en) VALUES (?, ?, ?)`, code, "行业"+code, "Industry "+code)
	return err
}

func industries(t *testing.T, d *db.DB) []string {
	t.Helper()
	return dbtest.Strings(t, d, `SELECT code FROM industries WHERE code LIKE 'g-%' ORDER BY code`)
}

// Callers that share one commit keep their own outcomes: a failing fn, a panicking fn
// and a cancelled caller leave nothing behind and do not affect the others, whose work is
// committed (and visible to readers) before they return and before their AfterCommit
// functions run.
func TestTx_GroupCommitKeepsEachCallersOutcome(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		before := d.Batches()
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			results  = map[string]error{}
			after    = map[string]int{} // callers' AfterCommit: rows a reader saw then
			panicked any
		)
		record := func(name string, err error) {
			mu.Lock()
			defer mu.Unlock()
			results[name] = err
		}
		afterCommit := func(tx *db.Tx, name string) {
			tx.AfterCommit(func() {
				n := dbtest.Int(t, d, `SELECT COUNT(*) FROM industries WHERE code = ?`, name)
				mu.Lock()
				defer mu.Unlock()
				after[name] = n
			})
		}
		start := func(name string, ctx context.Context, fn func(*db.Tx) error) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				record(name, d.Tx(ctx, fn))
			}()
		}
		errOwn := errors.New("own failure")
		cancelQueued, cancelQueuedFn := context.WithCancel(ctx)
		defer cancelQueuedFn()
		leaderIn := make(chan struct{})
		release := make(chan struct{})
		start("g-a", ctx, func(tx *db.Tx) error {
			close(leaderIn)
			<-release // the others queue behind this one meanwhile
			afterCommit(tx, "g-a")
			return insertIndustry(ctx, tx, "g-a")
		})
		<-leaderIn
		start("g-b", ctx, func(tx *db.Tx) error {
			afterCommit(tx, "g-b")
			return insertIndustry(ctx, tx, "g-b")
		})
		start("g-c", ctx, func(tx *db.Tx) error {
			afterCommit(tx, "g-c")
			if err := insertIndustry(ctx, tx, "g-c"); err != nil {
				return err
			}
			return errOwn
		})
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				mu.Lock()
				defer mu.Unlock()
				panicked = recover()
			}()
			_ = d.Tx(ctx, func(tx *db.Tx) error {
				afterCommit(tx, "g-d")
				if err := insertIndustry(ctx, tx, "g-d"); err != nil {
					return err
				}
				panic("boom in g-d")
			})
		}()
		cancelMidway, cancelMidwayFn := context.WithCancel(ctx)
		start("g-e", cancelMidway, func(tx *db.Tx) error {
			afterCommit(tx, "g-e")
			if err := insertIndustry(cancelMidway, tx, "g-e"); err != nil {
				return err
			}
			cancelMidwayFn()
			return insertIndustry(cancelMidway, tx, "g-e2")
		})
		if d.Engine() != db.SQLite {
			cancelQueuedFn() // no queue to leave: cancelled before the call
		}
		start("g-f", cancelQueued, func(tx *db.Tx) error {
			return insertIndustry(ctx, tx, "g-f")
		})
		waitQueued(t, d, 5)
		cancelQueuedFn() // g-f leaves the queue before its turn
		waitQueued(t, d, 4)
		close(release)
		wg.Wait()

		want := map[string]error{"g-a": nil, "g-b": nil, "g-c": errOwn, "g-e": context.Canceled, "g-f": context.Canceled}
		for name, w := range want {
			if got := results[name]; !errors.Is(got, w) || (w == nil && got != nil) {
				t.Errorf("%s: Tx = %v, want %v", name, got, w)
			}
		}
		if panicked != "boom in g-d" {
			t.Errorf("panic seen by g-d's caller = %v, want boom in g-d", panicked)
		}
		if diff := cmp.Diff([]string{"g-a", "g-b"}, industries(t, d)); diff != "" {
			t.Errorf("rows written (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(map[string]int{"g-a": 1, "g-b": 1}, after); diff != "" {
			t.Errorf("AfterCommit runs and the rows a reader saw in them (-want +got):\n%s", diff)
		}
		if d.Engine() == db.SQLite {
			if n := d.Batches() - before; n != 1 {
				t.Errorf("%d batches, want the six callers in one", n)
			}
		}
		// The write connection is left clean: the next transaction works alone.
		if err := d.Tx(ctx, func(tx *db.Tx) error { return insertIndustry(ctx, tx, "g-z") }); err != nil {
			t.Fatalf("next Tx: %v", err)
		}
	})
}

// When the batch's transaction is lost, every caller of the batch gets an error and
// nothing of the batch is written: a COMMIT that fails (a deferred foreign key), and a
// transaction SQLite rolled back as a whole (as after SQLITE_FULL or SQLITE_IOERR; here a
// fn's ROLLBACK). Callers queued after the loss run in the next batch.
func TestTx_GroupCommitLostBatchFailsAll(t *testing.T) {
	d := dbtest.New(t, db.SQLite)
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		spoil func(tx *db.Tx) error
	}{
		{"commit fails", func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO unit_industries (org_id, industry) VALUES (?, ?)`, 999999, "nowhere")
			return err
		}},
		{"rolled back whole", func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `ROLLBACK`); err != nil {
				return err
			}
			return errors.New("spoiled")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.name[:1] + "-"
			var wg sync.WaitGroup
			errs := make([]error, 4)
			leaderIn, release := make(chan struct{}), make(chan struct{})
			run := func(i int, fn func(*db.Tx) error) {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs[i] = d.Tx(ctx, fn)
				}()
			}
			run(0, func(tx *db.Tx) error {
				close(leaderIn)
				<-release
				return insertIndustry(ctx, tx, "g-"+p+"leader")
			})
			<-leaderIn
			run(1, func(tx *db.Tx) error { return insertIndustry(ctx, tx, "g-"+p+"before") })
			waitQueued(t, d, 1)
			run(2, func(tx *db.Tx) error { return tc.spoil(tx) })
			waitQueued(t, d, 2)
			run(3, func(tx *db.Tx) error { return insertIndustry(ctx, tx, "g-"+p+"after") })
			waitQueued(t, d, 3)
			close(release)
			wg.Wait()
			for i := range 3 {
				if errs[i] == nil {
					t.Errorf("caller %d of the lost batch: Tx = nil, want an error", i)
				}
			}
			want := []string{}
			if tc.name == "rolled back whole" {
				// the batch stops at the loss: the caller queued after it commits next
				if errs[3] != nil {
					t.Errorf("caller queued after the loss: Tx = %v, want nil", errs[3])
				}
				want = []string{"g-" + p + "after"}
			} else if errs[3] == nil {
				t.Errorf("caller 3 of the failed commit: Tx = nil, want an error")
			}
			got := dbtest.Strings(t, d, `SELECT code FROM industries WHERE code LIKE ? ORDER BY code`, "g-"+p+"%")
			if diff := cmp.Diff(want, append([]string{}, got...)); diff != "" {
				t.Errorf("rows written (-want +got):\n%s", diff)
			}
			if n := dbtest.Int(t, d, `SELECT COUNT(*) FROM unit_industries WHERE org_id = 999999`); n != 0 {
				t.Errorf("%d dangling rows written", n)
			}
			if err := d.Tx(ctx, func(tx *db.Tx) error { return insertIndustry(ctx, tx, "g-"+p+"next") }); err != nil {
				t.Fatalf("next Tx: %v", err)
			}
		})
	}
}

// Many concurrent writers all commit, in fewer commits than writers on SQLite.
func TestTx_ConcurrentWritersAllCommit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		const writers = 200
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for i := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- d.Tx(ctx, func(tx *db.Tx) error { return insertIndustry(ctx, tx, fmt.Sprintf("g-%03d", i)) })
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n := len(industries(t, d)); n != writers {
			t.Errorf("%d rows, want %d", n, writers)
		}
	})
}
