package multiproc_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

// scanEvery is the hazard escalation job's period in this test, and jobsTick how often
// each process looks for due jobs: many looks per period, from both processes.
const (
	scanEvery = time.Second
	jobsTick  = 100 * time.Millisecond
)

// Two `safeduty serve` processes on one PostgreSQL database and one S3 store: a session
// made on one works on the other; a sign-out, a password change or a disabled account
// on one is refused by the other on the very next request; an upload through one
// downloads (whole and by range) through the other; the escalation job runs once per
// period while both look for it many times a period, and goes on running on the one left
// when the other stops.
func TestTwoProcessesOnePostgreSQL(t *testing.T) {
	if os.Getenv(dbtest.EnvPostgres) == "" {
		t.Skipf("the two-process test needs PostgreSQL: set %s (CI does)", dbtest.EnvPostgres)
	}
	ctx := context.Background()
	began := time.Now()
	step := func(what string) { t.Logf("%s after %s", what, time.Since(began).Round(time.Millisecond)) }
	bin := filepath.Join(t.TempDir(), "safeduty")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/safeduty/safeduty/cmd/safeduty").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	step("built")
	cfg := dbtest.Config(t, db.Postgres) // a fresh, migrated database, dropped afterwards
	d, err := db.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()

	backend := s3mem.New()
	if err := backend.CreateBucket("safeduty"); err != nil {
		t.Fatal(err)
	}
	s3 := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(s3.Close)
	files := "s3://safeduty/cluster?secure=false&endpoint=" + strings.TrimPrefix(s3.URL, "http://")
	env := append(os.Environ(), "SAFEDUTY_S3_ACCESS_KEY=cluster-access", "SAFEDUTY_S3_SECRET_KEY=cluster-secret",
		"SAFEDUTY_DB=", "SAFEDUTY_FILES=", "SAFEDUTY_DATA=")

	boot := exec.Command(bin, "bootstrap", "--db", cfg.URL, "--data", t.TempDir(), "--district", "双城区", "--code", "330199")
	boot.Env = env
	out, err := boot.CombinedOutput()
	if err != nil {
		t.Fatalf("bootstrap: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`one-time password:\s+(\S+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("bootstrap printed no password:\n%s", out)
	}
	password := string(m[1])
	step("bootstrapped")

	// Both start at once, as a cluster's processes would.
	var a, b *server
	var wg sync.WaitGroup
	wg.Go(func() { a = start(t, bin, env, "a", cfg.URL, files) })
	wg.Go(func() { b = start(t, bin, env, "b", cfg.URL, files) })
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	step("both serving")

	t.Run("session", func(t *testing.T) {
		tok := a.signIn(t, "admin", password)
		if st, body := b.do(t, "GET", "/api/v1/me", tok, nil, ""); st != http.StatusOK || !strings.Contains(string(body), `"admin"`) {
			t.Fatalf("a session made on a, used on b: %d %s", st, body)
		}
		other := b.signIn(t, "admin", password)
		if st, _ := a.do(t, "GET", "/api/v1/me", other, nil, ""); st != http.StatusOK {
			t.Fatalf("a session made on b, used on a: %d", st)
		}
		if st, body := a.do(t, "DELETE", "/api/v1/session", tok, nil, ""); st != http.StatusNoContent {
			t.Fatalf("sign-out on a: %d %s", st, body)
		}
		// The very next request on b, which has just served this token.
		if st, _ := b.do(t, "GET", "/api/v1/me", tok, nil, ""); st != http.StatusUnauthorized {
			t.Errorf("a token signed out on a, used on b: %d, want 401", st)
		}
		if st, _ := a.do(t, "GET", "/api/v1/me", tok, nil, ""); st != http.StatusUnauthorized {
			t.Errorf("a token signed out on a, used on a: %d, want 401", st)
		}
		if st, _ := b.do(t, "GET", "/api/v1/me", other, nil, ""); st != http.StatusOK {
			t.Errorf("the other session, after the sign-out of the first: %d, want 200", st)
		}
	})

	t.Run("revocation", func(t *testing.T) {
		admin := a.signIn(t, "admin", password)
		var office int64
		if err := d.QueryRow(ctx, `SELECT id FROM orgs WHERE kind = 'unit'`).Scan(&office); err != nil {
			t.Fatal(err)
		}
		const userPass = "Cluster-pass-2026"
		body, _ := json.Marshal(map[string]any{"username": "officer1", "display_name": "值班员", "password": userPass,
			"org_id": fmt.Sprint(office), "roles": []string{"safety_office"}})
		st, res := a.do(t, "POST", "/api/v1/users", admin, body, "application/json")
		if st != http.StatusCreated {
			t.Fatalf("create a user on a: %d %s", st, res)
		}
		var u struct{ ID string }
		if err := json.Unmarshal(res, &u); err != nil {
			t.Fatal(err)
		}

		// A password change through b ends the user's other sessions on a at once.
		onA, onB := a.signIn(t, "officer1", userPass), b.signIn(t, "officer1", userPass)
		if st, _ := a.do(t, "GET", "/api/v1/me", onA, nil, ""); st != http.StatusOK {
			t.Fatalf("before the change: %d", st)
		}
		change, _ := json.Marshal(map[string]string{"current_password": userPass, "new_password": "Cluster-pass-2027"})
		if st, res := b.do(t, "POST", "/api/v1/me/password", onB, change, "application/json"); st != http.StatusNoContent {
			t.Fatalf("password change on b: %d %s", st, res)
		}
		if st, _ := a.do(t, "GET", "/api/v1/me", onA, nil, ""); st != http.StatusUnauthorized {
			t.Errorf("a session on a after the password changed on b: %d, want 401", st)
		}

		// Disabling the account on a refuses its session on b at once.
		if st, _ := b.do(t, "GET", "/api/v1/me", onB, nil, ""); st != http.StatusOK {
			t.Fatalf("the session that changed the password: %d", st)
		}
		disable, _ := json.Marshal(map[string]any{"disabled": true})
		if st, res := a.do(t, "PATCH", "/api/v1/users/"+u.ID, admin, disable, "application/json"); st != http.StatusOK {
			t.Fatalf("disable on a: %d %s", st, res)
		}
		if st, _ := b.do(t, "GET", "/api/v1/me", onB, nil, ""); st != http.StatusUnauthorized {
			t.Errorf("a disabled account's session on b: %d, want 401", st)
		}
	})

	t.Run("attachment", func(t *testing.T) {
		tok := a.signIn(t, "admin", password)
		pic := pngBytes(t)
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", "现场.png")
		fw.Write(pic)
		mw.Close()
		st, res := a.do(t, "POST", "/api/v1/attachments", tok, body.Bytes(), mw.FormDataContentType())
		if st != http.StatusCreated {
			t.Fatalf("upload on a: %d %s", st, res)
		}
		var att struct{ ID, URL string }
		if err := json.Unmarshal(res, &att); err != nil {
			t.Fatal(err)
		}
		var key string
		if err := d.QueryRow(ctx, `SELECT storage_key FROM attachments WHERE id = ?`, att.ID).Scan(&key); err != nil {
			t.Fatal(err)
		}
		if _, err := backend.HeadObject("safeduty", "cluster/"+key); err != nil {
			t.Fatalf("the upload is not in the S3 store: %v", err)
		}
		if st, got := b.do(t, "GET", att.URL, tok, nil, ""); st != http.StatusOK || !bytes.Equal(got, pic) {
			t.Errorf("download on b: %d, %d bytes; want 200, %d bytes", st, len(got), len(pic))
		}
		if st, got := b.do(t, "GET", att.URL, tok, nil, "", "Range", "bytes=1-3"); st != http.StatusPartialContent || !bytes.Equal(got, pic[1:4]) {
			t.Errorf("range on b: %d %q", st, got)
		}
	})

	t.Run("job", func(t *testing.T) {
		const job = "hazard.escalate"
		// Both processes look for due jobs ten times a period; if both ran a due job,
		// runs would grow by about two a period instead of one.
		first, last := watchRuns(t, d, job, 6*time.Second)
		n := last.runs - first.runs
		window := last.at.Sub(first.at)
		most := int(window/scanEvery) + 2 // a run starts at least a period after the last one ended
		if n < 3 || n > most {
			t.Errorf("%s ran %d times in %s (period %s), want 3 to %d: one run per period", job, n, window.Round(time.Millisecond), scanEvery, most)
		}
		var lastErr string
		if err := d.QueryRow(ctx, `SELECT last_error FROM job_runs WHERE name = ?`, job).Scan(&lastErr); err != nil || lastErr != "" {
			t.Errorf("last error %q (%v)", lastErr, err)
		}

		// a stops (as a rolling restart would stop it); b goes on running the job.
		a.stop(t)
		first, last = watchRuns(t, d, job, 3*time.Second)
		if last.runs-first.runs < 1 {
			t.Errorf("after a stopped, b did not run %s in %s", job, last.at.Sub(first.at).Round(time.Millisecond))
		}
	})
}

// sample is one look at a job's row.
type sample struct {
	runs int
	at   time.Time
}

// watchRuns reads the job's run count every few milliseconds for about d, and fails the
// test when two runs finished between two looks less than a period apart.
func watchRuns(t *testing.T, d *db.DB, job string, dur time.Duration) (first, last sample) {
	t.Helper()
	read := func() sample {
		var s sample
		if err := d.QueryRow(context.Background(), `SELECT runs FROM job_runs WHERE name = ?`, job).Scan(&s.runs); err != nil {
			t.Fatalf("job %s: %v", job, err)
		}
		s.at = time.Now()
		return s
	}
	first = read()
	prev := first
	for time.Since(first.at) < dur {
		time.Sleep(20 * time.Millisecond)
		s := read()
		if s.runs-prev.runs > 1 && s.at.Sub(prev.at) < scanEvery {
			t.Errorf("%s: %d runs ended within %s (period %s)", job, s.runs-prev.runs, s.at.Sub(prev.at).Round(time.Millisecond), scanEvery)
		}
		prev = s
	}
	return first, prev
}

// server is one `safeduty serve` process.
type server struct {
	name   string
	base   string
	cmd    *exec.Cmd
	stderr *syncBuffer
	done   chan error
}

// start runs `safeduty serve` on a free port and waits until it serves.
func start(t *testing.T, bin string, env []string, name, dbURL, files string) *server {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--db", dbURL, "--data", t.TempDir(), "--files", files, "--addr", "127.0.0.1:0",
		"--hazard-scan-every", scanEvery.String(), "--jobs-tick", jobsTick.String(), "--log-level", "warn")
	cmd.Env = env
	s := &server{name: name, cmd: cmd, stderr: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stderr = s.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-s.done
		if t.Failed() {
			t.Logf("server %s's log:\n%s", name, s.stderr.String())
		}
	})
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := regexp.MustCompile(`serving on (http://\S+)`).FindStringSubmatch(sc.Text()); m != nil {
				ready <- m[1]
			}
		}
		s.done <- cmd.Wait()
	}()
	select {
	case s.base = <-ready:
	case <-time.After(40 * time.Second): // a bound for a hung start, not a measurement
		t.Errorf("server %s did not start:\n%s", name, s.stderr.String())
	}
	return s
}

// stop ends the process as an operator would (SIGTERM) and waits for it.
func (s *server) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.done:
		s.done <- nil // for the cleanup
	case <-time.After(25 * time.Second):
		t.Fatalf("server %s did not stop", s.name)
	}
}

func (s *server) do(t *testing.T, method, path, token string, body []byte, contentType string, headers ...string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, s.base+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s on %s: %v", method, path, s.name, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, b
}

func (s *server) signIn(t *testing.T, user, password string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"username": user, "password": password})
	st, res := s.do(t, "POST", "/api/v1/session", "", body, "application/json")
	var v struct{ Token string }
	if err := json.Unmarshal(res, &v); err != nil || v.Token == "" || st/100 != 2 {
		t.Fatalf("sign in as %s on %s: %d %s", user, s.name, st, res)
	}
	return v.Token
}

func pngBytes(t *testing.T) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 24, 18))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// syncBuffer collects a process's log while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
