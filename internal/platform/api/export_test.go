package api

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// exportRow is a row of the test export: a text, a deadline and an industry code.
type exportRow struct {
	Title    string
	Deadline *time.Time
	Industry string
}

var testExport = Export[exportRow]{Name: "common.name", Columns: []Column[exportRow]{
	{Header: "common.name", Value: func(r exportRow) any { return r.Title }},
	{Header: "common.code", Value: func(r exportRow) any { return DueDay(r.Deadline) }},
	{Header: "common.name", Value: func(r exportRow) any { return i18n.Industry(r.Industry) }},
}}

// exportRows are n rows due 2027-01-31 (stored as the end of that day, China time).
func exportRows(n int) func(func(exportRow) error) error {
	due := time.Date(2027, 1, 31, 16, 0, 0, 0, time.UTC)
	return func(each func(exportRow) error) error {
		for i := range n {
			if err := each(exportRow{Title: "隐患", Deadline: &due, Industry: []string{"gas", "unknown_code"}[i%2]}); err != nil {
				return err
			}
		}
		return nil
	}
}

func exportRequest(lang i18n.Lang) *http.Request {
	r := httptest.NewRequest("GET", "/x?format=xlsx", nil)
	return r.WithContext(i18n.WithLang(r.Context(), lang))
}

func setGasName() {
	i18n.Default.SetNames(i18n.KindIndustry, map[string]map[i18n.Lang]string{"gas": {i18n.Zh: "城镇燃气", i18n.En: "Town gas"}})
}

// An xlsx export declares the range it holds (<dimension ref="A1:C124"> for a header and
// 123 rows of 3 columns), not "A1"; a deadline is a date cell of the day it is due.
func TestExport_XLSXDimensionAndDates(t *testing.T) {
	setGasName()
	for _, n := range []int{0, 1, 123, 5000} {
		rec := httptest.NewRecorder()
		if err := testExport.Write(rec, exportRequest(i18n.Zh), "xlsx", exportRows(n)); err != nil {
			t.Fatal(err)
		}
		body := rec.Body.Bytes()
		zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
		if err != nil {
			t.Fatalf("%d rows: not a zip: %v", n, err)
		}
		var sheet []byte
		for _, f := range zr.File {
			if f.Name == "xl/worksheets/sheet1.xml" {
				rc, err := f.Open()
				if err != nil {
					t.Fatal(err)
				}
				sheet, _ = io.ReadAll(rc)
				rc.Close()
			}
		}
		dims := regexp.MustCompile(`<dimension ref="([^"]*)"`).FindAllSubmatch(sheet, -1)
		want := "A1:C" + strconv.Itoa(n+1)
		if len(dims) != 1 || string(dims[0][1]) != want {
			t.Errorf("%d rows: sheet declares %q, want one dimension %s", n, dims, want)
		}
		// The workbook still opens and holds every row.
		f, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%d rows: %v", n, err)
		}
		rows, err := f.GetRows(f.GetSheetName(0))
		if err != nil || len(rows) != n+1 {
			t.Fatalf("%d rows: read %d rows (%v)", n, len(rows), err)
		}
		if n > 0 {
			if rows[1][1] != "2027-01-31" || rows[1][2] != "城镇燃气" {
				t.Errorf("%d rows: first row %q", n, rows[1])
			}
			raw, _ := f.GetCellValue(f.GetSheetName(0), "B2", excelize.Options{RawCellValue: true})
			if raw != "46418" { // 2027-01-31 as an Excel serial date: a day, no time of day
				t.Errorf("the deadline's cell holds %q, want the serial date 46418", raw)
			}
		}
		f.Close()
	}
}

// A CSV export writes a deadline as the day it is due and an industry by its name in the
// reader's language; a code the catalog does not know stays as it is.
func TestExport_CSVInTheReadersLanguage(t *testing.T) {
	setGasName()
	for lang, want := range map[i18n.Lang][]string{i18n.Zh: {"隐患", "2027-01-31", "城镇燃气"}, i18n.En: {"隐患", "2027-01-31", "Town gas"}} {
		rec := httptest.NewRecorder()
		if err := testExport.Write(rec, exportRequest(lang), "csv", exportRows(2)); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(rec.Body.String(), "\ufeff"))).ReadAll()
		if err != nil || len(recs) != 3 {
			t.Fatalf("%s: %d records (%v)", lang, len(recs), err)
		}
		if strings.Join(recs[1], "|") != strings.Join(want, "|") {
			t.Errorf("%s: row %q, want %q", lang, recs[1], want)
		}
		if recs[2][2] != "unknown_code" {
			t.Errorf("%s: an unknown code shows as %q", lang, recs[2][2])
		}
	}
}
