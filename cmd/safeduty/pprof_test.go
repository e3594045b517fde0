package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// startServe runs serve with args on a fresh SQLite data folder and returns the URLs it
// printed: the application's and, with --pprof, the profiles'.
func startServe(t *testing.T, args ...string) (app, profiles string) {
	t.Helper()
	return startServeOn(t, []string{"--data", t.TempDir()}, args...)
}

// startServeOn runs serve on the store named by storeArgs (--data or --db …).
func startServeOn(t *testing.T, store []string, args ...string) (app, profiles string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append(append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "error"}, store...), args...), pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop")
		}
	})
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		if m := regexp.MustCompile(`Profiles on (http://\S+)/debug/pprof/`).FindStringSubmatch(sc.Text()); m != nil {
			profiles = m[1]
		}
		if m := regexp.MustCompile(`serving on (http://\S+)`).FindStringSubmatch(sc.Text()); m != nil {
			app = m[1]
			break
		}
	}
	go io.Copy(io.Discard, pr) //nolint:errcheck
	if app == "" {
		t.Fatal("serve did not report its address")
	}
	return app, profiles
}

func getStatus(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// The profiles are off by default and, when asked for, served on their own address only.
func TestCLI_Pprof(t *testing.T) {
	t.Run("OffByDefault", func(t *testing.T) {
		app, profiles := startServe(t)
		if profiles != "" {
			t.Errorf("profiles served without --pprof: %s", profiles)
		}
		for _, p := range []string{"/debug/pprof/", "/debug/pprof/heap", "/debug/pprof/profile?seconds=1"} {
			if code, _ := getStatus(t, app+p); code != http.StatusNotFound {
				t.Errorf("main address %s: %d, want 404", p, code)
			}
		}
	})
	t.Run("OnItsOwnAddress", func(t *testing.T) {
		app, profiles := startServe(t, "--pprof", "127.0.0.1:0")
		if profiles == "" || profiles == app {
			t.Fatalf("profiles at %q, app at %q: want a separate address", profiles, app)
		}
		if code, body := getStatus(t, profiles+"/debug/pprof/"); code != http.StatusOK || !strings.Contains(body, "goroutine") {
			t.Errorf("profiles index: %d %.200s", code, body)
		}
		if code, body := getStatus(t, profiles+"/debug/pprof/heap?debug=1"); code != http.StatusOK || !strings.Contains(body, "heap profile") {
			t.Errorf("heap profile: %d %.200s", code, body)
		}
		if code, _ := getStatus(t, app+"/debug/pprof/"); code != http.StatusNotFound {
			t.Errorf("main address /debug/pprof/ with --pprof: %d, want 404", code)
		}
		if code, _ := getStatus(t, profiles+"/api/v1/me"); code != http.StatusNotFound {
			t.Errorf("the application on the profiles' address: %d, want 404", code)
		}
	})
	t.Run("HostMustBeNamed", func(t *testing.T) {
		for _, addr := range []string{":6060", "0.0.0.0:6060", "[::]:6060", "6060"} {
			out, err := runCmd(t, "serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--pprof", addr)
			if err == nil || !strings.Contains(err.Error(), "--pprof") {
				t.Errorf("--pprof %s: %v %s, want a refusal naming the flag", addr, err, out)
			}
		}
		for _, addr := range []string{"127.0.0.1:6060", "[::1]:6060", "localhost:6060", "10.1.2.3:6060"} {
			if err := checkPprofAddr(addr); err != nil {
				t.Errorf("--pprof %s refused: %v", addr, err)
			}
		}
	})
}
