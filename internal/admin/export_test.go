package admin

// SetMaxPersonOptions bounds the person select and returns a function restoring it.
func SetMaxPersonOptions(n int) (restore func()) {
	old := maxPersonOptions
	maxPersonOptions = n
	return func() { maxPersonOptions = old }
}
