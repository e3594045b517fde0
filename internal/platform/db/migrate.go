package db

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// Migrations are numbered SQL files, one folder per engine with matching names, applied
// in order by goose. A capability adds its tables in a new numbered file in both folders.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// MigrationFiles returns the embedded migrations of an engine (for tests).
func MigrationFiles(e Engine) (fs.FS, error) {
	return fs.Sub(migrations, "migrations/"+string(e))
}

func (d *DB) provider() (*goose.Provider, error) {
	fsys, err := MigrationFiles(d.engine)
	if err != nil {
		return nil, err
	}
	var opts []goose.ProviderOption
	dialect := goose.DialectSQLite3
	if d.engine == Postgres {
		dialect = goose.DialectPostgres
		// Several servers may start at once against one PostgreSQL: only one migrates.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, d.write, fsys, opts...)
}

// Migrate applies every pending migration and reports how many it applied.
func (d *DB) Migrate(ctx context.Context, log *slog.Logger) (int, error) {
	p, err := d.provider()
	if err != nil {
		return 0, err
	}
	results, err := p.Up(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	for _, r := range results {
		if log != nil {
			log.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "took", r.Duration)
		}
	}
	return len(results), nil
}

// SchemaVersion reports the applied and the newest embedded migration versions.
func (d *DB) SchemaVersion(ctx context.Context) (applied, newest int64, err error) {
	p, err := d.provider()
	if err != nil {
		return 0, 0, err
	}
	applied, err = p.GetDBVersion(ctx)
	if err != nil {
		return 0, 0, err
	}
	srcs := p.ListSources()
	if len(srcs) > 0 {
		newest = srcs[len(srcs)-1].Version
	}
	return applied, newest, nil
}
