// Package auth owns identity: users and their roles, password hashing, sign-in with
// lockout, browser sessions and API tokens, CSRF tokens, and the Scope that limits every
// query to the caller's place in the organization tree.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// Config holds the sign-in and session policy (throttle.go explains the two sign-in
// counters and why the lockout threshold must be well above the client limit).
type Config struct {
	LockoutThreshold int           // failures on one username, from any client, that lock it (30)
	LockoutDuration  time.Duration // how long the lock lasts, and how long a failure counts (15 min)
	ClientLimit      int           // failed sign-ins one client address may make per window (10)
	ClientWindow     time.Duration // the client limit's window (15 min)
	BrowserIdle      time.Duration // browser session idle timeout (30 min)
	BrowserMax       time.Duration // browser session absolute timeout (12 h)
	TokenIdle        time.Duration // API token idle timeout (7 days)
	TokenMax         time.Duration // API token absolute timeout (30 days)
	// CacheMaxAge is how long a session read from the database answers requests from
	// memory (30 s; zero: no cache). Changes announced on Channel apply at once whatever
	// it is; it bounds only the staleness after a change nobody announced.
	CacheMaxAge time.Duration
	CacheSize   int // sessions the cache holds at most, the oldest dropped first (10,000)
}

// DefaultConfig is the policy used unless flags say otherwise.
func DefaultConfig() Config {
	return Config{
		LockoutThreshold: 30,
		LockoutDuration:  15 * time.Minute,
		ClientLimit:      10,
		ClientWindow:     15 * time.Minute,
		BrowserIdle:      30 * time.Minute,
		BrowserMax:       12 * time.Hour,
		TokenIdle:        7 * 24 * time.Hour,
		TokenMax:         30 * 24 * time.Hour,
		CacheMaxAge:      30 * time.Second,
		CacheSize:        10000,
	}
}

// Session kinds.
const (
	KindBrowser = "browser"
	KindAPI     = "api"
)

// Service signs users in and out and resolves sessions to principals.
type Service struct {
	DB    *db.DB
	Clock clock.Clock
	Audit *audit.Log
	Cfg   Config
	Log   *slog.Logger

	cache principalCache // cache.go
}

// LoginResult is a successful sign-in.
type LoginResult struct {
	Token     string
	Principal *Principal
	ExpiresAt time.Time
}

