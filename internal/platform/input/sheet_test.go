package input_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/input"
	"github.com/safeduty/safeduty/internal/platform/input/inputtest"
)

// readAll opens data and returns its rows, or the error that stopped it.
func readAll(data []byte, lim input.Limits) ([][]string, error) {
	rows, err := input.Open(bytes.NewReader(data), lim)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		out = append(out, append([]string(nil), rows.Cells()...))
	}
	return out, rows.Err()
}

// A bound here is what reading may allocate in all, far below what the bombs inflate to.
const memBound = 64 << 20

func TestOpen_ReadsWorkbooksAndCSV(t *testing.T) {
	lim := input.DefaultLimits()
	xlsx := inputtest.Workbook(t, [][]any{{"名称", "代码"}, {"东湖纸箱厂", 13900001234}}, nil)
	gbk, _ := simplifiedchinese.GB18030.NewEncoder().String("名称,代码\r\n东湖纸箱厂,\"1,2\"\r\n")
	for name, data := range map[string][]byte{
		"xlsx":         xlsx,
		"csv utf-8":    []byte("名称,代码\n东湖纸箱厂,\"1,2\"\n"),
		"csv with BOM": []byte("\xEF\xBB\xBF名称,代码\n东湖纸箱厂,\"1,2\"\n"),
		"csv gb18030":  []byte(gbk),
	} {
		rows, err := readAll(data, lim)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(rows) != 2 || rows[0][0] != "名称" || rows[1][0] != "东湖纸箱厂" {
			t.Errorf("%s: %q", name, rows)
		}
	}
}

