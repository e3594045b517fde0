// Package e2e drives SafeDuty's key pages in a real browser (Chromium through the
// DevTools protocol, with chromedp) against a real server on a fresh database: sign-in,
// the language switch, scoped lists, the phone layout and error messages.
//
// The tests need a browser binary: set SAFEDUTY_TEST_BROWSER to its path (CI sets it to
// /usr/bin/chromium). Without it they are skipped, and say so: `go test ./...` prints
// "ok …/e2e … [no tests to run]", `go test -v` a line "BROWSER TESTS SKIPPED", and CI
// fails. With SAFEDUTY_TEST_SHOTS set to a
// folder, the screenshots are also saved there for a person to look at.
package e2e
