package input

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/safeduty/safeduty/internal/platform/apperr"
)

// Limits bound one uploaded spreadsheet. An xlsx is a zip of XML files that compresses
// about a thousand to one, so its size says little: every figure below is checked
// before the reader holds or parses anything, against what the zip declares and again
// against what it really inflates to.
type Limits struct {
	// Bytes is the largest file as uploaded.
	Bytes int64
	// Unzipped is the largest sum of an xlsx's entries, uncompressed.
	Unzipped int64
	// Part is the largest worksheet or shared-strings table, uncompressed; these are
	// streamed from temporary files, never held whole in memory.
	Part int64
	// Other is the largest sum of every other entry of an xlsx (workbook, styles,
	// images…), uncompressed; the reader holds these in memory.
	Other int64
	// Entries is the most files an xlsx may hold.
	Entries int
	// Sheets is the most worksheets an xlsx may hold.
	Sheets int
	// Rows is the most rows of one sheet, the header included, and the highest row
	// number; for a CSV, the most records.
	Rows int
	// Columns is the most cells in one row, and the highest column number.
	Columns int
	// Strings is the most entries of an xlsx's shared-strings table (the distinct
	// texts of its cells); the reader keeps an index entry for each.
	Strings int
	// Cell is the largest cell in bytes: its XML element in an xlsx (a shared string
	// included), its field in a CSV; also the longest XML tag or text run.
	Cell int
	// Line is the longest CSV record in bytes (one line, or several when a quoted
	// field holds line breaks).
	Line int
	// TempDir holds the temporary copies of an xlsx and its large parts while it is
	// read; empty means the system's.
	TempDir string
}

// DefaultLimits suit a list of a few tens of thousands of records.
func DefaultLimits() Limits {
	return Limits{
		Bytes:    10 << 20,
		Unzipped: 128 << 20,
		Part:     64 << 20,
		Other:    4 << 20,
		Entries:  1000,
		Sheets:   32,
		Rows:     50001,
		Columns:  64,
		Strings:  500000,
		Cell:     64 << 10,
		Line:     256 << 10,
	}
}

// maxDepth is the deepest XML nesting a sheet may have (a worksheet needs 6).
const maxDepth = 64

// memPart is the size above which the xlsx library streams a worksheet or the shared
// strings from a temporary file instead of parsing it in memory (where a table of tiny
// strings takes some twenty times its size).
const memPart = 256 << 10

// Rows reads one sheet row by row: the first worksheet of an xlsx, or a CSV file.
type Rows struct {
	lim   Limits
	src   source
	row   int
	cells []string
	err   error
	close []func() error
}

// source yields the rows of one kind of file; ok is false at the end.
type source interface {
	next() (cells []string, ok bool, err error)
}

// Open reads an uploaded spreadsheet: an .xlsx workbook (its first worksheet) or a CSV
// file (UTF-8, with or without a byte-order mark, or GB18030 as Excel saves it on
// Chinese Windows). Everything is checked against lim first; a file breaking a limit
// is refused with an Invalid error naming the limit (TooLarge for the file's own
// size), in bounded memory. Close the Rows when done.
func Open(r io.Reader, lim Limits) (*Rows, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(8)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, readErr(err, lim)
	}
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return openXLSX(br, lim)
	case bytes.HasPrefix(head, []byte("\xD0\xCF\x11\xE0")):
		return nil, apperr.New(apperr.Invalid, "input.sheet_xls", nil)
	}
	return openCSV(br, lim)
}

// Next advances to the next row; it returns false at the end or on an error (Err).
func (r *Rows) Next() bool {
	if r.err != nil || r.src == nil {
		return false
	}
	cells, ok, err := r.src.next()
	if err != nil {
		r.err = err
		return false
	}
	if !ok {
		return false
	}
	r.row++
	if len(cells) > r.lim.Columns {
		r.err = apperr.New(apperr.Invalid, "input.sheet_columns", apperr.E{"row": r.row, "max": r.lim.Columns})
		return false
	}
	if r.row > r.lim.Rows {
		r.err = rowsErr(r.lim)
		return false
	}
	r.cells = cells
	return true
}

// Cells returns the current row's cells (trailing empty cells may be missing).
func (r *Rows) Cells() []string { return r.cells }

// Row returns the current row's number as a spreadsheet shows it (1 for the first).
func (r *Rows) Row() int { return r.row }

// Err returns why reading stopped early, or nil at a normal end.
func (r *Rows) Err() error { return r.err }

// Close releases the temporary files.
func (r *Rows) Close() error {
	var errs []error
	for i := len(r.close) - 1; i >= 0; i-- {
		errs = append(errs, r.close[i]())
	}
	r.close = nil
	return errors.Join(errs...)
}

func rowsErr(lim Limits) error {
	return apperr.New(apperr.Invalid, "input.sheet_rows", apperr.E{"max": lim.Rows})
}

// readErr classifies a failure to read the upload itself.
func readErr(err error, lim Limits) error {
	var tooLarge *http.MaxBytesError
	var ae *apperr.Error
	switch {
	case errors.As(err, &ae):
		return ae
	case IsTimeout(err):
		return TimeoutErr(err)
	case errors.As(err, &tooLarge), errors.Is(err, errTooLarge):
		return apperr.New(apperr.TooLarge, "error.too_large", apperr.E{"max": Size(lim.Bytes)})
	}
	return apperr.Wrap(err, apperr.BadRequest, "error.bad_request")
}

var errTooLarge = errors.New("input: file over the size limit")

// spool copies at most lim.Bytes of r into a temporary file.
func spool(r io.Reader, lim Limits) (*os.File, int64, error) {
	f, err := os.CreateTemp(lim.TempDir, "safeduty-sheet-*")
	if err != nil {
		return nil, 0, err
	}
	n, err := io.Copy(f, io.LimitReader(r, lim.Bytes+1))
	if err == nil && n > lim.Bytes {
		err = errTooLarge
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, 0, readErr(err, lim)
	}
	return f, n, nil
}

// Size writes a byte count the way limits are stated: "64 KiB", "10 MiB".
func Size(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}
