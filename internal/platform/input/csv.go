package input

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"github.com/safeduty/safeduty/internal/platform/apperr"
)

// openCSV reads a CSV upload as it streams: nothing but the current record is held.
func openCSV(br *bufio.Reader, lim Limits) (*Rows, error) {
	sample, err := br.Peek(br.Size())
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, readErr(err, lim)
	}
	if len(sample) == 0 || binary(sample) {
		return nil, apperr.New(apperr.Invalid, "input.sheet_not_sheet", nil)
	}
	var text io.Reader = &csvTotal{r: br, lim: lim}
	switch {
	case bytes.HasPrefix(sample, []byte("\xEF\xBB\xBF")):
		if _, err := br.Discard(3); err != nil {
			return nil, readErr(err, lim)
		}
	case !validPrefix(sample):
		// Excel on Chinese Windows saves CSV in the system's code page.
		text = transform.NewReader(text, simplifiedchinese.GB18030.NewDecoder())
	}
	line := &csvLine{r: text, lim: lim}
	cr := csv.NewReader(line)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	return &Rows{lim: lim, src: &csvSource{cr: cr, line: line}}, nil
}

// binary reports whether a file that begins with sample is not text: more than one
// byte in twenty is a control character (random bytes have one in nine; UTF-16 text a
// NUL in every other byte), so a stray control character in a CSV still reaches the
// row checks, which name it.
func binary(sample []byte) bool {
	n := 0
	for _, c := range sample {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			n++
		}
	}
	return n*20 > len(sample)
}

// validPrefix reports whether b is UTF-8, but for a rune cut off at its end.
func validPrefix(b []byte) bool {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		if utf8.Valid(b) {
			return true
		}
		b = b[:len(b)-1]
	}
	return utf8.Valid(b)
}

type csvSource struct {
	cr   *csv.Reader
	line *csvLine
	n    int
}

func (s *csvSource) next() ([]string, bool, error) {
	rec, err := s.cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, false, nil
	}
	s.n++
	var ae *apperr.Error
	if errors.As(err, &ae) {
		if ae.Key == "input.sheet_line" {
			ae.Args["row"] = s.n
		}
		return nil, false, ae
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return nil, false, &apperr.Error{Code: apperr.Invalid, Key: "input.sheet_csv", Args: apperr.E{"row": pe.StartLine}, Err: err}
	}
	lim := s.line.lim
	if err != nil {
		return nil, false, readErr(err, lim)
	}
	s.line.mark = s.cr.InputOffset()
	if len(rec) > lim.Columns {
		return nil, false, apperr.New(apperr.Invalid, "input.sheet_columns", apperr.E{"row": s.n, "max": lim.Columns})
	}
	for _, f := range rec {
		if len(f) > lim.Cell {
			return nil, false, apperr.New(apperr.Invalid, "input.sheet_cell_row", apperr.E{"row": s.n, "max": Size(int64(lim.Cell))})
		}
	}
	return rec, true, nil
}

// csvTotal refuses more than Limits.Bytes of the upload.
type csvTotal struct {
	r    io.Reader
	lim  Limits
	read int64
}

func (t *csvTotal) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if t.read += int64(n); t.read > t.lim.Bytes {
		return n, apperr.New(apperr.TooLarge, "error.too_large", apperr.E{"max": Size(t.lim.Bytes)})
	}
	return n, err
}

// csvLine counts the text the CSV reader takes and refuses to give it more than
// Limits.Line (and its read-ahead) past the end of the last record, so one endless line
// is cut off instead of gathered.
type csvLine struct {
	r    io.Reader
	lim  Limits
	read int64
	mark int64 // where the last record ended, in the CSV reader's input
}

func (l *csvLine) Read(p []byte) (int, error) {
	if l.read-l.mark > int64(l.lim.Line) {
		return 0, apperr.New(apperr.Invalid, "input.sheet_line", apperr.E{"max": Size(int64(l.lim.Line))})
	}
	n, err := l.r.Read(p)
	l.read += int64(n)
	return n, err
}
