package e2e_test

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// Browser tests of the enterprise pages (企业 · 三色管理): a town imports a workbook and
// reads the report; an enterprise's account on a phone sees its own file with its color
// and the reasons, and nothing of another enterprise; the district's home draws the
// colors donut; the rectification order prints as one A4 page.

// entSeed gives the fixture's first enterprise a red color (an open major hazard), a
// penalty, a visit, risk points and a phone, and adds yellow and green neighbours, all
// through the API as the units that would do it.
func entSeed(t *testing.T, e *apptest.Env) {
	t.Helper()
	f := e.F
	own := f.Enterprises[0].String()
	must := apptest.Must(t)
	must(e.As(apptest.UserTown1, "PATCH", "/api/v1/enterprises/"+own, map[string]any{"safety_manager": "周安全", "safety_phone": "13812345678",
		"legal_rep": "陈建国", "address": "东湖镇湖滨路 88 号"}), http.StatusOK, "edit")
	must(e.As(apptest.UserPatrol1, "POST", "/api/v1/hazards", map[string]any{"title": "深基坑支护变形未停工处置", "category": "unsafe_condition",
		"industry": "construction", "grade": "major", "grid_id": f.Grids[0][2].String(), "enterprise_id": own}), http.StatusCreated, "major hazard")
	must(e.As(apptest.UserPatrol1, "POST", "/api/v1/hazards", map[string]any{"title": "脚手架连墙件缺失", "category": "unsafe_condition",
		"industry": "construction", "grade": "general", "grid_id": f.Grids[0][2].String(), "enterprise_id": own}), http.StatusCreated, "hazard")
	must(e.As(apptest.UserTown1, "POST", "/api/v1/enterprises/"+own+"/enforcement", map[string]any{"kind": "penalty", "amount_yuan": 50000,
		"doc_number": "东湖应急罚〔2026〕3号", "reason": "未按规定对深基坑进行监测"}), http.StatusCreated, "penalty")
	must(e.As(apptest.UserTown1, "POST", "/api/v1/enterprises/"+own+"/visits", map[string]any{"kind": "unannounced", "findings": 2,
		"note": "四不两直检查，发现基坑监测记录缺失"}), http.StatusCreated, "visit")
	for _, rp := range []map[string]any{
		{"name": "深基坑作业区", "grade": "major", "place": "二号地块", "hazard_factors": "土方坍塌", "control_measures": "每日监测、专人值守", "responsible": "周安全"},
		{"name": "塔吊作业", "grade": "significant", "hazard_factors": "起重伤害", "control_measures": "持证操作、限位装置"},
		{"name": "临时用电", "grade": "general", "control_measures": "三级配电两级保护"},
		{"name": "办公区", "grade": "low"},
	} {
		must(e.As(apptest.UserTown1, "POST", "/api/v1/enterprises/"+own+"/risk-points", rp), http.StatusCreated, "risk point")
	}
	for i, n := range []struct{ name, grade string }{{"湖滨装饰工程有限公司", "none"}, {"东湖市政建设有限公司", "level1"}, {"湖光幕墙科技有限公司", "level3"}} {
		code := apptest.CreditCode(fmt.Sprintf("91330199MA2T1%d000", i+1))
		must(e.As(apptest.UserTown1, "POST", "/api/v1/enterprises", map[string]any{"name": n.name, "credit_code": code, "industry": "construction",
			"grid_id": f.Grids[0][i].String(), "scale": "small", "standard_grade": n.grade}), http.StatusCreated, "enterprise "+n.name)
	}
}

