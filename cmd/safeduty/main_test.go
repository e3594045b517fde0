package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

func runCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, &out, &errOut)
	return out.String() + errOut.String(), err
}

// storeArgs returns the --db/--data flags of a fresh database on engine e.
func storeArgs(t *testing.T, e db.Engine) []string {
	cfg := dbtest.Config(t, e)
	if cfg.URL != "" {
		return []string{"--db", cfg.URL, "--files", filepath.Join(t.TempDir(), "files")}
	}
	return []string{"--data", cfg.DataDir}
}

// The administration commands as an operator runs them: migrate, bootstrap, backup and
// restore into another database, on each engine.
func TestCLI_MigrateBootstrapBackupRestore(t *testing.T) {
	for _, e := range dbtest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			src := storeArgs(t, e)
			out, err := runCmd(t, append([]string{"migrate"}, src...)...)
			if err != nil || !regexp.MustCompile(`schema version (\d+) of (\d+)`).MatchString(out) {
				t.Fatalf("migrate: %v\n%s", err, out)
			}
			out, err = runCmd(t, append([]string{"bootstrap", "--district", "测试区", "--code", "330199"}, src...)...)
			if err != nil || !strings.Contains(out, "one-time password") {
				t.Fatalf("bootstrap: %v\n%s", err, out)
			}
			if out, err := runCmd(t, append([]string{"bootstrap", "--district", "又一区", "--code", "330198"}, src...)...); err == nil {
				t.Errorf("second bootstrap succeeded: %s", out)
			}
			file := filepath.Join(t.TempDir(), "copy.bak")
			if out, err := runCmd(t, append(append([]string{"backup"}, src...), file)...); err != nil {
				t.Fatalf("backup: %v\n%s", err, out)
			}
			dst := storeArgs(t, e)
			if out, err := runCmd(t, append(append([]string{"restore"}, dst...), file)...); err != nil {
				t.Fatalf("restore: %v\n%s", err, out)
			}
			cfg := db.Config{}
			if dst[0] == "--db" {
				cfg.URL = dst[1]
			} else {
				cfg.DataDir = dst[1]
			}
			d, err := db.Open(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			var name string
			if err := d.QueryRow(context.Background(), `SELECT name FROM orgs WHERE kind = 'district'`).Scan(&name); err != nil || name != "测试区" {
				t.Errorf("restored copy: district %q, %v", name, err)
			}
		})
	}
}

func TestCLI_UsageErrors(t *testing.T) {
	if _, err := runCmd(t); err == nil {
		t.Error("no command: want an error")
	}
	if out, err := runCmd(t, "frobnicate"); err == nil || !strings.Contains(out, "Usage") {
		t.Errorf("unknown command: %v %s", err, out)
	}
	if _, err := runCmd(t, "backup"); err == nil {
		t.Error("backup without a file: want an error")
	}
	if out, err := runCmd(t, "version"); err != nil || strings.TrimSpace(out) == "" {
		t.Errorf("version: %v %q", err, out)
	}
}

// serve answers health checks, refuses a second server on the same data folder, and stops
// cleanly when asked.
func TestCLI_ServeAndStop(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--data", dir, "--addr", "127.0.0.1:0", "--log-level", "error"}, pw, io.Discard)
		pw.Close()
	}()
	var url string
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		if m := regexp.MustCompile(`serving on (http://\S+)`).FindStringSubmatch(sc.Text()); m != nil {
			url = m[1]
			break
		}
	}
	go io.Copy(io.Discard, pr) //nolint:errcheck
	if url == "" {
		cancel()
		t.Fatalf("serve did not report its address: %v", <-done)
	}
	for _, p := range []string{"/healthz", "/readyz", "/login"} {
		res, err := http.Get(url + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", p, res.StatusCode)
		}
	}
	// Even the refusal net/http writes by itself is a problem document.
	req, _ := http.NewRequest("GET", url+"/api/v1/me", nil)
	req.Header.Set("X-Padding", strings.Repeat("a", 100<<10))
	if res, err := http.DefaultClient.Do(req); err != nil {
		t.Error(err)
	} else {
		res.Body.Close()
		if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("large headers: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
	}
	out, err := runCmd(t, "serve", "--data", dir, "--addr", "127.0.0.1:0")
	if err == nil || !strings.Contains(out+err.Error(), "in use") {
		t.Errorf("second server on the same data folder: %v %s", err, out)
	}
	if out, err := runCmd(t, "restore", "--data", dir, filepath.Join(dir, "safeduty.db")); err == nil {
		t.Errorf("restore under a running server succeeded: %s", out)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after the signal", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
}
