package enterprise_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/safeduty/safeduty/internal/apptest"
)

func workbook(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func postFile(t *testing.T, e *apptest.Env, user string, content []byte) *apptest.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "企业.xlsx")
	fw.Write(content)
	mw.Close()
	return e.As(user, "POST", "/api/v1/enterprises/import", body.Bytes(), "Content-Type", mw.FormDataContentType())
}

// Importing good and bad rows creates and updates the good ones and reports each bad one
// with its row number and reason.
func TestImport_GoodAndBadRows(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		grid1 := "T01001-01"
		existing := e.As(apptest.UserTown1, "GET", "/api/v1/enterprises/"+e.F.Enterprises[0].String(), nil).Map(t)["credit_code"].(string)
		newCode := apptest.CreditCode("91330199MA2T07000")
		badCheck := newCode[:17] + "0"
		if badCheck == newCode {
			badCheck = newCode[:17] + "1"
		}
		rows := [][]any{
			{"统一社会信用代码", "企业名称", "行业", "网格编码", "规模", "标准化等级", "联系电话"},                           // any column order
			{newCode, "东湖纸箱厂", "工商贸", grid1, "小型", "三级", "13900001234"},                         // row 2: created
			{existing, "东湖建工集团有限公司（更名）", "construction", grid1, "中型", "二级", ""},                 // row 3: updated
			{badCheck, "错码公司", "工商贸", grid1, "小型", "", ""},                                      // row 4: wrong check character
			{apptest.CreditCode("91330199MA2T07100"), "无名行业", "炼丹", grid1, "小型", "", ""},        // row 5: unknown industry
			{apptest.CreditCode("91330199MA2T07200"), "越界公司", "工商贸", "T02001-01", "小型", "", ""}, // row 6: grid of town02
			{newCode, "重复公司", "工商贸", grid1, "小型", "", ""},                                       // row 7: duplicate in the file
			{apptest.CreditCode("91330199MA2T07300"), "", "工商贸", grid1, "巨型", "", ""},           // row 8: no name, bad scale
			{"", "", "", "", "", "", ""}, // blank: skipped
		}
		res := postFile(t, e, apptest.UserTown1, workbook(t, rows))
		if res.Status != http.StatusOK {
			t.Fatalf("import: %d %s", res.Status, res.Body)
		}
		var rep struct {
			Rows, Created, Updated int
			Rejected               []struct {
				Row    int
				Errors []struct{ Field, Rule, Message string }
			}
		}
		res.JSON(t, &rep)
		if rep.Rows != 7 || rep.Created != 1 || rep.Updated != 1 || len(rep.Rejected) != 5 {
			t.Fatalf("report: %+v", rep)
		}
		want := map[int]string{4: "credit_code:credit_check", 5: "industry:import_unknown_industry", 6: "grid_code:import_unknown_grid",
			7: "credit_code:import_duplicate", 8: "name:required"}
		for _, r := range rep.Rejected {
			found := false
			for _, fe := range r.Errors {
				if fe.Field+":"+fe.Rule == want[r.Row] && fe.Message != "" {
					found = true
				}
			}
			if !found {
				t.Errorf("row %d: %+v, want %s", r.Row, r.Errors, want[r.Row])
			}
		}
		list := e.As(apptest.UserTown1, "GET", "/api/v1/enterprises?q=东湖", nil).Map(t)
		if list["total"] != float64(2) {
			t.Errorf("after the import town01 has %v matching enterprises, want 2", list["total"])
		}
		got := e.As(apptest.UserTown1, "GET", "/api/v1/enterprises/"+e.F.Enterprises[0].String(), nil).Map(t)
		if !strings.Contains(got["name"].(string), "更名") || got["scale"] != "medium" {
			t.Errorf("updated row: %v", got)
		}
		audit := e.As(apptest.UserAdmin, "GET", "/api/v1/audit?action=enterprise.import", nil).Map(t)
		if audit["total"] != float64(1) {
			t.Errorf("import audited %v times", audit["total"])
		}
	})
}

func TestImport_RefusesBadFiles(t *testing.T) {
	e := apptest.New(t, "sqlite")
	if res := postFile(t, e, apptest.UserTown1, []byte("name,credit_code\n")); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("a CSV named .xlsx: %d %s", res.Status, res.Body)
	}
	res := postFile(t, e, apptest.UserTown1, workbook(t, [][]any{{"企业名称", "地址"}, {"甲", "乙"}}))
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), "统一社会信用代码") {
		t.Errorf("missing columns: %d %s", res.Status, res.Body)
	}
	if res := postFile(t, e, apptest.UserPatrol1, workbook(t, [][]any{{"企业名称"}})); res.Status != http.StatusForbidden {
		t.Errorf("a patroller imports: %d", res.Status)
	}
	tmpl := e.As(apptest.UserTown1, "GET", "/api/v1/enterprises/import/template", nil)
	f, err := excelize.OpenReader(bytes.NewReader(tmpl.Body))
	if err != nil || tmpl.Status != http.StatusOK {
		t.Fatalf("template: %d %v", tmpl.Status, err)
	}
	head, _ := f.GetRows(f.GetSheetName(0))
	if len(head) < 1 || head[0][1] != "统一社会信用代码*" {
		t.Errorf("template header: %v", head)
	}
}
