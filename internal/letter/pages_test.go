package letter_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

// The letter pages render in both languages without an untranslated key; a town sees
// its own letter, read-only, and not the other town's.
func TestPages_LettersRenderInBothLanguages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		own, other := e.F.Samples[0]["letter"], e.F.Samples[1]["letter"]
		admin, town := e.SignIn(apptest.UserAdmin), e.SignIn(apptest.UserTown1)
		apptest.WantBothLanguages(t, []apptest.PageCase{
			apptest.Case(admin, "/letters", []string{"目标责任书", "生成本年度责任书", "东湖镇人民政府", "西山镇人民政府", "草拟"},
				[]string{"Responsibility letters", "Generate this year", "Draft"}),
			apptest.Case(admin, "/letters/new", []string{"新建目标责任书", "东湖镇人民政府", "区住建委"}, []string{"New responsibility letter"}),
			apptest.Case(admin, "/letters/"+own, []string{"安全生产控制目标", "东湖水库防汛责任落实率", "≥ 100%", "修改草稿", "确认已签订", "起草"},
				[]string{"Work safety targets", "Edit the draft", "Confirm signed", "Drafted"}),
		}, nil)
		apptest.WantBothLanguages(t, []apptest.PageCase{
			apptest.Case(town, "/letters", []string{"东湖镇人民政府"}, []string{"Responsibility letters"}),
			apptest.Case(town, "/letters/"+own, []string{"东湖水库防汛责任落实率", "孙东湖"}, []string{"Work safety targets"}),
		}, []string{"西山", "修改草稿", "生成本年度责任书", "新建责任书"})
		apptest.WantPage(t, "town01 on town02's letter", town.Get("/letters/"+other), http.StatusNotFound, []string{"不在您的管辖范围内"}, []string{"西山林场"})
		if res := town.Get("/letters/new"); res.Status != http.StatusForbidden {
			t.Errorf("a town opens the new letter form: %d", res.Status)
		}
		apptest.WantPage(t, "filtered", admin.Get("/letters?kind=department"), http.StatusOK, []string{"尚无", "重置"}, []string{"东湖镇人民政府</a>"})
	})
}

// The safety office edits a draft through its page (a value that is not a number is
// refused by its row, blank rows are left out), signs it, and it is read-only; the
// printed letter shows both parties, both signatories and every target, in Chinese and
// in English.
func TestPages_EditSignPrint(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		id := e.F.Samples[0]["letter"]
		path := "/letters/" + id
		admin := e.SignIn(apptest.UserAdmin)
		admin.Get(path)
		form := url.Values{"title": {"东湖镇2026年度安全生产目标责任书"}, "district_signatory": {"吴区长"}, "unit_signatory": {"孙东湖"},
			"targets[0].indicator": {"生产安全事故死亡人数"}, "targets[0].kind": {"max"}, "targets[0].value": {"两人"}, "targets[0].unit": {"人"},
			"targets[1].indicator": {""}, "targets[1].kind": {"max"},
			"targets[2].indicator": {"安全宣传进村入户"}, "targets[2].kind": {"text"}, "targets[2].limit_text": {"全覆盖"},
			"items[0]": {"落实属地管理责任。"}, "items[1]": {""}, "items[2]": {"每季度专题研究安全生产工作。"}}
		apptest.WantPage(t, "not a number", admin.PostForm(path, form, true), http.StatusUnprocessableEntity,
			[]string{"须为数字", `href="#targets[0].value"`, "安全宣传进村入户"}, nil)
		form.Set("targets[0].value", "1")
		form.Set("targets[2].limit_text", "")
		res := admin.PostForm(path, form, true)
		apptest.WantPage(t, "text target without its limit", res, http.StatusUnprocessableEntity, []string{`href="#targets[2].limit_text"`, "必填"}, nil)
		form.Set("targets[2].limit_text", "全覆盖")
		page := admin.Follow(t, "saved", admin.PostForm(path, form, true), path)
		apptest.WantPage(t, "saved", page, http.StatusOK, []string{"责任书已保存。", "≤ 1 人", "全覆盖", "2 项目标", "2 项", "吴区长"}, []string{"东湖水库防汛责任落实率"})

		apptest.WantPage(t, "future", admin.PostForm(path+"/sign", url.Values{"signed_at": {"2027-01-01"}}, true), http.StatusUnprocessableEntity,
			[]string{"不能晚于今天", `href="#signed_at"`}, nil)
		page = admin.Follow(t, "sign", admin.PostForm(path+"/sign", url.Values{"signed_at": {"2026-02-20"}}, true), path)
		apptest.WantPage(t, "signed", page, http.StatusOK, []string{"责任书已签订", "已签订", "2026年2月20日 签订", "签订"}, []string{"修改草稿", `action="/letters/` + id + `"`})
		res = admin.PostForm(path, form, true)
		if res.Status != http.StatusConflict {
			t.Errorf("edit a signed letter through the page: %d", res.Status)
		}

		town := e.SignIn(apptest.UserTown1)
		apptest.WantPage(t, "print zh", town.Get(path+"/print"), http.StatusOK,
			[]string{"东湖镇2026年度安全生产目标责任书", "甲方", "乙方", "东湖镇人民政府", "吴区长", "孙东湖", "生产安全事故死亡人数", "≤ 1 人",
				"安全宣传进村入户", "全覆盖", "落实属地管理责任。", "有效期至2026年12月31日", "2026年2月20日", "（盖章）"}, []string{"草稿</p>"})
		apptest.WantPage(t, "print en", town.Get(path+"/print?lang=en"), http.StatusOK,
			[]string{"Party A", "Party B", "Government of", "吴区长", "孙东湖", "Deaths in work safety accidents", "≤ 1 人", "31 December 2026"}, nil)
		if res := e.SignIn(apptest.UserTown2).Get(path + "/print"); res.Status != http.StatusNotFound {
			t.Errorf("town02 prints town01's letter: %d", res.Status)
		}
		// An English reader of a generated letter reads the standard text in English.
		other := e.F.Samples[1]["letter"]
		en := admin.Get("/letters/" + other + "/print?lang=en")
		apptest.WantPage(t, "print en standard", en, http.StatusOK, []string{"Work Safety Target Responsibility Letter 2026", "Grid patrol coverage",
			"Grid supervision: one safety patroller", ">Draft<", "西山林场森林防火巡护覆盖率"}, []string{"网格巡查覆盖率", "属地管理责任"})
	})
}

