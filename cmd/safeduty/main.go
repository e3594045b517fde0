// Command safeduty is SafeDuty (安责通): one binary that serves the web UI and the API, and
// administers its database.
//
//	safeduty serve [--demo] [--addr 127.0.0.1:8080] [--db URL] [--data DIR]
//	safeduty migrate
//	safeduty backup [--allow-missing-files] FILE
//	safeduty restore FILE
//	safeduty bootstrap --district NAME --code CODE [--admin USER]
//	safeduty demo [--scale N] [--seed S] [--now YYYY-MM-DD]
//	safeduty version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

const usage = `SafeDuty (安责通) — work-safety responsibility platform

Usage:
  safeduty serve [flags]        serve the web UI and the API (--demo builds the demo district)
  safeduty migrate [flags]      apply pending database migrations
  safeduty backup FILE          write a consistent copy of the database and uploaded files while it serves
  safeduty restore FILE         replace the database and files with a backup (server stopped)
  safeduty bootstrap [flags]    create the district and its first administrator
  safeduty demo [--scale N]     build the demo district in a fresh database, and N more hazards (the city: 1000000)
  safeduty version              print the version

Storage: --db (env SAFEDUTY_DB) is a postgres:// URL, or empty for embedded SQLite in
--data (env SAFEDUTY_DATA, default ./data). Flags may come before or after FILE.
Run "safeduty <command> -h" for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "safeduty:", err)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, rest, stdout, stderr)
	case "migrate":
		return migrate(ctx, rest, stdout, stderr)
	case "backup":
		return backupCmd(ctx, rest, stdout, stderr)
	case "restore":
		return restoreCmd(ctx, rest, stdout, stderr)
	case "bootstrap":
		return bootstrap(ctx, rest, stdout, stderr)
	case "demo":
		return demoCmd(ctx, rest, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// version is the module version stamped by the Go toolchain, or the VCS revision.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "dev-" + s.Value[:12]
		}
	}
	return "dev"
}

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func newLogger(w io.Writer, format, level string) *slog.Logger {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		lv = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: lv}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
