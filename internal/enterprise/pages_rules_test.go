package enterprise_test

import (
	"bytes"
	"net/http"
	"net/url"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/safeduty/safeduty/internal/apptest"
)

// pgRulesForm is the editor as the page shows the default rules, with Y4 also firing
// on standardization level 2 (which both fixture enterprises hold).
func pgRulesForm() url.Values {
	v := url.Values{"rows": {"9"}, "months_red": {"1"}, "months_yellow": {"3"}, "months_green": {"12"}, "note": {"二级也列为黄色"}}
	rules := []struct{ id, fact, min, months, color string }{
		{"R1", "fatal_accident", "1", "12", "red"}, {"R2", "open_major_hazard", "1", "", "red"}, {"R3", "suspension_failed", "1", "12", "red"},
		{"R4", "major_risk_uncontrolled", "1", "", "red"}, {"R5", "overdue_hazards", "3", "", "red"}, {"Y1", "overdue_hazards", "1", "", "yellow"},
		{"Y2", "rejected_rectifications", "2", "12", "yellow"}, {"Y3", "penalties", "1", "12", "yellow"}, {"Y4", "standard_grade", "", "", "yellow"},
	}
	for i, r := range rules {
		k := func(f string) string { return "r" + string(rune('0'+i)) + "." + f }
		v.Set(k("id"), r.id)
		v.Set(k("fact"), r.fact)
		v.Set(k("min"), r.min)
		v.Set(k("months"), r.months)
		v.Set(k("color"), r.color)
		v.Set(k("enabled"), "on")
	}
	v["r8.grades"] = []string{"none", "level2"}
	return v
}

// The rules page: the preview shows which enterprises would change and why, without
// saving; saving makes version 1 and recolors; a bad threshold comes back on its row;
// leaders read and may not save; the form needs the CSRF token.
func TestPages_ColorRulesPreviewAndSave(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		admin := e.SignIn(apptest.UserAdmin)
		admin.Get("/color-rules")
		form := pgRulesForm()
		form.Set("do", "preview")
		apptest.WantPage(t, "preview", admin.PostForm("/color-rules", form, true), http.StatusOK,
			[]string{"预览：按此规则将如何分类", "未保存", "东湖建工集团有限公司", "西山建材有限公司", "安全生产标准化等级：二级", "2 家",
				`value="level2" checked`, "二级也列为黄色"}, nil)
		color := func(i int) string {
			var c string
			if err := e.App.DB.QueryRow(t.Context(), `SELECT color FROM enterprises WHERE id = ?`, e.F.Enterprises[i]).Scan(&c); err != nil {
				t.Fatal(err)
			}
			return c
		}
		if color(0) != "green" || color(1) != "green" {
			t.Fatalf("a preview changed colors: %s, %s", color(0), color(1))
		}
		// A town's preview covers its own enterprises only — but a town may not edit.
		town := e.SignIn(apptest.UserTown1)
		if res := town.PostForm("/color-rules", form, true); res.Status != http.StatusForbidden {
			t.Errorf("a town previews: %d, want 403", res.Status)
		}
		if res := admin.PostForm("/color-rules", form, false); res.Status != http.StatusForbidden {
			t.Errorf("rules without the CSRF token: %d, want 403", res.Status)
		}
		bad := pgRulesForm()
		bad.Set("do", "preview")
		bad.Set("r4.min", "0")
		apptest.WantPage(t, "bad threshold", admin.PostForm("/color-rules", bad, true), http.StatusUnprocessableEntity,
			[]string{"阈值: 须在 1 到 1000 之间", `<tr class="has-error">`}, nil)
		add := pgRulesForm()
		add.Set("do", "add")
		res := admin.PostForm("/color-rules", add, true)
		apptest.WantPage(t, "add a row", res, http.StatusOK, []string{`name="rows" value="10"`, `name="r9.id"`}, nil)

		form.Set("do", "save")
		page := admin.Follow(t, "save", admin.PostForm("/color-rules", form, true), "/color-rules#v1")
		apptest.WantPage(t, "saved", page, http.StatusOK, []string{"已保存为新版本", "现行第 1 版", "第 1 版规则", "二级也列为黄色", "管理员"}, nil)
		if color(0) != "yellow" || color(1) != "yellow" {
			t.Errorf("saving did not recolor: %s, %s", color(0), color(1))
		}
		apptest.WantPage(t, "recolored file", admin.Get("/enterprises/"+e.F.Enterprises[0].String()), http.StatusOK,
			[]string{"黄色企业", "安全生产标准化等级：二级", "规则第 1 版生效", "第 1 版规则"}, nil)

		leader := e.SignIn(apptest.UserLeader)
		apptest.WantPage(t, "leader reads", leader.Get("/color-rules"), http.StatusOK, []string{"现行第 1 版", "只读"}, []string{`name="rows"`})
		if res := leader.PostForm("/color-rules", form, true); res.Status != http.StatusForbidden {
			t.Errorf("a leader saves: %d, want 403", res.Status)
		}
	})
}

