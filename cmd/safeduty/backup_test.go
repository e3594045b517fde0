package main

import (
	"bytes"
	"context"
	"flag"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/app"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

// configOf reads the store flags storeArgs made back into a configuration.
func configOf(args []string) (db.Config, string) {
	var cfg db.Config
	files := ""
	for i := 0; i+1 < len(args); i += 2 {
		switch args[i] {
		case "--db":
			cfg.URL = args[i+1]
		case "--data":
			cfg.DataDir = args[i+1]
		case "--files":
			files = args[i+1]
		}
	}
	if files == "" {
		files = filepath.Join(cfg.DataDir, "files")
	}
	return cfg, files
}

func pngBytes(t *testing.T) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 40, 30))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// backup refuses, with a non-zero exit that names the count and the files, to make an
// archive from a files folder that lacks the attachments' files, and writes nothing;
// --allow-missing-files makes it knowingly. The flags may follow the file, for backup
// and restore alike. A system restored from an archive without the files answers 404
// with a message in the user's language for each attachment, not 500.
func TestCLI_BackupChecksTheUploadedFiles(t *testing.T) {
	for _, e := range dbtest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			src := storeArgs(t, e)
			out, err := runCmd(t, append([]string{"bootstrap", "--district", "测试区", "--code", "330199"}, src...)...)
			if err != nil {
				t.Fatalf("bootstrap: %v\n%s", err, out)
			}
			pw := regexp.MustCompile(`one-time password:\s+(\S+)`).FindStringSubmatch(out)[1]

			// The administrator uploads two photos.
			cfg, files := configOf(src)
			a, err := app.New(ctx, app.Config{DB: cfg, Files: files})
			if err != nil {
				t.Fatal(err)
			}
			res, err := a.Auth.Login(ctx, "admin", pw, auth.KindAPI)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, name := range []string{"现场照片一.png", "现场照片二.png"} {
				att, err := a.Attachments.Create(ctx, res.Principal, name, bytes.NewReader(pngBytes(t)))
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, att.ID.String())
			}
			a.Close()

			dir := t.TempDir()
			wrong := filepath.Join(dir, "not-the-files")
			refused := filepath.Join(dir, "refused.tar")
			// (the last --files wins over the one storeArgs gives on PostgreSQL)
			out, err = runCmd(t, append(append([]string{"backup", refused}, src...), "--files", wrong)...)
			if err == nil {
				t.Fatalf("backup from the wrong files folder succeeded:\n%s", out)
			}
			for _, want := range []string{"2 attachment(s)", "#" + ids[0] + " 现场照片一.png", wrong, "--allow-missing-files"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("the refusal does not say %q: %v", want, err)
				}
			}
			if _, err := os.Stat(refused); err == nil {
				t.Error("a refused backup wrote its file")
			}

			full := filepath.Join(dir, "full.tar")
			out, err = runCmd(t, append([]string{"backup", full}, src...)...) // flags after the file
			if err != nil || !strings.Contains(out, "and 2 uploaded files") {
				t.Fatalf("backup with the flags after the file: %v\n%s", err, out)
			}
			partial := filepath.Join(dir, "partial.tar")
			out, err = runCmd(t, append(append([]string{"backup", "--allow-missing-files", partial}, src...), "--files", wrong)...)
			if err != nil || !strings.Contains(out, "warning: the files of 2 attachment(s) were not in "+wrong) || !strings.Contains(out, "and 0 uploaded files") {
				t.Fatalf("backup allowed to miss files: %v\n%s", err, out)
			}

			// Restored from the partial archive (flags after the file), each attachment
			// answers a translated 404.
			dst := storeArgs(t, e)
			if out, err := runCmd(t, append([]string{"restore", partial}, dst...)...); err != nil {
				t.Fatalf("restore with the flags after the file: %v\n%s", err, out)
			}
			cfg2, files2 := configOf(dst)
			b, err := app.New(ctx, app.Config{DB: cfg2, Files: files2})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			srv := httptest.NewServer(b.Handler)
			defer srv.Close()
			res2, err := b.Auth.Login(ctx, "admin", pw, auth.KindAPI)
			if err != nil {
				t.Fatal(err)
			}
			for lang, want := range map[string]string{"zh": "附件“现场照片一.png”的文件已不在服务器上", "en": "is no longer on the server"} {
				req, _ := http.NewRequest("GET", srv.URL+"/api/v1/attachments/"+ids[0]+"/content", nil)
				req.Header.Set("Authorization", "Bearer "+res2.Token)
				req.Header.Set("Accept-Language", lang)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(body), want) ||
					!strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
					t.Errorf("restored attachment without its file (%s): %d %s %s", lang, resp.StatusCode, resp.Header.Get("Content-Type"), body)
				}
			}
		})
	}
}

// Flags are parsed wherever they stand; after "--" everything is an argument.
func TestParseArgs(t *testing.T) {
	for _, c := range []struct {
		args []string
		rest []string
		data string
	}{
		{[]string{"--data", "d", "out.tar"}, []string{"out.tar"}, "d"},
		{[]string{"out.tar", "--data", "d"}, []string{"out.tar"}, "d"},
		{[]string{"a", "--data=d", "b"}, []string{"a", "b"}, "d"},
		{[]string{"--data", "d", "--", "-odd.tar", "--data"}, []string{"-odd.tar", "--data"}, "d"},
		{nil, nil, ""},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		data := fs.String("data", "", "")
		rest, err := parseArgs(fs, c.args)
		if err != nil || !slices.Equal(rest, c.rest) || *data != c.data {
			t.Errorf("%q: rest %q data %q (%v), want %q %q", c.args, rest, *data, err, c.rest, c.data)
		}
	}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if _, err := parsePositional(fs, []string{"a", "b"}, 1, "x FILE"); err == nil || !strings.Contains(err.Error(), `unexpected argument "b"`) {
		t.Errorf("two files where one is wanted: %v", err)
	}
	if _, err := runCmd(t, "migrate", "--data", t.TempDir(), "stray"); err == nil {
		t.Error("migrate with a stray argument: want an error")
	}
}

// serve refuses a sign-in policy under which one client address could lock an account.
func TestCLI_ServeRefusesALockoutOneClientReaches(t *testing.T) {
	_, err := runCmd(t, "serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--lockout-threshold", "10")
	if err == nil || !strings.Contains(err.Error(), "--lockout-threshold (10) must exceed --login-client-limit (10)") {
		t.Errorf("lockout threshold at the client limit: %v", err)
	}
}
