package db_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

// pairCounts returns the number of rows written by the test's paired inserts.
func pairCounts(t *testing.T, d *db.DB) (industries, metas int) {
	t.Helper()
	ctx := context.Background()
	if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM industries WHERE code LIKE 'bk%'`).Scan(&industries); err != nil {
		t.Fatal(err)
	}
	if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM meta WHERE key LIKE 'bk%'`).Scan(&metas); err != nil {
		t.Fatal(err)
	}
	return industries, metas
}

// A backup taken while writers commit is one consistent instant: every transaction wrote
// one row to each of two tables, so the copy holds equal counts, and it restores.
func TestBackup_DuringConcurrentWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var n atomic.Int64
		write := func() error {
			i := n.Add(1)
			return d.Tx(ctx, func(tx *db.Tx) error {
				if _, err := tx.Exec(ctx, `INSERT INTO industries (code, name_zh, name_en) VALUES (?, '行业', 'industry')`, fmt.Sprintf("bk%d", i)); err != nil {
					return err
				}
				_, err := tx.Exec(ctx, `INSERT INTO meta (key, value) VALUES (?, 'v')`, fmt.Sprintf("bk%d", i))
				return err
			})
		}
		for range 50 {
			if err := write(); err != nil {
				t.Fatal(err)
			}
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var writeErr atomic.Value
		for range 3 {
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					if err := write(); err != nil {
						writeErr.Store(err)
						return
					}
				}
			})
		}
		file := filepath.Join(t.TempDir(), "backup.db")
		err := d.Backup(ctx, file)
		close(stop)
		wg.Wait()
		if err != nil {
			t.Fatalf("backup: %v", err)
		}
		if v := writeErr.Load(); v != nil {
			t.Fatalf("concurrent write failed during backup: %v", v)
		}
		if err := d.Backup(ctx, file); err == nil {
			t.Error("backup over an existing file succeeded; want an error")
		}

		cfg := dbtest.Config(t, d.Engine())
		if err := db.Restore(ctx, cfg, file); err != nil {
			t.Fatalf("restore: %v", err)
		}
		copy, err := db.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer copy.Close()
		inds, metas := pairCounts(t, copy)
		if inds != metas {
			t.Errorf("copy is torn: %d industries but %d meta rows", inds, metas)
		}
		if inds < 50 || int64(inds) > n.Load() {
			t.Errorf("copy holds %d pairs; want between 50 and %d", inds, n.Load())
		}
		if _, err := copy.Migrate(ctx, nil); err != nil {
			t.Errorf("restored copy does not migrate: %v", err)
		}
	})
}

func TestRestore_RefusesWrongFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	bogus := filepath.Join(dir, "notes.txt")
	if err := writeFile(bogus, "hello, this is not a database"); err != nil {
		t.Fatal(err)
	}
	if err := db.Restore(ctx, db.Config{DataDir: dir}, bogus); err == nil {
		t.Error("restore of a text file succeeded; want an error")
	}
	// The server holds the data folder's lock: restore must refuse.
	d := dbtest.New(t, db.SQLite)
	file := filepath.Join(dir, "good.db")
	if err := d.Backup(ctx, file); err != nil {
		t.Fatal(err)
	}
	target := t.TempDir()
	unlock, err := db.LockDataDir(target)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if err := db.Restore(ctx, db.Config{DataDir: target}, file); err == nil {
		t.Error("restore while the data folder is locked succeeded; want an error")
	}
}
