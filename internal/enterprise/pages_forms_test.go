package enterprise_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

var pgEntLocation = regexp.MustCompile(`^/enterprises/(\d+)$`)

// Registering and editing through the forms: a bad credit code comes back with the field
// error and what was typed (422); without the CSRF token the form is refused (403); a
// good form registers the enterprise and colors it; the edit keeps the phone unless a new
// one is typed, and the full phone shows only after an audited reveal.
func TestPages_EnterpriseCreateEditReveal(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		town := e.SignIn(apptest.UserTown1)
		town.Get("/enterprises/new")
		form := url.Values{"name": {"东湖新材料有限公司"}, "credit_code": {"91330199MA2T0300X"}, "industry": {"construction"},
			"grid_id": {e.F.Grids[0][1].String()}, "scale": {"small"}, "standard_grade": {"none"}, "safety_phone": {"13955556666"}}
		res := town.PostForm("/enterprises", form, true)
		apptest.WantPage(t, "bad credit code", res, http.StatusUnprocessableEntity,
			[]string{"有 1 处输入需要修改", "须为 18 位", `value="东湖新材料有限公司"`, `class="field has-error"`}, nil)
		if res := town.PostForm("/enterprises", form, false); res.Status != http.StatusForbidden {
			t.Errorf("create without the CSRF token: %d, want 403", res.Status)
		}
		bad := apptest.CreditCode("91330199MA2T03000")
		form.Set("credit_code", bad[:17]+map[bool]string{true: "1", false: "2"}[bad[17] != '1'])
		apptest.WantPage(t, "wrong check character", town.PostForm("/enterprises", form, true), http.StatusUnprocessableEntity, []string{"校验码不正确"}, nil)
		form.Set("credit_code", apptest.CreditCode("91330199MA2T03000"))
		form.Set("grid_id", e.F.Grids[1][0].String())
		apptest.WantPage(t, "another town's grid", town.PostForm("/enterprises", form, true), http.StatusUnprocessableEntity,
			[]string{"引用的记录不存在或不在您的管辖范围内"}, nil)
		form.Set("grid_id", e.F.Grids[0][1].String())
		res = town.PostForm("/enterprises", form, true)
		m := pgEntLocation.FindStringSubmatch(res.Header.Get("Location"))
		if res.Status != http.StatusSeeOther || m == nil {
			t.Fatalf("create: %d to %q\n%s", res.Status, res.Header.Get("Location"), apptest.Snippet(res.Body))
		}
		id := m[1]
		apptest.WantPage(t, "registered", town.Get("/enterprises/"+id), http.StatusOK,
			[]string{"企业已登记，并已按分色规则评定分类。", "东湖新材料有限公司", "黄色企业", "安全生产标准化等级：未达标", "139****6666", "显示完整号码"},
			[]string{"13955556666"})

		// Edit: the phone stays when left empty.
		edit := url.Values{"name": {"东湖新材料股份有限公司"}, "credit_code": {form.Get("credit_code")}, "industry": {"construction"},
			"grid_id": {e.F.Grids[0][1].String()}, "scale": {"medium"}, "standard_grade": {"level1"}, "status": {"operating"}, "safety_phone": {""}}
		apptest.WantPage(t, "edit form", town.Get("/enterprises/"+id+"/edit"), http.StatusOK, []string{`placeholder="139****6666"`, "留空则保留原号码"}, []string{"13955556666"})
		town.Follow(t, "edit", town.PostForm("/enterprises/"+id, edit, true), "/enterprises/"+id)
		apptest.WantPage(t, "edited", town.Get("/enterprises/"+id), http.StatusOK, []string{"东湖新材料股份有限公司", "绿色企业", "139****6666"}, nil)
		edit.Set("name", "")
		apptest.WantPage(t, "edit without a name", town.PostForm("/enterprises/"+id, edit, true), http.StatusUnprocessableEntity, []string{"必填"}, nil)

		// The reveal is audited; a reader may not reveal.
		apptest.WantPage(t, "reveal", town.PostForm("/enterprises/"+id+"/reveal", nil, true), http.StatusOK, []string{"13955556666", "已显示（已审计）"}, nil)
		var n int
		if err := e.App.DB.QueryRow(t.Context(), `SELECT COUNT(*) FROM audit_log WHERE action = 'enterprise.reveal_contact' AND object_id = ?`, id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("reveals audited: %d, want 1", n)
		}
		htmx := town.PostForm("/enterprises/"+id+"/reveal", nil, true, "HX-Request", "true", "HX-Target", "phone-line")
		if htmx.Status != http.StatusOK || !strings.HasPrefix(strings.TrimSpace(string(htmx.Body)), `<div id="phone-line"`) {
			t.Errorf("the htmx reveal answers %d: %s", htmx.Status, apptest.Snippet(htmx.Body))
		}
		reader := e.SignIn(apptest.UserReader)
		if res := reader.PostForm("/enterprises/"+id+"/reveal", nil, true); res.Status != http.StatusForbidden {
			t.Errorf("a reader's reveal: %d, want 403", res.Status)
		}
		town2 := e.SignIn(apptest.UserTown2)
		apptest.WantPage(t, "another town edits", town2.PostForm("/enterprises/"+id, edit, true), http.StatusNotFound, nil, []string{"东湖新材料"})
	})
}

