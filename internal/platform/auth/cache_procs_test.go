package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

// process is one server process's view of the database: its own handle and auth service.
type process struct {
	d *db.DB
	s *auth.Service
}

// twoProcesses opens two handles on one fresh PostgreSQL database, each with its own
// listening auth service on one fake clock, and a user "worker" with password pw.
func twoProcesses(t *testing.T) (a, b process, pw string) {
	t.Helper()
	if len(dbtest.Engines()) < 2 {
		t.Skipf("%s is not set", dbtest.EnvPostgres)
	}
	ctx := context.Background()
	cfg := dbtest.Config(t, db.Postgres)
	fc := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	open := func() process {
		d, err := db.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		s := &auth.Service{DB: d, Clock: fc, Audit: &audit.Log{Clock: fc}, Cfg: auth.DefaultConfig()}
		s.Listen(ctx)
		return process{d, s}
	}
	a, b = open(), open()
	pw = "kestrel-91-lamp"
	err := a.d.Tx(ctx, func(tx *db.Tx) error {
		now := fc.Now()
		var org db.ID
		if err := tx.QueryRow(ctx, `INSERT INTO orgs (kind, category, name, code, path, depth, created_at, updated_at)
			VALUES ('district', 'district', '测试区', 'P00', 'tmp', 0, ?, ?) RETURNING id`, now, now).Scan(&org); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE orgs SET path = ? WHERE id = ?`, "/"+org.String()+"/", org); err != nil {
			return err
		}
		name, user := "工作人员", "worker"
		_, err := a.s.CreateUser(ctx, tx, auth.System(), auth.UserInput{Username: &user, DisplayName: &name, Password: &pw,
			OrgID: &org, Roles: []auth.Role{auth.Leader}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	waitListening(t, a.d, 2)
	for deadline := time.Now().Add(10 * time.Second); !a.s.Caching() || !b.s.Caching(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the caches are not on")
		}
	}
	return a, b, pw
}

// listeners returns the server pids of the LISTEN connections on d's database.
func listeners(t *testing.T, d *db.DB) []string {
	t.Helper()
	return dbtest.Strings(t, d, `SELECT pid::text FROM pg_stat_activity
		WHERE datname = current_database() AND application_name LIKE 'safeduty listen %' ORDER BY pid`)
}

// waitListening waits (at most 10 s) until n listeners are connected, none of them old.
func waitListening(t *testing.T, d *db.DB, n int, old ...string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		pids := listeners(t, d)
		fresh := 0
		for _, p := range pids {
			stale := false
			for _, o := range old {
				stale = stale || o == p
			}
			if !stale {
				fresh++
			}
		}
		if fresh == n && len(pids) == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("listeners %v, want %d new ones (old: %v)", pids, n, old)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func displayName(t *testing.T, s *auth.Service, token string) string {
	t.Helper()
	p, err := s.Authenticate(context.Background(), token, auth.KindAPI)
	if err != nil {
		t.Fatalf("authenticate: %v", err)
	}
	return p.DisplayName
}

// A sign-out through one process is refused at once by another that had the session in
// its cache.
func TestPrincipalCache_SignOutReachesTheOtherProcess(t *testing.T) {
	a, b, pw := twoProcesses(t)
	ctx := context.Background()
	res, err := a.s.Login(ctx, "worker", pw, auth.KindAPI)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		displayName(t, b.s, res.Token)
	}
	if err := a.s.Logout(ctx, res.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := b.s.Authenticate(ctx, res.Token, auth.KindAPI); !apperr.Is(err, apperr.Unauthenticated) {
		t.Errorf("the other process after the sign-out: %v, want Unauthenticated", err)
	}
}

// A process whose listener connection is killed empties its cache (it may have missed
// announcements), and once it listens again revocations reach it as before.
func TestPrincipalCache_DroppedListenerFlushes(t *testing.T) {
	a, b, pw := twoProcesses(t)
	ctx := context.Background()
	res, err := a.s.Login(ctx, "worker", pw, auth.KindAPI)
	if err != nil {
		t.Fatal(err)
	}
	if got := displayName(t, b.s, res.Token); got != "工作人员" {
		t.Fatalf("display name %q", got)
	}
	// A change nobody announces: b still answers from its cache.
	if _, err := a.d.Exec(ctx, `UPDATE users SET display_name = '改过的名字' WHERE username = 'worker'`); err != nil {
		t.Fatal(err)
	}
	if got := displayName(t, b.s, res.Token); got != "工作人员" {
		t.Fatalf("b did not answer from its cache: %q", got)
	}
	old := listeners(t, a.d)
	if _, err := a.d.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND application_name LIKE 'safeduty listen %'`); err != nil {
		t.Fatal(err)
	}
	waitListening(t, a.d, 2, old...)
	for deadline := time.Now().Add(10 * time.Second); !a.s.Caching() || !b.s.Caching(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the caches are not back on")
		}
	}
	if got := displayName(t, b.s, res.Token); got != "改过的名字" {
		t.Errorf("after the dropped listener: %q, want the database's name (the cache must have been emptied)", got)
	}
	if err := a.s.Logout(ctx, res.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := b.s.Authenticate(ctx, res.Token, auth.KindAPI); !apperr.Is(err, apperr.Unauthenticated) {
		t.Errorf("a sign-out after the reconnection: %v, want Unauthenticated", err)
	}
}
