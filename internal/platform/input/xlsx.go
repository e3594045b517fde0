package input

import (
	"archive/zip"
	"errors"
	"io"
	"os"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/safeduty/safeduty/internal/platform/apperr"
)

// openXLSX spools the upload to a temporary file, checks the zip (checkZip) and hands
// the file to excelize for its first worksheet.
//
// excelize alone does not bound memory: UnzipSizeLimit compares the sizes the zip
// declares, and every entry up to that limit (16 GB by default) that is not a worksheet
// or the shared strings is read whole into memory (styles are parsed there too); a
// shared-strings table under UnzipXMLSizeLimit is parsed whole into memory, and one
// over it is indexed from a temporary file but each string is still decoded whole;
// and a cell is decoded whole whatever its size. So the file is scanned first, in
// fixed memory, and only a file within every limit reaches excelize, with
// UnzipXMLSizeLimit low enough that large parts stream from disk.
func openXLSX(r io.Reader, lim Limits) (*Rows, error) {
	f, size, err := spool(r, lim)
	if err != nil {
		return nil, err
	}
	rows := &Rows{lim: lim}
	rows.close = append(rows.close, func() error { return os.Remove(f.Name()) }, f.Close)
	fail := func(err error) (*Rows, error) {
		_ = rows.Close()
		return nil, err
	}
	if err := checkZip(f, size, lim); err != nil {
		return fail(err)
	}
	xf, err := excelize.OpenFile(f.Name(), excelize.Options{
		UnzipSizeLimit:    lim.Unzipped,
		UnzipXMLSizeLimit: min(memPart, lim.Part, lim.Unzipped),
		TmpDir:            lim.TempDir,
	})
	if err != nil {
		return fail(apperr.Wrap(err, apperr.Invalid, "input.sheet_not_sheet"))
	}
	rows.close = append(rows.close, xf.Close)
	names := xf.GetSheetList()
	if len(names) == 0 {
		return rows, nil // no rows
	}
	xr, err := xf.Rows(names[0])
	if err != nil {
		return fail(apperr.Wrap(err, apperr.Invalid, "input.sheet_not_sheet"))
	}
	rows.close = append(rows.close, xr.Close)
	rows.src = &xlsxSource{rows: xr}
	return rows, nil
}

type xlsxSource struct{ rows *excelize.Rows }

func (s *xlsxSource) next() ([]string, bool, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return nil, false, apperr.Wrap(err, apperr.Invalid, "input.sheet_not_sheet")
		}
		return nil, false, nil
	}
	cells, err := s.rows.Columns()
	if err != nil {
		return nil, false, apperr.Wrap(err, apperr.Invalid, "input.sheet_not_sheet")
	}
	return cells, true, nil
}

// partKind sorts a zip entry: a worksheet and the shared strings are streamed and may
// be large, anything else is held in memory.
func partKind(name string) (sheet, sharedStrings bool) {
	n := strings.ToLower(strings.ReplaceAll(name, "\\", "/"))
	return strings.HasPrefix(n, "xl/worksheets/") && strings.HasSuffix(n, ".xml"), n == "xl/sharedstrings.xml"
}

// checkZip checks an xlsx without trusting it: the entries' declared sizes first (the
// central directory), then every entry inflated through a counter (a zip may lie about
// its sizes), with every XML part scanned for the cell, row, column, tag and nesting
// limits. Memory stays fixed whatever the file holds.
func checkZip(f io.ReaderAt, size int64, lim Limits) error {
	zr, err := zip.NewReader(f, size)
	if err != nil {
		return apperr.Wrap(err, apperr.Invalid, "input.sheet_not_sheet")
	}
	if len(zr.File) > lim.Entries {
		return apperr.New(apperr.Invalid, "input.sheet_entries", apperr.E{"max": lim.Entries})
	}
	var total, other uint64
	sheets := 0
	for _, zf := range zr.File {
		sheet, sst := partKind(zf.Name)
		n := zf.UncompressedSize64
		total += n
		if sheet {
			sheets++
		}
		if !sheet && !sst {
			other += n
		}
		if err := sizeErr(zf.Name, n, total, other, sheet || sst, lim); err != nil {
			return err
		}
	}
	if sheets > lim.Sheets {
		return apperr.New(apperr.Invalid, "input.sheet_sheets", apperr.E{"max": lim.Sheets})
	}
	total, other = 0, 0
	elems := 0
	buf := make([]byte, 32<<10)
	for _, zf := range zr.File {
		if zf.FileInfo().IsDir() {
			continue
		}
		sheet, sst := partKind(zf.Name)
		rc, err := zf.Open()
		if err != nil {
			return apperr.Wrap(err, apperr.Invalid, "input.sheet_not_sheet")
		}
		var sc *xmlScan
		if lower := strings.ToLower(zf.Name); strings.HasSuffix(lower, ".xml") || strings.HasSuffix(lower, ".rels") {
			sc = newXMLScan(lim, sheet, sst, &elems)
		}
		var n uint64
		for {
			k, rerr := rc.Read(buf)
			if k > 0 {
				n += uint64(k)
				total += uint64(k)
				if !sheet && !sst {
					other += uint64(k)
				}
				if err := sizeErr(zf.Name, n, total, other, sheet || sst, lim); err != nil {
					rc.Close()
					return err
				}
				if sc != nil {
					if err := sc.feed(buf[:k]); err != nil {
						rc.Close()
						return err
					}
				}
			}
			if errors.Is(rerr, io.EOF) {
				break
			}
			if rerr != nil {
				rc.Close()
				return apperr.Wrap(rerr, apperr.Invalid, "input.sheet_not_sheet")
			}
		}
		rc.Close()
		if sc != nil {
			if err := sc.end(); err != nil {
				return err
			}
		}
	}
	return nil
}

// sizeErr checks one entry's size n and the running totals.
func sizeErr(name string, n, total, other uint64, streamed bool, lim Limits) error {
	switch {
	case streamed && n > uint64(lim.Part):
		key := "input.sheet_part_sheet"
		if _, sst := partKind(name); sst {
			key = "input.sheet_part_strings"
		}
		return apperr.New(apperr.Invalid, key, apperr.E{"max": Size(lim.Part)})
	case total > uint64(lim.Unzipped):
		return apperr.New(apperr.Invalid, "input.sheet_unzipped", apperr.E{"max": Size(lim.Unzipped)})
	case other > uint64(lim.Other):
		return apperr.New(apperr.Invalid, "input.sheet_other", apperr.E{"max": Size(lim.Other)})
	}
	return nil
}
