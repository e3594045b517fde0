// Package docs holds the repository's documentation (README.md at the root, the files of
// this folder) and the tests that keep it true: its links stay inside the repository,
// docs/ARCHITECTURE.md names every package, and the README's and the guide's shell
// examples run, as printed, against the demo district.
package docs_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"io/fs"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/app"
	"github.com/safeduty/safeduty/internal/demo"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

// root is the repository's root, from this folder.
const root = ".."

// markdownFiles lists the repository's Markdown files, as paths from its root (the
// bench results and anything hidden left out).
func markdownFiles(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() && rel != "." && (strings.HasPrefix(d.Name(), ".") || rel == filepath.Join("bench", "results")) {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".md") {
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 4 {
		t.Fatalf("found only %v", out)
	}
	return out
}

var linkRE = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// Every link of the documentation is a web address or names a file of the repository:
// nothing points at a neighbouring folder (the team's shared notes) that a copy of the
// repository does not have.
func TestDocs_LinksStayInTheRepository(t *testing.T) {
	for _, f := range markdownFiles(t) {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range linkRE.FindAllStringSubmatch(string(b), -1) {
			target := m[1]
			if strings.HasPrefix(target, "http://") || strings.HasPrefix(target, "https://") || strings.HasPrefix(target, "#") ||
				strings.HasPrefix(target, "mailto:") {
				continue
			}
			target, _, _ = strings.Cut(target, "#")
			p := filepath.Join(filepath.Dir(f), filepath.FromSlash(target))
			if strings.HasPrefix(p, "..") || filepath.IsAbs(target) {
				t.Errorf("%s links %s, outside the repository", f, m[1])
				continue
			}
			if _, err := os.Stat(filepath.Join(root, p)); err != nil {
				t.Errorf("%s links %s, which the repository does not have", f, m[1])
			}
		}
	}
}

// notYetNamed are packages whose lines another change writes. Once docs/ARCHITECTURE.md
// names one, the test says so: take it off this list.
var notYetNamed = []string{}

// docs/ARCHITECTURE.md names every package of the module, by its path from the root or
// its folder's name as a line of the map ("  org/").
func TestDocs_ArchitectureNamesEveryPackage(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, "docs", "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	named := func(pkg string) bool {
		return strings.Contains(doc, pkg+"/") ||
			regexp.MustCompile(`(?m)^\s+`+regexp.QuoteMeta(filepath.Base(pkg))+`/\s`).MatchString(doc)
	}
	seen := map[string]bool{}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && rel != "." || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		pkg := filepath.ToSlash(filepath.Dir(rel))
		if pkg == "." || seen[pkg] {
			return nil
		}
		seen[pkg] = true
		pending := false
		for _, n := range notYetNamed {
			pending = pending || pkg == n
		}
		switch {
		case pending && named(pkg):
			t.Errorf("docs/ARCHITECTURE.md names %s now: take it off notYetNamed", pkg)
		case !pending && !named(pkg):
			t.Errorf("docs/ARCHITECTURE.md does not name the package %s", pkg)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) < 20 {
		t.Fatalf("found only %d packages", len(seen))
	}
}

// shellBlocks returns the ```sh blocks of a Markdown file that talk to a server
// (localhost:8080), without the lines that start one.
func shellBlocks(t *testing.T, file string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, file))
	if err != nil {
		t.Fatal(err)
	}
	var script strings.Builder
	for _, block := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(string(b), -1) {
		if !strings.Contains(block[1], "localhost:8080") {
			continue
		}
		for _, line := range strings.SplitAfter(block[1], "\n") {
			if !strings.Contains(line, "cmd/safeduty serve") {
				script.WriteString(line)
			}
		}
	}
	return script.String()
}

// The README's and the guide's shell examples work as printed: a demo district is
// served (the password the examples use, the real clock), every ```sh block that talks
// to localhost:8080 runs in order in one bash, in a folder holding the files a reader
// would have (photo.jpg), and every curl must succeed (--fail-with-body: a 4xx or 5xx
// stops the script, naming the command).
func TestDocs_ShellExamplesRunAsPrinted(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the examples need %s (CI installs it)", tool)
		}
	}
	ctx := context.Background()
	d := dbtest.New(t, db.SQLite)
	if _, err := demo.Build(ctx, d, demo.Options{Password: "demo-pass-2026", Clock: clock.System{}}); err != nil {
		t.Fatal(err)
	}
	a := app.Wire(d, app.Config{Clock: clock.System{}, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: "test", InsecureCookie: true})
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")

	for _, file := range []string{"README.md", filepath.Join("docs", "GUIDE.md")} {
		t.Run(filepath.Base(file), func(t *testing.T) {
			work := t.TempDir()
			writePhoto(t, filepath.Join(work, "photo.jpg"))
			script := shellBlocks(t, file)
			if strings.Count(script, "localhost:8080") < 5 {
				t.Fatalf("%s has too few examples to run: %q", file, script)
			}
			script = "set -euo pipefail\nshopt -s inherit_errexit\n" +
				`curl() { command curl --fail-with-body --show-error "$@"; }` + "\n" +
				"set -E\n" + `trap 'echo "FAILED at line ${BASH_LINENO[0]:-$LINENO}: $BASH_COMMAND" >&2' ERR` + "\n" +
				strings.ReplaceAll(script, "localhost:8080", addr)
			cmd := exec.Command("bash", "-c", script)
			cmd.Dir = work
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Run(); err != nil {
				var numbered strings.Builder
				for i, line := range strings.Split(script, "\n") {
					fmt.Fprintf(&numbered, "%3d  %s\n", i+1, line)
				}
				t.Errorf("%s: the examples stopped (%v):\n%s\nthe script:\n%s", file, err, out.String(), numbered.String())
			}
		})
	}
}

// writePhoto writes a small JPEG: the photo a reader has at hand.
func writePhoto(t *testing.T, path string) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		for y := range 48 {
			img.Set(x, y, color.RGBA{uint8(4 * x), uint8(5 * y), 120, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