// entWorkbook writes an import workbook: two good rows and two bad ones.
func entWorkbook(t *testing.T) string {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	rows := [][]any{
		{"企业名称", "统一社会信用代码", "行业", "网格编码", "规模", "标准化等级", "安全管理人员", "联系电话"},
		{"东湖砂石料场", apptest.CreditCode("91330199MA2T21000"), "建设施工", "T01001-01", "小型", "三级", "刘石", "13700001111"},
		{"湖滨物流仓储有限公司", apptest.CreditCode("91330199MA2T22000"), "construction", "T01002-02", "中型", "二级", "", ""},
		{"校验码错误的公司", badCheck(apptest.CreditCode("91330199MA2T23000")), "建设施工", "T01001-02", "小型", "", "", ""},
		{"外镇网格的公司", apptest.CreditCode("91330199MA2T24000"), "建设施工", "T02001-01", "小型", "", "", ""},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "企业名录.xlsx")
	if err := x.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// (h) A town user imports a workbook through the page and reads the report: the good
// rows are registered, each bad row is listed with its row number and why.
func TestBrowser_EnterpriseImport(t *testing.T) {
	s := newSession(t, 1366, 900, false)
	book := entWorkbook(t)
	s.open("/login")
	s.signIn(apptest.UserTown1, apptest.Password)
	s.do(chromedp.Click(css(`.sidebar a[href="/enterprises"]`)), chromedp.WaitVisible(css(".color-chips")))
	s.shot("h1-enterprises-before")
	s.do(chromedp.Click(css(`a[href="/enterprises/import"]`)), chromedp.WaitVisible(css("form.import-form")))
	s.wantText("import page", "批量导入企业", "下载导入模板", "统一社会信用代码")
	s.shot("h2-import-form")
	s.do(
		chromedp.SetUploadFiles(css("#file"), []string{book}),
		chromedp.WaitVisible(css("[data-previews] .doc-chip")),
		chromedp.Click(css(`.import-form button[type=submit]`)),
		chromedp.WaitVisible(css(".import-report")),
	)
	s.wantText("import report", "导入结果", "企业名录.xlsx", "第 4 行", "校验码不正确", "第 5 行", "T02001-01", "不存在或不在您的辖区")
	nums := value(s, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('.import-stats .stat-value')).map(e => e.textContent.trim())`))
	if strings.Join(nums, ",") != "4,2,0,2" {
		t.Errorf("import figures (rows, created, updated, rejected) = %v, want 4,2,0,2", nums)
	}
	s.shot("h3-import-report")
	s.do(chromedp.Click(css(`a[href="/enterprises?sort=-updated_at"]`)), chromedp.WaitVisible(css("table.ent-list")))
	s.wantText("registry after the import", "东湖砂石料场", "湖滨物流仓储有限公司", "共 3 条")
	s.shot("h4-enterprises-after")
	s.noProblems()
}

// (i) An enterprise's safety manager on a phone: the home page shows the color with its
// reasons and the constraints; "我的企业" opens the file; another enterprise is not
// found; the file fits the phone's width.
func TestBrowser_EnterprisePhone(t *testing.T) {
	s := newSession(t, 375, 812, true)
	entSeed(t, s.e)
	own, other := s.e.F.Enterprises[0].String(), s.e.F.Enterprises[1].String()

	s.open("/login")
	s.signIn(apptest.UserEnt, apptest.Password)
	s.wantText("enterprise home", "东湖建工集团有限公司", "红色企业", "存在未整改的重大隐患（1 项）", "行政许可", "自查自报")
	s.shot("i1-home-enterprise-phone")

	s.openMenu()
	if nav := s.text(".sidebar"); !strings.Contains(nav, "我的企业") || strings.Contains(nav, "联合惩戒") {
		t.Errorf("enterprise navigation = %q, want 我的企业 and no 联合惩戒", nav)
	}
	s.do(chromedp.Click(css(`.sidebar a[href="/enterprises"]`)))
	s.waitLocation("/enterprises/" + own)
	s.do(chromedp.WaitVisible(css(".ent-banner")))
	s.wantText("own file", "红色企业", "分类依据", "R2", "存在未整改的重大隐患（1 项）", "受到行政处罚 1 次", "深基坑支护变形未停工处置",
		"行政处罚", "138****5678", "重大风险")
	if strings.Contains(s.bodyText(), "显示完整号码") {
		t.Errorf("an enterprise's account is offered the full phone")
	}
	if w := value(s, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 375 {
		t.Errorf("the file is %dpx wide on a 375px phone", w)
	}
	// On a phone the facts come right after the color, before the records.
	order := value(s, chromedp.Evaluate[bool](`document.querySelector('.ent-facts').getBoundingClientRect().top < document.querySelector('.ent-hazards').getBoundingClientRect().top`))
	if !order {
		t.Errorf("on a phone the facts should come before the hazards")
	}
	s.shot("i2-file-enterprise-phone")

	s.noProblems()
	s.open("/enterprises/" + other)
	entForget404(s) // the 404 below is what the test asks for
	if h := s.text(".error-code"); h != "404" {
		t.Errorf("another enterprise answers %q, want 404", h)
	}
	if strings.Contains(s.bodyText(), "西山建材有限公司") {
		t.Errorf("the 404 page names the other enterprise")
	}
	s.shot("i3-other-enterprise-404-phone")

	s.open("/enterprises/" + own + "/risk-points")
	s.wantText("risk points", "深基坑作业区", "重大风险", "较大风险", "一般风险", "低风险")
	s.shot("i4-risk-points-phone")

	// Self-inspection on the phone: the construction checklist, one item failed with a
	// photo from the camera input; the result names the hazard it became.
	photo := writePhoto(t)
	s.open("/")
	s.do(chromedp.Click(css("a.portal-cta")), chromedp.WaitVisible(css(".self-inspect")))
	s.shot("i5-self-pick-phone")
	s.do(chromedp.Click(css(`.self-inspect a.hz-item[href*="template_id="]:nth-child(1)`)))
	s.do(chromedp.WaitVisible(css(".si-form")))
	items := value(s, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('input[name=item]')).map(i => i.value)`))
	if len(items) < 2 {
		t.Fatalf("the checklist shows %d items", len(items))
	}
	for _, it := range items[1:] {
		s.do(chromedp.Click(css(`input[name="res_` + it + `"][value=pass] + span`)))
	}
	s.do(
		chromedp.Click(css(`input[name="res_`+items[0]+`"][value=fail] + span`)),
		chromedp.WaitVisible(css(`#note_`+items[0])),
		chromedp.SendKeys(css(`#note_`+items[0]), "二号楼临边防护栏杆缺失"),
		chromedp.SetUploadFiles(css(`#photo_`+items[0]), []string{photo}),
		chromedp.WaitVisible(css(`#item-`+items[0]+` [data-previews] img`)),
	)
	if w := value(s, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 375 {
		t.Errorf("the self-inspection is %dpx wide on a 375px phone", w)
	}
	s.shot("i6-self-form-phone")
	s.do(chromedp.Click(css(`.si-form button[type=submit]`)), chromedp.WaitVisible(css(".si-results")))
	s.wantText("self-inspection result", "自查结果已提交", "已生成 1 项隐患", "二号楼临边防护栏杆缺失", "YH2026")
	s.shot("i7-self-result-phone")
	s.noProblems()
}

