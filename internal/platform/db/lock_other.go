//go:build !unix

package db

// LockDataDir is a no-op where advisory file locks are unavailable; stop the server
// before a restore.
func LockDataDir(dir string) (unlock func(), err error) { return func() {}, nil }
