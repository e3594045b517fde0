package backup_test

import (
	"archive/tar"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/app"
	"github.com/safeduty/safeduty/internal/attachment"
	"github.com/safeduty/safeduty/internal/backup"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

// A backup holds the database and the uploaded files; restored elsewhere, an attachment
// row and its bytes are both back.
func TestArchive_DatabaseAndFiles(t *testing.T) {
	for _, eng := range dbtest.Engines() {
		t.Run(string(eng), func(t *testing.T) {
			ctx := context.Background()
			d := dbtest.New(t, eng)
			files := filepath.Join(t.TempDir(), "files")
			a := app.Wire(d, app.Config{Files: files})
			pdf := "%PDF-1.4\n% a rectification report\n%%EOF\n"
			att, err := a.Attachments.Create(ctx, auth.System(), "整改报告.pdf", strings.NewReader(pdf))
			if err != nil {
				t.Fatal(err)
			}
			os.MkdirAll(filepath.Join(files, ".tmp"), 0o750)
			os.WriteFile(filepath.Join(files, ".tmp", "half-upload"), []byte("x"), 0o640)

			out := filepath.Join(t.TempDir(), "safeduty.backup")
			st, err := backup.Create(ctx, d, files, out)
			if err != nil {
				t.Fatal(err)
			}
			if st.Files != 1 || st.Bytes != int64(len(pdf)) {
				t.Errorf("stats %+v: want the one upload and not the temporary file", st)
			}

			cfg := dbtest.Config(t, eng)
			restored := filepath.Join(t.TempDir(), "files")
			os.MkdirAll(restored, 0o750)
			os.WriteFile(filepath.Join(restored, "old"), []byte("before"), 0o640)
			if err := backup.Restore(ctx, cfg, restored, out); err != nil {
				t.Fatal(err)
			}
			d2, err := db.Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer d2.Close()
			var key string
			if err := d2.QueryRow(ctx, `SELECT storage_key FROM attachments WHERE id = ?`, att.ID).Scan(&key); err != nil {
				t.Fatalf("attachment row after restore: %v", err)
			}
			rc, err := (&attachment.LocalStore{Dir: restored}).Open(ctx, key)
			if err != nil {
				t.Fatalf("attachment bytes after restore: %v", err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			if string(b) != pdf {
				t.Errorf("restored bytes %q", b)
			}
			kept, _ := filepath.Glob(restored + ".before-restore-*")
			if len(kept) != 1 {
				t.Errorf("the files that were there are not kept aside: %v", kept)
			}
		})
	}
}

func TestRestore_RefusesUnsafeArchives(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.backup")
	f, _ := os.Create(bad)
	tw := tar.NewWriter(f)
	tw.WriteHeader(&tar.Header{Name: "files/../../etc/passwd", Mode: 0o600, Size: 1, Typeflag: tar.TypeReg})
	tw.Write([]byte("x"))
	tw.Close()
	f.Close()
	err := backup.Restore(context.Background(), db.Config{DataDir: dir}, filepath.Join(dir, "files"), bad)
	if err == nil || !strings.Contains(err.Error(), "unexpected entry") {
		t.Errorf("path traversal: %v", err)
	}
}
