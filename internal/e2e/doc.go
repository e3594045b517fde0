// Package e2e drives SafeDuty's key pages in a real browser (Chromium through the
// DevTools protocol, with chromedp) against a real server on a fresh database: sign-in,
// the language switch, scoped lists, the phone layout and error messages.
//
// The tests need a browser binary: set SAFEDUTY_TEST_BROWSER to its path (CI sets it to
// /usr/bin/chromium); without it they are skipped. With SAFEDUTY_TEST_SHOTS set to a
// folder, the screenshots are also saved there for a person to look at.
package e2e
