package jobs_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
	"github.com/safeduty/safeduty/internal/platform/jobs"
)

// twoHandles opens one fresh PostgreSQL database twice, as two server processes would:
// two pools, no connection or Go state in common. Skipped without PostgreSQL (several
// processes on one database is a PostgreSQL deployment; SQLite's data folder is locked
// by one server).
func twoHandles(t *testing.T) (*db.DB, *db.DB, db.Config) {
	t.Helper()
	cfg := dbtest.Config(t, db.Postgres) // skips when SAFEDUTY_TEST_POSTGRES is unset
	var out [2]*db.DB
	for i := range out {
		d, err := db.Open(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		out[i] = d
	}
	return out[0], out[1], cfg
}

// runLog counts a job's runs per period (the clock's time, truncated to the period).
type runLog struct {
	mu  sync.Mutex
	per map[time.Time][]string
}

func (l *runLog) job(holder string, every time.Duration) jobs.Job {
	return jobs.Job{Name: "counted", Every: every, Run: func(_ context.Context, now time.Time) error {
		// A run takes a while, as real ones do, so that the other callers' looks fall
		// inside it (they would see the job still due, only the lease stops them).
		time.Sleep(15 * time.Millisecond)
		l.mu.Lock()
		defer l.mu.Unlock()
		k := now.Truncate(every)
		l.per[k] = append(l.per[k], holder)
		return nil
	}}
}

// Two runners on two handles of one PostgreSQL database, each checking from several
// goroutines at once, period after period: every due run happens exactly once, and the
// job's row counts them all.
func TestRunner_ExactlyOnceOnTwoHandles(t *testing.T) {
	d1, d2, _ := twoHandles(t)
	ctx := context.Background()
	const every, periods, callers = time.Minute, 40, 4
	fc := clock.NewFake(time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC))
	log := &runLog{per: map[time.Time][]string{}}
	a := &jobs.Runner{DB: d1, Clock: fc, Log: quiet, Holder: "process-a"}
	b := &jobs.Runner{DB: d2, Clock: fc, Log: quiet, Holder: "process-b"}
	a.Add(log.job("process-a", every))
	b.Add(log.job("process-b", every))

	for p := range periods {
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range 2 * callers {
			r := a
			if i%2 == 1 {
				r = b
			}
			wg.Go(func() {
				<-start
				if err := r.RunDue(ctx); err != nil {
					t.Error(err)
				}
			})
		}
		close(start)
		wg.Wait()
		k := fc.Now().Truncate(every)
		if got := log.per[k]; len(got) != 1 {
			t.Fatalf("period %d: ran %d times (%v), want once", p, len(got), got)
		}
		// Within the period nothing more is due, whoever asks.
		fc.Advance(every / 2)
		if err := a.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		if err := b.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		if got := log.per[k]; len(got) != 1 {
			t.Fatalf("period %d: ran again before it ended (%v)", p, got)
		}
		fc.Advance(every / 2)
	}
	if len(log.per) != periods {
		t.Errorf("ran in %d periods, want %d", len(log.per), periods)
	}
	st, err := a.Statuses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 1 || st[0].Runs != periods || st[0].LockedBy != "" {
		t.Errorf("job row %+v, want %d runs and no lease held", st, periods)
	}
}

// A process dies in the middle of a run (its connections close, its lease stays): the
// other process leaves the job alone while the lease lives and takes it over once it has
// expired, exactly once. A process that was only slow and finishes after the take-over
// does not undo the other's record of the run.
func TestRunner_TakeOverFromDeadProcess(t *testing.T) {
	d1, d2, cfg := twoHandles(t)
	ctx := context.Background()
	fc := clock.NewFake(time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC))
	const lease, every = 10 * time.Minute, time.Hour

	for _, tc := range []struct {
		name string
		dies bool // the first process's database handle closes mid-run; else it only stalls
	}{{"dies", true}, {"stalls", false}} {
		t.Run(tc.name, func(t *testing.T) {
			first := d1
			if tc.dies {
				// A handle of its own, so that closing it leaves d1 for the other subtest.
				var err error
				first, err = db.Open(ctx, cfg)
				if err != nil {
					t.Fatal(err)
				}
				defer first.Close()
			}
			name := "work-" + tc.name
			started, block, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
			unblock := sync.OnceFunc(func() { close(block) })
			t.Cleanup(unblock)
			a := &jobs.Runner{DB: first, Clock: fc, Log: quiet, Holder: "a-" + tc.name}
			a.Add(jobs.Job{Name: name, Every: every, Lease: lease, Run: func(context.Context, time.Time) error {
				close(started)
				<-block
				return nil
			}})
			var ranB int
			b := &jobs.Runner{DB: d2, Clock: fc, Log: quiet, Holder: "b-" + tc.name}
			b.Add(jobs.Job{Name: name, Every: every, Lease: lease, Run: func(context.Context, time.Time) error {
				ranB++
				return nil
			}})

			go func() { done <- a.RunDue(ctx) }()
			select {
			case <-started:
			case err := <-done:
				t.Fatalf("the first process did not run the job: %v", err)
			case <-time.After(30 * time.Second): // a bound for a hung test, not a measurement
				t.Fatal("the first process never started the job")
			}
			if tc.dies {
				first.Close()
			}
			fc.Advance(lease - time.Minute)
			if err := b.RunDue(ctx); err != nil {
				t.Fatal(err)
			}
			if ranB != 0 {
				t.Fatal("ran while the other process's lease was live")
			}
			fc.Advance(2 * time.Minute) // the lease has expired
			for range 3 {
				if err := b.RunDue(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if ranB != 1 {
				t.Fatalf("took over %d times, want once", ranB)
			}
			unblock()
			err := <-done
			if tc.dies && err == nil {
				t.Error("a process whose database closed recorded the end of its run")
			}
			if !tc.dies && err != nil {
				t.Errorf("the slow process, ending its run: %v", err)
			}
			var runs int
			var next time.Time
			if err := d2.QueryRow(ctx, `SELECT runs, next_run_at FROM job_runs WHERE name = ?`, name).Scan(&runs, &next); err != nil {
				t.Fatal(err)
			}
			if runs != 1 || !next.Equal(fc.Now().Add(every)) {
				t.Errorf("job row: %d runs, next at %s; want 1 run (the take-over's), next at %s", runs, next, fc.Now().Add(every))
			}
		})
	}
}
