package httpx_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/safeduty/safeduty/internal/platform/httpx"
)

// TestClientIP_Of resolves the client address as the audit log and the sign-in throttle
// record it, for a proxy set up the way a deployment does: a load balancer 10.0.0.1 in
// front of an internal proxy 10.0.0.2 (both in 10.0.0.0/24), and 2001:db8:cafe::/64 for
// the IPv6 side.
func TestClientIP_Of(t *testing.T) {
	trusted := httpx.ClientIP{Trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/24"), netip.MustParsePrefix("2001:db8:cafe::/64")}}
	none := httpx.ClientIP{}
	tests := []struct {
		name   string
		ips    httpx.ClientIP
		remote string   // the direct peer, as net/http gives it
		xff    []string // X-Forwarded-For header lines, in order
		want   string
	}{
		// No proxy configured: the peer, whatever the header says.
		{"no proxy", none, "203.0.113.9:4711", nil, "203.0.113.9"},
		{"no proxy, header ignored", none, "203.0.113.9:4711", []string{"198.51.100.1"}, "203.0.113.9"},
		{"no proxy, IPv6 peer", none, "[2001:db8::9]:4711", []string{"198.51.100.1"}, "2001:db8::9"},

		// One trusted proxy: the address it appended.
		{"one trusted proxy", trusted, "10.0.0.1:80", []string{"203.0.113.9"}, "203.0.113.9"},
		{"trusted proxy, space after comma", trusted, "10.0.0.1:80", []string{"198.51.100.7,  203.0.113.9 "}, "203.0.113.9"},
		{"trusted proxy, no header", trusted, "10.0.0.1:80", nil, "10.0.0.1"},
		{"trusted proxy, empty header", trusted, "10.0.0.1:80", []string{""}, "10.0.0.1"},

		// A chain: trusted hops are skipped from the right; the first untrusted one is
		// the client, and whatever stands to its left was written by that client.
		{"two trusted proxies", trusted, "10.0.0.1:80", []string{"203.0.113.9, 10.0.0.2"}, "203.0.113.9"},
		{"untrusted hop in the chain", trusted, "10.0.0.1:80", []string{"192.0.2.50, 203.0.113.9, 10.0.0.2"}, "203.0.113.9"},
		{"client claims a trusted address", trusted, "10.0.0.1:80", []string{"10.0.0.77, 203.0.113.9"}, "203.0.113.9"},
		{"every hop trusted: the leftmost", trusted, "10.0.0.1:80", []string{"10.0.0.50, 10.0.0.2"}, "10.0.0.50"},

		// Spoofing: a client that is not a trusted proxy cannot choose its address.
		{"spoofed header from an untrusted client", trusted, "203.0.113.9:4711", []string{"10.0.0.2"}, "203.0.113.9"},
		{"spoofed chain from an untrusted client", trusted, "203.0.113.9:4711", []string{"198.51.100.1, 10.0.0.1"}, "203.0.113.9"},
		// A client's own header line comes first; the line the proxy adds is believed.
		{"client's header line before the proxy's", trusted, "10.0.0.1:80", []string{"198.51.100.1", "203.0.113.9"}, "203.0.113.9"},

		// IPv6.
		{"IPv6 trusted proxy, IPv6 client", trusted, "[2001:db8:cafe::1]:443", []string{"2001:db8:1::9"}, "2001:db8:1::9"},
		{"IPv6 proxy, IPv4 client", trusted, "[2001:db8:cafe::1]:443", []string{"203.0.113.9"}, "203.0.113.9"},
		{"IPv6 untrusted peer", trusted, "[2001:db8:1::9]:443", []string{"10.0.0.2"}, "2001:db8:1::9"},
		{"IPv4-mapped peer is the IPv4 proxy", trusted, "[::ffff:10.0.0.1]:80", []string{"203.0.113.9"}, "203.0.113.9"},
		{"IPv4-mapped hop", trusted, "10.0.0.1:80", []string{"::ffff:203.0.113.9"}, "203.0.113.9"},
		{"IPv6 hop with a port", trusted, "10.0.0.1:80", []string{"[2001:db8:1::9]:4711"}, "2001:db8:1::9"},
		{"IPv6 hop in brackets", trusted, "10.0.0.1:80", []string{"[2001:db8:1::9]"}, "2001:db8:1::9"},
		{"IPv4 hop with a port", trusted, "10.0.0.1:80", []string{"203.0.113.9:4711"}, "203.0.113.9"},

		// Malformed: the walk ends at a hop that is not an address, and the client is
		// the last address walked (the peer when none was).
		{"garbage header", trusted, "10.0.0.1:80", []string{"not an address"}, "10.0.0.1"},
		{"unknown hop", trusted, "10.0.0.1:80", []string{"unknown"}, "10.0.0.1"},
		{"garbage left of a trusted hop", trusted, "10.0.0.1:80", []string{"garbage, 10.0.0.2"}, "10.0.0.2"},
		{"empty hop", trusted, "10.0.0.1:80", []string{"203.0.113.9,,10.0.0.2"}, "10.0.0.2"},
		{"hop with a zone", trusted, "10.0.0.1:80", []string{"fe80::1%eth0"}, "10.0.0.1"},
		{"garbage left of the client is not read", trusted, "10.0.0.1:80", []string{"<script>, 203.0.113.9"}, "203.0.113.9"},
		{"a peer that is not an address", trusted, "@", []string{"203.0.113.9"}, "@"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.remote
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := tt.ips.Of(r); got != tt.want {
				t.Errorf("Of(peer %s, X-Forwarded-For %q) = %q, want %q", tt.remote, tt.xff, got, tt.want)
			}
		})
	}
}
