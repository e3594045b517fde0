package auth

import (
	"sync"
	"testing"
	"time"
)

func key(b byte) [32]byte { return [32]byte{b} }

// Fifty concurrent first requests with one token make one lookup, and all get its answer.
func TestPrincipalCache_OneLookupForConcurrentRequests(t *testing.T) {
	var c principalCache
	c.setListening(true)
	var (
		mu      sync.Mutex
		loads   int
		started = make(chan struct{})
		release = make(chan struct{})
	)
	load := func() (*session, error) {
		mu.Lock()
		loads++
		mu.Unlock()
		close(started)
		<-release
		return &session{p: Principal{UserID: 7}, loaded: time.Now()}, nil
	}
	var wg sync.WaitGroup
	got := make([]*session, 50)
	wg.Add(1)
	go func() { defer wg.Done(); got[0], _ = c.lookup(key(1), 100, load) }()
	<-started
	for i := 1; i < 50; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); got[i], _ = c.lookup(key(1), 100, load) }()
	}
	for { // until the 49 others share the first one's lookup
		c.mu.Lock()
		n := c.flights[key(1)].waiters
		c.mu.Unlock()
		if n == 49 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	if loads != 1 {
		t.Errorf("%d lookups, want 1", loads)
	}
	for i, e := range got {
		if e == nil || e.p.UserID != 7 {
			t.Fatalf("request %d got %v", i, e)
		}
	}
	if c.get(key(1), time.Now(), time.Minute) == nil {
		t.Error("the lookup's answer was not kept")
	}
}

// A lookup that began before an invalidation is not kept (it may have read the old rows),
// and while the cache is off nothing is kept.
func TestPrincipalCache_NothingStaleKept(t *testing.T) {
	var c principalCache
	c.setListening(true)
	_, _ = c.lookup(key(1), 100, func() (*session, error) {
		c.invalidate("u:99") // a change committed while the rows were being read
		return &session{p: Principal{UserID: 7}}, nil
	})
	if c.get(key(1), time.Now(), time.Minute) != nil {
		t.Error("a lookup overtaken by an invalidation was kept")
	}
	c.setListening(false)
	_, _ = c.lookup(key(2), 100, func() (*session, error) { return &session{p: Principal{UserID: 7}}, nil })
	if c.get(key(2), time.Now(), time.Minute) != nil {
		t.Error("kept while not listening")
	}
}

// Invalidation drops the entries its payload names, and only those; the cache keeps at
// most its size, dropping the oldest first.
func TestPrincipalCache_InvalidateAndEvict(t *testing.T) {
	var c principalCache
	c.setListening(true)
	now := time.Now()
	put := func(b byte, p Principal) {
		_, _ = c.lookup(key(b), 3, func() (*session, error) { return &session{p: p, loaded: now}, nil })
	}
	has := func(b byte) bool { return c.get(key(b), now, time.Minute) != nil }
	put(1, Principal{UserID: 1, OrgID: 10, SessionID: 100})
	put(2, Principal{UserID: 2, OrgID: 10, SessionID: 200})
	put(3, Principal{UserID: 3, OrgID: 30, SessionID: 300})
	c.invalidate("s:100")
	if has(1) || !has(2) || !has(3) {
		t.Errorf("s:100: %v %v %v", has(1), has(2), has(3))
	}
	put(1, Principal{UserID: 1, OrgID: 10, SessionID: 100})
	c.invalidate("o:10")
	if has(1) || has(2) || !has(3) {
		t.Errorf("o:10: %v %v %v", has(1), has(2), has(3))
	}
	c.invalidate("u:3")
	if has(3) {
		t.Error("u:3 kept")
	}
	for b := byte(1); b <= 4; b++ {
		put(b, Principal{UserID: 9})
	}
	if has(1) || !has(2) || !has(4) {
		t.Errorf("size 3 after 4 sessions: %v %v %v", has(1), has(2), has(4))
	}
	c.invalidate("*")
	if has(2) || has(3) || has(4) {
		t.Error("* kept entries")
	}
	if c.get(key(9), now, time.Minute) != nil {
		t.Error("unknown key found")
	}
}
