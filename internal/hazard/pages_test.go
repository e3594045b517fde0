package hazard_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

// rawKeyRE finds a message key that reached a page untranslated.
var rawKeyRE = regexp.MustCompile(`[>" ](hazard|org|common|list|flash|object|home|admin|nav|notify|validate|error)\.[a-z_]+(\.[a-z_]+)*[<" ]`)

// actionCodeRE finds the audit log's action codes, which are meant to show.
var actionCodeRE = regexp.MustCompile(`<span class="action-code[^"]*">[^<]*</span>`)

// wantPage fails unless res has status and contains every string of want and none of
// avoid, and no untranslated message key.
func wantPage(t *testing.T, name string, res *apptest.Response, status int, want []string, avoid []string) {
	t.Helper()
	if res.Status != status {
		t.Fatalf("%s: status %d, want %d\n%s", name, res.Status, status, snippet(res.Body))
	}
	body := string(res.Body)
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s: page lacks %q", name, w)
		}
	}
	for _, a := range avoid {
		if strings.Contains(body, a) {
			t.Errorf("%s: page shows %q", name, a)
		}
	}
	// The audit panel shows action codes (hazard.report) on purpose.
	body = actionCodeRE.ReplaceAllString(body, "")
	if k := rawKeyRE.FindString(body); k != "" {
		t.Errorf("%s: untranslated message key %s", name, k)
	}
}

func snippet(b []byte) string {
	if i := bytes.Index(b, []byte(`<main`)); i > 0 {
		b = b[i:]
	}
	if len(b) > 1500 {
		return string(b[:1500]) + "…"
	}
	return string(b)
}

// pngBytes is a small valid PNG.
func pngBytes(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 12, 8))
	for x := range 12 {
		img.Set(x, 4, color.RGBA{G: 160, A: 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// file is one file of a multipart form.
type file struct {
	name string
	data []byte
}

// postMultipart posts a multipart form as the browser session, with the CSRF token in
// the first part as the pages' file forms do (unless csrf is false).
func postMultipart(t *testing.T, e *apptest.Env, b *apptest.Browser, path string, fields url.Values, files []file, csrf bool) *apptest.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if csrf {
		if err := mw.WriteField("csrf_token", b.CSRF); err != nil {
			t.Fatal(err)
		}
	}
	for k, vs := range fields {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, f := range files {
		w, err := mw.CreateFormFile("files", f.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(f.data)
	}
	if len(files) == 0 { // a browser sends the empty file input too
		w, _ := mw.CreateFormFile("files", "")
		w.Write(nil)
	}
	mw.Close()
	req, err := http.NewRequest("POST", e.Server.URL+path, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := b.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &apptest.Response{Status: res.StatusCode, Header: res.Header, Body: data}
}

// wantRedirect fails unless res is a 303 to location, and returns the page it leads to.
func wantRedirect(t *testing.T, name string, b *apptest.Browser, res *apptest.Response, location string) *apptest.Response {
	t.Helper()
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != location {
		t.Fatalf("%s: %d to %q, want 303 to %q\n%s", name, res.Status, res.Header.Get("Location"), location, snippet(res.Body))
	}
	return b.Get(location)
}

// act posts an action form without files as the browser session.
func actForm(b *apptest.Browser, id string, fields url.Values) *apptest.Response {
	return b.PostForm("/hazards/"+id+"/actions", fields, true)
}
