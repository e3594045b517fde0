package backup_test

import (
	"archive/tar"
	"context"
	"errors"
	"io"
	"io/fs"
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
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
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
		st, err := backup.Create(ctx, d, files, out, backup.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if st.Files != 1 || st.Bytes != int64(len(pdf)) {
			t.Errorf("stats %+v: want the one upload and not the temporary file", st)
		}

		cfg := dbtest.Config(t, d.Engine())
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

// A backup pointed at a folder that lacks the attachments' files (the wrong --files) is
// refused, naming how many and which, and writes nothing; allowed knowingly, it is made
// and says what it left out.
func TestArchive_RefusesMissingFiles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		files := filepath.Join(t.TempDir(), "files")
		a := app.Wire(d, app.Config{Files: files})
		var ids []string
		for _, name := range []string{"整改报告.pdf", "验收意见.pdf", "复查记录.pdf"} {
			att, err := a.Attachments.Create(ctx, auth.System(), name, strings.NewReader("%PDF-1.4\n% "+name+"\n%%EOF\n"))
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, att.ID.String())
		}
		// One file lost from the right folder.
		var key string
		if err := d.QueryRow(ctx, `SELECT storage_key FROM attachments WHERE id = ?`, ids[1]).Scan(&key); err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(filepath.Join(files, filepath.FromSlash(key))); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(t.TempDir(), "safeduty.backup")
		_, err := backup.Create(ctx, d, files, out, backup.Options{})
		var missing *backup.MissingFilesError
		if !errors.As(err, &missing) || missing.N != 1 || !strings.Contains(err.Error(), "#"+ids[1]+" 验收意见.pdf") {
			t.Fatalf("one file lost: %v, want a MissingFilesError naming #%s 验收意见.pdf", err, ids[1])
		}
		// The wrong folder: every file is missing.
		wrong := filepath.Join(t.TempDir(), "elsewhere")
		_, err = backup.Create(ctx, d, wrong, out, backup.Options{})
		if !errors.As(err, &missing) || missing.N != 3 || len(missing.Sample) != 3 || !strings.Contains(err.Error(), wrong) {
			t.Fatalf("wrong folder: %v, want 3 missing in %s", err, wrong)
		}
		if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("a refused backup left %s behind: %v", out, err)
		}
		st, err := backup.Create(ctx, d, files, out, backup.Options{AllowMissingFiles: true})
		if err != nil {
			t.Fatalf("allowed: %v", err)
		}
		if st.Files != 2 || st.Missing != 1 || len(st.MissingSample) != 1 || st.MissingSample[0].Name != "验收意见.pdf" {
			t.Errorf("allowed: stats %+v, want 2 files and the one missing named", st)
		}
	})
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
