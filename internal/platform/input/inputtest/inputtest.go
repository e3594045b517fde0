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

// Part is the content of one zip entry.
type Part interface {
	add(zw *zip.Writer, name string) error
}

// streamed is a part compressed as it is written.
type streamed func(w io.Writer) error

func (p streamed) add(zw *zip.Writer, name string) error {
	w, err := zw.Create(name)
	if err != nil {
		return err
	}
	return p(w)
}

// Workbook returns an ordinary .xlsx whose first sheet holds rows, with the entries
// named in parts replaced (or added). A part of hundreds of megabytes costs the test
// neither memory nor time (see Repeat).
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
		if p, ok := parts[zf.Name]; ok {
			done[zf.Name] = true
			if err := p.add(zw, zf.Name); err != nil {
				t.Fatal(err)
			}
			continue
		}
		w, err := zw.Create(zf.Name)
		if err != nil {
			t.Fatal(err)
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
		if err := p.add(zw, name); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// Rows writes head, then unit(i) for i from 0 to n-1, then tail, compressing as it
// goes: for parts whose units differ, of a few megabytes.
func Rows(head string, n int, unit func(i int) string, tail string) Part {
	return streamed(func(w io.Writer) error {
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
	})
}

// Repeat is head, n copies of unit, then tail: the shape of a bomb. Its deflate stream
// is built, not computed: a megabyte of units is compressed once, after enough units
// that the 32 KiB window holds nothing else, and that block is repeated, since it
// decodes the same after any such window. So a part of hundreds of megabytes takes
// milliseconds, also under the race detector.
func Repeat(head string, n int, unit string, tail string) Part {
	return repeated{head: head, unit: unit, n: n, tail: tail}
}

// Letters is head, n bytes of the letter c, then tail: one huge text.
func Letters(head string, n int64, c byte, tail string) Part {
	return Repeat(head, int(n), string(c), tail)
}

type repeated struct {
	head, unit, tail string
	n                int
}

func (p repeated) add(zw *zip.Writer, name string) error {
	var comp bytes.Buffer
	fw, err := flate.NewWriter(&comp, flate.BestSpeed)
	if err != nil {
		return err
	}
	crc := crc32.NewIEEE()
	size := uint64(0)
	write := func(s string) error {
		crc.Write([]byte(s))
		size += uint64(len(s))
		_, err := io.WriteString(fw, s)
		return err
	}
	prime := min(p.n, (32<<10)/len(p.unit)+1)
	per := max(1, (1<<20)/len(p.unit)) // units in the repeated block
	blocks := (p.n - prime) / per
	if blocks < 2 {
		blocks = 0
	}
	rest := p.n - prime - blocks*per
	if err := write(p.head + strings.Repeat(p.unit, prime)); err != nil {
		return err
	}
	if blocks > 0 {
		if err := fw.Flush(); err != nil {
			return err
		}
		mark := comp.Len()
		chunk := strings.Repeat(p.unit, per)
		if err := write(chunk); err != nil {
			return err
		}
		if err := fw.Flush(); err != nil {
			return err
		}
		block := bytes.Clone(comp.Bytes()[mark:])
		for i := 1; i < blocks; i++ {
			comp.Write(block)
			crc.Write([]byte(chunk))
			size += uint64(len(chunk))
		}
	}
	if err := write(strings.Repeat(p.unit, rest) + p.tail); err != nil {
		return err
	}
	if err := fw.Close(); err != nil {
		return err
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc.Sum32(),
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: size})
	if err != nil {
		return err
	}
	_, err = w.Write(comp.Bytes())
	return err
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
