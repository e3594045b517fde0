// Package httpx holds the HTTP middleware every request passes through, API or page:
// recovery, request logging, Prometheus metrics, security headers, client address and the
// audit context.
package httpx

import (
	"bufio"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/safeduty/safeduty/internal/platform/audit"
)

// StatusWriter records the status and size of a response.
type StatusWriter struct {
	http.ResponseWriter
	Status int
	Bytes  int64
}

// WriteHeader records the status.
func (w *StatusWriter) WriteHeader(code int) {
	if w.Status == 0 {
		w.Status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write records the size (and an implicit 200).
func (w *StatusWriter) Write(b []byte) (int, error) {
	if w.Status == 0 {
		w.Status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.Bytes += int64(n)
	return n, err
}

// Flush lets streamed exports reach the client as they are written.
func (w *StatusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack supports connection upgrades.
func (w *StatusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if h, ok := w.ResponseWriter.(http.Hijacker); ok {
		return h.Hijack()
	}
	return nil, nil, errors.New("hijack not supported")
}

// Unwrap exposes the underlying writer to http.ResponseController.
func (w *StatusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Code is the recorded status (200 when nothing was written).
func (w *StatusWriter) Code() int {
	if w.Status == 0 {
		return http.StatusOK
	}
	return w.Status
}

// ClientIP resolves the client's address, which the audit log and the sign-in throttle
// record. X-Forwarded-For is believed only when the direct peer is one of the trusted
// proxies, and then only as far as trusted proxies wrote it: reading its hops from the
// right (all header lines, in order, as one list), the client is the first hop that is
// not a trusted proxy, since the hops to its left were written by that untrusted client
// and may be anything. When every hop is trusted, the client is the leftmost one (a client
// inside a trusted network). A hop that is not an address (a typo, "unknown", a port
// where the proxy writes none) ends the walk: the client is then the last address
// walked, the peer when there is none.
//
// Addresses are written in their canonical form: an IPv4 address mapped into IPv6
// (::ffff:203.0.113.9) as IPv4, a hop's port or brackets dropped.
type ClientIP struct {
	Trusted []netip.Prefix
}

// Of returns the client address of r.
func (c ClientIP) Of(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	peer = peer.Unmap()
	if !c.trusted(peer) {
		return peer.String()
	}
	client := peer
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHop(hops[i])
		if !ok {
			break
		}
		client = a
		if !c.trusted(a) {
			break
		}
	}
	return client.String()
}

// trusted reports whether a is one of the trusted proxies.
func (c ClientIP) trusted(a netip.Addr) bool {
	for _, p := range c.Trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// parseHop reads one X-Forwarded-For hop: an address, or an address and port
// (203.0.113.9:4711, [2001:db8::1]:4711) as some proxies write it.
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil && a.Zone() == "" {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil && ap.Addr().Zone() == "" {
		return ap.Addr().Unmap(), true
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		if a, err := netip.ParseAddr(s[1 : len(s)-1]); err == nil && a.Zone() == "" {
			return a.Unmap(), true
		}
	}
	return netip.Addr{}, false
}

// Metrics are the HTTP figures exported at /metrics.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inflight prometheus.Gauge
}

// NewMetrics registers the HTTP metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "safeduty_http_requests_total",
			Help: "HTTP requests by route pattern, method and status class.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "safeduty_http_request_duration_seconds",
			Help:    "HTTP request latency by route pattern.",
			Buckets: []float64{.002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route"}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "safeduty_http_requests_in_flight",
			Help: "HTTP requests being served.",
		}),
	}
	reg.MustRegister(m.requests, m.duration, m.inflight)
	return m
}

// securityHeaders are set on every response. Their values are one-element slices
// assigned as they are (the keys are canonical): Set would allocate a slice per header and
// request, and an Add to one of them copies it, as its capacity is its length.
var securityHeaders = []struct {
	key   string
	value []string
}{
	{"X-Content-Type-Options", []string{"nosniff"}},
	{"X-Frame-Options", []string{"DENY"}},
	{"Referrer-Policy", []string{"same-origin"}},
	{"Content-Security-Policy", []string{"default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"}},
}

// codeClass is the metrics label of a status: "2xx" …
func codeClass(code int) string {
	if code >= 100 && code < 600 {
		return [...]string{"1xx", "2xx", "3xx", "4xx", "5xx"}[code/100-1]
	}
	return strconv.Itoa(code/100) + "xx"
}

// Wrap is the outermost middleware: audit context, recovery, security headers, metrics
// and one log line per request.
func Wrap(next http.Handler, log *slog.Logger, m *Metrics, ips ClientIP) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &StatusWriter{ResponseWriter: w}
		req := &audit.Request{IP: ips.Of(r), UserAgent: r.UserAgent()}
		r = r.WithContext(audit.WithRequest(r.Context(), req))
		h := sw.Header()
		for _, kv := range securityHeaders {
			h[kv.key] = kv.value
		}
		if m != nil {
			m.inflight.Inc()
			defer m.inflight.Dec()
		}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", p)
				if sw.Status == 0 {
					http.Error(sw, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
				}
			}
			route := req.Route
			if route == "" {
				route = r.Pattern
			}
			if route == "" {
				route = "unmatched"
			}
			code := sw.Code()
			if m != nil {
				m.requests.WithLabelValues(route, r.Method, codeClass(code)).Inc()
				m.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
			}
			level := slog.LevelInfo
			if code >= 500 {
				level = slog.LevelError
			}
			log.LogAttrs(r.Context(), level, "http", slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.Int("status", code), slog.Int64("bytes", sw.Bytes), slog.Duration("took", time.Since(start).Round(time.Microsecond)),
				slog.String("ip", req.IP), slog.String("user", req.Username))
		}()
		next.ServeHTTP(sw, r)
	})
}
