package attachment

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sync"
)

// Store keeps the bytes of attachments under server-made keys ("2026/03/<32 hex>"). An
// S3-compatible object store can implement it; LocalStore is the default.
//
// Open's reader may also be an io.Seeker (LocalStore's is), which lets the content route
// answer Range requests.
type Store interface {
	// Put stores r's bytes under key; a failed Put leaves nothing under key.
	Put(ctx context.Context, key string, r io.Reader) error
	// Open returns the bytes under key; fs.ErrNotExist when there are none.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Delete removes key; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
}

// validKey accepts keys of plain path segments: no dots, so never "..", never a hidden
// name (LocalStore's own temporary files start with a dot).
var validKey = regexp.MustCompile(`^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$`)

// LocalStore keeps files in a folder on the local disk, outside any web root. Files are
// written to a temporary file in the target folder and renamed into place, so a reader
// never sees half a file; folders are 0750 and files 0640.
type LocalStore struct {
	Dir string
}

func (s *LocalStore) path(key string) (string, error) {
	if s.Dir == "" {
		return "", errors.New("attachment: LocalStore has no folder")
	}
	if !validKey.MatchString(key) {
		return "", fmt.Errorf("attachment: invalid storage key %q", key)
	}
	return filepath.Join(s.Dir, filepath.FromSlash(key)), nil
}

// Put writes r under key.
func (s *LocalStore) Put(ctx context.Context, key string, r io.Reader) (err error) {
	p, err := s.path(key)
	if err != nil {
		return err
	}
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".put-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = f.Chmod(0o640); err != nil {
		return err
	}
	if _, err = io.Copy(f, ctxReader{ctx, r}); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), p); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

// syncDir makes a rename durable; where folders cannot be synced it does nothing.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// Open opens the file under key. The returned reader is an *os.File, so it seeks.
func (s *LocalStore) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	p, err := s.path(key)
	if err != nil {
		return nil, err
	}
	return os.Open(p)
}

// Delete removes the file under key.
func (s *LocalStore) Delete(ctx context.Context, key string) error {
	p, err := s.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// ctxReader stops a copy when the request is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// MemStore keeps files in memory: for tests, and for a server wired without a files
// folder. Its readers seek.
type MemStore struct {
	mu    sync.Mutex
	files map[string][]byte
}

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore { return &MemStore{files: map[string][]byte{}} }

// Put stores r's bytes under key.
func (s *MemStore) Put(ctx context.Context, key string, r io.Reader) error {
	if !validKey.MatchString(key) {
		return fmt.Errorf("attachment: invalid storage key %q", key)
	}
	b, err := io.ReadAll(ctxReader{ctx, r})
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.files[key] = b
	s.mu.Unlock()
	return nil
}

// Open returns the bytes under key.
func (s *MemStore) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	s.mu.Lock()
	b, ok := s.files[key]
	s.mu.Unlock()
	if !ok {
		return nil, fs.ErrNotExist
	}
	return memFile{bytes.NewReader(b)}, nil
}

// Delete forgets key.
func (s *MemStore) Delete(ctx context.Context, key string) error {
	s.mu.Lock()
	delete(s.files, key)
	s.mu.Unlock()
	return nil
}

// Len reports how many files the store holds.
func (s *MemStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.files)
}

type memFile struct{ *bytes.Reader }

func (memFile) Close() error { return nil }
