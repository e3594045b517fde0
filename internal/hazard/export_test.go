package hazard

import (
	"context"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
)

// SetSmallList sets the count up to which List finds matches before sorting them, and
// returns a function restoring it.
func SetSmallList(n int) (restore func()) {
	old := api.SmallList
	api.SmallList = n
	return func() { api.SmallList = old }
}

// ScanStats is Stats read from the hazards whatever the filter (the reference).
var ScanStats = (*Module).scanStats

// TallyStats is Stats read from the tallies; ok is false when the filter or the scope
// is not answered from them.
func (m *Module) TallyStats(ctx context.Context, p *auth.Principal, sp StatsParams) (res StatsResult, ok bool, err error) {
	if _, ok, err = m.tallyWhere(ctx, p, sp.Filter, sp.Group, m.Clock.Now()); err != nil || !ok {
		return res, ok, err
	}
	res, err = m.Stats(ctx, p, sp)
	return res, true, err
}
