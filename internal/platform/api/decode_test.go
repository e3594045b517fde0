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
