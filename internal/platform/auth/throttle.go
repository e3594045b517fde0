package auth

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// Sign-in throttling has two counters, both in the database so that every server on one
// PostgreSQL shares them:
//
//   - per client (login_client_throttle): failed sign-ins from one client address in a
//     fixed window (Config.ClientLimit per Config.ClientWindow, 10 per 15 minutes). A
//     client at its budget is refused with 429 before any password is checked, and what
//     it sends then counts against no account.
//   - per username (login_throttle): failures on one name, from any client, within
//     Config.LockoutDuration; at Config.LockoutThreshold (30) the name is locked for
//     LockoutDuration, and even the right password answers 423.
//
// As the threshold is well above one client's budget, locking an account takes failures
// from several addresses (three at the defaults), not just a known username, while a
// guesser spread over many addresses still meets the lock.

// ClientKey is the throttling key of a client address as httpx resolves it: the address
// itself for IPv4 (and IPv4-mapped IPv6), the /64 network for IPv6, since one subscriber
// commonly holds a whole /64. Anything unparseable is used as it is; empty stays empty
// (no request: the client is not throttled).
func ClientKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		return a.String()
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// CheckThrottle reports a sign-in policy under which one client could lock an account:
// the lockout threshold must exceed the client limit, and both must be positive.
func (c Config) CheckThrottle() error {
	if c.ClientLimit <= 0 || c.ClientWindow <= 0 || c.LockoutThreshold <= 0 || c.LockoutDuration <= 0 {
		return fmt.Errorf("--login-client-limit, --login-client-window, --lockout-threshold and --lockout-duration must be positive")
	}
	if c.LockoutThreshold <= c.ClientLimit {
		return fmt.Errorf("--lockout-threshold (%d) must exceed --login-client-limit (%d), or one client address could lock any account it knows the name of",
			c.LockoutThreshold, c.ClientLimit)
	}
	return nil
}

// ClientBudget returns the failed sign-ins one client may make per window, and the
// window; zero fields take the defaults.
func (c Config) ClientBudget() (limit int, window time.Duration) {
	limit, window = c.ClientLimit, c.ClientWindow
	if limit <= 0 {
		limit = DefaultConfig().ClientLimit
	}
	if window <= 0 {
		window = DefaultConfig().ClientWindow
	}
	return limit, window
}

// clientOf returns the throttling key of the request in ctx ("" without one).
func clientOf(ctx context.Context) string {
	if req := audit.RequestFrom(ctx); req != nil {
		return ClientKey(req.IP)
	}
	return ""
}

// clientWindowOf returns the start and end of the window holding now.
func (s *Service) clientWindowOf(now time.Time) (start, end time.Time) {
	_, w := s.Cfg.ClientBudget()
	start = now.UTC().Truncate(w)
	return start, start.Add(w)
}

// clientFailures returns the failures of client in the current window.
func (s *Service) clientFailures(ctx context.Context, client string, now time.Time) (int, error) {
	if client == "" {
		return 0, nil
	}
	start, _ := s.clientWindowOf(now)
	var n int
	err := s.DB.QueryRow(ctx, `SELECT failures FROM login_client_throttle WHERE client_key = ? AND window_start = ?`, client, start).Scan(&n)
	if db.IsNoRows(err) {
		return 0, nil
	}
	return n, err
}

// recordClientFailure counts a failed sign-in of client and returns its failures in the
// current window, this one included: one upsert.
func (s *Service) recordClientFailure(ctx context.Context, client string, now time.Time) (int, error) {
	if client == "" {
		return 0, nil
	}
	start, _ := s.clientWindowOf(now)
	var n int
	err := s.DB.QueryRow(ctx, `INSERT INTO login_client_throttle (client_key, window_start, failures) VALUES (?, ?, 1)
		ON CONFLICT (client_key, window_start) DO UPDATE SET failures = login_client_throttle.failures + 1
		RETURNING failures`, client, start).Scan(&n)
	return n, err
}

// throttledErr refuses a client over its budget until the window ends.
func (s *Service) throttledErr(now time.Time) error {
	_, until := s.clientWindowOf(now)
	return &apperr.Error{Code: apperr.RateLimited, Key: "auth.throttled",
		Args:       apperr.E{"until": until.In(clock.China).Format("2006-01-02 15:04")},
		Extra:      map[string]any{"retry_at": until.UTC().Format(time.RFC3339)},
		RetryAfter: until.Sub(now)}
}

// SweepThrottles removes what no longer counts: client windows that have ended, and
// per-username counts whose last failure is older than the lockout duration and whose
// lock (if any) has ended. The jobs runner calls it.
func (s *Service) SweepThrottles(ctx context.Context, now time.Time) (int64, error) {
	start, _ := s.clientWindowOf(now)
	n1, err := s.DB.Exec(ctx, `DELETE FROM login_client_throttle WHERE window_start < ?`, start)
	if err != nil {
		return 0, err
	}
	n2, err := s.DB.Exec(ctx, `DELETE FROM login_throttle WHERE last_failure_at < ? AND (locked_until IS NULL OR locked_until <= ?)`,
		now.Add(-s.Cfg.LockoutDuration), now)
	if err != nil {
		return 0, err
	}
	a, _ := n1.RowsAffected()
	b, _ := n2.RowsAffected()
	return a + b, nil
}
