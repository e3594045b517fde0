// Package db owns SafeDuty's storage: opening SQLite or PostgreSQL, applying the embedded
// migrations, transactions, the small dialect differences between the two engines, the
// mapping of driver errors to application error codes, and online backup and restore.
//
// Capabilities write plain SQL with '?' placeholders that both engines understand once
// rebound; they never import a driver.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Engine names a database engine.
type Engine string

// The two engines SafeDuty runs on.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Config says which database to open.
type Config struct {
	// URL is a postgres:// URL, or empty for embedded SQLite in DataDir.
	URL string
	// DataDir holds the SQLite file (and uploaded files, owned elsewhere).
	DataDir string
	// SQLitePath overrides the SQLite file (tests, restore); defaults to DataDir/safeduty.db.
	SQLitePath string
	// MaxOpen caps PostgreSQL connections (default 20).
	MaxOpen int
}

// DB is an open database: a pool for reads and, on SQLite, a separate single-connection
// pool for writes so that writers queue in Go instead of failing with SQLITE_BUSY.
type DB struct {
	engine Engine
	read   *sql.DB
	write  *sql.DB
	url    string // PostgreSQL URL
	path   string // SQLite file
	group  group  // SQLite writers sharing commits (group.go)

	// prepared statements by query text, SQLite only (stmtcache.go)
	readStmts, writeStmts *stmtCache

	noGroup bool // one commit per Tx on SQLite, as before group commit (benchmarks only)

	hub hub // notify.go: this process's listeners
}

// Open opens the database described by cfg. It does not migrate; call Migrate.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.URL != "" {
		return openPostgres(ctx, cfg)
	}
	return openSQLite(ctx, cfg)
}

// SQLiteFile is the SQLite database file used for cfg.
func SQLiteFile(cfg Config) string {
	if cfg.SQLitePath != "" {
		return cfg.SQLitePath
	}
	dir := cfg.DataDir
	if dir == "" {
		dir = "data"
	}
	return filepath.Join(dir, "safeduty.db")
}

func openSQLite(ctx context.Context, cfg Config) (*DB, error) {
	path := SQLiteFile(cfg)
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	dsn := func(txlock string) string {
		q := url.Values{}
		for _, p := range []string{
			"foreign_keys(1)",
			"journal_mode(WAL)",
			"busy_timeout(10000)",
			"synchronous(FULL)",
		} {
			q.Add("_pragma", p)
		}
		q.Set("_time_format", "sqlite")
		q.Set("_txlock", txlock)
		return "file:" + path + "?" + q.Encode()
	}
	write, err := sql.Open("sqlite", dsn("immediate"))
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	read, err := sql.Open("sqlite", dsn("deferred"))
	if err != nil {
		write.Close()
		return nil, err
	}
	read.SetMaxOpenConns(8)
	read.SetMaxIdleConns(8)
	d := &DB{engine: SQLite, read: read, write: write, path: path,
		readStmts: newStmtCache(read), writeStmts: newStmtCache(write)}
	if err := write.PingContext(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return d, nil
}

func openPostgres(ctx context.Context, cfg Config) (*DB, error) {
	if !strings.HasPrefix(cfg.URL, "postgres://") && !strings.HasPrefix(cfg.URL, "postgresql://") {
		return nil, fmt.Errorf("database URL must start with postgres:// (got %q)", redact(cfg.URL))
	}
	pool, err := sql.Open("pgx", cfg.URL)
	if err != nil {
		return nil, err
	}
	n := cfg.MaxOpen
	if n <= 0 {
		n = 20
	}
	pool.SetMaxOpenConns(n)
	pool.SetMaxIdleConns(n)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to %s: %w", redact(cfg.URL), err)
	}
	return &DB{engine: Postgres, read: pool, write: pool, url: cfg.URL}, nil
}

// redact hides the password of a URL for messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// Engine reports which engine this is.
func (d *DB) Engine() Engine { return d.engine }

// Describe names the database for logs, without secrets.
func (d *DB) Describe() string {
	if d.engine == Postgres {
		return "postgres " + redact(d.url)
	}
	return "sqlite " + d.path
}

