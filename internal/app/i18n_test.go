package app_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	_ "github.com/safeduty/safeduty/internal/app" // registers every capability's messages
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// Every key exists in Chinese and English.
func TestI18n_CatalogComplete(t *testing.T) {
	if missing := i18n.Default.Missing(); len(missing) > 0 {
		t.Errorf("keys missing in a language:\n%s", strings.Join(missing, "\n"))
	}
}

var (
	templateKey  = regexp.MustCompile(`\{\{-?\s*t\s+"([^"]+)"`)
	templateKey2 = regexp.MustCompile(`\(t\s+"([^"]+)"`)
	goKeys       = []*regexp.Regexp{
		regexp.MustCompile(`\b(?:Key|Header):\s*"([a-z][a-z0-9_]*\.[a-z0-9_.]+)"`),
		regexp.MustCompile(`Export\[[^\]]+\]\{Name:\s*"([^"]+)"`),
		regexp.MustCompile(`\.Add\("[^"]*",\s*"([^"]+)"`),
		regexp.MustCompile(`apperr\.New\([^,]+,\s*"([^"]+)"`),
		regexp.MustCompile(`apperr\.Wrap\([^,]+,[^,]+,\s*"([^"]+)"`),
		regexp.MustCompile(`Conflictf\("([^"]+)"`),
		regexp.MustCompile(`SetFlash\([^,]+,\s*"([^"]+)"`),
		regexp.MustCompile(`\.T\("([^"]+)"`),
		regexp.MustCompile(`i18n\.Key\("([^"]+)"\)`),
	}
	notFoundKind = regexp.MustCompile(`NotFoundf\("([^"]+)"\)`)
	pathIDKind   = regexp.MustCompile(`PathID\(r,\s*"[^"]+",\s*"([^"]+)"\)`)
)

// Every key the code and the templates use is in the catalog.
func TestI18n_EveryUsedKeyExists(t *testing.T) {
	root := filepath.Join("..")
	used := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		isTmpl := strings.HasSuffix(path, ".html")
		isGo := strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go")
		if !isTmpl && !isGo {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		src := string(b)
		if isTmpl {
			for _, re := range []*regexp.Regexp{templateKey, templateKey2} {
				for _, m := range re.FindAllStringSubmatch(src, -1) {
					used[m[1]] = path
				}
			}
			return nil
		}
		for _, re := range goKeys {
			for _, m := range re.FindAllStringSubmatch(src, -1) {
				if !strings.HasSuffix(m[1], ".") && strings.Contains(m[1], ".") {
					used[m[1]] = path
				}
			}
		}
		for _, re := range []*regexp.Regexp{notFoundKind, pathIDKind} {
			for _, m := range re.FindAllStringSubmatch(src, -1) {
				used["object."+m[1]] = path
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(used) < 50 {
		t.Fatalf("found only %d keys in use; the scan is broken", len(used))
	}
	for key, where := range used {
		if !i18n.Default.Has(key) {
			t.Errorf("%s uses %q, which is not in both catalogs", where, key)
		}
	}
}
