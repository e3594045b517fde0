package selfinspect_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// The enterprise's self-inspection through the page: pick the industry's checklist,
// leave an item unanswered (422, the answers kept), answer every item with one failure
// and its photo; the result lists the hazard the failure became. Other users may read
// the result in scope, not file one; another town gets 404.
func TestPages_SelfInspection(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		own := e.F.Enterprises[0].String()
		ent := e.SignIn(apptest.UserEnt)
		pick := ent.Get("/enterprises/" + own + "/self-inspection")
		apptest.WantPage(t, "pick", pick, http.StatusOK, []string{"选择检查表", "通用安全自查表", "建设施工安全自查表"}, nil)
		var tpl db.ID
		if err := e.App.DB.QueryRow(t.Context(), `SELECT id FROM checklist_templates WHERE industry = 'construction'`).Scan(&tpl); err != nil {
			t.Fatal(err)
		}
		page := ent.Get("/enterprises/" + own + "/self-inspection?template_id=" + tpl.String())
		apptest.WantPage(t, "checklist", page, http.StatusOK, []string{`enctype="multipart/form-data"`, `capture="environment"`, "合格", "不合格", "不适用"}, nil)
		var items []string
		for _, m := range regexp.MustCompile(`name="item" value="(\d+)"`).FindAllStringSubmatch(string(page.Body), -1) {
			items = append(items, m[1])
		}
		if len(items) < 3 {
			t.Fatalf("the checklist shows %d items", len(items))
		}
		fields := url.Values{"template_id": {tpl.String()}, "item": items}
		for _, it := range items[1:] {
			fields.Set("res_"+it, "pass")
		}
		res := ent.PostMultipart("/enterprises/"+own+"/self-inspection", fields, nil, true)
		apptest.WantPage(t, "unanswered", res, http.StatusUnprocessableEntity, []string{"请选择结果", `id="item-` + items[0] + `"`}, nil)
		fields.Set("res_"+items[0], "fail")
		fields.Set("note_"+items[0], "二号楼临边防护栏杆缺失")
		res = ent.PostMultipart("/enterprises/"+own+"/self-inspection", fields, []apptest.File{{Field: "photo_" + items[0], Name: "临边.png", Data: apptest.PNG(t)}}, true)
		m := regexp.MustCompile(`^/self-inspections/(\d+)$`).FindStringSubmatch(res.Header.Get("Location"))
		if res.Status != http.StatusSeeOther || m == nil {
			t.Fatalf("submit: %d to %q\n%s", res.Status, res.Header.Get("Location"), apptest.Snippet(res.Body))
		}
		result := ent.Get(res.Header.Get("Location"))
		apptest.WantPage(t, "result", result, http.StatusOK, []string{"自查结果已提交。", "已生成 1 项隐患", "二号楼临边防护栏杆缺失", "YH2026", "已上报"}, nil)
		hz := regexp.MustCompile(`href="/hazards/(\d+)"`).FindStringSubmatch(string(result.Body))
		if hz == nil {
			t.Fatalf("the result links no hazard")
		}
		var src string
		var photos int
		if err := e.App.DB.QueryRow(t.Context(), `SELECT h.source, (SELECT COUNT(*) FROM hazard_attachments a WHERE a.hazard_id = h.id) FROM hazards h WHERE h.id = ?`,
			hz[1]).Scan(&src, &photos); err != nil {
			t.Fatal(err)
		}
		if src != "self_inspection" || photos != 1 {
			t.Errorf("the failed item's hazard: source %s with %d photos, want self_inspection with 1", src, photos)
		}
		town := e.SignIn(apptest.UserTown1)
		apptest.WantPage(t, "town reads the result", town.Get(res.Header.Get("Location")), http.StatusOK, []string{"东湖建工集团有限公司", "二号楼临边防护栏杆缺失"}, nil)
		if res := town.Get("/enterprises/" + own + "/self-inspection"); res.Status != http.StatusForbidden {
			t.Errorf("a town opens the self-inspection form: %d, want 403", res.Status)
		}
		town2 := e.SignIn(apptest.UserTown2)
		apptest.WantPage(t, "another town's result", town2.Get(res.Header.Get("Location")), http.StatusNotFound, nil, []string{"东湖建工"})
		other := e.F.Enterprises[1].String()
		if res := ent.Get("/enterprises/" + other + "/self-inspection"); res.Status != http.StatusNotFound {
			t.Errorf("an enterprise inspects another: %d, want 404", res.Status)
		}
		apptest.WantPage(t, "home after", ent.Get("/"), http.StatusOK, []string{"上次自查"}, nil)
	})
}

// The self-inspection page renders in both languages for the enterprise's account; a
// town may not file one.
func TestPages_SelfInspectionRendersInBothLanguages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		own := e.F.Enterprises[0].String()
		ent, town := e.SignIn(apptest.UserEnt), e.SignIn(apptest.UserTown1)
		apptest.WantBothLanguages(t, []apptest.PageCase{
			apptest.Case(ent, "/enterprises/"+own+"/self-inspection", []string{"自查自报"}, []string{"Self-inspection"}),
		}, []string{"西山建材有限公司"})
		apptest.WantPage(t, "town on self-inspection", town.Get("/enterprises/"+own+"/self-inspection"), http.StatusForbidden, nil, nil)
	})
}
