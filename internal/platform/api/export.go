package api

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// Column is one column of an export: a header message key and the cell value of a row.
// Values may be string, number, bool (rendered 是/否 or Yes/No), time.Time (China time),
// a day (Day, DueDay: a date cell), a value in the reader's language (i18n.Key, i18n.Keys,
// i18n.Name for an industry and other reference codes, i18n.Names) or nil. A person reads
// every cell: an enum or a code shows by its name, and a code an integrator needs goes in
// a column of its own.
type Column[T any] struct {
	Header string
	Value  func(T) any
	Width  float64 // xlsx column width in characters; 0 means 16
}

// Export describes how a list becomes a file.
type Export[T any] struct {
	Name    string // message key of the file and sheet name, e.g. "export.grids"
	Columns []Column[T]
}

// Write streams every row produced by rows as an xlsx or csv attachment. CSV goes to the
// client row by row; xlsx rows go through excelize's stream writer, which spills to a
// temporary file past its buffer, so memory stays bounded for any number of rows.
func (ex Export[T]) Write(w http.ResponseWriter, r *http.Request, format string, rows func(each func(T) error) error) error {
	loc := i18n.FromContext(r.Context())
	name := loc.T(ex.Name)
	file := fmt.Sprintf("%s-%s.%s", name, time.Now().In(clock.China).Format("20060102-1504"), format)
	headers := make([]any, len(ex.Columns))
	for i, c := range ex.Columns {
		headers[i] = loc.T(c.Header)
	}
	disposition := "attachment; filename=\"export." + format + "\"; filename*=UTF-8''" + url.PathEscape(file)
	switch format {
	case "csv":
		return ex.writeCSV(w, loc, disposition, headers, rows)
	case "xlsx":
		return ex.writeXLSX(w, loc, disposition, name, headers, rows)
	}
	return fmt.Errorf("unknown export format %q", format)
}

