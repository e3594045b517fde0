package attachment_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/attachment"
)

// fakeS3 starts an in-process S3-compatible server holding one empty bucket and returns
// a store on it under prefix, and the server's backend to look at what landed.
//
// The server speaks HTTPS as a real store would: over plain HTTP minio-go signs each
// chunk of a part (aws-chunked), which gofakes3 decodes for whole objects but not for
// the parts of a multipart upload.
func fakeS3(t *testing.T, prefix string) (*attachment.S3Store, *s3mem.Backend, *getCounter) {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket("safeduty"); err != nil {
		t.Fatal(err)
	}
	gets := &getCounter{next: gofakes3.New(backend).Server()}
	srv := httptest.NewTLSServer(gets)
	t.Cleanup(srv.Close)
	u := "s3://safeduty/" + prefix + "?endpoint=" + strings.TrimPrefix(srv.URL, "https://") + "&region=cn-north-1"
	cfg, err := attachment.ParseS3URL(u)
	if err != nil {
		t.Fatal(err)
	}
	cfg.AccessKey, cfg.SecretKey = "test-access", "test-secret"
	cfg.Transport = srv.Client().Transport
	s, err := attachment.NewS3Store(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s, backend, gets
}

// getCounter counts the GET requests of objects whose name contains Key.
type getCounter struct {
	next http.Handler
	mu   sync.Mutex
	Key  string
	n    int
}

func (c *getCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	if r.Method == http.MethodGet && c.Key != "" && strings.Contains(r.URL.Path, c.Key) {
		c.n++
	}
	c.mu.Unlock()
	c.next.ServeHTTP(w, r)
}

// Count starts counting the GETs of key and returns a function reporting how many.
func (c *getCounter) Count(key string) func() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Key, c.n = key, 0
	return func() int {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.n
	}
}

// The S3 store keeps the Store contract: put (of known and of unknown size), open, seek
// for ranges, delete, a missing key as fs.ErrNotExist, and no keys outside its own.
func TestS3Store(t *testing.T) {
	ctx := context.Background()
	s, backend, _ := fakeS3(t, "city/files")
	key := "2026/03/0123456789abcdef0123456789abcdef"
	content := []byte(attachment.SamplePDF)

	if err := s.Put(ctx, key, attachment.WithSize(bytes.NewReader(content), int64(len(content)))); err != nil {
		t.Fatal(err)
	}
	if _, err := backend.HeadObject("safeduty", "city/files/"+key); err != nil {
		t.Errorf("the object is not under the prefix: %v", err)
	}
	rc, err := s.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	if err != nil || !bytes.Equal(got, content) {
		t.Errorf("read back %d bytes (%v), want %d", len(got), err, len(content))
	}
	rs, ok := rc.(io.ReadSeeker)
	if !ok {
		t.Fatal("the S3 store's reader does not seek, so Range requests cannot be served")
	}
	if n, err := rs.Seek(0, io.SeekEnd); err != nil || n != int64(len(content)) {
		t.Errorf("seek to the end: %d, %v; want %d", n, err, len(content))
	}
	if _, err := rs.Seek(5, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	part := make([]byte, 8)
	if _, err := io.ReadFull(rs, part); err != nil || !bytes.Equal(part, content[5:13]) {
		t.Errorf("range 5-12: %q (%v), want %q", part, err, content[5:13])
	}
	rc.Close()

	// A stream of unknown length, larger than one part (5 MiB): a multipart upload.
	big := make([]byte, 6<<20+123)
	rand.Read(big)
	bigKey := "2026/03/ffffffffffffffffffffffffffffffff"
	if err := s.Put(ctx, bigKey, io.MultiReader(bytes.NewReader(big))); err != nil {
		t.Fatal(err)
	}
	rc, err = s.Open(ctx, bigKey)
	if err != nil {
		t.Fatal(err)
	}
	got, err = io.ReadAll(rc)
	rc.Close()
	if err != nil || !bytes.Equal(got, big) {
		t.Errorf("streamed upload read back as %d bytes (%v), want %d", len(got), err, len(big))
	}

	for _, k := range []string{key, bigKey} {
		if err := s.Delete(ctx, k); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Open(ctx, k); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Open after Delete: %v, want ErrNotExist", err)
		}
		if err := s.Delete(ctx, k); err != nil {
			t.Errorf("deleting twice: %v", err)
		}
	}
	if _, err := s.Open(ctx, "2026/03/00000000000000000000000000000000"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open of a key never stored: %v, want ErrNotExist", err)
	}
	for _, bad := range []string{"../escape", "2026/../../x", "/abs", "a//b", "a/", "", `a\b`} {
		if err := s.Put(ctx, bad, bytes.NewReader(content)); err == nil {
			t.Errorf("Put accepted key %q", bad)
		}
		if _, err := s.Open(ctx, bad); err == nil || errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Open of key %q: %v, want an invalid-key error", bad, err)
		}
	}
}

