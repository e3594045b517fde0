package attachment

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestLocalStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := &LocalStore{Dir: filepath.Join(dir, "files")}
	key := "2026/03/0123456789abcdef0123456789abcdef"
	content := []byte(SamplePDF)
	if err := s.Put(ctx, key, bytes.NewReader(content)); err != nil {
		t.Fatal(err)
	}
	rc, err := s.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	if _, ok := rc.(io.Seeker); !ok {
		t.Error("LocalStore's reader does not seek, so Range requests cannot be served")
	}
	rc.Close()
	if !bytes.Equal(got, content) {
		t.Errorf("read back %q", got)
	}
	if runtime.GOOS != "windows" {
		fi, _ := os.Stat(filepath.Join(s.Dir, "2026", "03", "0123456789abcdef0123456789abcdef"))
		if perm := fi.Mode().Perm(); perm != 0o640 {
			t.Errorf("file mode %o, want 640", perm)
		}
		di, _ := os.Stat(filepath.Join(s.Dir, "2026", "03"))
		if perm := di.Mode().Perm(); perm&^0o750 != 0 {
			t.Errorf("folder mode %o, want at most 750", perm)
		}
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(ctx, key); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open after Delete: %v, want ErrNotExist", err)
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Errorf("deleting twice: %v", err)
	}

	for _, bad := range []string{"../escape", "2026/../../x", ".tmp/upload-1", "/abs", "a//b", "a/", "", `a\b`} {
		if err := s.Put(ctx, bad, bytes.NewReader(content)); err == nil {
			t.Errorf("Put accepted key %q", bad)
		}
		if _, err := s.Open(ctx, bad); err == nil || errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Open of key %q: %v, want a refusal", bad, err)
		}
	}
	if n := countFiles(t, dir); n != 0 {
		t.Errorf("%d files left", n)
	}
}

// A Put whose reader fails leaves neither the file nor its temporary file.
func TestLocalStore_FailedPutLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	s := &LocalStore{Dir: dir}
	r := io.MultiReader(bytes.NewReader(make([]byte, 100<<10)), failingReader{})
	if err := s.Put(context.Background(), "2026/03/abc", r); err == nil {
		t.Fatal("Put succeeded")
	}
	if n := countFiles(t, dir); n != 0 {
		t.Errorf("%d files left", n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Put(ctx, "2026/03/abd", bytes.NewReader([]byte("x"))); err == nil {
		t.Error("Put with a cancelled context succeeded")
	}
	if n := countFiles(t, dir); n != 0 {
		t.Errorf("%d files left", n)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			n++
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return n
}

func TestMemStore(t *testing.T) {
	ctx := context.Background()
	s := NewMemStore()
	if err := s.Put(ctx, "2026/03/k", bytes.NewReader([]byte("abc"))); err != nil {
		t.Fatal(err)
	}
	rc, err := s.Open(ctx, "2026/03/k")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := rc.(io.ReadSeeker); !ok {
		t.Error("MemStore's reader does not seek")
	}
	s.Delete(ctx, "2026/03/k")
	if _, err := s.Open(ctx, "2026/03/k"); !errors.Is(err, fs.ErrNotExist) || s.Len() != 0 {
		t.Errorf("after Delete: %v, %d files", err, s.Len())
	}
}
