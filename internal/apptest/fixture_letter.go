package apptest

import (
	"context"

	"github.com/safeduty/safeduty/internal/app"
)

// letterSamples gives each town each town's letter (Samples and Markers).
func letterSamples(ctx context.Context, a *app.App, f *Fixture) error { return nil }