// A store whose bucket is missing, or whose credentials are missing, is refused at start
// with a message naming what to do; an s3:// URL never carries credentials.
func TestS3Store_Refusals(t *testing.T) {
	ctx := context.Background()
	backend := s3mem.New()
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	cfg, err := attachment.ParseS3URL("s3://nobucket?endpoint=" + host + "&secure=false")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := attachment.NewS3Store(ctx, cfg); err == nil || !strings.Contains(err.Error(), "SAFEDUTY_S3_ACCESS_KEY") {
		t.Errorf("no credentials: %v", err)
	}
	cfg.AccessKey, cfg.SecretKey = "a", "b"
	if _, err := attachment.NewS3Store(ctx, cfg); err == nil || !strings.Contains(err.Error(), `bucket "nobucket" does not exist`) {
		t.Errorf("missing bucket: %v", err)
	}

	for _, tc := range []struct{ url, want string }{
		{"s3://key:secret@bucket/p", "must not carry credentials"},
		{"s3:///p", "names no bucket"},
		{"s3://bucket/a/../b", "prefix"},
		{"s3://bucket/p?secure=maybe", "secure="},
		{"s3://bucket/p?access_key=x", `unknown s3:// URL parameter "access_key"`},
	} {
		_, err := attachment.ParseS3URL(tc.url)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "secret") {
			t.Errorf("%s: %v, want an error containing %q and no secret", tc.url, err, tc.want)
		}
	}
	c, err := attachment.ParseS3URL("s3://bucket/safeduty/files/?region=cn-north-1")
	if err != nil {
		t.Fatal(err)
	}
	if want := (attachment.S3Config{Endpoint: "s3.amazonaws.com", Region: "cn-north-1", Bucket: "bucket", Prefix: "safeduty/files", Secure: true}); c != want {
		t.Errorf("parsed %+v, want %+v", c, want)
	}
}

// An upload through the real API lands in the S3 store and downloads whole, by range and
// as not modified, on both engines; a missing object answers 404, not 500.
func TestUpload_S3Store(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		s, backend, gets := fakeS3(t, "files")
		e.App.Attachments.Store = s
		content := attachment.SampleJPEG(64, 48)
		ae := &env{Env: e}
		res := ae.upload(apptest.UserTown1, "现场.jpg", "image/jpeg", bytes.NewReader(content))
		if res.Status != http.StatusCreated {
			t.Fatalf("upload: %d %s", res.Status, res.Body)
		}
		var m meta
		res.JSON(t, &m)
		var key string
		if err := e.App.DB.QueryRow(context.Background(), `SELECT storage_key FROM attachments WHERE id = ?`, m.ID).Scan(&key); err != nil {
			t.Fatal(err)
		}
		obj, err := backend.HeadObject("safeduty", "files/"+key)
		if err != nil || obj.Size != int64(len(content)) {
			t.Fatalf("the object in the bucket: %+v, %v", obj, err)
		}

		n := gets.Count(key)
		whole := e.As(apptest.UserTown1, "GET", m.URL, nil)
		if whole.Status != http.StatusOK || !bytes.Equal(whole.Body, content) {
			t.Fatalf("content: %d, %d bytes", whole.Status, len(whole.Body))
		}
		if n() != 1 {
			t.Errorf("a whole download made %d GETs of the object, want 1", n())
		}
		if whole.Header.Get("ETag") != `"`+m.SHA256+`"` || whole.Header.Get("Content-Type") != "image/jpeg" {
			t.Errorf("headers %v", whole.Header)
		}
		part := e.As(apptest.UserTown1, "GET", m.URL, nil, "Range", "bytes=2-9")
		if part.Status != http.StatusPartialContent || !bytes.Equal(part.Body, content[2:10]) {
			t.Errorf("range: %d %q", part.Status, part.Body)
		}
		tail := e.As(apptest.UserTown1, "GET", m.URL, nil, "Range", "bytes=-4")
		if tail.Status != http.StatusPartialContent || !bytes.Equal(tail.Body, content[len(content)-4:]) {
			t.Errorf("suffix range: %d %q", tail.Status, tail.Body)
		}
		cached := e.As(apptest.UserTown1, "GET", m.URL, nil, "If-None-Match", `"`+m.SHA256+`"`)
		if cached.Status != http.StatusNotModified {
			t.Errorf("If-None-Match: %d", cached.Status)
		}
		if other := e.As(apptest.UserTown2, "GET", m.URL, nil); other.Status != http.StatusNotFound {
			t.Errorf("another town's user: %d, want 404", other.Status)
		}

		if _, err := backend.DeleteObject("safeduty", "files/"+key); err != nil {
			t.Fatal(err)
		}
		gone := e.As(apptest.UserTown1, "GET", m.URL, nil)
		if gone.Status != http.StatusNotFound {
			t.Errorf("object gone: %d %s", gone.Status, gone.Body)
		}
	})
}
