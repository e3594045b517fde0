package web

import (
	"net/http/httptest"
	"testing"
)

// A phone gets 20 items a page, whichever way it says it is one; anything else 50.
func TestPerPage(t *testing.T) {
	for _, c := range []struct {
		name, header, value string
		want                int
	}{
		{"desktop", "User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36", PageSize},
		{"phone UA", "User-Agent", "Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/131.0 Mobile Safari/537.36", PhonePageSize},
		{"client hint", "Sec-CH-UA-Mobile", "?1", PhonePageSize},
		{"client hint desktop", "Sec-CH-UA-Mobile", "?0", PageSize},
		{"narrow window", "Cookie", "narrow=1", PhonePageSize},
		{"wide window", "Cookie", "narrow=0", PageSize},
	} {
		r := httptest.NewRequest("GET", "/hazards", nil)
		r.Header.Set(c.header, c.value)
		if got := PerPage(r); got != c.want {
			t.Errorf("%s: PerPage = %d, want %d", c.name, got, c.want)
		}
	}
}
