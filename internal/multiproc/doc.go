// Package multiproc holds the test that runs SafeDuty as a cluster: two `safeduty serve`
// processes, built from the real command, on one PostgreSQL database and one S3 files
// store. It proves what a deployment of several stateless processes relies on: a
// session made on one process works on the other; a sign-out, a password change or a
// disabled account on one is refused by the other on the very next request; a
// background job runs once per period whichever process looks; and an upload through
// one downloads through the other.
//
// The package has no code of its own; see docs/PERFORMANCE.md ("Several processes on one
// PostgreSQL") for what holds shared truth where.
package multiproc
