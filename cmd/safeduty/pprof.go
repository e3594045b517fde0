package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime"
	"time"
)

// pprofHelp is the help of serve's --pprof flag.
const pprofHelp = "serve Go's profiles (net/http/pprof, /debug/pprof/) on this separate address, e.g. 127.0.0.1:6060; " +
	"off when empty. The host must be named: an address on every interface (:6060, 0.0.0.0:6060, [::]:6060) is refused, " +
	"and a host other than loopback is taken as meant (the profiles have no sign-in: keep them off the public network). " +
	"Turns on the block and mutex profiles' sampling"

// checkPprofAddr refuses an address that would serve the profiles on every interface: the
// operator must name the host, so a non-loopback one is never exposed by accident.
func checkPprofAddr(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--pprof %q: want host:port, e.g. 127.0.0.1:6060: %w", addr, err)
	}
	if host == "" {
		return fmt.Errorf("--pprof %q: name the host, e.g. 127.0.0.1:6060 (an empty host listens on every interface)", addr)
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		return fmt.Errorf("--pprof %q: name the host, e.g. 127.0.0.1:6060 (%s listens on every interface)", addr, host)
	}
	return nil
}

// pprofMux is net/http/pprof's handlers on a mux of their own, so nothing of them is on the
// application's router.
func pprofMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// startPprof listens on addr and serves the profiles until ctx ends. It returns the address
// listened on (addr may name port 0).
func startPprof(ctx context.Context, addr string, log *slog.Logger) (string, error) {
	if err := checkPprofAddr(addr); err != nil {
		return "", err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("--pprof: %w", err)
	}
	if ip := net.ParseIP(ln.Addr().(*net.TCPAddr).IP.String()); ip != nil && !ip.IsLoopback() {
		log.Warn("profiles served on a non-loopback address, without sign-in", "addr", ln.Addr().String())
	}
	// The block and mutex profiles are empty unless sampled; sample them only when the
	// profiles were asked for (one blocking event per 10µs blocked, one contention in 100).
	runtime.SetBlockProfileRate(int(10 * time.Microsecond))
	runtime.SetMutexProfileFraction(100)
	// WriteTimeout stays off: a CPU profile or a trace streams for its whole ?seconds=.
	srv := &http.Server{Handler: pprofMux(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("pprof server", "err", err)
		}
	}()
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	log.Info("profiles served", "url", "http://"+ln.Addr().String()+"/debug/pprof/")
	return ln.Addr().String(), nil
}
