package app_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/safeduty/safeduty/internal/apptest"
)

// The per-enterprise visits list is a list like every other: format=xlsx and csv give the
// whole list as a file, in the reader's language; out of scope it answers 404.
func TestVisits_Export(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ent := e.F.Enterprises[0].String()
		for _, v := range []map[string]any{{"kind": "unannounced", "findings": 2, "note": "夜查", "visited_at": "2026-02-20"},
			{"kind": "routine", "visited_at": "2026-03-01"}} {
			if res := e.As(apptest.UserTown1, "POST", "/api/v1/enterprises/"+ent+"/visits", v); res.Status != http.StatusCreated {
				t.Fatalf("visit: %d %s", res.Status, res.Body)
			}
		}
		path := "/api/v1/enterprises/" + ent + "/visits"
		res := e.As(apptest.UserTown1, "GET", path+"?format=xlsx", nil)
		if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/vnd.openxmlformats") {
			t.Fatalf("visits xlsx: %d %s %.200s", res.Status, res.Header.Get("Content-Type"), res.Body)
		}
		rows := xlsxRows(t, res.Body)
		if len(rows) != 3 || rows[0][0] != "检查日期" || rows[1][0] != "2026-03-01" || rows[1][1] != "日常检查" ||
			rows[2][1] != "四不两直" || rows[2][5] != "夜查" {
			t.Errorf("visits xlsx rows: %q", rows)
		}
		res = e.As(apptest.UserTown1, "GET", path+"?format=csv&lang=en", nil)
		if res.Status != http.StatusOK || !bytes.Contains(res.Body, []byte(",Unannounced,")) {
			t.Errorf("visits csv (en): %d %s", res.Status, res.Body)
		}
		page := e.As(apptest.UserTown1, "GET", path+"?per_page=1", nil).Map(t)
		if page["total"] != float64(2) || len(page["items"].([]any)) != 1 {
			t.Errorf("visits page: %v", page)
		}
		if res := e.As(apptest.UserTown2, "GET", path+"?format=xlsx", nil); res.Status != http.StatusNotFound {
			t.Errorf("another town's visits as xlsx: %d", res.Status)
		}
	})
}

// xlsxRows reads the first sheet of a workbook.
func xlsxRows(t *testing.T, body []byte) [][]string {
	t.Helper()
	wb, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	rows, err := wb.GetRows(wb.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