// Close closes both pools.
func (d *DB) Close() error {
	d.hub.close()
	if d.readStmts != nil {
		d.readStmts.close()
		d.writeStmts.close()
	}
	err := d.read.Close()
	if d.write != d.read {
		err = errors.Join(err, d.write.Close())
	}
	return err
}

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	var one int
	return d.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Pool returns the read pool, for the Prometheus connection-pool collector only; queries
// go through the methods above so they are rebound and their errors mapped.
func (d *DB) Pool() *sql.DB { return d.read }

// Querier runs SQL with '?' placeholders. Both *DB (reads outside a transaction) and *Tx
// implement it, so query functions can take either.
type Querier interface {
	Exec(ctx context.Context, query string, args ...any) (sql.Result, error)
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *Row
	Engine() Engine
}

// Exec runs a statement outside a transaction (on the write pool).
func (d *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if d.writeStmts != nil {
		res, err := d.writeStmts.exec(ctx, nil, query, normalize(args))
		return res, mapErr(d.engine, err)
	}
	res, err := d.write.ExecContext(ctx, d.rebind(query), normalize(args)...)
	return res, mapErr(d.engine, err)
}

// Query runs a read query outside a transaction.
func (d *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if d.readStmts != nil {
		rows, err := d.readStmts.query(ctx, nil, query, normalize(args))
		return rows, mapErr(d.engine, err)
	}
	rows, err := d.read.QueryContext(ctx, d.rebind(query), normalize(args)...)
	return rows, mapErr(d.engine, err)
}

// QueryRow runs a read query that returns at most one row.
func (d *DB) QueryRow(ctx context.Context, query string, args ...any) *Row {
	if d.readStmts != nil {
		row, err := d.readStmts.queryRow(ctx, nil, query, normalize(args))
		return &Row{row: row, err: mapErr(d.engine, err), engine: d.engine}
	}
	return &Row{row: d.read.QueryRowContext(ctx, d.rebind(query), normalize(args)...), engine: d.engine}
}

// Tx runs fn in a read-write transaction, committing when fn returns nil and rolling back
// otherwise (including on panic, which goes on in the caller). On SQLite write
// transactions take the write lock at BEGIN, so concurrent writers queue instead of
// failing, and concurrent calls share one durable commit (group.go): fn runs inside a
// savepoint of a transaction that other calls' fns share, so it must not COMMIT, ROLLBACK
// or call Tx itself. Tx returns once fn's work is durable, or with an error when it was
// not written.
func (d *DB) Tx(ctx context.Context, fn func(*Tx) error) (err error) {
	if d.engine == SQLite && !d.noGroup {
		return d.groupTx(ctx, fn)
	}
	return d.runTx(ctx, d.write, nil, fn)
}

// ReadTx runs fn in a read-only transaction that sees one consistent snapshot.
func (d *DB) ReadTx(ctx context.Context, fn func(*Tx) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if d.engine == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	return d.runTx(ctx, d.read, opts, fn)
}