// Login checks a username and password and opens a session of kind.
//
// Errors: Unauthenticated ("auth.bad_credentials", identical for an unknown user and a
// wrong password, with the attempts left), RateLimited ("auth.throttled": the client
// address has used its budget of failures; nothing is checked and nothing counts against
// the account), Locked ("auth.locked", with unlocks_at), and Invalid when a field is
// empty. Locked and RateLimited carry RetryAfter. Every attempt is audited.
func (s *Service) Login(ctx context.Context, username, password, kind string) (*LoginResult, error) {
	username = NormalizeUsername(username)
	var v apperr.Validation
	if username == "" {
		v.Add("username", "validate.required", nil)
	}
	if password == "" {
		v.Add("password", "validate.required", nil)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	client := clientOf(ctx)
	limit, _ := s.Cfg.ClientBudget()

	// A client over its budget is refused before the name or the password is looked at.
	if n, err := s.clientFailures(ctx, client, now); err != nil {
		return nil, err
	} else if n >= limit {
		return nil, s.auditLogin(ctx, username, nil, "client throttled", s.throttledErr(now))
	}
	// A locked name is refused before the password is looked at.
	if until, err := s.lockedUntil(ctx, username, now); err != nil {
		return nil, err
	} else if !until.IsZero() {
		return nil, s.auditLogin(ctx, username, nil, "locked", lockedErr(until, now))
	}

	var (
		userID   db.ID
		hash     string
		disabled bool
	)
	err := s.DB.QueryRow(ctx, `SELECT id, password_hash, disabled FROM users WHERE username = ?`, username).
		Scan(&userID, &hash, &disabled)
	known := err == nil
	if err != nil && !db.IsNoRows(err) {
		return nil, err
	}
	ok := false
	if known {
		if ok, err = VerifyPassword(hash, password); err != nil {
			return nil, err
		}
		ok = ok && !disabled
	} else {
		_, _ = VerifyPassword(dummyHash(), password) // same cost as a real check
	}
	if !ok {
		var uid *db.ID
		if known {
			uid = &userID
		}
		// The client's count comes first: attempts sent in parallel all pass the check
		// above, and those beyond the budget must not reach the account's count either.
		n, err := s.recordClientFailure(ctx, client, now)
		if err != nil {
			return nil, err
		}
		if n > limit {
			return nil, s.auditLogin(ctx, username, uid, "client throttled", s.throttledErr(now))
		}
		left, until, err := s.recordFailure(ctx, username, now)
		if err != nil {
			return nil, err
		}
		if !until.IsZero() {
			return nil, s.auditLogin(ctx, username, uid, "locked now", lockedErr(until, now))
		}
		if client != "" && limit-n < left {
			left = limit - n
		}
		if left == 0 { // this failure used the client's last attempt
			return nil, s.auditLogin(ctx, username, uid, "bad credentials; client throttled now", s.throttledErr(now))
		}
		return nil, s.auditLogin(ctx, username, uid, "bad credentials", &apperr.Error{Code: apperr.Unauthenticated,
			Key: "auth.bad_credentials", Args: apperr.E{"left": left}, Extra: map[string]any{"attempts_left": left}})
	}

	token, csrf := newToken(), newToken()
	idle, max := s.Cfg.BrowserIdle, s.Cfg.BrowserMax
	if kind == KindAPI {
		idle, max = s.Cfg.TokenIdle, s.Cfg.TokenMax
	}
	req := audit.RequestFrom(ctx)
	ip, ua := "", ""
	if req != nil {
		ip, ua = req.IP, truncate(req.UserAgent, 300)
	}
	res := &LoginResult{Token: token, ExpiresAt: now.Add(max)}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM login_throttle WHERE username = ?`, username); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND (expires_at < ? OR idle_expires_at < ?)`, userID, now, now); err != nil {
			return err
		}
		var sid db.ID
		if err := tx.QueryRow(ctx, `INSERT INTO sessions
			(token_hash, user_id, kind, csrf_token, created_at, last_seen_at, idle_expires_at, expires_at, ip, user_agent)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			hashToken(token), userID, kind, csrf, now, now, now.Add(idle), now.Add(max), ip, ua).Scan(&sid); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET last_login_at = ? WHERE id = ?`, now, userID); err != nil {
			return err
		}
		p, err := s.LoadPrincipal(ctx, tx, userID)
		if err != nil {
			return err
		}
		p.SessionID, p.SessionKind, p.CSRFToken = sid, kind, csrf
		res.Principal = p
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "session.create", ObjectType: "session",
			ObjectID: sid.String(), ActorID: &userID, ActorName: username, Detail: map[string]any{"kind": kind}})
	})
	if err != nil {
		return nil, err
	}
	if req != nil {
		req.UserID, req.Username = &userID, username
	}
	return res, nil
}

func lockedErr(until, now time.Time) error {
	return &apperr.Error{Code: apperr.Locked, Key: "auth.locked",
		Args:       apperr.E{"until": until.In(clock.China).Format("2006-01-02 15:04")},
		Extra:      map[string]any{"unlocks_at": until.UTC().Format(time.RFC3339)},
		RetryAfter: until.Sub(now)}
}

