package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/safeduty/safeduty/internal/platform/auth"
)

// A capability's stylesheet is linked on every page after app.css, served from its own
// embedded file under a fingerprinted address that caches for a year, and its name is
// its own.
func TestSite_AddStylesheet(t *testing.T) {
	mux := http.NewServeMux()
	s := NewSite(mux, nil, nil, nil)
	css := fstest.MapFS{"static/things.css": {Data: []byte(".thing { color: red; }\n")}}
	s.AddStylesheet("things", css, "static/things.css")
	page := s.MustParse(fstest.MapFS{"p.html": {Data: []byte(`{{define "title"}}T{{end}}{{define "content"}}<p>x</p>{{end}}`)}}, "p.html")
	w := httptest.NewRecorder()
	if err := s.Render(w, httptest.NewRequest("GET", "/", nil), page, nil); err != nil {
		t.Fatal(err)
	}
	links := regexp.MustCompile(`<link rel="stylesheet" href="([^"]+)">`).FindAllStringSubmatch(w.Body.String(), -1)
	if len(links) != 2 || !strings.HasPrefix(links[0][1], "/static/css/app.css?v=") || !strings.HasPrefix(links[1][1], "/static/css/things.css?v=") {
		t.Fatalf("stylesheet links: %v", links)
	}
	res := httptest.NewRecorder()
	mux.ServeHTTP(res, httptest.NewRequest("GET", links[1][1], nil))
	body, _ := io.ReadAll(res.Body)
	if res.Code != http.StatusOK || string(body) != ".thing { color: red; }\n" || !strings.Contains(res.Header().Get("Cache-Control"), "immutable") ||
		!strings.HasPrefix(res.Header().Get("Content-Type"), "text/css") {
		t.Errorf("serving %s: %d %q %q %q", links[1][1], res.Code, body, res.Header().Get("Cache-Control"), res.Header().Get("Content-Type"))
	}
	res = httptest.NewRecorder()
	mux.ServeHTTP(res, httptest.NewRequest("GET", "/static/css/things.css?v=old", nil))
	if res.Code != http.StatusOK || strings.Contains(res.Header().Get("Cache-Control"), "immutable") {
		t.Errorf("a stale fingerprint: %d %q", res.Code, res.Header().Get("Cache-Control"))
	}
	for _, name := range []string{"things", "app", "a/b", ""} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("AddStylesheet(%q) did not panic", name)
				}
			}()
			s.AddStylesheet(name, css, "static/things.css")
		}()
	}
}

// Parts one capability adds are there for the pages parsed after it; a part named
// like one of the layout's is refused.
func TestSite_AddPartials(t *testing.T) {
	s := NewSite(http.NewServeMux(), nil, nil, nil)
	page := fstest.MapFS{
		"p.html":     {Data: []byte(`{{define "title"}}T{{end}}{{define "content"}}{{template "thing-badge" "red"}}{{end}}`)},
		"parts.html": {Data: []byte(`{{define "thing-badge"}}<span class="badge badge-{{.}}">{{t "common.yes"}}</span>{{end}}`)},
		"dup.html":   {Data: []byte(`{{define "icon"}}x{{end}}`)},
	}
	s.AddPartials(page, "parts.html")
	w := httptest.NewRecorder()
	if err := s.Render(w, httptest.NewRequest("GET", "/", nil), s.MustParse(page, "p.html"), nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.Body.String(), `<span class="badge badge-red">是</span>`) {
		t.Errorf("the part is not on the page:\n%s", w.Body)
	}
	defer func() {
		if recover() == nil {
			t.Error("a part named like the layout's icon was added")
		}
	}()
	s.AddPartials(page, "dup.html")
}

// A part renders with what a page sees: the data, the reader's language and the token
// its forms post.
func TestSite_RenderPart(t *testing.T) {
	s := NewSite(http.NewServeMux(), nil, nil, nil)
	tpl := s.MustParse(fstest.MapFS{"part.html": {Data: []byte(`{{define "part"}}<form><input name="csrf_token" value="{{.CSRF}}">{{.Data}} {{num 516000}} {{t "common.yes"}}</form>{{end}}`)}}, "part.html")
	r := httptest.NewRequest("GET", "/", nil)
	r = r.WithContext(auth.WithPrincipal(r.Context(), &auth.Principal{CSRFToken: "tok"}))
	h, err := s.RenderPart(r, tpl, "part", "data")
	if err != nil {
		t.Fatal(err)
	}
	if want := `<form><input name="csrf_token" value="tok">data 516,000 是</form>`; string(h) != want {
		t.Errorf("part: %s, want %s", h, want)
	}
}

// Numbers read with thousands separators whatever their integer type; an absent amount
// is empty.
func TestNum(t *testing.T) {
	num := (&Site{}).funcs(NewSite(http.NewServeMux(), nil, nil, nil).baseLoc())["num"].(func(any) string)
	n := int64(-1234567)
	var none *int64
	for _, c := range []struct {
		in   any
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1,000"}, {516000, "516,000"}, {int64(12345678), "12,345,678"}, {&n, "-1,234,567"}, {none, ""}} {
		if got := num(c.in); got != c.want {
			t.Errorf("num(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}
