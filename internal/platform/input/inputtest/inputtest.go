// Package inputtest builds hostile uploads for tests: workbooks whose parts inflate to
// far more than the file's size, and measures what reading them allocates.
package inputtest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Part writes the content of one zip entry.
type Part func(w io.Writer) error

// Workbook returns an ordinary .xlsx whose first sheet holds rows, with the entries
// named in parts replaced (or added) by what their functions write. The parts are
// compressed as they are written, so a part of hundreds of megabytes costs the test
// no memory.
func Workbook(t testing.TB, rows [][]any, parts map[string]Part) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if len(rows) == 0 {
		_ = f.SetCellValue("Sheet1", "A1", "x")
	}
	var base bytes.Buffer
	if _, err := f.WriteTo(&base); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(base.Bytes()), int64(base.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	done := map[string]bool{}
	for _, zf := range zr.File {
		w, err := zw.Create(zf.Name)
		if err != nil {
			t.Fatal(err)
		}
		if p, ok := parts[zf.Name]; ok {
			done[zf.Name] = true
			if err := p(w); err != nil {
				t.Fatal(err)
			}
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
	}
	for name, p := range parts {
		if done[name] {
			continue
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := p(w); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// Repeat writes head, then n copies of unit (made by unit(i) when it depends on i),
// then tail.
func Repeat(head string, n int, unit func(i int) string, tail string) Part {
	return func(w io.Writer) error {
		if _, err := io.WriteString(w, head); err != nil {
			return err
		}
		var buf strings.Builder
		for i := 0; i < n; i++ {
			buf.WriteString(unit(i))
			if buf.Len() >= 64<<10 || i == n-1 {
				if _, err := io.WriteString(w, buf.String()); err != nil {
					return err
				}
				buf.Reset()
			}
		}
		_, err := io.WriteString(w, tail)
		return err
	}
}

// Letters writes head, n bytes of the letter c, then tail: one huge text.
func Letters(head string, n int64, c byte, tail string) Part {
	return func(w io.Writer) error {
		if _, err := io.WriteString(w, head); err != nil {
			return err
		}
		chunk := bytes.Repeat([]byte{c}, 64<<10)
		for n > 0 {
			k := min(n, int64(len(chunk)))
			if _, err := w.Write(chunk[:k]); err != nil {
				return err
			}
			n -= k
		}
		_, err := io.WriteString(w, tail)
		return err
	}
}

// SheetHead and SheetTail wrap rows into a worksheet.
const (
	SheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetData>`
	SheetTail = `</sheetData></worksheet>`
)

// InlineRow is a worksheet row of inline strings.
func InlineRow(row int, cells ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<row r="%d">`, row)
	for i, c := range cells {
		name, _ := excelize.CoordinatesToCellName(i+1, row)
		fmt.Fprintf(&b, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, name, c)
	}
	b.WriteString(`</row>`)
	return b.String()
}

// LyingZip returns a zip whose one entry declares declared bytes but inflates to n
// bytes of the letter c.
func LyingZip(t testing.TB, name string, declared uint64, n int) []byte {
	t.Helper()
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	data := bytes.Repeat([]byte{'a'}, n)
	fw.Write(data)
	fw.Close()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(data),
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: declared})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(comp.Bytes())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// Alloc runs fn and returns the bytes the whole process allocated meanwhile (the Go
// heap's TotalAlloc: an upper bound of what fn held at once).
func Alloc(fn func()) uint64 {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