// (j) The district's home draws the colors donut with the three colors; the registry,
// a red file, the rules with a preview and the printable order look finished.
func TestBrowser_EnterpriseDistrictPages(t *testing.T) {
	s := newSession(t, 1366, 900, false)
	entSeed(t, s.e)
	own := s.e.F.Enterprises[0].String()

	s.open("/login")
	s.signIn(apptest.UserAdmin, apptest.Password)
	s.do(chromedp.WaitVisible(css(".chart-donut svg path")))
	s.wantText("district home", "企业三色分类", "分类分布", "红色企业", "东湖建工集团有限公司")
	fills := value(s, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('.chart-donut svg path')).map(p => (p.getAttribute('fill')||'').toLowerCase())`))
	for _, c := range []string{web.Color("c-green"), web.Color("c-yellow"), web.Color("c-red")} { // app.css's tokens
		found := false
		for _, f := range fills {
			if strings.Contains(f, c) || strings.Contains(f, rgbOf(c)) {
				found = true
			}
		}
		if !found {
			t.Errorf("the donut has no %s segment: fills %v", c, fills)
		}
	}
	s.shot("j1-home-district")

	s.open("/enterprises")
	s.do(chromedp.WaitVisible(css("table.ent-list")))
	s.shot("j2-enterprises")
	s.do(chromedp.Click(css(`.color-chip.is-red`)))
	s.waitLocation("color=red")
	s.do(chromedp.WaitVisible(css("table.ent-list")))
	if body := s.bodyText(); !strings.Contains(body, "共 1 条") || strings.Contains(body, "西山建材有限公司") {
		t.Errorf("the red chip lists:\n%s", clip(body))
	}
	s.shot("j3-enterprises-red")

	s.open("/enterprises/" + own)
	s.do(chromedp.WaitVisible(css(".ent-banner")))
	s.do(chromedp.Click(css(`#phone-line button`)), chromedp.WaitVisible(css(`#phone-line .badge-info`)))
	s.wantText("revealed phone", "13812345678")
	s.shot("j4-file-red")

	s.open("/enterprises/" + own + "/enforcement/new")
	s.do(chromedp.WaitVisible(css(".enf-form")))
	s.shot("j5-enforcement-form")
	s.do(
		chromedp.SendKeys(css("#doc_number"), "东湖应急责改〔2026〕7号"),
		chromedp.SetValue(css("#deadline"), "2026-03-20"),
		chromedp.SendKeys(css("#reason"), "深基坑支护结构变形超过预警值，未停止作业\n基坑监测记录缺失"),
	)
	s.submit(`.enf-form button[type=submit]`, ".flash")
	s.wantText("order recorded", "执法记录已保存", "东湖应急责改〔2026〕7号")
	href := value(s, chromedp.Evaluate[string](`Array.from(document.querySelectorAll('a')).map(a => a.getAttribute('href')).find(h => /\/order$/.test(h||'') && document.querySelector('a[href="'+h+'"]').closest('.enf-step').textContent.includes('7号'))`))
	if href == "" {
		t.Fatalf("no order link for the new rectification order")
	}
	s.open(href)
	s.do(chromedp.WaitVisible(css(".doc-sheet")))
	s.wantText("order", "责令整改通知书", "东湖应急责改〔2026〕7号", "东湖建工集团有限公司：", "《中华人民共和国安全生产法》第六十五条", "2026年3月20日", "基坑监测记录缺失")
	s.shot("j6-order")
	pdf := value(s, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPreferCSSPageSize()))
	if !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("the order did not print to a PDF")
	}
	if n := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1)); n != 1 {
		t.Errorf("the order prints on %d pages, want 1", n)
	}
	if d := os.Getenv(envShots); d != "" {
		_ = os.WriteFile(filepath.Join(d, "j7-order.pdf"), pdf, 0o644)
	}

	s.open("/constraints")
	s.do(chromedp.WaitVisible(css("table.cons-list")))
	s.wantText("constraints", "联合惩戒名单", "东湖建工集团有限公司", "行政许可", "导出 Excel", "数据接口（供其他部门系统对接）")
	s.shot("j10-constraints")
	s.open("/incentives")
	s.do(chromedp.WaitVisible(css("#main h1")))
	s.shot("j11-incentives")
	s.open("/risk-points")
	s.do(chromedp.WaitVisible(css(".risk-matrix")), chromedp.WaitVisible(css(".chart svg")))
	s.shot("j12-risk-map")
	s.open("/enterprises?lang=en")
	s.do(chromedp.WaitVisible(css("table.ent-list")))
	s.shot("j13-enterprises-en")

	s.open("/color-rules")
	s.do(chromedp.WaitVisible(css(".rules-editor")))
	s.shot("j8-rules")
	// Y4 turns standardization level 2 yellow too: the preview shows who would change.
	if !value(s, chromedp.Evaluate[bool](`(function(){var row=Array.from(document.querySelectorAll('.rule-edit tbody tr')).find(r=>r.querySelector('input[name$=".id"]').value==='Y4');
		if(!row) return false; row.querySelector('input[value="level2"]').click(); return true;})()`)) {
		t.Fatalf("the editor has no rule Y4")
	}
	s.do(chromedp.Click(css(`button[value=preview]`)), chromedp.WaitVisible(css(".preview")))
	s.wantText("preview", "预览", "未保存", "西山建材有限公司")
	s.shot("j9-rules-preview")
	s.noProblems()
}

// badCheck changes the check character of a credit code.
func badCheck(code string) string {
	last := "1"
	if code[17] == '1' {
		last = "2"
	}
	return code[:17] + last
}

// rgbOf writes a #rrggbb color as ECharts may: rgb(r,g,b).
func rgbOf(hex string) string {
	var r, g, b int
	fmt.Sscanf(hex, "#%02x%02x%02x", &r, &g, &b)
	return fmt.Sprintf("rgb(%d,%d,%d)", r, g, b)
}

// entForget404 drops the browser's report of a page answering 404 on purpose.
func entForget404(s *session) {
	s.settle()
	s.mu.Lock()
	defer s.mu.Unlock()
	kept := s.problems[:0]
	for _, p := range s.problems {
		if !strings.Contains(p, "status of 404") {
			kept = append(kept, p)
		}
	}
	s.problems = kept
}
