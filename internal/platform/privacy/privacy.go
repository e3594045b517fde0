// Package privacy masks personal data (phone numbers, ID numbers) for lists and exports.
// Full values are shown only on detail views to roles allowed to see them, and each such
// view is audited by the capability that shows it.
package privacy

import "strings"

// Phone hides the middle of a phone number: 13812345678 → 138****5678.
func Phone(s string) string {
	r := []rune(strings.TrimSpace(s))
	switch {
	case len(r) == 0:
		return ""
	case len(r) < 7:
		return strings.Repeat("*", len(r))
	}
	return string(r[:3]) + "****" + string(r[len(r)-4:])
}

// IDNumber hides all but the first 6 and last 2 characters of a resident ID number.
func IDNumber(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= 8 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:6]) + strings.Repeat("*", len(r)-8) + string(r[len(r)-2:])
}
