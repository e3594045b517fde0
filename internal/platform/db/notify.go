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
// A change that must be in force everywhere by the time the writer answers (a sign-out)
// uses Tx.NotifyWait: on PostgreSQL each listener acknowledges the notification on
// channel+"_ack" once its callback has run, and the writer's commit returns when every
// listening connection counted at the time of writing has done so (or after EchoWait).
//
// On PostgreSQL Listen holds one dedicated connection running LISTEN (named by its
// application_name, which is how NotifyWait counts the listeners) and reconnects with
// backoff when it drops. A listener that is not connected may have missed notifications:
// onState(false) says so (before the first connection, and whenever it is lost), and a
// cache built on the notifications must be dropped and bypassed until onState(true).

// EchoWait bounds how long NotifyWait's commit waits for the acknowledgements (a
// listener counted but gone, a process hung).
const EchoWait = 2 * time.Second

// listenerApp is the application_name of a listening connection of channel.
func listenerApp(channel string) string { return "safeduty listen " + channel }

func ackChannel(channel string) string { return channel + "_ack" }

// hub holds a process's listeners of one *DB and the commits waiting for their echo.
type hub struct {
	mu        sync.Mutex
	listeners map[string][]*listener
	waiters   map[string]*waiter // by the notification's nonce
	seq       atomic.Uint64
	stop      chan struct{} // closed by DB.Close: PostgreSQL listeners end
	stopOnce  sync.Once
}

// waiter is a commit waiting for the acknowledgements of its notification.
type waiter struct {
	need int
	done chan struct{}
}

type listener struct {
	fn        func(payload string)
	connected atomic.Bool
}

// processNonce starts the nonce that makes each PostgreSQL notification of this process
// unique: the listener strips it, and a commit waiting for acknowledgements counts those
// that name it.
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

func (h *hub) wait(nonce string, need int) chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.waiters == nil {
		h.waiters = map[string]*waiter{}
	}
	w := &waiter{need: need, done: make(chan struct{})}
	h.waiters[nonce] = w
	return w.done
}

// ack counts one acknowledgement of nonce.
func (h *hub) ack(nonce string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if w, ok := h.waiters[nonce]; ok {
		w.need--
		if w.need == 0 {
			close(w.done)
		}
	}
}

func (h *hub) forget(nonce string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.waiters, nonce)
}

// NotifyWait is Notify, and on PostgreSQL the commit then waits (at most EchoWait) until
// every process listening on channel when the notification was written has received it
// and run its callbacks: a request sent to any of them after the writer answers sees the
// change. Without a connected listener of its own the writer cannot hear the
// acknowledgements and does not wait; on SQLite the commit's own delivery is all there is.
func (t *Tx) NotifyWait(ctx context.Context, channel, payload string) error {
	h := &t.db.hub
	if t.db.engine != Postgres || !h.connected(channel) {
		return t.Notify(ctx, channel, payload)
	}
	var n int
	if err := t.QueryRow(ctx, `SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = ?`,
		listenerApp(channel)).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return t.Notify(ctx, channel, payload)
	}
	nonce := "!" + processNonce + "." + strconv.FormatUint(h.seq.Add(1), 36)
	done := h.wait(nonce, n)
	if err := t.send(ctx, channel, nonce, payload); err != nil {
		h.forget(nonce)
		return err
	}
	t.AfterCommit(func() {
		timer := time.NewTimer(EchoWait)
		defer timer.Stop()
		select {
		case <-done:
		case <-timer.C:
		case <-ctx.Done():
		}
		h.forget(nonce)
	})
	return nil
}

// Notify announces payload on channel if the transaction commits: to this process's
// listeners once the commit returns, and on PostgreSQL to every process listening.
func (t *Tx) Notify(ctx context.Context, channel, payload string) error {
	nonce := ""
	if t.db.engine == Postgres {
		nonce = processNonce + "." + strconv.FormatUint(t.db.hub.seq.Add(1), 36)
	}
	return t.send(ctx, channel, nonce, payload)
}

// send writes the notification (on PostgreSQL, behind its nonce) and delivers it to this
// process's listeners after the commit.
func (t *Tx) send(ctx context.Context, channel, nonce, payload string) error {
	if t.db.engine == Postgres {
		if _, err := t.Exec(ctx, `SELECT pg_notify(?, ?)`, channel, nonce+" "+payload); err != nil {
			return err
		}
	}
	t.AfterCommit(func() { t.db.hub.deliver(channel, payload) })
	return nil
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
	cfg, err := pgx.ParseConfig(d.url)
	if err != nil {
		return false
	}
	cfg.RuntimeParams["application_name"] = listenerApp(channel)
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return false
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = conn.Close(closeCtx)
	}()
	ack := ackChannel(channel)
	for _, ch := range []string{channel, ack} {
		if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{ch}.Sanitize()); err != nil {
			return false
		}
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
		if n.Channel == ack {
			d.hub.ack(n.Payload)
			continue
		}
		nonce, payload, ok := strings.Cut(n.Payload, " ")
		if !ok {
			payload = n.Payload
		}
		l.fn(payload)
		if strings.HasPrefix(nonce, "!") { // the writer waits for every listener
			if _, err := conn.Exec(ctx, `SELECT pg_notify($1, $2)`, ack, nonce); err != nil {
				return true
			}
		}
	}
}
