package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/app"
	"github.com/safeduty/safeduty/internal/attachment"
	"github.com/safeduty/safeduty/internal/backup"
	"github.com/safeduty/safeduty/internal/demo"
	"github.com/safeduty/safeduty/internal/hazard"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/httpx"
)

// dbFlags adds --db, --data and --files to fs; resolve the files folder with filesDir
// (or, for serve, the files store with filesStore) after parsing.
func dbFlags(fs *flag.FlagSet) (*db.Config, *string) {
	cfg := &db.Config{}
	files := fs.String("files", env("SAFEDUTY_FILES", ""), "folder of uploaded files, or an S3-compatible store as s3://bucket/prefix?endpoint=host:port&region=…&secure=false with the keys in env SAFEDUTY_S3_ACCESS_KEY and SAFEDUTY_S3_SECRET_KEY (env SAFEDUTY_FILES); empty means <data>/files")
	fs.StringVar(&cfg.URL, "db", env("SAFEDUTY_DB", ""), "PostgreSQL URL (postgres://…); empty for embedded SQLite (env SAFEDUTY_DB)")
	fs.StringVar(&cfg.DataDir, "data", env("SAFEDUTY_DATA", "data"), "data folder for SQLite and files (env SAFEDUTY_DATA)")
	return cfg, files
}

// filesDir resolves --files against --data after parsing.
func filesDir(files string, dbc *db.Config) string {
	if files != "" {
		return files
	}
	return filepath.Join(dbc.DataDir, "files")
}

// copiedFilesDir is filesDir for the commands that copy a files folder (backup,
// restore): an S3 store is refused, its bucket is backed up by the object store's means.
func copiedFilesDir(files string, dbc *db.Config) (string, error) {
	if attachment.IsS3URL(files) {
		return "", errors.New("--files names an S3 store, and backup and restore copy a files folder only: back up the bucket with the store's own tools (versioning, replication, mc mirror); to back up the database alone, add --allow-missing-files")
	}
	return filesDir(files, dbc), nil
}

// filesStore resolves --files for serve: an s3:// URL opens that S3 store (its bucket
// must exist), anything else is the folder filesDir names.
func filesStore(ctx context.Context, files string, dbc *db.Config) (dir string, store attachment.Store, err error) {
	if !attachment.IsS3URL(files) {
		return filesDir(files, dbc), nil, nil
	}
	c, err := attachment.ParseS3URL(files)
	if err != nil {
		return "", nil, err
	}
	c.AccessKey, c.SecretKey = env("SAFEDUTY_S3_ACCESS_KEY", ""), env("SAFEDUTY_S3_SECRET_KEY", "")
	s, err := attachment.NewS3Store(ctx, c)
	if err != nil {
		return "", nil, err
	}
	return "", s, nil
}

type prefixes []netip.Prefix

