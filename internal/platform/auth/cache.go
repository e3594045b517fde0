package auth

import (
	"container/list"
	"context"
	"strings"
	"sync"
	"time"

	"github.com/safeduty/safeduty/internal/platform/db"
)

// The principal cache spares a signed-in request its queries (the session, the user and
// the org, the roles, the scope): a session seen in the last CacheMaxAge is answered from
// memory, its expiry and idle times checked against the clock.
//
// Every change to what a principal may do is announced on the database's notification
// channel Channel inside the writing transaction (UserChanged, OrgChanged, AllChanged,
// and Logout for its session), and every server process drops the entries it names once
// the transaction commits. While a process's listener is not connected to PostgreSQL (at
// start-up, after a dropped connection) it may miss announcements, so the cache is
// emptied and bypassed until the listener is back. CacheMaxAge bounds how stale an entry
// can be after a change made by a writer that does not announce (a hand-written UPDATE).

// Channel is the notification channel of changes to principals. Its payloads: "s:<id>"
// (a session ended), "u:<id>" (a user changed), "o:<id>" (the users of an org), "*" (all).
const Channel = "safeduty_auth"

// UserChanged announces, inside the transaction that makes the change, that what user id
// may do has changed (roles, org, enterprise, language, name, disabled, password,
// sessions ended): every process forgets the user's sessions once tx commits.
func UserChanged(ctx context.Context, tx *db.Tx, id db.ID) error {
	return tx.NotifyWait(ctx, Channel, "u:"+id.String())
}

// OrgChanged announces that the principals of the users bound to org id have changed
// (its name, the industries it supervises).
func OrgChanged(ctx context.Context, tx *db.Tx, id db.ID) error {
	return tx.NotifyWait(ctx, Channel, "o:"+id.String())
}

// AllChanged announces a change that may alter any principal (the org tree rearranged).
func AllChanged(ctx context.Context, tx *db.Tx) error {
	return tx.NotifyWait(ctx, Channel, "*")
}

// Listen starts receiving the announcements of Channel for s's cache until ctx ends or
// the database is closed. Until Listen is called, and while its listener is not
// connected, s caches nothing.
func (s *Service) Listen(ctx context.Context) {
	s.DB.Listen(ctx, Channel, s.cache.invalidate, func(listening bool) {
		s.cache.setListening(listening)
		if !listening && s.Log != nil && ctx.Err() == nil {
			s.Log.Debug("auth: not listening for changes; the principal cache is off until the listener is back")
		}
	})
}

// Caching reports whether the principal cache is in use: its listener is connected.
func (s *Service) Caching() bool {
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	return s.cache.listening && s.Cfg.CacheMaxAge > 0
}

// session is what the cache keeps of a session: its principal (without the session's
// fields, which are kept beside it) and its times.
type session struct {
	key      [32]byte
	p        Principal
	disabled bool
	lastSeen time.Time
	idle     time.Time
	expires  time.Time
	loaded   time.Time // when read from the database; the entry is used until loaded+MaxAge
	elem     *list.Element
}

// principal returns a copy of the session's principal for one request.
func (e *session) principal() *Principal {
	p := e.p
	return &p
}

// flight is one database lookup that concurrent requests with the same token share.
type flight struct {
	done    chan struct{}
	gen     uint64
	waiters int // requests sharing it
	e       *session
	err     error
}

// principalCache is the bounded map of sessions, keyed by the token's SHA-256.
type principalCache struct {
	mu        sync.Mutex
	listening bool
	gen       uint64 // moves on at every invalidation: a lookup begun before is not stored
	entries   map[[32]byte]*session
	order     list.List // of *session, oldest first
	flights   map[[32]byte]*flight
}

// setListening turns the cache on (true) or empties and turns it off (false).
func (c *principalCache) setListening(on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.listening = on
	c.flushLocked()
}

func (c *principalCache) flushLocked() {
	c.gen++
	c.entries = nil
	c.order.Init()
}

// invalidate drops the entries a Channel payload names.
func (c *principalCache) invalidate(payload string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	kind, v, _ := strings.Cut(payload, ":")
	id, err := db.ParseID(v)
	if kind == "*" || err != nil {
		c.flushLocked()
		return
	}
	for _, e := range c.entries {
		if (kind == "s" && e.p.SessionID == id) || (kind == "u" && e.p.UserID == id) || (kind == "o" && e.p.OrgID == id) {
			c.removeLocked(e)
		}
	}
}

func (c *principalCache) removeLocked(e *session) {
	if c.entries[e.key] == e {
		delete(c.entries, e.key)
		c.order.Remove(e.elem)
	}
}

// drop forgets one token's entry.
func (c *principalCache) drop(key [32]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if e := c.entries[key]; e != nil {
		c.removeLocked(e)
	}
}

// get returns the entry of key read less than maxAge before now, or nil.
func (c *principalCache) get(key [32]byte, now time.Time, maxAge time.Duration) *session {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[key]
	if e == nil {
		return nil
	}
	if now.Sub(e.loaded) >= maxAge || now.Before(e.loaded) {
		c.removeLocked(e)
		return nil
	}
	return e
}

// lookup reads the session of key with load, sharing the read with the concurrent
// requests of the same token, and stores the result unless an invalidation came in
// between (or the cache is off, when nothing is shared or stored).
func (c *principalCache) lookup(key [32]byte, size int, load func() (*session, error)) (*session, error) {
	c.mu.Lock()
	if !c.listening {
		c.mu.Unlock()
		return load()
	}
	if f := c.flights[key]; f != nil && f.gen == c.gen {
		f.waiters++
		c.mu.Unlock()
		<-f.done
		return f.e, f.err
	}
	f := &flight{done: make(chan struct{}), gen: c.gen}
	if c.flights == nil {
		c.flights = map[[32]byte]*flight{}
	}
	c.flights[key] = f
	c.mu.Unlock()

	f.e, f.err = load()

	c.mu.Lock()
	if c.flights[key] == f {
		delete(c.flights, key)
	}
	if f.err == nil && f.e != nil && c.listening && c.gen == f.gen {
		if old := c.entries[key]; old != nil {
			c.removeLocked(old)
		}
		if c.entries == nil {
			c.entries = map[[32]byte]*session{}
		}
		f.e.key = key
		f.e.elem = c.order.PushBack(f.e)
		c.entries[key] = f.e
		for len(c.entries) > size {
			c.removeLocked(c.order.Front().Value.(*session))
		}
	}
	c.mu.Unlock()
	close(f.done)
	return f.e, f.err
}

// slide moves the idle timeout of e on to now+idleFor when it was last moved more than a
// minute ago, and reports whether it did (the caller then writes it).
func (c *principalCache) slide(e *session, now time.Time, idleFor time.Duration) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if now.Sub(e.lastSeen) <= time.Minute {
		return false
	}
	e.lastSeen, e.idle = now, now.Add(idleFor)
	return true
}

// times returns the entry's idle and absolute expiry (read under the lock, as slide
// moves the idle time).
func (c *principalCache) times(e *session) (idle, expires time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return e.idle, e.expires
}
