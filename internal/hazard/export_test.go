package hazard

// SetSmallList sets the count up to which List finds matches before sorting them, and
// returns a function restoring it.
func SetSmallList(n int) (restore func()) {
	old := smallList
	smallList = n
	return func() { smallList = old }
}