func (s *Service) lockedUntil(ctx context.Context, username string, now time.Time) (time.Time, error) {
	var until *time.Time
	err := s.DB.QueryRow(ctx, `SELECT locked_until FROM login_throttle WHERE username = ?`, username).Scan(&until)
	if db.IsNoRows(err) || until == nil {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	if until.After(now) {
		return *until, nil
	}
	return time.Time{}, nil
}

// recordFailure counts a failed attempt. Failures older than the lockout duration, and
// an expired lock, start the count again. It returns the attempts left, or the time the
// account unlocks when this failure locked it.
func (s *Service) recordFailure(ctx context.Context, username string, now time.Time) (left int, until time.Time, err error) {
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		stale := now.Add(-s.Cfg.LockoutDuration)
		if _, err := tx.Exec(ctx, `DELETE FROM login_throttle WHERE username = ? AND (last_failure_at < ? OR locked_until <= ?)`,
			username, stale, now); err != nil {
			return err
		}
		var failures int
		if err := tx.QueryRow(ctx, `INSERT INTO login_throttle (username, failures, last_failure_at) VALUES (?, 1, ?)
			ON CONFLICT (username) DO UPDATE SET failures = login_throttle.failures + 1, last_failure_at = excluded.last_failure_at
			RETURNING failures`, username, now).Scan(&failures); err != nil {
			return err
		}
		left = s.Cfg.LockoutThreshold - failures
		if left <= 0 {
			left = 0
			until = now.Add(s.Cfg.LockoutDuration)
			_, err := tx.Exec(ctx, `UPDATE login_throttle SET locked_until = ? WHERE username = ?`, until, username)
			return err
		}
		return nil
	})
	return left, until, err
}

// auditLogin records a refused sign-in with the status it answers, and returns refusal.
func (s *Service) auditLogin(ctx context.Context, username string, uid *db.ID, why string, refusal error) error {
	err := s.Audit.Record(ctx, s.DB, audit.Entry{Action: "session.create", ObjectType: "session", Result: audit.Denied,
		Status: apperr.Status(apperr.CodeOf(refusal)), ActorID: uid, ActorName: username, Detail: map[string]any{"reason": why}})
	if err != nil && s.Log != nil {
		s.Log.Error("audit sign-in", "err", err)
	}
	return refusal
}

// Unlock clears the failure count and lock of a username.
func (s *Service) Unlock(ctx context.Context, tx *db.Tx, username string) error {
	_, err := tx.Exec(ctx, `DELETE FROM login_throttle WHERE username = ?`, NormalizeUsername(username))
	return err
}

// LockState reports when a username's lock ends (zero when not locked) and its failures.
func (s *Service) LockState(ctx context.Context, q db.Querier, username string) (until time.Time, failures int, err error) {
	var u *time.Time
	err = q.QueryRow(ctx, `SELECT locked_until, failures FROM login_throttle WHERE username = ?`, NormalizeUsername(username)).Scan(&u, &failures)
	if db.IsNoRows(err) {
		return time.Time{}, 0, nil
	}
	if u != nil && u.After(s.Clock.Now()) {
		until = *u
	}
	return until, failures, err
}

// Logout ends the session holding token. Ending an unknown token is not an error. It
// returns once every server process has dropped the session from its cache (on
// PostgreSQL, once every listening process acknowledged the announcement: Tx.NotifyWait).
func (s *Service) Logout(ctx context.Context, token string) error {
	defer s.cache.drop(sha256.Sum256([]byte(token)))
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		var sid, uid db.ID
		err := tx.QueryRow(ctx, `DELETE FROM sessions WHERE token_hash = ? RETURNING id, user_id`, hashToken(token)).Scan(&sid, &uid)
		if db.IsNoRows(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := tx.NotifyWait(ctx, Channel, "s:"+sid.String()); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "session.delete", ObjectType: "session", ObjectID: sid.String()})
	})
}

