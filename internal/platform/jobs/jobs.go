// Package jobs runs SafeDuty's periodic work (hazard escalation, notification delivery,
// session clean-up) so that it survives restarts and runs on exactly one process when
// several servers share one PostgreSQL.
//
// Each job has a row in job_runs holding when it is next due and a lease: a process
// runs a due job only after taking the lease with one conditional UPDATE, which at most
// one process can win; the lease expires if that process dies, and another takes over.
// Jobs are written to be idempotent (their effects are guarded by unique keys), so even a
// lease that expires mid-run cannot make an effect happen twice. Time comes from the
// injected clock, so tests run jobs at any date with RunDue.
//
// (River, the database-backed queue STYLE.md names, was weighed: its SQLite driver is in
// early testing and wants a one-connection pool of its own, and our work is a handful of
// periodic scans, not a queue of jobs, which this lease row covers.)
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// Job is a periodic task. Run receives the clock's time of the run.
type Job struct {
	Name  string
	Every time.Duration
	// Lease is how long a run may take before another process may take the job over
	// (default: 5 minutes).
	Lease time.Duration
	Run   func(ctx context.Context, now time.Time) error
}

// Runner runs registered jobs when they are due.
type Runner struct {
	DB     *db.DB
	Clock  clock.Clock
	Log    *slog.Logger
	Holder string // this process's name in leases; generated when empty

	mu   sync.Mutex
	jobs []Job
}

// Add registers a job. Adding two jobs of one name panics.
func (r *Runner) Add(j Job) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, x := range r.jobs {
		if x.Name == j.Name {
			panic("jobs: two jobs named " + j.Name)
		}
	}
	if j.Lease == 0 {
		j.Lease = 5 * time.Minute
	}
	r.jobs = append(r.jobs, j)
}

// Jobs lists the registered jobs.
func (r *Runner) Jobs() []Job {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Job(nil), r.jobs...)
}

func (r *Runner) holder() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Holder == "" {
		host, _ := os.Hostname()
		b := make([]byte, 4)
		_, _ = rand.Read(b)
		r.Holder = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
	}
	return r.Holder
}

// Start checks for due jobs every tick until ctx ends.
func (r *Runner) Start(ctx context.Context, tick time.Duration) {
	go func() {
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			if err := r.RunDue(ctx); err != nil && ctx.Err() == nil {
				r.Log.Error("jobs", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// RunDue runs every job that is due now and whose lease this process wins. A job's
// failure is recorded on its row and logged; it does not stop the others.
func (r *Runner) RunDue(ctx context.Context) error {
	for _, j := range r.Jobs() {
		if err := ctx.Err(); err != nil {
			return err
		}
		won, err := r.acquire(ctx, j)
		if err != nil {
			return fmt.Errorf("job %s: lease: %w", j.Name, err)
		}
		if !won {
			continue
		}
		now := r.Clock.Now()
		runErr := runSafely(ctx, j, now)
		if runErr != nil {
			r.Log.Error("job failed", "job", j.Name, "err", runErr)
		}
		if err := r.release(ctx, j, runErr); err != nil {
			return fmt.Errorf("job %s: release: %w", j.Name, err)
		}
	}
	return nil
}

func runSafely(ctx context.Context, j Job, now time.Time) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return j.Run(ctx, now)
}

// acquire takes the job's lease when the job is due and nobody holds a live lease.
func (r *Runner) acquire(ctx context.Context, j Job) (bool, error) {
	now := r.Clock.Now()
	if _, err := r.DB.Exec(ctx, `INSERT INTO job_runs (name, next_run_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, j.Name, now); err != nil {
		return false, err
	}
	res, err := r.DB.Exec(ctx, `UPDATE job_runs SET locked_by = ?, locked_until = ?, last_started_at = ?
		WHERE name = ? AND next_run_at <= ? AND (locked_until IS NULL OR locked_until < ?)`,
		r.holder(), now.Add(j.Lease), now, j.Name, now, now)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (r *Runner) release(ctx context.Context, j Job, runErr error) error {
	now := r.Clock.Now()
	msg := ""
	if runErr != nil {
		msg = runErr.Error()
		if len(msg) > 1000 {
			msg = msg[:1000]
		}
	}
	_, err := r.DB.Exec(context.WithoutCancel(ctx), `UPDATE job_runs SET locked_by = NULL, locked_until = NULL, last_finished_at = ?,
		next_run_at = ?, last_error = ?, runs = runs + 1 WHERE name = ? AND locked_by = ?`,
		now, now.Add(j.Every), msg, j.Name, r.holder())
	return err
}

// Status is the state of one job, for operators.
type Status struct {
	Name           string     `json:"name"`
	NextRunAt      time.Time  `json:"next_run_at"`
	LockedBy       string     `json:"locked_by"`
	LastStartedAt  *time.Time `json:"last_started_at"`
	LastFinishedAt *time.Time `json:"last_finished_at"`
	LastError      string     `json:"last_error"`
	Runs           int64      `json:"runs"`
}

// Statuses reads every job's row.
func (r *Runner) Statuses(ctx context.Context) ([]Status, error) {
	rows, err := r.DB.Query(ctx, `SELECT name, next_run_at, COALESCE(locked_by, ''), last_started_at, last_finished_at, last_error, runs
		FROM job_runs ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Status
	for rows.Next() {
		var s Status
		if err := rows.Scan(&s.Name, &s.NextRunAt, &s.LockedBy, &s.LastStartedAt, &s.LastFinishedAt, &s.LastError, &s.Runs); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
