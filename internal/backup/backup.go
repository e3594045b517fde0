// Package backup makes and restores whole-instance backups: one tar archive holding a
// consistent copy of the database (db.Backup: VACUUM INTO on SQLite, pg_dump on
// PostgreSQL) and every uploaded file. It refuses to make an archive that would leave
// out the file of an attachment the database lists (the wrong --files folder).
//
// Uploaded files are written once and never changed, and a file is stored before the row
// that references it commits, so copying the files after the database snapshot gives an
// archive in which every referenced file is present (a few newer, unreferenced files may
// come along; they are harmless).
package backup

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/attachment"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// Names inside the archive.
const (
	sqliteEntry   = "database.sqlite"
	postgresEntry = "database.pgdump"
	filesPrefix   = "files/"
)

// Stats describe an archive.
type Stats struct {
	Files int
	Bytes int64
	// Missing counts the attachments whose files were not in the files folder (only
	// with Options.AllowMissingFiles; otherwise Create fails); MissingSample names a few.
	Missing       int
	MissingSample []attachment.MissingFile
}

// Options change how Create works.
type Options struct {
	// AllowMissingFiles makes the archive even when attachments' files are missing
	// from the files folder; Stats says how many.
	AllowMissingFiles bool
}

// MissingFilesError refuses a backup whose files folder lacks the files of some
// attachments: almost always the wrong folder, which would give an archive without a
// single upload.
type MissingFilesError struct {
	Dir    string
	N      int
	Sample []attachment.MissingFile
}

func (e *MissingFilesError) Error() string {
	names := make([]string, len(e.Sample))
	for i, m := range e.Sample {
		names[i] = m.String()
	}
	more := ""
	if e.N > len(e.Sample) {
		more = ", …"
	}
	return fmt.Sprintf("the files of %d attachment(s) that the database lists are not in %s (%s%s)",
		e.N, e.Dir, strings.Join(names, ", "), more)
}

// missingSample is how many missing files an error or Stats names.
const missingSample = 5

// Create writes the archive to out, which must not exist yet. Every attachment the
// database lists must have its file in filesDir, or Create fails with a
// *MissingFilesError before writing anything (unless opts.AllowMissingFiles). filesDir
// may be empty or missing when nothing was uploaded.
func Create(ctx context.Context, d *db.DB, filesDir, out string, opts Options) (Stats, error) {
	var st Stats
	if _, err := os.Stat(out); err == nil {
		return st, fmt.Errorf("%s already exists; choose a new file name", out)
	}
	// Checked before the snapshot: a row committed later had its file stored before it
	// committed, and a file, once stored, goes only with its row.
	var store attachment.Store = &attachment.LocalStore{Dir: filesDir}
	if filesDir == "" {
		store = attachment.NewMemStore() // no folder: every listed file is missing
	}
	n, sample, err := attachment.Missing(ctx, d, store, missingSample)
	if err != nil {
		return st, err
	}
	if n > 0 && !opts.AllowMissingFiles {
		return st, &MissingFilesError{Dir: filesDir, N: n, Sample: sample}
	}
	st.Missing, st.MissingSample = n, sample
	work, err := os.MkdirTemp(filepath.Dir(out), ".safeduty-backup-")
	if err != nil {
		return st, err
	}
	defer os.RemoveAll(work)
	dbCopy := filepath.Join(work, "db")
	if err := d.Backup(ctx, dbCopy); err != nil {
		return st, err
	}
	entry := sqliteEntry
	if d.Engine() == db.Postgres {
		entry = postgresEntry
	}
	part := out + ".part"
	f, err := os.OpenFile(part, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return st, err
	}
	defer os.Remove(part)
	tw := tar.NewWriter(f)
	if err := addFile(tw, dbCopy, entry); err != nil {
		f.Close()
		return st, err
	}
	if filesDir != "" {
		err = filepath.WalkDir(filesDir, func(p string, de fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) && p == filesDir {
					return fs.SkipAll
				}
				return err
			}
			rel, _ := filepath.Rel(filesDir, p)
			if de.IsDir() {
				if strings.HasPrefix(de.Name(), ".") && p != filesDir {
					return fs.SkipDir // temporary uploads
				}
				return nil
			}
			if !de.Type().IsRegular() {
				return nil
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			info, err := de.Info()
			if err != nil {
				return err
			}
			st.Files++
			st.Bytes += info.Size()
			return addFile(tw, p, filesPrefix+filepath.ToSlash(rel))
		})
		if err != nil {
			f.Close()
			return st, err
		}
	}
	if err := tw.Close(); err != nil {
		f.Close()
		return st, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return st, err
	}
	if err := f.Close(); err != nil {
		return st, err
	}
	return st, os.Rename(part, out)
}

