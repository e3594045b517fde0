package db

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// Notifications tell every server process sharing the database that something changed,
// so that what a process keeps in memory (the signed-in principals) is dropped at once.
//
// A writer calls Tx.Notify inside the transaction that makes the change; the notification
// goes out only if the transaction commits. Every Listen callback of the writing process
// gets it as soon as the commit returns; on PostgreSQL every other process gets it through
// pg_notify, which the server delivers at commit. On SQLite one process owns the file
// (lock_unix.go), so the process's own callbacks are all there is.
//
// On PostgreSQL Listen holds one dedicated connection running LISTEN and reconnects with
// backoff when it drops. A listener that is not connected may have missed notifications:
// onState(false) says so (before the first connection, and whenever it is lost), and a
// cache built on the notifications must be dropped and bypassed until onState(true).

// EchoWait bounds how long NotifyEcho's commit waits for its notification to come back.
const EchoWait = 2 * time.Second

// hub holds a process's listeners of one *DB and the commits waiting for their echo.
type hub struct {
	mu        sync.Mutex
	listeners map[string][]*listener
	waiters   map[string]chan struct{} // by the notification's nonce
	seq       atomic.Uint64
	stop      chan struct{} // closed by DB.Close: PostgreSQL listeners end
	stopOnce  sync.Once
}

type listener struct {
	fn        func(payload string)
	connected atomic.Bool
}

// nonce is the prefix that makes each PostgreSQL notification of this process unique:
// the listener strips it, and a commit waiting for its echo matches it.
var processNonce = strconv.FormatInt(time.Now().UnixNano(), 36)

func (h *hub) stopped() chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stop == nil {
		h.stop = make(chan struct{})
	}
	return h.stop
}

func (h *hub) close() {
	ch := h.stopped()
	h.stopOnce.Do(func() { close(ch) })
}

func (h *hub) add(channel string, l *listener) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.listeners == nil {
		h.listeners = map[string][]*listener{}
	}
	h.listeners[channel] = append(h.listeners[channel], l)
}

func (h *hub) remove(channel string, l *listener) {
	h.mu.Lock()
	defer h.mu.Unlock()
	ls := h.listeners[channel]
	for i, x := range ls {
		if x == l {
			h.listeners[channel] = append(ls[:i:i], ls[i+1:]...)
			break
		}
	}
}

// deliver calls every listener of channel in this process.
func (h *hub) deliver(channel, payload string) {
	h.mu.Lock()
	ls := h.listeners[channel]
	h.mu.Unlock()
	for _, l := range ls {
		l.fn(payload)
	}
}

// connected reports whether a listener of channel holds its PostgreSQL connection.
func (h *hub) connected(channel string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, l := range h.listeners[channel] {
		if l.connected.Load() {
			return true
		}
	}
	return false
}

func (h *hub) wait(nonce string) chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.waiters == nil {
		h.waiters = map[string]chan struct{}{}
	}
	ch := make(chan struct{})
	h.waiters[nonce] = ch
	return ch
}

func (h *hub) done(nonce string, echoed bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if ch, ok := h.waiters[nonce]; ok {
		delete(h.waiters, nonce)
		if echoed {
			close(ch)
		}
	}
}

// Notify announces payload on channel if the transaction commits: to this process's
// listeners once the commit returns, and on PostgreSQL to every process listening.
func (t *Tx) Notify(ctx context.Context, channel, payload string) error {
	_, err := t.notify(ctx, channel, payload)
	return err
}

// NotifyEcho is Notify, and the commit then waits (at most EchoWait) until the
// notification has come back through this process's own PostgreSQL listener: every other
// process listening on the server has then, in practice, received it too, so a request
// sent to any of them after the writer answers sees the change. Without a connected
// listener, and on SQLite, it does not wait.
func (t *Tx) NotifyEcho(ctx context.Context, channel, payload string) error {
	nonce, err := t.notify(ctx, channel, payload)
	if err != nil || nonce == "" || !t.db.hub.connected(channel) {
		return err
	}
	h := &t.db.hub
	echo := h.wait(nonce)
	t.AfterCommit(func() {
		timer := time.NewTimer(EchoWait)
		defer timer.Stop()
		select {
		case <-echo:
		case <-timer.C:
		case <-ctx.Done():
		}
		h.done(nonce, false)
	})
	return nil
}

// notify sends payload (on PostgreSQL with a nonce, returned) and delivers it locally
// after the commit.
func (t *Tx) notify(ctx context.Context, channel, payload string) (string, error) {
	nonce := ""
	if t.db.engine == Postgres {
		nonce = processNonce + "." + strconv.FormatUint(t.db.hub.seq.Add(1), 36)
		if _, err := t.Exec(ctx, `SELECT pg_notify(?, ?)`, channel, nonce+" "+payload); err != nil {
			return "", err
		}
	}
	t.AfterCommit(func() { t.db.hub.deliver(channel, payload) })
	return nonce, nil
}

// Listen calls onNotify with the payload of every notification on channel until ctx ends
// or the database is closed; it returns at once and listens in the background. onState
// (may be nil) is called with false first and whenever the PostgreSQL connection is lost,
// and with true once notifications are being received: between a false and the next
// true, notifications may have been missed. On SQLite the listener is connected at once.
// Callbacks may run concurrently with one another.
func (d *DB) Listen(ctx context.Context, channel string, onNotify func(payload string), onState func(listening bool)) {
	if onState == nil {
		onState = func(bool) {}
	}
	l := &listener{fn: onNotify}
	onState(false)
	d.hub.add(channel, l)
	stop := d.hub.stopped()
	if d.engine != Postgres {
		l.connected.Store(true)
		onState(true)
		go func() {
			select {
			case <-ctx.Done():
			case <-stop:
			}
			d.hub.remove(channel, l)
		}()
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-ctx.Done():
		case <-stop:
			cancel()
		}
	}()
	go func() {
		defer cancel()
		defer d.hub.remove(channel, l)
		backoff := 50 * time.Millisecond
		for ctx.Err() == nil {
			if d.listenOnce(ctx, channel, l, onState) {
				backoff = 50 * time.Millisecond // it had connected: retry soon
			}
			select {
			case <-ctx.Done():
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, 5*time.Second)
		}
	}()
}

// listenOnce connects, listens and dispatches until the connection fails; it reports
// whether it had been listening.
func (d *DB) listenOnce(ctx context.Context, channel string, l *listener, onState func(bool)) bool {
	conn, err := pgx.Connect(ctx, d.url)
	if err != nil {
		return false
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = conn.Close(closeCtx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return false
	}
	l.connected.Store(true)
	onState(true)
	defer func() {
		l.connected.Store(false)
		onState(false)
	}()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return true
		}
		nonce, payload, ok := strings.Cut(n.Payload, " ")
		if !ok {
			payload = n.Payload
		}
		l.fn(payload)
		d.hub.done(nonce, true)
	}
}
