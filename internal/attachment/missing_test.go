package attachment_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/attachment"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// An attachment whose file has gone (a restore that left the uploads out) answers 404
// with a message in the caller's language, never 500: a problem document to the API, a
// placeholder picture to an <img>, the error page to a browser tab; and Missing finds it.
func TestContent_MissingFile(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		env := newEnv(t, e)
		kept, lost := env.uploadPNG(apptest.UserTown1), env.uploadPNG(apptest.UserTown1)
		var key string
		if err := e.App.DB.QueryRow(context.Background(), `SELECT storage_key FROM attachments WHERE id = ?`, lost).Scan(&key); err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(filepath.Join(env.files, filepath.FromSlash(key))); err != nil {
			t.Fatal(err)
		}
		url := "/api/v1/attachments/" + lost.String() + "/content"

		if res := e.As(apptest.UserTown1, "GET", "/api/v1/attachments/"+kept.String()+"/content", nil); res.Status != http.StatusOK {
			t.Fatalf("the file still there: %d", res.Status)
		}
		for lang, want := range map[string]string{"zh": "附件“p.png”的文件已不在服务器上", "en": "The file of the attachment “p.png” is no longer on the server"} {
			res := e.As(apptest.UserTown1, "GET", url, nil, "Accept-Language", lang)
			if res.Status != http.StatusNotFound || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") ||
				!strings.Contains(res.Map(t)["detail"].(string), want) {
				t.Errorf("API (%s): %d %s %s", lang, res.Status, res.Header.Get("Content-Type"), res.Body)
			}
		}

		b := e.SignIn(apptest.UserTown1)
		img := b.Get(url, "Sec-Fetch-Dest", "image", "Accept", "image/avif,image/webp,image/png,*/*", "Accept-Language", "zh-CN")
		if img.Status != http.StatusNotFound || img.Header.Get("Content-Type") != "image/svg+xml" ||
			!strings.Contains(string(img.Body), "文件缺失") || !strings.Contains(string(img.Body), "p.png") {
			t.Errorf("<img>: %d %s %s", img.Status, img.Header.Get("Content-Type"), img.Body)
		}
		if csp := img.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") {
			t.Errorf("placeholder without the sandbox: %q", csp)
		}
		tab := b.Get(url, "Sec-Fetch-Dest", "document", "Accept", "text/html,application/xhtml+xml", "Accept-Language", "zh-CN")
		if tab.Status != http.StatusNotFound || !strings.HasPrefix(tab.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(string(tab.Body), "附件“p.png”的文件已不在服务器上") {
			t.Errorf("browser tab: %d %s", tab.Status, tab.Header.Get("Content-Type"))
		}

		// (The fixture's own samples were stored before the files folder was set up, so
		// this folder lacks them too.)
		n, first, err := attachment.Missing(context.Background(), e.App.DB, e.App.Attachments.Store, 100)
		found := map[db.ID]string{}
		for _, m := range first {
			found[m.ID] = m.Name
		}
		if err != nil || n != len(first) || found[lost] != "p.png" || found[kept] != "" {
			t.Errorf("Missing = %d %v %v, want the lost file and not the kept one", n, first, err)
		}
	})
}