func (ex Export[T]) writeCSV(w http.ResponseWriter, loc i18n.Localizer, disposition string, headers []any, rows func(func(T) error) error) error {
	started := false
	var bw *bufio.Writer
	var cw *csv.Writer
	record := make([]string, len(ex.Columns))
	start := func() {
		started = true
		h := w.Header()
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", disposition)
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		bw = bufio.NewWriterSize(w, 32<<10)
		bw.WriteString("\ufeff") // BOM: Excel opens UTF-8 Chinese text correctly
		cw = csv.NewWriter(bw)
		for i, hd := range headers {
			record[i] = hd.(string)
		}
		cw.Write(record)
	}
	n := 0
	err := rows(func(t T) error {
		if !started {
			start()
		}
		for i, c := range ex.Columns {
			record[i] = csvSafe(cellText(loc, c.Value(t)))
		}
		n++
		if err := cw.Write(record); err != nil {
			return err
		}
		if n%1000 == 0 {
			cw.Flush()
			if f, ok := w.(http.Flusher); ok {
				bw.Flush()
				f.Flush()
			}
		}
		return cw.Error()
	})
	if err != nil {
		return err
	}
	if !started {
		start()
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func (ex Export[T]) writeXLSX(w http.ResponseWriter, loc i18n.Localizer, disposition, sheet string, headers []any, rows func(func(T) error) error) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet = sheetName(sheet)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i, c := range ex.Columns {
		width := c.Width
		if width == 0 {
			width = 16
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EEF5"}}})
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	head := make([]any, len(headers))
	for i, h := range headers {
		head[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	dateFmt := "yyyy-mm-dd"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	rowNum := 1
	cells := make([]any, len(ex.Columns))
	err = rows(func(t T) error {
		rowNum++
		for i, c := range ex.Columns {
			v := cellValue(loc, c.Value(t))
			if d, ok := v.(day); ok {
				// A date cell: the day's own date, whatever the zone of the reader's Excel.
				v = excelize.Cell{StyleID: dateStyle, Value: time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)}
			}
			cells[i] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, rowNum)
		return sw.SetRow(cell, cells)
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	// The stream writer declares the sheet's dimension before any row is known
	// (<dimension ref="A1">); the workbook goes through a temporary file so the sheet
	// can declare the range it holds, which readers use to size the sheet.
	tmp, err := os.CreateTemp("", "safeduty-export-*.xlsx")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if _, err := f.WriteTo(tmp); err != nil {
		return err
	}
	size, err := tmp.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	last, _ := excelize.CoordinatesToCellName(len(ex.Columns), rowNum)
	h := w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", disposition)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	return copyWorkbook(w, tmp, size, "A1:"+last)
}

// copyWorkbook copies the xlsx package in src to w, declaring ref as the dimension of its
// worksheet; the other parts are copied without recompressing them.
func copyWorkbook(w io.Writer, src io.ReaderAt, size int64, ref string) error {
	zr, err := zip.NewReader(src, size)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	for _, part := range zr.File {
		if !strings.HasPrefix(part.Name, "xl/worksheets/") || !strings.HasSuffix(part.Name, ".xml") {
			if err := zw.Copy(part); err != nil {
				return err
			}
			continue
		}
		pw, err := zw.CreateHeader(&zip.FileHeader{Name: part.Name, Method: zip.Deflate, Modified: part.Modified})
		if err != nil {
			return err
		}
		rc, err := part.Open()
		if err != nil {
			return err
		}
		err = setDimension(pw, rc, ref)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return zw.Close()
}

// dimensionAttr starts the dimension of a worksheet, which precedes its rows.
var dimensionAttr = []byte(`<dimension ref="`)

// setDimension copies a worksheet's XML from src to dst with its dimension set to ref.
func setDimension(dst io.Writer, src io.Reader, ref string) error {
	br := bufio.NewReaderSize(src, 64<<10)
	head, _ := br.Peek(64 << 10) // a shorter sheet is all there
	if i := bytes.Index(head, dimensionAttr); i >= 0 {
		i += len(dimensionAttr)
		if j := bytes.IndexByte(head[i:], '"'); j >= 0 {
			if _, err := dst.Write(head[:i]); err != nil {
				return err
			}
			if _, err := io.WriteString(dst, ref); err != nil {
				return err
			}
			if _, err := br.Discard(i + j); err != nil {
				return err
			}
		}
	}
	_, err := io.Copy(dst, br)
	return err
}

// sheetName fits Excel's rules: at most 31 characters, none of : \ / ? * [ ].
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '_'
		}
		return r
	}, s)
	if rs := []rune(s); len(rs) > 31 {
		s = string(rs[:31])
	}
	if s == "" {
		s = "Sheet1"
	}
	return s
}

// day is a date cell: the China day's first midnight (see Day and DueDay).
type day struct{ time.Time }

// Day is the cell of the China day t falls on (a decision, a visit): a date cell in xlsx,
// 2027-01-31 in csv. A nil or zero time is an empty cell.
func Day(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	c := t.In(clock.China)
	return day{time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, clock.China)}
}

// DueDay is the cell of a deadline, stored as the end of its day: the day it is due
// (clock.DueDay), a date cell in xlsx, 2027-01-31 in csv. A nil or zero time is an empty
// cell.
func DueDay(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	return day{clock.DueDay(*t)}
}

func cellValue(loc i18n.Localizer, v any) any {
	if text, ok := loc.Value(v); ok {
		return text
	}
	switch v := v.(type) {
	case nil:
		return nil
	case day:
		return v
	case time.Time:
		if v.IsZero() {
			return nil
		}
		return v.In(clock.China).Format("2006-01-02 15:04")
	case *time.Time:
		if v == nil {
			return nil
		}
		return cellValue(loc, *v)
	case bool:
		if v {
			return loc.T("common.yes")
		}
		return loc.T("common.no")
	case fmt.Stringer:
		return v.String()
	}
	return v
}

func cellText(loc i18n.Localizer, v any) string {
	switch c := cellValue(loc, v).(type) {
	case nil:
		return ""
	case string:
		return c
	case day:
		return c.Format(time.DateOnly)
	default:
		return fmt.Sprint(c)
	}
}

// csvSafe defuses spreadsheet formula injection: a text cell starting with = + - @ or a
// control character is prefixed with an apostrophe (OWASP CSV injection guidance).
func csvSafe(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if _, err := strconv.ParseFloat(s, 64); err == nil && s[0] == '-' {
			return s // a negative number
		}
		return "'" + s
	}
	return s
}
