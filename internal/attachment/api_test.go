package attachment_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/attachment"
)

// env is an apptest.Env whose uploads go to a LocalStore in a fresh folder, so tests can
// see exactly what lands on disk.
type env struct {
	*apptest.Env
	files string
}

func newEnv(t *testing.T, e *apptest.Env) *env {
	dir := filepath.Join(t.TempDir(), "files")
	e.App.Attachments.Store = &attachment.LocalStore{Dir: dir}
	e.App.Attachments.TempDir = filepath.Join(dir, ".tmp")
	return &env{Env: e, files: dir}
}

// upload posts content as the multipart field "file" named name, streamed, as user ("" for
// nobody). partType is the client's claimed Content-Type of the part.
func (e *env) upload(user, name, partType string, content io.Reader) *apptest.Response {
	e.T.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="file"; filename="`+name+`"`)
		h.Set("Content-Type", partType)
		part, err := mw.CreatePart(h)
		if err == nil {
			_, err = io.Copy(part, content)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	return e.post(user, mw.FormDataContentType(), pr)
}

func (e *env) post(user, contentType string, body io.Reader) *apptest.Response {
	e.T.Helper()
	req, err := http.NewRequest("POST", e.Server.URL+"/api/v1/attachments", body)
	if err != nil {
		e.T.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept-Language", "en")
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+e.Token(user))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.T.Fatalf("upload: %v", err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &apptest.Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

type meta struct {
	ID           string `json:"id"`
	SHA256       string `json:"sha256"`
	SizeBytes    int64  `json:"size_bytes"`
	ContentType  string `json:"content_type"`
	OriginalName string `json:"original_name"`
	Width        *int   `json:"width"`
	Height       *int   `json:"height"`
	UploadedAt   string `json:"uploaded_at"`
	UploadedBy   string `json:"uploaded_by"`
	URL          string `json:"url"`
}

func (e *env) count(query string, args ...any) int {
	e.T.Helper()
	var n int
	if err := e.App.DB.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		e.T.Fatal(err)
	}
	return n
}

func (e *env) rows() int { return e.count(`SELECT COUNT(*) FROM attachments`) }

// stored counts the regular files under the storage folder, temporary ones included.
func (e *env) stored() int {
	e.T.Helper()
	n := 0
	err := filepath.WalkDir(e.files, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		e.T.Fatal(err)
	}
	return n
}

func TestUpload_AcceptedTypes(t *testing.T) {
	apptest.Each(t, func(t *testing.T, ae *apptest.Env) {
		e := newEnv(t, ae)
		for _, tc := range []struct {
			name, file, claimed string
			content             []byte
			wantType            string
			w, h                int
		}{
			{"jpeg", "现场照片.jpg", "image/jpeg", attachment.SampleJPEG(64, 48), "image/jpeg", 64, 48},
			{"png named .bin", "scan.bin", "application/octet-stream", attachment.SamplePNG(20, 30), "image/png", 20, 30},
			{"pdf", `C:\Users\张三\整改报告.pdf`, "application/pdf", []byte(attachment.SamplePDF), "application/pdf", 0, 0},
		} {
			t.Run(tc.name, func(t *testing.T) {
				rows, files := e.rows(), e.stored()
				res := e.upload(apptest.UserTown1, tc.file, tc.claimed, bytes.NewReader(tc.content))
				if res.Status != http.StatusCreated {
					t.Fatalf("upload: %d %s", res.Status, res.Body)
				}
				var m meta
				res.JSON(t, &m)
				sum := sha256.Sum256(tc.content)
				if m.SHA256 != hex.EncodeToString(sum[:]) || m.SizeBytes != int64(len(tc.content)) || m.ContentType != tc.wantType {
					t.Errorf("metadata %+v; want sha256 %x, %d bytes, %s", m, sum, len(tc.content), tc.wantType)
				}
				if tc.w > 0 && (m.Width == nil || m.Height == nil || *m.Width != tc.w || *m.Height != tc.h) {
					t.Errorf("dimensions %v×%v, want %d×%d", m.Width, m.Height, tc.w, tc.h)
				}
				if tc.w == 0 && (m.Width != nil || m.Height != nil) {
					t.Errorf("a PDF has dimensions %v×%v", m.Width, m.Height)
				}
				if want := attachment.CleanName(strings.ReplaceAll(tc.file, `\`, "/")); m.OriginalName != want {
					t.Errorf("original_name %q, want %q", m.OriginalName, want)
				}
				if m.UploadedBy != e.F.Users[apptest.UserTown1].String() || m.UploadedAt != "2026-03-02T09:00:00Z" {
					t.Errorf("uploaded by %s at %s", m.UploadedBy, m.UploadedAt)
				}
				if m.URL != "/api/v1/attachments/"+m.ID+"/content" || res.Header.Get("Location") != "/api/v1/attachments/"+m.ID {
					t.Errorf("url %s, Location %s", m.URL, res.Header.Get("Location"))
				}
				if e.rows() != rows+1 || e.stored() != files+1 {
					t.Errorf("rows %d→%d, files %d→%d; want one more of each", rows, e.rows(), files, e.stored())
				}
				if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'attachment.create' AND object_id = ? AND result = 'ok'`, m.ID); n != 1 {
					t.Errorf("%d audit entries for the upload", n)
				}
				var key string
				e.App.DB.QueryRow(context.Background(), `SELECT storage_key FROM attachments WHERE id = ?`, m.ID).Scan(&key)
				if strings.Contains(key, ".") || len(key) != len("2026/03/")+32 || !strings.HasPrefix(key, "2026/03/") {
					t.Errorf("storage key %q is not server-made", key)
				}
				if runtime.GOOS != "windows" {
					fi, err := os.Stat(filepath.Join(e.files, filepath.FromSlash(key)))
					if err != nil || fi.Mode().Perm() != 0o640 {
						t.Errorf("stored file: %v, %v", fi, err)
					}
				}

				got := e.As(apptest.UserTown1, "GET", "/api/v1/attachments/"+m.ID, nil)
				var again meta
				got.JSON(t, &again)
				if diff := cmp.Diff(m, again); got.Status != http.StatusOK || diff != "" {
					t.Errorf("metadata GET: %d %s", got.Status, diff)
				}
				content := e.As(apptest.UserTown1, "GET", m.URL, nil)
				if content.Status != http.StatusOK || !bytes.Equal(content.Body, tc.content) {
					t.Fatalf("content: %d, %d bytes", content.Status, len(content.Body))
				}
				h := content.Header
				for name, want := range map[string]string{
					"Content-Type":            tc.wantType,
					"X-Content-Type-Options":  "nosniff",
					"Content-Security-Policy": "sandbox; default-src 'none'",
					"Cache-Control":           "private, max-age=3600",
					"ETag":                    `"` + m.SHA256 + `"`,
				} {
					if got := h.Get(name); got != want {
						t.Errorf("%s: %q, want %q", name, got, want)
					}
				}
				wantKind := "inline; "
				if m.ContentType == "application/pdf" {
					wantKind = "attachment; " // PDFs open in the reader's viewer, not in a sandboxed page
				}
				if d := h.Get("Content-Disposition"); !strings.HasPrefix(d, wantKind) || !strings.Contains(d, "filename*=UTF-8''") {
					t.Errorf("Content-Disposition %q", d)
				}
				part := e.As(apptest.UserTown1, "GET", m.URL, nil, "Range", "bytes=2-9")
				if part.Status != http.StatusPartialContent || !bytes.Equal(part.Body, tc.content[2:10]) {
					t.Errorf("range: %d %q", part.Status, part.Body)
				}
				cached := e.As(apptest.UserTown1, "GET", m.URL, nil, "If-None-Match", `"`+m.SHA256+`"`)
				if cached.Status != http.StatusNotModified || len(cached.Body) != 0 {
					t.Errorf("If-None-Match: %d", cached.Status)
				}
			})
		}
	})
}

