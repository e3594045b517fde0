package apptest

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// Helpers the tests of several capabilities share: an uploaded photo, the rules of a
// refused request's fields, and a page's status, text and untranslated keys.

// rawKeyRE finds a message key that reached a page untranslated: a word of the form of
// a key whose first part is the first part of a key in the catalog ("ent.", "hazard.",
// "validate."…), standing as a text or an attribute value of its own.
var rawKeyRE = sync.OnceValue(func() *regexp.Regexp {
	seen := map[string]bool{}
	var prefixes []string
	for _, k := range i18n.Default.Keys() {
		if p, _, ok := strings.Cut(k, "."); ok && !seen[p] {
			seen[p] = true
			prefixes = append(prefixes, regexp.QuoteMeta(p))
		}
	}
	if len(prefixes) < 10 {
		panic("apptest: the catalog holds keys of only " + strings.Join(prefixes, ", "))
	}
	slices.Sort(prefixes)
	return regexp.MustCompile(`[>" ](` + strings.Join(prefixes, "|") + `)\.[a-z_]+(\.[a-z_0-9]+)*[<" ]`)
})

// actionCodeRE finds the audit log's action codes, which are meant to show, and
// optionValueRE the values of a select's options, which a browser sends but never shows
// (the audit filter's are action codes).
var (
	actionCodeRE  = regexp.MustCompile(`<span class="action-code[^"]*">[^<]*</span>`)
	optionValueRE = regexp.MustCompile(`<option value="[^"]*"`)
)

// WantPage fails unless res has status and contains every string of want and none of
// avoid, and no untranslated message key; name says which page in the messages.
func WantPage(t testing.TB, name string, res *Response, status int, want, avoid []string) {
	t.Helper()
	WantBody(t, name, res, status, want, avoid)
	if k := UntranslatedKey(string(res.Body)); k != "" {
		t.Errorf("%s: untranslated message key %s", name, k)
	}
}

// WantBody is WantPage without the check of message keys, for an answer that holds them
// as codes (JSON, CSV).
func WantBody(t testing.TB, name string, res *Response, status int, want, avoid []string) {
	t.Helper()
	if res.Status != status {
		t.Fatalf("%s: status %d, want %d\n%s", name, res.Status, status, Snippet(res.Body))
	}
	body := string(res.Body)
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s: lacks %q", name, w)
		}
	}
	for _, a := range avoid {
		if strings.Contains(body, a) {
			t.Errorf("%s: shows %q", name, a)
		}
	}
}

// UntranslatedKey returns the first message key a page shows untranslated (with the
// character each side of it), or "": a key of any capability's catalog, as a text or an
// attribute value of its own. The audit panel's action codes and the values of a select's
// options are codes on purpose.
func UntranslatedKey(page string) string {
	page = actionCodeRE.ReplaceAllString(page, "")
	page = optionValueRE.ReplaceAllString(page, "<option")
	return rawKeyRE().FindString(page)
}

// Snippet is the main part of a page, shortened, for a failure's message.
func Snippet(b []byte) string {
	if i := bytes.Index(b, []byte(`<main`)); i > 0 {
		b = b[i:]
	}
	if len(b) > 2000 {
		return string(b[:2000]) + "…"
	}
	return string(b)
}

// WithLang adds lang=<lang> to a page's address.
func WithLang(path, lang string) string {
	if strings.Contains(path, "?") {
		return path + "&lang=" + lang
	}
	return path + "?lang=" + lang
}

// FieldRules maps each field of a refused request's problem document to the rule it
// broke ("required", "one_of"…).
func FieldRules(t testing.TB, res *Response) map[string]string {
	t.Helper()
	out := map[string]string{}
	errs, _ := res.Map(t)["errors"].([]any)
	for _, fe := range errs {
		m := fe.(map[string]any)
		out[m["field"].(string)] = m["rule"].(string)
	}
	return out
}

// PNG is a small valid photo.
func PNG(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 16, 12))
	for x := range 16 {
		img.Set(x, 6, color.RGBA{R: 200, A: 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Upload stores a small photo through the attachment API as user and returns its id.
func (e *Env) Upload(t testing.TB, user string) string {
	t.Helper()
	var pic bytes.Buffer
	if err := png.Encode(&pic, image.NewRGBA(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "p.png")
	fw.Write(pic.Bytes())
	mw.Close()
	res := e.As(user, "POST", "/api/v1/attachments", body.Bytes(), "Content-Type", mw.FormDataContentType())
	if res.Status != http.StatusCreated {
		t.Fatalf("upload: %d %s", res.Status, res.Body)
	}
	return res.Map(t)["id"].(string)
}

// File is one file of a multipart page form.
type File struct {
	Field, Name string
	Data        []byte
}

// PostMultipart posts a multipart form to path, with the session's CSRF token in the
// first part as the pages' file forms send it (unless withCSRF is false).
func (b *Browser) PostMultipart(path string, fields url.Values, files []File, withCSRF bool) *Response {
	b.e.T.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if withCSRF {
		if err := mw.WriteField("csrf_token", b.CSRF); err != nil {
			b.e.T.Fatal(err)
		}
	}
	for k, vs := range fields {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				b.e.T.Fatal(err)
			}
		}
	}
	for _, f := range files {
		w, err := mw.CreateFormFile(f.Field, f.Name)
		if err != nil {
			b.e.T.Fatal(err)
		}
		w.Write(f.Data)
	}
	mw.Close()
	return b.do("POST", path, &body, "Content-Type", mw.FormDataContentType())
}

// Follow fails unless res is a 303 to location, and returns the page it leads to.
func (b *Browser) Follow(t testing.TB, name string, res *Response, location string) *Response {
	t.Helper()
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != location {
		t.Fatalf("%s: %d to %q, want 303 to %q\n%s", name, res.Status, res.Header.Get("Location"), location, Snippet(res.Body))
	}
	return b.Get(location)
}

// PageCase is a page a user opens, with texts its Chinese and its English version show.
type PageCase struct {
	Who    *Browser
	Path   string
	Zh, En []string
}

// WantBothLanguages opens every page of cases in Chinese and in English: each answers
// 200 with its texts and no untranslated key, and the Chinese one shows no string of
// avoid (another town's records).
func WantBothLanguages(t testing.TB, cases []PageCase, avoid []string) {
	t.Helper()
	for _, pg := range cases {
		WantPage(t, pg.Path+" zh", pg.Who.Get(pg.Path), http.StatusOK, pg.Zh, avoid)
		WantPage(t, pg.Path+" en", pg.Who.Get(WithLang(pg.Path, "en")), http.StatusOK, pg.En, nil)
	}
}

// Case is the PageCase of who opening path.
func Case(who *Browser, path string, zh, en []string) PageCase {
	return PageCase{Who: who, Path: path, Zh: zh, En: en}
}
