package hazard_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

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
		t.Fatalf("%s: %d to %q, want 303 to %q\n%s", name, res.Status, res.Header.Get("Location"), location, apptest.Snippet(res.Body))
	}
	return b.Get(location)
}

// act posts an action form without files as the browser session.
func actForm(b *apptest.Browser, id string, fields url.Values) *apptest.Response {
	return b.PostForm("/hazards/"+id+"/actions", fields, true)
}