func TestUpload_Scope(t *testing.T) {
	apptest.Each(t, func(t *testing.T, ae *apptest.Env) {
		e := newEnv(t, ae)
		res := e.upload(apptest.UserTown1, "p.png", "image/png", bytes.NewReader(attachment.SamplePNG(4, 4)))
		if res.Status != http.StatusCreated {
			t.Fatalf("upload: %d %s", res.Status, res.Body)
		}
		var m meta
		res.JSON(t, &m)
		missing := "/api/v1/attachments/987654321"
		for _, tc := range []struct {
			user string
			want int
		}{
			{apptest.UserTown1, 200},   // the uploader
			{apptest.UserAdmin, 404},   // not linked to a record yet: the uploader's alone
			{apptest.UserLeader, 404},  // (linked attachments follow the record's scope: TestLink)
			{apptest.UserTown2, 404},   // the sibling town
			{apptest.UserVillage, 404}, // a village below sees only its village
			{apptest.UserPatrol2, 404},
		} {
			for _, suffix := range []string{"", "/content"} {
				got := e.As(tc.user, "GET", "/api/v1/attachments/"+m.ID+suffix, nil)
				if got.Status != tc.want {
					t.Errorf("%s GET %s: %d, want %d", tc.user, suffix, got.Status, tc.want)
				}
				if tc.want == 404 {
					ref := e.As(tc.user, "GET", missing+suffix, nil)
					if ref.Status != 404 || got.Header.Get("Content-Type") != ref.Header.Get("Content-Type") {
						t.Errorf("%s: out of scope and missing differ: %s / %s", tc.user, got.Body, ref.Body)
					}
				}
			}
		}
		if res := e.As(apptest.UserTown1, "GET", "/api/v1/attachments/abc/content", nil); res.Status != 404 {
			t.Errorf("malformed id: %d", res.Status)
		}
	})
}

