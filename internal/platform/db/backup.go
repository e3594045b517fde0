package db

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
)

// Backup writes a consistent copy of the whole database to file while the server keeps
// serving. On SQLite it is VACUUM INTO (one read transaction, so the copy is one instant of
// the database, and writers are not blocked under WAL); on PostgreSQL it is pg_dump's
// custom format, which dumps from one snapshot. The copy is checked before Backup returns.
func (d *DB) Backup(ctx context.Context, file string) error {
	if _, err := os.Stat(file); err == nil {
		return fmt.Errorf("%s already exists; choose a new file name", file)
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o750); err != nil {
		return err
	}
	tmp := file + ".part-" + randomSuffix()
	defer os.Remove(tmp)
	switch d.engine {
	case SQLite:
		if _, err := d.read.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
			return fmt.Errorf("copy database: %w", err)
		}
		if err := checkSQLiteFile(ctx, tmp); err != nil {
			return fmt.Errorf("check copy: %w", err)
		}
	case Postgres:
		if err := run(ctx, "pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file="+tmp, "--dbname="+d.url); err != nil {
			return err
		}
		if err := run(ctx, "pg_restore", "--list", tmp); err != nil {
			return fmt.Errorf("check copy: %w", err)
		}
	}
	if err := syncFile(tmp); err != nil {
		return err
	}
	return os.Rename(tmp, file)
}

// Restore replaces the database described by cfg with the copy in file. The server must
// be stopped (on SQLite this is enforced through the data folder's lock).
func Restore(ctx context.Context, cfg Config, file string) error {
	head := make([]byte, 16)
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	_, err = io.ReadFull(f, head)
	f.Close()
	if err != nil {
		return fmt.Errorf("%s is not a SafeDuty backup (too short)", file)
	}
	if cfg.URL != "" {
		if !bytes.HasPrefix(head, []byte("PGDMP")) {
			return fmt.Errorf("%s is not a PostgreSQL backup; a SQLite backup restores only onto SQLite", file)
		}
		return run(ctx, "pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
			"--single-transaction", "--exit-on-error", "--dbname="+cfg.URL, file)
	}
	if !bytes.HasPrefix(head, []byte("SQLite format 3\x00")) {
		return fmt.Errorf("%s is not a SQLite backup; a PostgreSQL backup restores only onto PostgreSQL", file)
	}
	if err := checkSQLiteFile(ctx, file); err != nil {
		return fmt.Errorf("%s is damaged: %w", file, err)
	}
	target := SQLiteFile(cfg)
	unlock, err := LockDataDir(filepath.Dir(target))
	if err != nil {
		return err
	}
	defer unlock()
	tmp := target + ".restore-" + randomSuffix()
	if err := copyFile(file, tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(target + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			os.Remove(tmp)
			return err
		}
	}
	return os.Rename(tmp, target)
}

// checkSQLiteFile opens a SQLite file read-only and runs an integrity check, and checks
// that it holds a SafeDuty schema.
func checkSQLiteFile(ctx context.Context, path string) error {
	c, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer c.Close()
	var res string
	if err := c.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return err
	}
	if res != "ok" {
		return fmt.Errorf("integrity check: %s", res)
	}
	var n int
	if err := c.QueryRowContext(ctx, `SELECT COUNT(*) FROM goose_db_version`).Scan(&n); err != nil {
		return fmt.Errorf("not a SafeDuty database: %w", err)
	}
	return nil
}

func run(ctx context.Context, name string, args ...string) error {
	if _, err := exec.LookPath(name); err != nil {
		return fmt.Errorf("%s is needed for PostgreSQL backup and restore (install the PostgreSQL client tools): %w", name, err)
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w: %s", name, err, bytes.TrimSpace(stderr.Bytes()))
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return WriteNewFile(dst, in)
}

// WriteNewFile writes what r holds to dst, which must not exist yet (mode 0640), and
// syncs it to disk before it returns: a backup, or a file restored from one.
func WriteNewFile(dst string, r io.Reader) error {
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, r); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
