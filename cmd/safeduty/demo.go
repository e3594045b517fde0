package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/pprof"
	"time"

	"github.com/safeduty/safeduty/internal/demo"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// demoCmd builds the demo district in a fresh database and, with --scale N, the city
// dataset: N more hazards and N/10 more enterprises, with progress on stderr.
func demoCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbc, _ := dbFlags(fs)
	scale := fs.Int("scale", 0, "hazards to add to the demo district's (1000000 for the city dataset); 0 builds the demo district alone")
	enterprises := fs.Int("enterprises", -1, "enterprises to add; -1 means a tenth of --scale")
	seed := fs.Uint64("seed", 1, "random seed: the same seed, --scale, --enterprises and --now give the same rows")
	nowFlag := fs.String("now", "", "the dataset's present as YYYY-MM-DD (UTC midnight): hazards were found in the three years before it; default today")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the build and load to this file (go tool pprof)")
	usage := "safeduty demo [--scale N] [--seed S] [--now YYYY-MM-DD] [--db URL | --data DIR] (a fresh database)"
	if _, err := parsePositional(fs, args, 0, usage); err != nil {
		return err
	}
	if *scale < 0 {
		return fmt.Errorf("--scale %d: want 0 or more hazards", *scale)
	}
	if *enterprises < -1 {
		return fmt.Errorf("--enterprises %d: want 0 or more, or -1 for a tenth of --scale", *enterprises)
	}
	now := time.Now().UTC().Truncate(24 * time.Hour)
	if *nowFlag != "" {
		t, err := time.Parse(time.DateOnly, *nowFlag)
		if err != nil {
			return fmt.Errorf("--now %q: want a date as YYYY-MM-DD", *nowFlag)
		}
		now = t
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if dbc.URL == "" {
		unlock, err := db.LockDataDir(dbc.DataDir)
		if err != nil {
			return err
		}
		defer unlock()
	}
	d, err := db.Open(ctx, *dbc)
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := d.Migrate(ctx, nil); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	res, err := demo.Build(ctx, d, demo.Options{Password: env("SAFEDUTY_DEMO_PASSWORD", ""), Clock: clock.NewFake(now), Log: log})
	if err != nil {
		return fmt.Errorf("demo district: %w", err)
	}
	if !res.Built {
		return errors.New("the database already holds the demo district: give a fresh --data folder or --db database")
	}
	fmt.Fprintf(stderr, "demo district built in %v: %d grids, %d users, %d enterprises\n", res.Took.Round(time.Millisecond), res.Grids, res.Users, res.Enterprises)
	if res.PasswordGenerated {
		fmt.Fprintf(stdout, "Demo users (admin, town01, dept-construction, patrol0001, ent0001 …) share the generated password:  %s\n", res.Password)
	}
	if *scale == 0 && *enterprises <= 0 {
		return nil
	}
	sr, err := demo.Scale(ctx, d, res.District, demo.ScaleOptions{Hazards: *scale, Enterprises: *enterprises, Seed: *seed, Now: now, Progress: stderr})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: added %d hazards and %d enterprises to the demo district in %v (%.0f rows/s; rows alone %v)\n",
		d.Describe(), sr.Hazards, sr.Enterprises, sr.Took.Round(time.Millisecond), sr.RowsPerSecond(), sr.Rows.Round(time.Millisecond))
	return nil
}
