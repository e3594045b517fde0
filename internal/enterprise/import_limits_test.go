package enterprise_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/platform/input/inputtest"
)

// importMemBound is what one refused import may allocate in the whole process (server
// and client together); the bombs below inflate to 100 MiB and more.
const importMemBound = 64 << 20

// importBombs are files under the upload limit that inflate far beyond any limit, with
// the limit each refusal must name (in Chinese, the default language).
func importBombs(t *testing.T) []struct {
	name, file, want string
	data             []byte
} {
	const mb = 1 << 20
	return []struct {
		name, file, want string
		data             []byte
	}{
		{"shared strings of 200 MiB", "企业.xlsx", "文字内容解压后超过上限 64 MiB", inputtest.Workbook(t, nil, map[string]inputtest.Part{
			"xl/sharedStrings.xml": inputtest.Repeat(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`,
				200*mb/17, "<si><t>a</t></si>", `</sst>`)})},
		{"one shared string of 8 MiB", "企业.xlsx", "单元格的内容超过上限 64 KiB", inputtest.Workbook(t, nil, map[string]inputtest.Part{
			"xl/sharedStrings.xml": inputtest.Letters(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>`, 8*mb, 'a', `</t></si></sst>`)})},
		{"a cell of 100 MiB of one letter", "企业.xlsx", "有工作表解压后超过上限 64 MiB", inputtest.Workbook(t, nil, map[string]inputtest.Part{
			"xl/worksheets/sheet1.xml": inputtest.Letters(inputtest.SheetHead+`<row r="1"><c r="A1" t="inlineStr"><is><t>`, 100*mb, 'a', `</t></is></c></row>`+inputtest.SheetTail)})},
		{"1,000,000 rows", "企业.xlsx", "20001 行", inputtest.Workbook(t, nil, map[string]inputtest.Part{
			"xl/worksheets/sheet1.xml": inputtest.Repeat(inputtest.SheetHead, 1000000, `<row><c><v>1</v></c></row>`, inputtest.SheetTail)})},
		{"a CSV of one 9 MiB line", "企业.csv", "256 KiB", bytes.Repeat([]byte{'a'}, 9*mb)},
	}
}

// Every bomb is refused with a 422 naming its limit, through the API route and the
// page, and the server allocates a bounded amount while refusing it.
func TestImport_RefusesBombsInBoundedMemory(t *testing.T) {
	bombs := importBombs(t)
	e := apptest.New(t, "sqlite")
	town := e.SignIn(apptest.UserTown1)
	e.Token(apptest.UserTown1)
	for _, b := range bombs {
		t.Run(b.name, func(t *testing.T) {
			var api, page *apptest.Response
			alloc := inputtest.Alloc(func() { api = postNamedFile(t, e, apptest.UserTown1, b.file, b.data) })
			if api.Status != http.StatusUnprocessableEntity || !strings.HasPrefix(api.Header.Get("Content-Type"), "application/problem+json") ||
				!strings.Contains(string(api.Body), b.want) {
				t.Errorf("API: %d %s %s, want 422 naming %q", api.Status, api.Header.Get("Content-Type"), api.Body, b.want)
			}
			if alloc > importMemBound {
				t.Errorf("API: refusing a %d KiB file allocated %d MiB", len(b.data)>>10, alloc>>20)
			}
			alloc = inputtest.Alloc(func() {
				page = town.PostMultipart("/enterprises/import", nil, []apptest.File{{Field: "file", Name: b.file, Data: b.data}}, true)
			})
			apptest.WantPage(t, "page", page, http.StatusUnprocessableEntity, []string{`role="alert"`, b.want}, nil)
			if alloc > importMemBound {
				t.Errorf("page: refusing a %d KiB file allocated %d MiB", len(b.data)>>10, alloc>>20)
			}
		})
	}
	// The refusals are audited like any failed write.
	audit := e.As(apptest.UserAdmin, "GET", "/api/v1/audit?action=importEnterprises", nil).Map(t)
	if audit["total"] != float64(len(bombs)) {
		t.Errorf("refused imports audited %v times, want %d", audit["total"], len(bombs))
	}
}

// A CSV file imports like a workbook, in UTF-8 or in GB18030 as Excel saves it on
// Chinese Windows; a cell that is not text (a NUL character) rejects its row, naming
// the column, and the other rows go in.
func TestImport_CSV(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a, b := apptest.CreditCode("91330199MA2T08000"), apptest.CreditCode("91330199MA2T08100")
		c := apptest.CreditCode("91330199MA2T08200")
		utf := "\xEF\xBB\xBF企业名称,统一社会信用代码,行业,网格编码,规模\r\n" +
			"东湖纸箱厂," + a + ",工商贸,T01001-01,小型\r\n" +
			"\"东湖\x00五金\"," + b + ",工商贸,T01001-01,小型\r\n"
		res := postNamedFile(t, e, apptest.UserTown1, "企业.csv", []byte(utf))
		if res.Status != http.StatusOK {
			t.Fatalf("UTF-8 CSV: %d %s", res.Status, res.Body)
		}
		var rep struct {
			Rows, Created int
			Rejected      []struct {
				Row    int
				Errors []struct{ Field, Rule, Message string }
			}
		}
		res.JSON(t, &rep)
		if rep.Rows != 2 || rep.Created != 1 || len(rep.Rejected) != 1 || rep.Rejected[0].Row != 3 ||
			rep.Rejected[0].Errors[0].Field != "name" || rep.Rejected[0].Errors[0].Rule != "nul" {
			t.Errorf("UTF-8 CSV report: %+v", rep)
		}
		gbk, _ := simplifiedchinese.GB18030.NewEncoder().String("企业名称,统一社会信用代码,行业,网格编码,规模\r\n西岭木业," + c + ",工商贸,T01001-01,小型\r\n")
		res = postNamedFile(t, e, apptest.UserTown1, "企业.csv", []byte(gbk))
		if res.Status != http.StatusOK || res.Map(t)["created"] != float64(1) {
			t.Fatalf("GB18030 CSV: %d %s", res.Status, res.Body)
		}
		list := e.As(apptest.UserTown1, "GET", "/api/v1/enterprises?q=西岭木业", nil).Map(t)
		if list["total"] != float64(1) {
			t.Errorf("the GB18030 row reads back %v times", list["total"])
		}
	})
}

// postNamedFile posts content as the import's file part named name.
func postNamedFile(t *testing.T, e *apptest.Env, user, name string, content []byte) *apptest.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	return e.As(user, "POST", "/api/v1/enterprises/import", body.Bytes(), "Content-Type", mw.FormDataContentType())
}