// Authenticate resolves a session token of kind to its principal. An unknown, expired or
// idle-timed-out token, or a disabled user, is Unauthenticated. A session seen in the last
// Cfg.CacheMaxAge is answered from the principal cache (cache.go) without a query.
func (s *Service) Authenticate(ctx context.Context, token, kind string) (*Principal, error) {
	if token == "" {
		return nil, apperr.New(apperr.Unauthenticated, "auth.required", nil)
	}
	now := s.Clock.Now()
	key := sha256.Sum256([]byte(token))
	e, cached := (*session)(nil), false
	if s.Cfg.CacheMaxAge > 0 {
		e = s.cache.get(key, now, s.Cfg.CacheMaxAge)
		cached = e != nil
	}
	if e != nil {
		// Another process may have moved the idle timeout on: an entry that says idle is
		// read again before the session is refused.
		if idle, _ := s.cache.times(e); !now.Before(idle) {
			s.cache.drop(key)
			e, cached = nil, false
		}
	}
	if e == nil {
		var err error
		// The lookup may answer other requests too: one of them going away must not fail it.
		load := func() (*session, error) { return s.loadSession(context.WithoutCancel(ctx), key) }
		if s.Cfg.CacheMaxAge > 0 {
			e, err = s.cache.lookup(key, s.cacheSize(), load)
		} else {
			e, err = load()
		}
		if err != nil {
			return nil, err
		}
	}
	if e == nil || e.p.SessionKind != kind || e.disabled {
		return nil, apperr.New(apperr.Unauthenticated, "auth.expired", nil)
	}
	if idle, expires := s.cache.times(e); !now.Before(idle) || !now.Before(expires) {
		return nil, apperr.New(apperr.Unauthenticated, "auth.expired", nil)
	}
	// Slide the idle timeout, at most once a minute per session.
	idleFor := s.Cfg.BrowserIdle
	if kind == KindAPI {
		idleFor = s.Cfg.TokenIdle
	}
	if s.cache.slide(e, now, idleFor) {
		if _, err := s.DB.Exec(ctx, `UPDATE sessions SET last_seen_at = ?, idle_expires_at = ? WHERE id = ?`, now, now.Add(idleFor), e.p.SessionID); err != nil {
			if cached {
				s.cache.drop(key)
			}
			return nil, err
		}
	}
	return e.principal(), nil
}