// Every refused upload answers the right status with a message saying why, and leaves
// no row, no stored file and no temporary file, but an audit entry.
func TestUpload_RefusedLeavesNothing(t *testing.T) {
	apptest.Each(t, func(t *testing.T, ae *apptest.Env) {
		e := newEnv(t, ae)
		html := "<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
		for _, tc := range []struct {
			name   string
			send   func() *apptest.Response
			status int
			says   []string // in the English detail
			field  string   // the field error expected, if any
		}{
			{"20 MB", func() *apptest.Response {
				return e.upload(apptest.UserTown1, "big.pdf", "application/pdf",
					io.MultiReader(strings.NewReader(attachment.SamplePDF), io.LimitReader(zeros{}, 20<<20)))
			}, http.StatusRequestEntityTooLarge, []string{"10 MiB"}, ""},
			{"20 MB with a Content-Length", func() *apptest.Response {
				var b bytes.Buffer
				mw := multipart.NewWriter(&b)
				w, _ := mw.CreateFormFile("file", "big.pdf")
				w.Write([]byte(attachment.SamplePDF))
				w.Write(make([]byte, 20<<20))
				mw.Close()
				return e.post(apptest.UserTown1, mw.FormDataContentType(), &b) // refused unread
			}, http.StatusRequestEntityTooLarge, []string{"10 MiB"}, ""},
			{"html named .jpg", func() *apptest.Response {
				return e.upload(apptest.UserTown1, "photo.jpg", "image/jpeg", strings.NewReader(html))
			}, http.StatusUnsupportedMediaType, []string{"text/html", "JPEG", "PNG", "PDF"}, ""},
			{"png claiming 50000×50000", func() *apptest.Response {
				return e.upload(apptest.UserTown1, "bomb.png", "image/png", bytes.NewReader(attachment.PNGHeader(50000, 50000)))
			}, http.StatusUnprocessableEntity, []string{"50000×50000", "10000", "40 megapixels"}, "file"},
			{"damaged jpeg", func() *apptest.Response {
				return e.upload(apptest.UserTown1, "cut.jpg", "image/jpeg", bytes.NewReader(attachment.SampleJPEG(8, 8)[:30]))
			}, http.StatusUnprocessableEntity, []string{"not a valid JPEG"}, "file"},
			{"empty file", func() *apptest.Response {
				return e.upload(apptest.UserTown1, "empty.pdf", "application/pdf", strings.NewReader(""))
			}, http.StatusUnprocessableEntity, []string{"empty"}, "file"},
			{"JSON instead of a form", func() *apptest.Response {
				return e.post(apptest.UserTown1, "application/json", strings.NewReader(`{"file":"x"}`))
			}, http.StatusUnsupportedMediaType, []string{"multipart/form-data"}, ""},
			{"form without a file", func() *apptest.Response {
				var b bytes.Buffer
				mw := multipart.NewWriter(&b)
				mw.WriteField("note", "no file here")
				mw.Close()
				return e.post(apptest.UserTown1, mw.FormDataContentType(), &b)
			}, http.StatusUnprocessableEntity, []string{"file"}, "file"},
			{"form cut short", func() *apptest.Response {
				var b bytes.Buffer
				mw := multipart.NewWriter(&b)
				w, _ := mw.CreateFormFile("file", "x.pdf")
				w.Write([]byte(attachment.SamplePDF + strings.Repeat("x", 2000)))
				return e.post(apptest.UserTown1, mw.FormDataContentType(), &b) // no closing boundary
			}, http.StatusBadRequest, []string{"cut short"}, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				rows, failures := e.rows(), e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'createAttachment' AND result = 'failed'`)
				res := tc.send()
				if res.Status != tc.status {
					t.Fatalf("status %d, want %d: %s", res.Status, tc.status, res.Body)
				}
				var p struct {
					Detail string
					Errors []struct{ Field string }
				}
				res.JSON(t, &p)
				for _, s := range tc.says {
					if !strings.Contains(p.Detail, s) {
						t.Errorf("detail %q does not say %q", p.Detail, s)
					}
				}
				if tc.field != "" && (len(p.Errors) != 1 || p.Errors[0].Field != tc.field) {
					t.Errorf("field errors %+v, want one on %s", p.Errors, tc.field)
				}
				if e.rows() != rows {
					t.Errorf("rows %d → %d", rows, e.rows())
				}
				if n := e.stored(); n != 0 {
					t.Errorf("%d files left in the storage folder", n)
				}
				if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'createAttachment' AND result = 'failed'`); n != failures+1 {
					t.Errorf("failed uploads audited %d → %d", failures, n)
				}
			})
		}
		// The Chinese message of the size limit names it too.
		res := e.upload(apptest.UserTown1, "big.pdf", "application/pdf",
			io.MultiReader(strings.NewReader(attachment.SamplePDF), io.LimitReader(zeros{}, 11<<20)))
		if res.Status != 413 || !bytes.Contains(res.Body, []byte("10 MiB")) || !json.Valid(res.Body) {
			t.Errorf("second oversized upload: %d %s", res.Status, res.Body)
		}
	})
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestUpload_LimitIsConfigurable(t *testing.T) {
	e := newEnv(t, apptest.New(t, "sqlite"))
	e.App.Attachments.Limits = attachment.Limits{MaxBytes: 1000, MaxSide: 10}
	res := e.upload(apptest.UserTown1, "a.pdf", "application/pdf", strings.NewReader(attachment.SamplePDF+strings.Repeat(" ", 1000)))
	if res.Status != 413 || !bytes.Contains(res.Body, []byte("1000 bytes")) {
		t.Errorf("over a 1000-byte limit: %d %s", res.Status, res.Body)
	}
	res = e.upload(apptest.UserTown1, "a.png", "image/png", bytes.NewReader(attachment.SamplePNG(11, 2)))
	if res.Status != 422 {
		t.Errorf("11 px over a 10 px side limit: %d %s", res.Status, res.Body)
	}
	if n := e.stored(); n != 0 {
		t.Errorf("%d files left", n)
	}
}

func TestUpload_Unauthenticated(t *testing.T) {
	apptest.Each(t, func(t *testing.T, ae *apptest.Env) {
		e := newEnv(t, ae)
		rows := e.rows()
		res := e.upload("", "p.png", "image/png", bytes.NewReader(attachment.SamplePNG(4, 4)))
		if res.Status != http.StatusUnauthorized {
			t.Errorf("status %d: %s", res.Status, res.Body)
		}
		if e.rows() != rows || e.stored() != 0 {
			t.Error("an unauthenticated upload left something")
		}
		if res := e.Do("GET", "/api/v1/attachments/"+e.F.Samples[0]["attachment"]+"/content", "", nil); res.Status != 401 {
			t.Errorf("anonymous content: %d", res.Status)
		}
	})
}
