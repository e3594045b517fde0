package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
	"github.com/safeduty/safeduty/internal/platform/jobs"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// Several processes sharing one database: a due job runs exactly once per period.
func TestRunner_OnceAcrossProcesses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fc := clock.NewFake(time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC))
		var runs atomic.Int32
		job := jobs.Job{Name: "count", Every: time.Hour, Run: func(ctx context.Context, now time.Time) error {
			runs.Add(1)
			return nil
		}}
		var runners []*jobs.Runner
		for i := range 4 {
			r := &jobs.Runner{DB: d, Clock: fc, Log: quiet, Holder: string(rune('a' + i))}
			r.Add(job)
			runners = append(runners, r)
		}
		runAll := func() {
			var wg sync.WaitGroup
			for _, r := range runners {
				wg.Go(func() {
					if err := r.RunDue(ctx); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
		}
		runAll()
		runAll()
		if n := runs.Load(); n != 1 {
			t.Fatalf("ran %d times in the first period, want 1", n)
		}
		fc.Advance(59 * time.Minute)
		runAll()
		if n := runs.Load(); n != 1 {
			t.Fatalf("ran again before the period ended: %d", n)
		}
		fc.Advance(time.Minute)
		runAll()
		if n := runs.Load(); n != 2 {
			t.Fatalf("ran %d times after two periods, want 2", n)
		}
	})
}

// A failure is recorded, and a lease left by a dead process expires.
func TestRunner_FailureAndLeaseExpiry(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fc := clock.NewFake(time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC))
		r := &jobs.Runner{DB: d, Clock: fc, Log: quiet, Holder: "a"}
		r.Add(jobs.Job{Name: "fail", Every: time.Minute, Run: func(context.Context, time.Time) error { return errors.New("boom") }})
		r.Add(jobs.Job{Name: "panic", Every: time.Minute, Run: func(context.Context, time.Time) error { panic("oops") }})
		if err := r.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		st, err := r.Statuses(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(st) != 2 || st[0].LastError != "boom" || st[1].LastError != "panic: oops" || st[0].Runs != 1 {
			t.Fatalf("statuses = %+v", st)
		}

		// A process takes the lease and dies.
		var ran atomic.Int32
		dead := &jobs.Runner{DB: d, Clock: fc, Log: quiet, Holder: "dead"}
		block, started, deadDone := make(chan struct{}), make(chan struct{}), make(chan error, 1)
		dead.Add(jobs.Job{Name: "work", Every: time.Hour, Lease: 10 * time.Minute, Run: func(ctx context.Context, _ time.Time) error {
			close(started) // the lease is taken before a job runs
			<-block
			return nil
		}})
		go func() { deadDone <- dead.RunDue(ctx) }()
		unblock := sync.OnceFunc(func() { close(block) })
		t.Cleanup(unblock) // should the test stop early
		alive := &jobs.Runner{DB: d, Clock: fc, Log: quiet, Holder: "alive"}
		alive.Add(jobs.Job{Name: "work", Every: time.Hour, Lease: 10 * time.Minute, Run: func(context.Context, time.Time) error {
			ran.Add(1)
			return nil
		}})
		select {
		case <-started:
		case err := <-deadDone:
			t.Fatalf("the first process did not run the job: %v", err)
		case <-time.After(30 * time.Second): // a bound for a hung test, not a measurement
			t.Fatal("the first process never started the job")
		}
		if err := alive.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		if ran.Load() != 0 {
			t.Fatal("ran while another process held a live lease")
		}
		fc.Advance(11 * time.Minute)
		if err := alive.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		if ran.Load() != 1 {
			t.Fatal("did not take over an expired lease")
		}
		unblock()
		if err := <-deadDone; err != nil {
			t.Errorf("the first process, ending its run: %v", err)
		}
	})
}
