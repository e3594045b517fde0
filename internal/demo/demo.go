// Package demo builds the demo district of SPEC.md §4 on first start.
package demo

import (
	"context"
	"log/slog"
	"time"

	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// Options configure the build.
type Options struct {
	Password string // shared by every demo user; generated when empty
	Clock    clock.Clock
	Log      *slog.Logger
}

// Result reports what Build did.
type Result struct {
	Built             bool // false when the demo already existed
	Password          string
	PasswordGenerated bool
	Took              time.Duration
	Grids, Users      int
}

// Build creates the demo district once; later calls find it and return Built=false.
func Build(ctx context.Context, d *db.DB, opts Options) (Result, error) {
	return Result{}, nil
}