// Every bomb is refused with an Invalid error naming its limit, in bounded memory.
func TestOpen_RefusesBombsInBoundedMemory(t *testing.T) {
	lim := input.DefaultLimits()
	const mb = 1 << 20
	cases := []struct {
		name string
		file func(t *testing.T) []byte
		key  string
	}{
		{"shared strings of 200 MiB", func(t *testing.T) []byte {
			return inputtest.Workbook(t, nil, map[string]inputtest.Part{"xl/sharedStrings.xml": inputtest.Repeat(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`,
				200*mb/17, "<si><t>a</t></si>", `</sst>`)})
		}, "input.sheet_part_strings"},
		{"one shared string of 8 MiB", func(t *testing.T) []byte {
			return inputtest.Workbook(t, nil, map[string]inputtest.Part{"xl/sharedStrings.xml": inputtest.Letters(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>`,
				8*mb, 'a', `</t></si></sst>`)})
		}, "input.sheet_cell"},
		{"a million tiny shared strings", func(t *testing.T) []byte {
			return inputtest.Workbook(t, nil, map[string]inputtest.Part{"xl/sharedStrings.xml": inputtest.Repeat(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`,
				1000000, "<si/>", `</sst>`)})
		}, "input.sheet_strings"},
		{"a cell of 100 MiB of one letter", func(t *testing.T) []byte {
			return inputtest.Workbook(t, nil, map[string]inputtest.Part{"xl/worksheets/sheet1.xml": inputtest.Letters(inputtest.SheetHead+`<row r="1"><c r="A1" t="inlineStr"><is><t>`,
				100*mb, 'a', `</t></is></c></row>`+inputtest.SheetTail)})
		}, "input.sheet_part_sheet"},
		{"a cell of 2 MiB", func(t *testing.T) []byte {
			return inputtest.Workbook(t, nil, map[string]inputtest.Part{"xl/worksheets/sheet1.xml": inputtest.Letters(inputtest.SheetHead+`<row r="1"><c r="A1" t="inlineStr"><is><t>`,
				2*mb, 'a', `</t></is></c></row>`+inputtest.SheetTail)})
		}, "input.sheet_cell_row"},
		{"rich text of a million runs in one cell", func(t *testing.T) []byte {
			return inputtest.Workbook(t, nil, map[string]inputtest.Part{"xl/worksheets/sheet1.xml": inputtest.Repeat(inputtest.SheetHead+`<row r="1"><c r="A1" t="inlineStr"><is>`,
				1000000, "<r><t>a</t></r>", `</is></c></row>`+inputtest.SheetTail)})
		}, "input.sheet_cell_row"},
		{"1,000,000 rows", func(t *testing.T) []byte {
			return inputtest.Workbook(t, nil, map[string]inputtest.Part{"xl/worksheets/sheet1.xml": inputtest.Repeat(inputtest.SheetHead,
				1000000, `<row><c><v>1</v></c></row>`, inputtest.SheetTail)})
		}, "input.sheet_rows"},
		{"a row numbered 1,000,000", func(t *testing.T) []byte {
			return inputtest.Workbook(t, nil, map[string]inputtest.Part{"xl/worksheets/sheet1.xml": inputtest.Repeat(inputtest.SheetHead,
				1, `<row r="1000000"><c r="A1000000"><v>1</v></c></row>`, inputtest.SheetTail)})
		}, "input.sheet_rows"},
		{"a cell in column XFD", func(t *testing.T) []byte {
			return inputtest.Workbook(t, nil, map[string]inputtest.Part{"xl/worksheets/sheet1.xml": inputtest.Rows(inputtest.SheetHead,
				20000, func(i int) string { return fmt.Sprintf(`<row r="%d"><c r="XFD%d"><v>1</v></c></row>`, i+1, i+1) }, inputtest.SheetTail)})
		}, "input.sheet_columns"},
		{"whitespace of 50 MiB between rows", func(t *testing.T) []byte {
			return inputtest.Workbook(t, nil, map[string]inputtest.Part{"xl/worksheets/sheet1.xml": inputtest.Letters(inputtest.SheetHead,
				50*mb, ' ', inputtest.SheetTail)})
		}, "input.sheet_cell_row"},
		{"nesting a million deep", func(t *testing.T) []byte {
			return inputtest.Workbook(t, nil, map[string]inputtest.Part{"xl/worksheets/sheet1.xml": inputtest.Repeat(inputtest.SheetHead,
				1000000, "<x>", inputtest.SheetTail)})
		}, "input.sheet_structure"},
		{"a picture of 5 MiB", func(t *testing.T) []byte {
			return inputtest.Workbook(t, nil, map[string]inputtest.Part{"xl/media/image1.png": inputtest.Letters("", 5*mb, 0, "")})
		}, "input.sheet_other"},
		{"styles of a million elements in 1 MiB", func(t *testing.T) []byte {
			return inputtest.Workbook(t, nil, map[string]inputtest.Part{"xl/styles.xml": inputtest.Repeat(`<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs>`,
				mb/4, "<x/>", `</cellXfs></styleSheet>`)})
		}, "input.sheet_other"},
		{"an entry lying about its size", func(t *testing.T) []byte {
			return inputtest.LyingZip(t, "xl/worksheets/sheet1.xml", 1000, 8*mb)
		}, "input.sheet_not_sheet"},
		{"a CSV of one 9 MiB line", func(t *testing.T) []byte {
			return bytes.Repeat([]byte{'a'}, 9*mb)
		}, "input.sheet_line"},
		{"a CSV field of 200 KiB", func(t *testing.T) []byte {
			return []byte("a,b\n" + strings.Repeat("x", 200<<10) + ",y\n")
		}, "input.sheet_cell_row"},
		{"a CSV of 60,000 rows", func(t *testing.T) []byte {
			return bytes.Repeat([]byte("a,b\n"), 60000)
		}, "input.sheet_rows"},
		{"a CSV of 11 MiB", func(t *testing.T) []byte {
			return bytes.Repeat([]byte(strings.Repeat("a", 1023)+"\n"), 11<<10)
		}, "error.too_large"},
		{"an old .xls", func(t *testing.T) []byte {
			return append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), make([]byte, 512)...)
		}, "input.sheet_xls"},
		{"a PNG", func(t *testing.T) []byte {
			return []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
		}, "input.sheet_not_sheet"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := c.file(t)
			if len(data) > int(lim.Bytes) && c.key != "error.too_large" {
				t.Fatalf("the bomb itself is %d bytes, over the upload limit", len(data))
			}
			var err error
			alloc := inputtest.Alloc(func() { _, err = readAll(data, lim) })
			e := apperr.As(err)
			if e.Key != c.key {
				t.Errorf("%d-byte file: got %v, want %s", len(data), err, c.key)
			}
			if e.Code != apperr.Invalid && e.Code != apperr.TooLarge {
				t.Errorf("code %s", e.Code)
			}
			if alloc > memBound {
				t.Errorf("reading a %d-byte file allocated %d MiB", len(data), alloc>>20)
			}
		})
	}
}

// A workbook within the limits but near them reads in bounded memory too.
func TestOpen_LargeLegalWorkbookInBoundedMemory(t *testing.T) {
	lim := input.DefaultLimits()
	lim.Rows = 20001
	data := inputtest.Workbook(t, nil, map[string]inputtest.Part{"xl/worksheets/sheet1.xml": inputtest.Rows(inputtest.SheetHead,
		20000, func(i int) string {
			return inputtest.InlineRow(i+1, fmt.Sprintf("企业%05d", i), "91330199MA2T00000X", "工商贸", "T01001-01", "小型", "临江区滨江路 1 号")
		}, inputtest.SheetTail)})
	var n int
	var err error
	alloc := inputtest.Alloc(func() {
		var rows [][]string
		rows, err = readAll(data, lim)
		n = len(rows)
	})
	if err != nil || n != 20000 {
		t.Fatalf("%d rows, %v", n, err)
	}
	t.Logf("20,000 rows: %d KiB file, %d MiB allocated", len(data)>>10, alloc>>20)
}

func TestText(t *testing.T) {
	for s, want := range map[string]string{"隐患": "", "a\x00b": input.RuleNUL, "a\xffb": input.RuleUTF8, "\uFFFD": ""} {
		if got := input.Text(s); got != want {
			t.Errorf("Text(%q) = %q, want %q", s, got, want)
		}
	}
}
