package auth

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// multipartBody writes fields in order (name, value pairs; a name starting with "@" is
// a file of that input) and returns the body and its content type.
func multipartBody(t *testing.T, pairs ...string) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for i := 0; i+1 < len(pairs); i += 2 {
		var w io.Writer
		var err error
		if name, ok := strings.CutPrefix(pairs[i], "@"); ok {
			w, err = mw.CreateFormFile(name, "photo.jpg")
		} else {
			w, err = mw.CreateFormField(pairs[i])
		}
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, pairs[i+1])
	}
	mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}

// The token travels as the first part of the body; the handler still reads the whole
// body, byte for byte, and a token anywhere else (a later part, a file, the URL) is
// not taken.
func TestCSRF_MultipartFirstPart(t *testing.T) {
	const token = "tok-0123456789abcdefghijklmnopqrstuvwxyzABCD"
	big := strings.Repeat("照片数据", 5000) // beyond what is read ahead
	m := &Middleware{}
	for _, c := range []struct {
		name  string
		pairs []string
		query string
		want  bool
	}{
		{"token first", []string{"csrf_token", token, "title", "配电箱", "@files", big}, "", true},
		{"token first, nothing else", []string{"csrf_token", token}, "", true},
		{"token second", []string{"title", "配电箱", "csrf_token", token}, "", false},
		{"token after a file", []string{"@files", big, "csrf_token", token}, "", false},
		{"token as a file", []string{"@csrf_token", token}, "", false},
		{"wrong token first", []string{"csrf_token", "forged", "title", "x"}, "", false},
		{"token only in the URL", []string{"title", "x"}, "?csrf_token=" + token, false},
		{"token too long", []string{"csrf_token", token + strings.Repeat("x", 200)}, "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			body, ct := multipartBody(t, c.pairs...)
			r, err := http.NewRequest("POST", "/hazards"+c.query, bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			r.Header.Set("Content-Type", ct)
			if got := m.csrfOK(r, token); got != c.want {
				t.Errorf("csrfOK = %v, want %v", got, c.want)
			}
			rest, err := io.ReadAll(r.Body)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(rest, body) {
				t.Errorf("the handler reads %d bytes, want the %d bytes sent, unchanged", len(rest), len(body))
			}
		})
	}
	// No boundary: refused, nothing read.
	r, _ := http.NewRequest("POST", "/hazards", strings.NewReader("csrf_token="+token))
	r.Header.Set("Content-Type", "multipart/form-data")
	if m.csrfOK(r, token) {
		t.Error("a multipart body without a boundary passed")
	}
}