// pgWorkbook writes an .xlsx with rows (the first is the header).
func pgWorkbook(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The import page reports each rejected row with its number and reasons; a file that is
// not a workbook answers 422 with why; the form needs the CSRF token and the role.
func TestPages_EnterpriseImport(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		town := e.SignIn(apptest.UserTown1)
		apptest.WantPage(t, "import form", town.Get("/enterprises/import"), http.StatusOK,
			[]string{`enctype="multipart/form-data"`, "/api/v1/enterprises/import/template", "网格编码"}, nil)
		book := pgWorkbook(t, [][]any{
			{"企业名称", "统一社会信用代码", "行业", "网格编码", "规模", "标准化等级"},
			{"东湖砂石料场", apptest.CreditCode("91330199MA2T05000"), "建设施工", "T01001-01", "小型", "三级"},
			{"", apptest.CreditCode("91330199MA2T06000"), "建设施工", "T01001-01", "巨型", ""},
			{"西山的企业", apptest.CreditCode("91330199MA2T07000"), "建设施工", "T02001-01", "小型", ""},
		})
		files := []apptest.File{{Field: "file", Name: "名录.xlsx", Data: book}}
		if res := town.PostMultipart("/enterprises/import", nil, files, false); res.Status != http.StatusForbidden {
			t.Errorf("import without the CSRF token: %d, want 403", res.Status)
		}
		res := town.PostMultipart("/enterprises/import", nil, files, true)
		apptest.WantPage(t, "report", res, http.StatusOK, []string{"导入结果", "名录.xlsx", "第 3 行", "第 4 行", "须为以下之一：大型、中型、小型、微型",
			"网格编码“T02001-01”不存在或不在您的辖区", "企业名称"}, []string{"第 2 行"})
		apptest.WantPage(t, "imported", town.Get("/enterprises?q=砂石"), http.StatusOK, []string{"东湖砂石料场", "共 1 条"}, nil)
		res = town.PostMultipart("/enterprises/import", nil, []apptest.File{{Field: "file", Name: "x.xlsx", Data: []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")}}, true)
		apptest.WantPage(t, "not a workbook", res, http.StatusUnprocessableEntity, []string{"文件不是有效的 Excel 工作簿（.xlsx）或 CSV 文件。"}, nil)
		res = town.PostMultipart("/enterprises/import", url.Values{"x": {"1"}}, nil, true)
		apptest.WantPage(t, "no file", res, http.StatusUnprocessableEntity, []string{"请选择要导入的 .xlsx 或 .csv 文件。", `data-error-summary`}, nil)
		ent := e.SignIn(apptest.UserEnt)
		if res := ent.PostMultipart("/enterprises/import", nil, files, true); res.Status != http.StatusForbidden {
			t.Errorf("an enterprise imports: %d, want 403", res.Status)
		}
	})
}