// loadSession reads the session of a token's hash and its principal; nil when there is
// no such session.
func (s *Service) loadSession(ctx context.Context, key [32]byte) (*session, error) {
	var (
		e   session
		uid db.ID
	)
	err := s.DB.QueryRow(ctx, `SELECT s.id, s.user_id, s.kind, s.csrf_token, s.last_seen_at, s.idle_expires_at, s.expires_at, u.disabled
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, hex.EncodeToString(key[:])).
		Scan(&e.p.SessionID, &uid, &e.p.SessionKind, &e.p.CSRFToken, &e.lastSeen, &e.idle, &e.expires, &e.disabled)
	if db.IsNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	e.loaded = s.Clock.Now()
	if e.disabled {
		return &e, nil
	}
	p, err := s.LoadPrincipal(ctx, s.DB, uid)
	if apperr.Is(err, apperr.Unauthenticated) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p.SessionID, p.SessionKind, p.CSRFToken = e.p.SessionID, e.p.SessionKind, e.p.CSRFToken
	e.p = *p
	return &e, nil
}

func (s *Service) cacheSize() int {
	if s.Cfg.CacheSize > 0 {
		return s.Cfg.CacheSize
	}
	return DefaultConfig().CacheSize
}

// LoadPrincipal reads a user with roles and computes the user's scope.
func (s *Service) LoadPrincipal(ctx context.Context, q db.Querier, userID db.ID) (*Principal, error) {
	p := &Principal{UserID: userID}
	var lang string
	err := q.QueryRow(ctx, `SELECT u.username, u.display_name, u.org_id, u.org_path, u.person_id, u.lang, u.must_change_password, o.name
		FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.id = ?`, userID).
		Scan(&p.Username, &p.DisplayName, &p.OrgID, &p.OrgPath, db.NullID{P: &p.PersonID}, &lang, &p.MustChangePassword, &p.OrgName)
	if db.IsNoRows(err) {
		return nil, apperr.New(apperr.Unauthenticated, "auth.expired", nil)
	}
	if err != nil {
		return nil, err
	}
	p.Lang = i18n.Parse(lang)
	rows, err := q.Query(ctx, `SELECT role FROM user_roles WHERE user_id = ? ORDER BY role`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		p.Roles = append(p.Roles, Role(r))
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	p.Scope, err = ScopeOf(ctx, q, p.UserID, p.OrgID, p.OrgPath, p.Roles)
	return p, err
}

// ScopeOfUser computes the scope of any user (e.g. one a hazard is assigned to) and
// whether the account is disabled. Errors: NotFound.
func ScopeOfUser(ctx context.Context, q db.Querier, userID db.ID) (sc Scope, disabled bool, err error) {
	var orgID db.ID
	var path string
	err = q.QueryRow(ctx, `SELECT org_id, org_path, disabled FROM users WHERE id = ?`, userID).Scan(&orgID, &path, &disabled)
	if db.IsNoRows(err) {
		return sc, false, apperr.NotFoundf("user")
	}
	if err != nil {
		return sc, false, err
	}
	rows, err := q.Query(ctx, `SELECT role FROM user_roles WHERE user_id = ?`, userID)
	if err != nil {
		return sc, false, err
	}
	var roles []Role
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			rows.Close()
			return sc, false, err
		}
		roles = append(roles, Role(r))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return sc, false, err
	}
	sc, err = ScopeOf(ctx, q, userID, orgID, path, roles)
	return sc, disabled, err
}

// ScopeOf computes the scope of a user bound to the org at orgPath with roles.
func ScopeOf(ctx context.Context, q db.Querier, userID, orgID db.ID, orgPath string, roles []Role) (Scope, error) {
	var sc Scope
	if ownOnly(roles) {
		sc.OwnOnly, sc.UserID = true, userID
		var ent *int64
		if err := q.QueryRow(ctx, `SELECT enterprise_id FROM users WHERE id = ?`, userID).Scan(&ent); err != nil && !db.IsNoRows(err) {
			return sc, err
		}
		if ent != nil {
			id := db.ID(*ent)
			sc.EnterpriseID = &id
		}
	}
	ids := PathIDs(orgPath)
	if len(ids) == 0 {
		return sc, nil
	}
	in, args := db.In("id", ids)
	rows, err := q.Query(ctx, `SELECT id, kind, path, parent_id IS NULL FROM orgs WHERE `+in+`
		AND kind IN ('district', 'town', 'village') ORDER BY depth DESC LIMIT 1`, args...)
	if err != nil {
		return sc, err
	}
	for rows.Next() {
		var id db.ID
		var kind string
		if err := rows.Scan(&id, &kind, &sc.Path, &sc.Whole); err != nil {
			rows.Close()
			return sc, err
		}
		if kind == "town" {
			sc.TownID = &id
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return sc, err
	}
	if industryBound(roles) {
		sc.Industries = []string{}
		rows, err := q.Query(ctx, `SELECT industry FROM unit_industries WHERE org_id = ? ORDER BY industry`, orgID)
		if err != nil {
			return sc, err
		}
		defer rows.Close()
		for rows.Next() {
			var ind string
			if err := rows.Scan(&ind); err != nil {
				return sc, err
			}
			sc.Industries = append(sc.Industries, ind)
		}
		return sc, rows.Err()
	}
	return sc, nil
}

// ownOnly: a user whose only role is enterprise sees, of the records that have an owner,
// only their own.
func ownOnly(roles []Role) bool {
	return len(roles) > 0 && !slices.ContainsFunc(roles, func(r Role) bool { return r != Enterprise })
}

// industryBound: a department user sees its industries only, unless another role of
// theirs sees the whole territory.
func industryBound(roles []Role) bool {
	dept := false
	for _, r := range roles {
		switch r {
		case Department:
			dept = true
		case Admin, SafetyOffice, Leader, Reader:
			return false
		}
	}
	return dept
}

// PathIDs returns the ids in a materialized path "/1/5/23/", root first.
func PathIDs(path string) []db.ID {
	var out []db.ID
	for _, part := range strings.Split(strings.Trim(path, "/"), "/") {
		if v, err := strconv.ParseInt(part, 10, 64); err == nil {
			out = append(out, db.ID(v))
		}
	}
	return out
}

// NormalizeUsername trims and lower-cases a username; usernames are case-insensitive.
func NormalizeUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func newToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