func addFile(tw *tar.Writer, src, name string) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	hdr := &tar.Header{Name: name, Mode: 0o640, Size: info.Size(), ModTime: info.ModTime(), Typeflag: tar.TypeReg}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	_, err = io.Copy(tw, f)
	return err
}

// Restore replaces the database described by cfg, and the uploaded files in filesDir,
// with an archive made by Create. A plain database copy (an older backup) is restored as
// the database alone. The server must be stopped. The files that were there are kept
// beside, in filesDir + ".before-restore-<time>".
func Restore(ctx context.Context, cfg db.Config, filesDir, in string) error {
	isTar, err := isArchive(in)
	if err != nil {
		return err
	}
	if !isTar {
		return db.Restore(ctx, cfg, in)
	}
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	parent := filepath.Dir(filesDirOr(filesDir, in))
	if err := os.MkdirAll(parent, 0o750); err != nil {
		return err
	}
	work, err := os.MkdirTemp(parent, ".safeduty-restore-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	staged := filepath.Join(work, "files")
	dbFile := ""
	tr := tar.NewReader(f)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("%s is damaged: %w", in, err)
		}
		name := path.Clean(hdr.Name)
		if hdr.Typeflag != tar.TypeReg || strings.HasPrefix(name, "/") || strings.HasPrefix(name, "..") || strings.Contains(name, "/../") {
			return fmt.Errorf("%s holds an unexpected entry %q", in, hdr.Name)
		}
		var dst string
		switch {
		case name == sqliteEntry || name == postgresEntry:
			if (name == postgresEntry) != (cfg.URL != "") {
				return fmt.Errorf("%s is a backup of the other database engine", in)
			}
			dbFile = filepath.Join(work, "db")
			dst = dbFile
		case strings.HasPrefix(name, filesPrefix):
			dst = filepath.Join(staged, filepath.FromSlash(strings.TrimPrefix(name, filesPrefix)))
		default:
			return fmt.Errorf("%s holds an unexpected entry %q", in, hdr.Name)
		}
		if err := extract(tr, dst); err != nil {
			return err
		}
	}
	if dbFile == "" {
		return fmt.Errorf("%s holds no database", in)
	}
	if err := db.Restore(ctx, cfg, dbFile); err != nil {
		return err
	}
	if filesDir == "" {
		return nil
	}
	if _, err := os.Stat(filesDir); err == nil {
		keep := filesDir + ".before-restore-" + time.Now().Format("20060102-150405")
		if err := os.Rename(filesDir, keep); err != nil {
			return err
		}
	}
	if _, err := os.Stat(staged); errors.Is(err, fs.ErrNotExist) {
		return os.MkdirAll(filesDir, 0o750)
	}
	return os.Rename(staged, filesDir)
}

func filesDirOr(filesDir, in string) string {
	if filesDir != "" {
		return filesDir
	}
	return in
}

func extract(r io.Reader, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return err
	}
	return db.WriteNewFile(dst, r)
}

// isArchive reports whether the file is a tar archive (the "ustar" magic at offset 257).
func isArchive(p string) (bool, error) {
	f, err := os.Open(p)
	if err != nil {
		return false, err
	}
	defer f.Close()
	head := make([]byte, 262)
	n, _ := io.ReadFull(f, head)
	return n == len(head) && bytes.Equal(head[257:262], []byte("ustar")), nil
}