func (p *prefixes) String() string { return fmt.Sprint(*p) }
func (p *prefixes) Set(s string) error {
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !strings.Contains(part, "/") {
			a, err := netip.ParseAddr(part)
			if err != nil {
				return err
			}
			*p = append(*p, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		pr, err := netip.ParsePrefix(part)
		if err != nil {
			return err
		}
		*p = append(*p, pr)
	}
	return nil
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbc, files := dbFlags(fs)
	addr := fs.String("addr", env("SAFEDUTY_ADDR", "127.0.0.1:8080"), "listen address (env SAFEDUTY_ADDR)")
	withDemo := fs.Bool("demo", false, "build the demo district on first start (idempotent)")
	insecure := fs.Bool("insecure-cookie", false, "send the session cookie without Secure, for plain-HTTP deployments on a private network")
	var trusted prefixes
	fs.Var(&trusted, "trusted-proxy", "addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed (repeatable)")
	ac := auth.DefaultConfig()
	fs.IntVar(&ac.LockoutThreshold, "lockout-threshold", ac.LockoutThreshold, "failed sign-ins on one account, from any addresses within --lockout-duration, that lock it; must exceed --login-client-limit")
	fs.DurationVar(&ac.LockoutDuration, "lockout-duration", ac.LockoutDuration, "how long a locked account stays locked, and how long a failure counts towards the lock")
	fs.IntVar(&ac.ClientLimit, "login-client-limit", ac.ClientLimit, "failed sign-ins one client address (an IPv6 /64) may make per --login-client-window before it is refused with 429")
	fs.DurationVar(&ac.ClientWindow, "login-client-window", ac.ClientWindow, "the window of --login-client-limit")
	fs.DurationVar(&ac.BrowserIdle, "session-idle", ac.BrowserIdle, "browser session idle timeout")
	fs.DurationVar(&ac.BrowserMax, "session-max", ac.BrowserMax, "browser session absolute timeout")
	fs.DurationVar(&ac.TokenIdle, "token-idle", ac.TokenIdle, "API token idle timeout")
	fs.DurationVar(&ac.TokenMax, "token-max", ac.TokenMax, "API token absolute timeout")
	hc := hazard.DefaultConfig()
	fs.DurationVar(&hc.RemindBefore, "hazard-remind-before", hc.RemindBefore, "remind a hazard's owner this long before its deadline")
	fs.DurationVar(&hc.LeaderAfter, "hazard-leader-after", hc.LeaderAfter, "escalate an overdue hazard to the leader in charge this long after its deadline")
	fs.DurationVar(&hc.ScanEvery, "hazard-scan-every", hc.ScanEvery, "how often overdue hazards are looked for")
	var uploads attachment.Limits
	fs.DurationVar(&uploads.KeepUnlinked, "uploads-keep-unclaimed", attachment.DefaultKeepUnlinked, "how long an uploaded file that no record uses is kept before it is removed")
	webhook := fs.String("notice-webhook", env("SAFEDUTY_NOTICE_WEBHOOK", ""), "URL that receives every notice as JSON (e.g. an SMS gateway adapter); empty: notices are logged (env SAFEDUTY_NOTICE_WEBHOOK)")
	jobsTick := fs.Duration("jobs-tick", 15*time.Second, "how often this process looks for due background jobs (each due run happens on one process of those sharing a database)")
	logFormat := fs.String("log-format", env("SAFEDUTY_LOG_FORMAT", "text"), "log format: text or json")
	logLevel := fs.String("log-level", env("SAFEDUTY_LOG_LEVEL", "info"), "log level: debug, info, warn, error")
	pprofAddr := fs.String("pprof", "", pprofHelp)
	if _, err := parsePositional(fs, args, 0, "safeduty serve [flags]"); err != nil {
		return err
	}
	if *pprofAddr != "" {
		if err := checkPprofAddr(*pprofAddr); err != nil {
			return err
		}
	}
	if err := ac.CheckThrottle(); err != nil {
		return err
	}
	if *jobsTick <= 0 {
		return errors.New("--jobs-tick must be positive")
	}
	log := newLogger(stderr, *logFormat, *logLevel)
	slog.SetDefault(log)

	if dbc.URL == "" {
		unlock, err := db.LockDataDir(dbc.DataDir)
		if err != nil {
			return err
		}
		defer unlock()
	}
	filesFolder, fileStore, err := filesStore(ctx, *files, dbc)
	if err != nil {
		return err
	}
	start := time.Now()
	a, err := app.New(ctx, app.Config{DB: *dbc, Files: filesFolder, FileStore: fileStore, Auth: ac, InsecureCookie: *insecure, TrustedProxies: trusted, Version: version(), Log: log,
		Hazards: hc, NoticeWebhook: *webhook, Uploads: uploads})
	if err != nil {
		return err
	}
	defer a.Close()
	if *withDemo {
		res, err := demo.Build(ctx, a.DB, demo.Options{Password: env("SAFEDUTY_DEMO_PASSWORD", ""), Clock: a.Cfg.Clock, Log: log})
		if err != nil {
			return fmt.Errorf("demo district: %w", err)
		}
		if res.Built {
			log.Info("demo district built", "took", res.Took.Round(time.Millisecond), "grids", res.Grids, "users", res.Users, "enterprises", res.Enterprises)
			if res.PasswordGenerated {
				fmt.Fprintf(stdout, "\nDemo users (admin, secretary, mayor, town01, dept-construction, patrol0001, ent0001 …)\nshare the generated password:  %s\nSet SAFEDUTY_DEMO_PASSWORD to choose it. It is shown only this once.\n\n", res.Password)
			}
		}
	}
	a.RefreshReferenceData(ctx)
	// Start-up work (migrations, the demo's password hash) leaves garbage that an idle
	// server would otherwise hold for minutes; hand it back to the OS now.
	debug.FreeOSMemory()

	a.Jobs.Start(ctx, *jobsTick)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := a.Server()
	if *pprofAddr != "" {
		at, err := startPprof(ctx, *pprofAddr, log)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Profiles on http://%s/debug/pprof/\n", at)
	}
	log.Info("SafeDuty serving", "url", "http://"+ln.Addr().String(), "db", a.DB.Describe(), "ready_in", time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(stdout, "SafeDuty is serving on http://%s\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(httpx.ProblemListener(ln, a.Cfg.MaxHeaderBytes)) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbc, _ := dbFlags(fs)
	if _, err := parsePositional(fs, args, 0, "safeduty migrate [--db URL | --data DIR]"); err != nil {
		return err
	}
	d, err := db.Open(ctx, *dbc)
	if err != nil {
		return err
	}
	defer d.Close()
	n, err := d.Migrate(ctx, nil)
	if err != nil {
		return err
	}
	applied, newest, err := d.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: applied %d migration(s); schema version %d of %d\n", d.Describe(), n, applied, newest)
	return nil
}

func backupCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbc, files := dbFlags(fs)
	allowMissing := fs.Bool("allow-missing-files", false, "make the backup even when the files of some attachments are not in the files folder (they are listed)")
	pos, err := parsePositional(fs, args, 1, "safeduty backup [--db URL | --data DIR] [--files DIR] [--allow-missing-files] FILE")
	if err != nil {
		return err
	}
	out := pos[0]
	d, err := db.Open(ctx, *dbc)
	if err != nil {
		return err
	}
	defer d.Close()
	start := time.Now()
	dir := ""
	if !*allowMissing || !attachment.IsS3URL(*files) {
		if dir, err = copiedFilesDir(*files, dbc); err != nil {
			return err
		}
	}
	st, err := backup.Create(ctx, d, dir, out, backup.Options{AllowMissingFiles: *allowMissing})
	var missing *backup.MissingFilesError
	if errors.As(err, &missing) {
		return fmt.Errorf("%w.\nNothing was written. Is %s the folder of uploaded files the server uses? Name it with --files (or --data);\nto back up without those files all the same, add --allow-missing-files", err, dir)
	}
	if err != nil {
		return err
	}
	if st.Missing > 0 {
		names := make([]string, len(st.MissingSample))
		for i, m := range st.MissingSample {
			names[i] = m.String()
		}
		fmt.Fprintf(stderr, "warning: the files of %d attachment(s) were not in %s and are not in the backup (%s)\n",
			st.Missing, dir, strings.Join(names, ", "))
	}
	fmt.Fprintf(stdout, "backed up %s and %d uploaded files (%d bytes) to %s in %s\n",
		d.Describe(), st.Files, st.Bytes, out, time.Since(start).Round(time.Millisecond))
	return nil
}

func restoreCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbc, files := dbFlags(fs)
	pos, err := parsePositional(fs, args, 1, "safeduty restore [--db URL | --data DIR] [--files DIR] FILE (stop the server first)")
	if err != nil {
		return err
	}
	dir, err := copiedFilesDir(*files, dbc)
	if err != nil {
		return err
	}
	if err := backup.Restore(ctx, *dbc, dir, pos[0]); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s; start the server to apply any newer migrations\n", pos[0])
	return nil
}
