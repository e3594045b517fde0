package hazard

import "github.com/safeduty/safeduty/internal/platform/api"

// SetSmallList sets the count up to which List finds matches before sorting them, and
// returns a function restoring it.
func SetSmallList(n int) (restore func()) {
	old := api.SmallList
	api.SmallList = n
	return func() { api.SmallList = old }
}
