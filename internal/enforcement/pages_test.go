package enforcement_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

// The enforcement pages render in both languages without an untranslated key; another
// town's enterprise is not found; an enterprise's account may not record a step.
func TestPages_EnforcementRenderInBothLanguages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		own, other := e.F.Enterprises[0].String(), e.F.Enterprises[1].String()
		enf := e.F.Samples[0]["enforcement"]
		town, ent := e.SignIn(apptest.UserTown1), e.SignIn(apptest.UserEnt)
		apptest.WantBothLanguages(t, []apptest.PageCase{
			apptest.Case(town, "/enterprises/"+own+"/enforcement/new", []string{"记录执法", "上限处罚", "提请关闭"}, []string{"Record enforcement", "Maximum penalty"}),
			apptest.Case(town, "/enterprises/"+own+"/enforcement/"+enf+"/order", []string{"责令整改通知书", "《中华人民共和国安全生产法》第六十五条", "东湖建工集团有限公司：", "责令限期整改"}, []string{"Rectification Order", "Article 65"}),
			apptest.Case(town, "/constraints", []string{"联合惩戒名单", "没有红色企业"}, []string{"Joint-constraint list"}),
			apptest.Case(town, "/incentives", []string{"激励名单", "东湖建工集团有限公司"}, []string{"Incentive list"}),
		}, []string{"西山建材有限公司"})
		apptest.WantPage(t, "town1 on another town's enforcement form", town.Get("/enterprises/"+other+"/enforcement/new"), http.StatusNotFound,
			[]string{"不在您的管辖范围内"}, []string{"西山建材有限公司"})
		apptest.WantPage(t, "enterprise user on the enforcement form", ent.Get("/enterprises/"+own+"/enforcement/new"), http.StatusForbidden, nil, nil)
	})
}

// The enforcement form with files: a refused form keeps its stored file; the recorded
// rectification order prints with its document number; an outcome closes it from the
// enterprise's file; another town gets 404 for the order.
func TestPages_EnforcementOrderAndOutcome(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		own := e.F.Enterprises[0].String()
		town := e.SignIn(apptest.UserTown1)
		apptest.WantPage(t, "form", town.Get("/enterprises/"+own+"/enforcement/new"), http.StatusOK, []string{`enctype="multipart/form-data"`}, []string{"csrf_token="})
		fields := url.Values{"kind": {"rectification_order"}, "doc_number": {"东湖应急责改〔2026〕12号"}, "reason": {"临边防护缺失\n配电箱未上锁"},
			"decided_at": {"2026-03-02"}}
		files := []apptest.File{{Field: "files", Name: "决定书.pdf", Data: []byte("%PDF-1.4\n%%EOF\n")}}
		if res := town.PostMultipart("/enterprises/"+own+"/enforcement", fields, files, false); res.Status != http.StatusForbidden {
			t.Errorf("enforcement without the CSRF token: %d, want 403", res.Status)
		}
		res := town.PostMultipart("/enterprises/"+own+"/enforcement", fields, files, true)
		apptest.WantPage(t, "no deadline", res, http.StatusUnprocessableEntity, []string{"必填", `name="attachments" value="`, "已保留 1 个文件"}, nil)
		kept := regexp.MustCompile(`name="attachments" value="(\d+)"`).FindStringSubmatch(string(res.Body))[1]
		fields.Set("deadline", "2026-03-16")
		fields.Set("attachments", kept)
		res = town.PostMultipart("/enterprises/"+own+"/enforcement", fields, nil, true)
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/enterprises/"+own+"#enf-") {
			t.Fatalf("enforce: %d to %q\n%s", res.Status, res.Header.Get("Location"), apptest.Snippet(res.Body))
		}
		eid := strings.TrimPrefix(res.Header.Get("Location"), "/enterprises/"+own+"#enf-")
		apptest.WantPage(t, "file after", town.Get("/enterprises/"+own), http.StatusOK,
			[]string{"执法记录已保存", "东湖应急责改〔2026〕12号", "/enterprises/" + own + "/enforcement/" + eid + "/order", "/api/v1/attachments/" + kept + "/content"}, nil)
		order := "/enterprises/" + own + "/enforcement/" + eid + "/order"
		apptest.WantPage(t, "order", town.Get(order), http.StatusOK, []string{"责令整改通知书", "东湖应急责改〔2026〕12号", "东湖建工集团有限公司：",
			"<li>临边防护缺失</li>", "<li>配电箱未上锁</li>", "2026年3月16日", "《中华人民共和国安全生产法》第六十五条", "东湖镇人民政府", "2026年3月2日", "测试区人民政府"}, nil)
		apptest.WantPage(t, "order in English", town.Get(order+"?lang=en"), http.StatusOK, []string{"Rectification Order", "16 March 2026", "Article 65"}, nil)
		town2 := e.SignIn(apptest.UserTown2)
		apptest.WantPage(t, "another town's order", town2.Get(order), http.StatusNotFound, nil, []string{"东湖应急责改"})
		other := e.F.Samples[1]["enforcement"]
		apptest.WantPage(t, "a step of another enterprise", town.Get("/enterprises/"+own+"/enforcement/"+other+"/order"), http.StatusNotFound, nil, nil)

		// Outcomes: one the kind does not allow is refused on the file; passed closes it.
		apptest.WantPage(t, "wrong outcome", town.PostForm("/enforcement/"+eid+"/outcome", url.Values{"outcome": {"refused"}}, true),
			http.StatusUnprocessableEntity, []string{"须为以下之一：passed, failed"}, nil)
		page := town.Follow(t, "outcome", town.PostForm("/enforcement/"+eid+"/outcome", url.Values{"outcome": {"passed"}, "note": {"复查合格"}}, true),
			"/enterprises/"+own+"#enf-"+eid)
		apptest.WantPage(t, "closed step", page, http.StatusOK, []string{"执法结果已记录。", "整改合格", "复查合格"}, nil)
		apptest.WantPage(t, "outcome set twice", town.PostForm("/enforcement/"+eid+"/outcome", url.Values{"outcome": {"failed"}}, true),
			http.StatusConflict, []string{"该执法记录已有结果。"}, nil)
		if res := town2.PostForm("/enforcement/"+eid+"/outcome", url.Values{"outcome": {"passed"}}, true); res.Status != http.StatusNotFound {
			t.Errorf("another town's outcome: %d, want 404", res.Status)
		}

	})
}