func (d *DB) runTx(ctx context.Context, pool *sql.DB, opts *sql.TxOptions, fn func(*Tx) error) (err error) {
	stx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		return mapErr(d.engine, err)
	}
	tx := &Tx{tx: stx, db: d, stmts: d.writeStmts}
	if pool == d.read {
		tx.stmts = d.readStmts
	}
	defer func() {
		if p := recover(); p != nil {
			_ = stx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = stx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = stx.Commit(); err != nil {
		return mapErr(d.engine, err)
	}
	for _, f := range tx.afterCommit {
		f()
	}
	return nil
}

// Tx is a transaction with the same '?' placeholder convention as DB.
type Tx struct {
	tx          *sql.Tx
	db          *DB
	afterCommit []func()
	grouped     bool       // one caller's part of a SQLite group commit
	stmts       *stmtCache // of the transaction's pool; nil on PostgreSQL
}

// ctx is the context a statement of the transaction runs with (see groupCtx).
func (t *Tx) ctx(ctx context.Context) (context.Context, error) {
	if !t.grouped {
		return ctx, nil
	}
	return groupCtx(ctx)
}

// Engine reports the engine of the transaction's database.
func (t *Tx) Engine() Engine { return t.db.engine }

// AfterCommit registers f to run once the transaction has committed (never on rollback).
func (t *Tx) AfterCommit(f func()) { t.afterCommit = append(t.afterCommit, f) }

// Exec runs a statement in the transaction.
func (t *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx, err := t.ctx(ctx)
	if err != nil {
		return nil, err
	}
	if t.stmts != nil {
		res, err := t.stmts.exec(ctx, t.tx, query, normalize(args))
		return res, mapErr(t.db.engine, err)
	}
	res, err := t.tx.ExecContext(ctx, t.db.rebind(query), normalize(args)...)
	return res, mapErr(t.db.engine, err)
}

// Query runs a query in the transaction.
func (t *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	ctx, err := t.ctx(ctx)
	if err != nil {
		return nil, err
	}
	if t.stmts != nil {
		rows, err := t.stmts.query(ctx, t.tx, query, normalize(args))
		return rows, mapErr(t.db.engine, err)
	}
	rows, err := t.tx.QueryContext(ctx, t.db.rebind(query), normalize(args)...)
	return rows, mapErr(t.db.engine, err)
}

// QueryRow runs a query that returns at most one row.
func (t *Tx) QueryRow(ctx context.Context, query string, args ...any) *Row {
	ctx, err := t.ctx(ctx)
	if err != nil {
		return &Row{err: err, engine: t.db.engine}
	}
	if t.stmts != nil {
		row, err := t.stmts.queryRow(ctx, t.tx, query, normalize(args))
		return &Row{row: row, err: mapErr(t.db.engine, err), engine: t.db.engine}
	}
	return &Row{row: t.tx.QueryRowContext(ctx, t.db.rebind(query), normalize(args)...), engine: t.db.engine}
}

// Prepare prepares a statement for repeated use in the transaction (bulk inserts).
func (t *Tx) Prepare(ctx context.Context, query string) (*Stmt, error) {
	s, err := t.tx.PrepareContext(ctx, t.db.rebind(query))
	if err != nil {
		return nil, mapErr(t.db.engine, err)
	}
	return &Stmt{s: s, engine: t.db.engine, tx: t}, nil
}

// Stmt is a prepared statement.
type Stmt struct {
	s      *sql.Stmt
	engine Engine
	tx     *Tx
}

// Exec runs the statement.
func (s *Stmt) Exec(ctx context.Context, args ...any) (sql.Result, error) {
	ctx, err := s.tx.ctx(ctx)
	if err != nil {
		return nil, err
	}
	res, err := s.s.ExecContext(ctx, normalize(args)...)
	return res, mapErr(s.engine, err)
}

// QueryRow runs the statement for one row.
func (s *Stmt) QueryRow(ctx context.Context, args ...any) *Row {
	ctx, err := s.tx.ctx(ctx)
	if err != nil {
		return &Row{err: err, engine: s.engine}
	}
	return &Row{row: s.s.QueryRowContext(ctx, normalize(args)...), engine: s.engine}
}

// Close releases the statement.
func (s *Stmt) Close() error { return s.s.Close() }

// Row is the result of QueryRow; Scan maps driver errors and keeps sql.ErrNoRows.
type Row struct {
	row    *sql.Row
	err    error // the query was not run
	engine Engine
}

// Scan copies the row's columns into dest.
func (r *Row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	err := r.row.Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return err
	}
	return mapErr(r.engine, err)
}

// IsNoRows reports whether err says a query returned no row.
func IsNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// normalize stores every time in UTC at microsecond precision, the finest both engines
// keep, so SQLite's text timestamps compare in time order.
func normalize(args []any) []any {
	for i, a := range args {
		switch v := a.(type) {
		case time.Time:
			args[i] = v.UTC().Truncate(time.Microsecond)
		case *time.Time:
			if v != nil {
				args[i] = v.UTC().Truncate(time.Microsecond)
			} else {
				args[i] = nil
			}
		case ID:
			args[i] = int64(v)
		case *ID:
			if v != nil {
				args[i] = int64(*v)
			} else {
				args[i] = nil
			}
		}
	}
	return args
}

// rebind turns '?' placeholders into PostgreSQL's $1, $2 … outside quoted strings.
func (d *DB) rebind(q string) string {
	if d.engine != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	inQuote := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inQuote = !inQuote
			b.WriteByte(c)
		case c == '?' && !inQuote:
			n++
			b.WriteByte('$')
			b.WriteString(fmt.Sprint(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
