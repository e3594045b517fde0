package web

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
	"testing"
)

// The vendored front-end files are exactly the ones whose checksums VERSIONS.md records.
func TestVendor_ChecksumsMatchVersionsFile(t *testing.T) {
	doc, err := staticFiles.ReadFile("static/vendor/VERSIONS.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile(`(?m)^\| (\S+\.js) \|.*\| ([0-9a-f]{64}) \|$`)
	rows := row.FindAllStringSubmatch(string(doc), -1)
	if len(rows) < 2 {
		t.Fatalf("VERSIONS.md lists %d files, want htmx and echarts", len(rows))
	}
	for _, r := range rows {
		b, err := staticFiles.ReadFile("static/vendor/" + r[1])
		if err != nil {
			t.Errorf("%s is listed but not vendored: %v", r[1], err)
			continue
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); !strings.EqualFold(got, r[2]) {
			t.Errorf("%s: sha256 %s, VERSIONS.md says %s", r[1], got, r[2])
		}
	}
}