// Visits and accounts are kept from the enterprise's file.
func TestPages_VisitAndAccount(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		own := e.F.Enterprises[0].String()
		town := e.SignIn(apptest.UserTown1)
		// A visit in the future is refused; today's moves the next inspection.
		apptest.WantPage(t, "future visit", town.PostForm("/enterprises/"+own+"/visits", url.Values{"visited_at": {"2026-05-01"}, "kind": {"routine"}}, true),
			http.StatusUnprocessableEntity, []string{"不能晚于现在", `id="visit-form" open`}, nil)
		page := town.Follow(t, "visit", town.PostForm("/enterprises/"+own+"/visits", url.Values{"visited_at": {"2026-03-02"}, "kind": {"unannounced"},
			"findings": {"3"}, "note": {"夜查"}}, true), "/enterprises/"+own+"#visits")
		apptest.WantPage(t, "visited", page, http.StatusOK, []string{"检查记录已保存", "四不两直", "夜查", "2027-03-02"}, nil)
		ent := e.SignIn(apptest.UserEnt)
		if res := ent.PostForm("/enterprises/"+own+"/visits", url.Values{"kind": {"routine"}}, true); res.Status != http.StatusForbidden {
			t.Errorf("an enterprise records a visit: %d, want 403", res.Status)
		}

		// Accounts: a weak password comes back; a good one opens the account.
		acc := url.Values{"username": {"dh-safety"}, "display_name": {"周安全"}, "password": {"short"}}
		apptest.WantPage(t, "weak password", town.PostForm("/enterprises/"+own+"/accounts", acc, true), http.StatusUnprocessableEntity,
			[]string{"至少 10 个字符", `value="dh-safety"`}, []string{`value="short"`})
		acc.Set("password", "Harbor-light-2026")
		page = town.Follow(t, "account", town.PostForm("/enterprises/"+own+"/accounts", acc, true), "/enterprises/"+own+"#accounts")
		apptest.WantPage(t, "account listed", page, http.StatusOK, []string{"企业账户已开通", "dh-safety", "尚未登录"}, nil)
		if res := ent.PostForm("/enterprises/"+own+"/accounts", acc, true); res.Status != http.StatusForbidden {
			t.Errorf("an enterprise opens accounts: %d, want 403", res.Status)
		}
	})
}

// The enterprise keeps a document in its own file; another enterprise's file is 404.
func TestPages_EnterpriseDocument(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		own, other := e.F.Enterprises[0].String(), e.F.Enterprises[1].String()
		ent := e.SignIn(apptest.UserEnt)
		ent.Get("/enterprises/" + own)
		pdf := []apptest.File{{Field: "files", Name: "许可证.pdf", Data: []byte("%PDF-1.4\n%%EOF\n")}}
		res := ent.PostMultipart("/enterprises/"+own+"/documents", url.Values{"title": {""}, "kind": {"license"}}, pdf, true)
		apptest.WantPage(t, "no title", res, http.StatusUnprocessableEntity, []string{"必填", `id="document-form" open`, `name="attachments"`}, nil)
		res = ent.PostMultipart("/enterprises/"+own+"/documents", url.Values{"title": {"安全生产许可证"}, "kind": {"license"}}, pdf, true)
		page := ent.Follow(t, "document", res, "/enterprises/"+own+"#documents")
		apptest.WantPage(t, "kept", page, http.StatusOK, []string{"资料已保存到企业档案", "安全生产许可证", "许可证.pdf", "证照"}, nil)
		res = ent.PostMultipart("/enterprises/"+other+"/documents", url.Values{"title": {"x"}}, pdf, true)
		if res.Status != http.StatusNotFound {
			t.Errorf("a document for another enterprise: %d, want 404", res.Status)
		}
	})
}
