package inputtest

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"
)

// A repeated part inflates to exactly head, the units and tail, and its checksum holds
// (the zip reader verifies it at the end), whatever the unit's length.
func TestRepeat_InflatesToItsContent(t *testing.T) {
	for _, unit := range []string{"a", "<si><t>a</t></si>", "<row><c><v>1</v></c></row>", strings.Repeat("长", 7000)} {
		n := (5 << 20) / len(unit)
		data := Workbook(t, nil, map[string]Part{"x.xml": Repeat("<h>", n, unit, "</h>")})
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range zr.File {
			if f.Name != "x.xml" {
				continue
			}
			rc, _ := f.Open()
			got, err := io.ReadAll(rc)
			if err != nil {
				t.Fatalf("unit %.20q: %v", unit, err)
			}
			if want := "<h>" + strings.Repeat(unit, n) + "</h>"; string(got) != want {
				t.Errorf("unit %.20q: %d bytes, want %d", unit, len(got), len(want))
			}
			if len(data) > 200<<10 {
				t.Errorf("unit %.20q: the workbook takes %d KiB", unit, len(data)>>10)
			}
		}
	}
}
