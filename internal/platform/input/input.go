// Package input guards what arrives from outside before anything stores or parses it:
// text that is not text (a NUL character, invalid UTF-8), which PostgreSQL refuses and
// SQLite would keep, and uploaded spreadsheets (xlsx and CSV), read in bounded memory
// whatever their content claims.
//
// The checks run once per entry kind in the platform: the JSON body decoder and the
// query decoder (package api), the page form readers (package web) and the sheet
// readers here; capabilities do not repeat them.
package input

import (
	"embed"
	"errors"
	"net"
	"net/url"
	"os"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

//go:embed messages/*.json
var messages embed.FS

func init() { i18n.MustRegister(messages, "messages") }

// Message keys of the text rules.
const (
	RuleNUL  = "input.nul"  // the text holds a NUL character (U+0000)
	RuleUTF8 = "input.utf8" // the text is not valid UTF-8
)

// Text returns the message key of the rule s breaks, or "" when s is text every
// engine stores as given: valid UTF-8 without NUL characters.
func Text(s string) string {
	if !utf8.ValidString(s) {
		return RuleUTF8
	}
	if strings.IndexByte(s, 0) >= 0 {
		return RuleNUL
	}
	return ""
}

// CheckValues adds a field error to v for every parameter of vals whose name or value
// breaks a text rule, naming the parameter (in a stable order).
func CheckValues(vals url.Values, v *apperr.Validation) {
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		rule := Text(k)
		for _, s := range vals[k] {
			if rule != "" {
				break
			}
			rule = Text(s)
		}
		if name := Printable(k); rule != "" && !v.Has(name) {
			v.Add(name, rule, nil)
		}
	}
}

// IsTimeout reports whether err is a read of a request body that ran past its deadline
// (httpx.ReadTimeouts).
func IsTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// TimeoutErr is the refusal of a body that did not arrive in time.
func TimeoutErr(err error) error {
	return apperr.Wrap(err, apperr.BadRequest, "input.body_timeout")
}

// Printable returns s with invalid bytes and NUL characters replaced by U+FFFD, for
// naming a field that is itself not text.
func Printable(s string) string {
	if Text(s) == "" {
		return s
	}
	return strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", "\uFFFD"), "\uFFFD")
}
