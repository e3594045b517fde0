package api

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/platform/apperr"
)

type decodeBody struct {
	Title string         `json:"title"`
	Tags  []string       `json:"tags"`
	Meta  map[string]any `json:"meta"`
	When  *time.Time     `json:"when"`
	N     int            `json:"n"`
}

// Decode refuses text that is not text naming its path, keeps every real character
// (a written U+FFFD, an escaped backslash before u0000, a surrogate pair), and names the
// field whose type refuses its value.
func TestDecode_TextAndFields(t *testing.T) {
	for body, want := range map[string]string{
		`{"title":"a\u0000"}`:                          "title:nul",
		"{\"title\":\"a\xc3\"}":                        "title:utf8",
		`{"title":"\udc00"}`:                           "title:utf8",
		`{"tags":["x","y","\u0000"]}`:                  "tags[2]:nul",
		`{"meta":{"a":[{"b":"\u0000"}]}}`:              "meta.a[0].b:nul",
		`{"meta":{"k\u0000":1}}`:                       "meta.k\uFFFD:nul",
		`{"meta":{},"title":"\u0000"}`:                 "title:nul",
		`{"tags":[],"meta":{"a":{}},"title":"\u0000"}`: "title:nul",
		`{"when":"2026-02-30T08:00:00+08:00"}`:         "when:time",
		`{"when":12}`:                                  "when:time",
		`{"n":"x"}`:                                    "n:type",
		`{"title":"\\u0000 \ufffd \uFFFD �"}`:          "",
		`{"title":"😀 \ud83d\ude00"}`:                   "",
	} {
		r := httptest.NewRequest("POST", "/x", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		var dst decodeBody
		err := Decode(r, &dst)
		got := ""
		if err != nil {
			e := apperr.As(err)
			if e.Code != apperr.BadRequest || len(e.Fields) != 1 {
				t.Errorf("%s: %v", body, err)
				continue
			}
			f := e.Fields[0]
			got = f.Field + ":" + f.Key[strings.LastIndex(f.Key, ".")+1:]
		}
		if got != want {
			t.Errorf("%s: got %q, want %q", body, got, want)
		}
	}
}

// Due wants a due day given, readable and later than its bound; a date is due by the end
// of that day, China time.
func TestDue(t *testing.T) {
	now := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC) // 09:00 in China
	for _, c := range []struct {
		in, wantKey string
		wantOK      bool
	}{
		{"", "validate.required", false},
		{"3/9", "validate.date", false},
		{"2026-03-01", "hazard.deadline_past", false},
		{"2026-03-02", "", true}, // the end of today is still ahead
		{" 2026-03-09 ", "", true},
		{"2026-03-02T00:30:00Z", "hazard.deadline_past", false},
	} {
		v := &apperr.Validation{}
		got, ok := Due(v, "deadline", c.in, now, "hazard.deadline_past")
		key := ""
		if len(v.Fields) > 0 {
			key = v.Fields[0].Key
		}
		if ok != c.wantOK || key != c.wantKey || (ok && !got.After(now)) {
			t.Errorf("Due(%q) = %v, %v, error %q; want ok %v, error %q", c.in, got, ok, key, c.wantOK, c.wantKey)
		}
	}
}
