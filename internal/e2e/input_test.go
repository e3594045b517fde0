package e2e_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/platform/input/inputtest"
)

// (input) A town user on a phone sees the import's limits, picks a workbook that
// inflates to 200 MiB and is told, in Chinese, which limit it breaks, with the form
// still there; a CSV file then imports through the same form.
func TestBrowser_ImportRefusesABombAndTakesCSV(t *testing.T) {
	s := newSession(t, 390, 844, true)
	dir := t.TempDir()
	bomb := filepath.Join(dir, "名录.xlsx")
	data := inputtest.Workbook(t, nil, map[string]inputtest.Part{"xl/sharedStrings.xml": inputtest.Repeat(
		`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`, 200<<20/17,
		"<si><t>a</t></si>", `</sst>`)})
	if err := os.WriteFile(bomb, data, 0o644); err != nil {
		t.Fatal(err)
	}
	csv := filepath.Join(dir, "名录.csv")
	if err := os.WriteFile(csv, []byte("企业名称,统一社会信用代码,行业,网格编码,规模\n东湖纸箱厂,"+
		apptest.CreditCode("91330199MA2T09000")+",工商贸,T01001-01,小型\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.open("/login")
	s.signIn(apptest.UserTown1, apptest.Password)
	s.open("/enterprises/import")
	s.wantText("import form", "Excel 工作簿（.xlsx）或 CSV 文件", "不超过 10 MiB、20,000 行")
	s.shot("input1-import-form-phone")
	s.do(
		chromedp.SetUploadFiles(css("#file"), []string{bomb}),
		chromedp.Click(css(`.import-form button[type=submit]`)),
		chromedp.WaitVisible(css(`.import-form`)),
		chromedp.WaitVisible(css(`[role=alert]`)),
	)
	s.wantText("refused bomb", "工作簿中的文字内容解压后超过上限 64 MiB。请分批导入。")
	if got := s.text("[role=alert]"); got != "工作簿中的文字内容解压后超过上限 64 MiB。请分批导入。" {
		t.Errorf("alert %q", got)
	}
	s.shot("input2-import-refused-phone")
	s.do(
		chromedp.SetUploadFiles(css("#file"), []string{csv}),
		chromedp.Click(css(`.import-form button[type=submit]`)),
		chromedp.WaitVisible(css(".import-report")),
	)
	s.wantText("CSV report", "导入结果", "名录.csv", "全部行均已导入。")
	s.shot("input3-import-csv-phone")
	s.noProblems()
}