// The safety office generates the year's drafts from the list; a second time creates
// none and says so; a new draft comes from its form.
func TestPages_GenerateAndNew(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		admin := e.SignIn(apptest.UserAdmin)
		admin.Get("/letters")
		apptest.WantPage(t, "no year", admin.PostForm("/letters/generate", url.Values{"year": {""}}, true), http.StatusUnprocessableEntity,
			[]string{`href="#gen_year"`}, nil)
		page := admin.Follow(t, "generate", admin.PostForm("/letters/generate", url.Values{"year": {"2027"}}, true), "/letters?year=2027")
		apptest.WantPage(t, "generated", page, http.StatusOK, []string{"本年度责任书草稿已生成。", "东湖镇人民政府", "西山镇人民政府", "区住建委", "区应急管理局", "共 4 条"}, nil)
		page = admin.Follow(t, "again", admin.PostForm("/letters/generate", url.Values{"year": {"2027"}}, true), "/letters?year=2027")
		apptest.WantPage(t, "again", page, http.StatusOK, []string{"未新建", "共 4 条"}, nil)

		admin.Get("/letters/new")
		apptest.WantPage(t, "new, missing", admin.PostForm("/letters/new", url.Values{"year": {"2028"}, "title": {""}}, true), http.StatusUnprocessableEntity,
			[]string{`href="#org_id"`}, nil)
		res := admin.PostForm("/letters/new", url.Values{"year": {"2028"}, "org_id": {e.F.Units["construction"].String()}, "title": {""}, "unit_signatory": {"李建委"}}, true)
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/letters/") {
			t.Fatalf("new letter: %d %s", res.Status, apptest.Snippet(res.Body))
		}
		apptest.WantPage(t, "new letter", admin.Get(res.Header.Get("Location")), http.StatusOK,
			[]string{"2028年度安全生产目标责任书", "区住建委", "李建委", "本行业领域生产安全事故死亡人数", "监管企业年度执法检查覆盖率"}, nil)
		apptest.WantPage(t, "duplicate", admin.PostForm("/letters/new", url.Values{"year": {"2028"}, "org_id": {e.F.Units["construction"].String()}}, true),
			http.StatusConflict, []string{"区住建委已有2028年度责任书"}, nil)
	})
}
