package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// recorder is an Uploader keeping what it was given: a file whose content starts with
// "bad" is refused as unsupported, one starting with "fail" fails as the store would.
type recorder struct {
	next  db.ID
	bytes map[db.ID]string
}

func (u *recorder) Upload(_ context.Context, _ *auth.Principal, name string, body io.Reader) (db.ID, error) {
	b, err := io.ReadAll(io.LimitReader(body, 3)) // read a little, like a type sniffer, then stop
	if err != nil {
		return 0, err
	}
	switch {
	case string(b) == "bad":
		return 0, apperr.New(apperr.Unsupported, "error.unsupported_type", nil)
	case string(b) == "fai":
		return 0, fmt.Errorf("disk full")
	}
	rest, err := io.ReadAll(body)
	if err != nil {
		return 0, err
	}
	u.next++
	if u.bytes == nil {
		u.bytes = map[db.ID]string{}
	}
	u.bytes[u.next] = name + ":" + string(b) + string(rest)
	return u.next, nil
}

type part struct{ field, file, body string }

func multipartRequest(t *testing.T, parts ...part) *http.Request {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		var w io.Writer
		var err error
		if p.file != "" || strings.HasPrefix(p.field, "files") {
			w, err = mw.CreateFormFile(p.field, p.file)
		} else {
			w, err = mw.CreateFormField(p.field)
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, p.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("POST", "/x", &buf)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	return r.WithContext(i18n.WithLang(r.Context(), i18n.En))
}

func isFileInput(name string) bool { return strings.HasPrefix(name, "files") }

func TestReadForm_FieldsFilesRefusalsAndCarriedIDs(t *testing.T) {
	up := &recorder{next: 100}
	r := multipartRequest(t,
		part{field: "comment", body: "杂物已清理"},
		part{field: "attachments", body: "7, 8"},
		part{field: "files", file: "after.jpg", body: "jpeg-bytes"},
		part{field: "files", file: "page.jpg", body: "bad html"},
		part{field: "files"}, // an empty file input still sends a part
		part{field: "files_plan", file: "plan.pdf", body: "pdf-bytes"},
		part{field: "attachments_plan", body: "9"},
	)
	f, err := ReadForm(httptest.NewRecorder(), r, up, isFileInput)
	if err != nil {
		t.Fatalf("ReadForm: %v", err)
	}
	if got := f.Values.Get("comment"); got != "杂物已清理" {
		t.Errorf("comment = %q", got)
	}
	if got := f.Files["files"]; !slices.Equal(got, []db.ID{7, 8, 101}) {
		t.Errorf("files = %v, want the carried 7, 8 before the new 101", got)
	}
	if got := f.Files["files_plan"]; !slices.Equal(got, []db.ID{102}) {
		t.Errorf("files_plan = %v, want [102]", got)
	}
	if got := f.Files["plan"]; !slices.Equal(got, []db.ID{9}) {
		t.Errorf("carried plan = %v, want [9]", got)
	}
	if up.bytes[101] != "after.jpg:jpeg-bytes" || up.bytes[102] != "plan.pdf:pdf-bytes" {
		t.Errorf("stored %v", up.bytes)
	}
	if len(f.Refused) != 1 || !strings.HasPrefix(f.Refused[0], "page.jpg") {
		t.Errorf("refused = %q, want one message naming page.jpg", f.Refused)
	}
}

func TestReadForm_Errors(t *testing.T) {
	t.Run("a store failure is an error, not a refused file", func(t *testing.T) {
		r := multipartRequest(t, part{field: "files", file: "a.jpg", body: "fail"})
		if _, err := ReadForm(httptest.NewRecorder(), r, &recorder{}, isFileInput); err == nil || apperr.CodeOf(err) == apperr.Unsupported {
			t.Fatalf("err = %v, want the store's failure", err)
		}
	})
	t.Run("too many files", func(t *testing.T) {
		var parts []part
		for i := range MaxFormFiles + 1 {
			parts = append(parts, part{field: "files", file: fmt.Sprintf("%d.jpg", i), body: "jpeg"})
		}
		_, err := ReadForm(httptest.NewRecorder(), multipartRequest(t, parts...), &recorder{}, isFileInput)
		if !apperr.Is(err, apperr.TooLarge) {
			t.Fatalf("err = %v, want TooLarge", err)
		}
	})
	t.Run("a field over 64 KiB", func(t *testing.T) {
		r := multipartRequest(t, part{field: "comment", body: strings.Repeat("x", maxFieldBytes+1)})
		if _, err := ReadForm(httptest.NewRecorder(), r, &recorder{}, isFileInput); !apperr.Is(err, apperr.TooLarge) {
			t.Fatalf("err = %v, want TooLarge", err)
		}
	})
	t.Run("a carried id that is not an id names the field", func(t *testing.T) {
		r := httptest.NewRequest("POST", "/x", strings.NewReader(url.Values{"attachments": {"7,x"}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		_, err := ReadForm(httptest.NewRecorder(), r, &recorder{}, isFileInput)
		e := apperr.As(err)
		if e == nil || e.Code != apperr.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != "attachments" {
			t.Fatalf("err = %#v, want a validation error on attachments", err)
		}
	})
	t.Run("a malformed url-encoded body is a bad request", func(t *testing.T) {
		bad := func() *http.Request {
			r := httptest.NewRequest("POST", "/x", strings.NewReader("name=%zz"))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}
		if err := parseForm(bad()); !apperr.Is(err, apperr.BadRequest) {
			t.Fatalf("parseForm: %v, want BadRequest", err)
		}
		if _, err := ReadForm(httptest.NewRecorder(), bad(), &recorder{}, isFileInput); !apperr.Is(err, apperr.BadRequest) {
			t.Fatalf("ReadForm: %v, want BadRequest", err)
		}
	})
	t.Run("a truncated body is a bad request", func(t *testing.T) {
		r := multipartRequest(t, part{field: "comment", body: "x"})
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body[:len(body)-10]))
		if _, err := ReadForm(httptest.NewRecorder(), r, &recorder{}, isFileInput); !apperr.Is(err, apperr.BadRequest) {
			t.Fatalf("err = %v, want BadRequest", err)
		}
	})
	t.Run("without an uploader files are refused, fields kept", func(t *testing.T) {
		r := multipartRequest(t, part{field: "comment", body: "ok"}, part{field: "files", file: "a.jpg", body: "jpeg"})
		f, err := ReadForm(httptest.NewRecorder(), r, nil, isFileInput)
		if err != nil || f.Values.Get("comment") != "ok" || len(f.Refused) != 1 || len(f.Files["files"]) != 0 {
			t.Fatalf("form = %+v, err = %v", f, err)
		}
	})
}
