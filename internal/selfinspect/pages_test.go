package enterprise_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// pgPNG is a small valid photo.
func pgPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 16, 12))
	for x := range 16 {
		img.Set(x, 6, color.RGBA{R: 200, A: 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The enterprise's self-inspection through the page: pick the industry's checklist,
// leave an item unanswered (422, the answers kept), answer every item with one failure
// and its photo; the result lists the hazard the failure became. Other users may read
// the result in scope, not file one; another town gets 404.
func TestPages_SelfInspection(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		own := e.F.Enterprises[0].String()
		ent := e.SignIn(apptest.UserEnt)
		pick := ent.Get("/enterprises/" + own + "/self-inspection")
		pgWant(t, "pick", pick, http.StatusOK, []string{"选择检查表", "通用安全自查表", "建设施工安全自查表"}, nil)
		var tpl db.ID
		if err := e.App.DB.QueryRow(t.Context(), `SELECT id FROM checklist_templates WHERE industry = 'construction'`).Scan(&tpl); err != nil {
			t.Fatal(err)
		}
		page := ent.Get("/enterprises/" + own + "/self-inspection?template_id=" + tpl.String())
		pgWant(t, "checklist", page, http.StatusOK, []string{`enctype="multipart/form-data"`, `capture="environment"`, "合格", "不合格", "不适用"}, nil)
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
		res := pgMultipart(t, e, ent, "/enterprises/"+own+"/self-inspection", fields, nil, true)
		pgWant(t, "unanswered", res, http.StatusUnprocessableEntity, []string{"请选择结果", `id="item-` + items[0] + `"`}, nil)
		fields.Set("res_"+items[0], "fail")
		fields.Set("note_"+items[0], "二号楼临边防护栏杆缺失")
		res = pgMultipart(t, e, ent, "/enterprises/"+own+"/self-inspection", fields, []pgFile{{"photo_" + items[0], "临边.png", pgPNG(t)}}, true)
		m := regexp.MustCompile(`^/self-inspections/(\d+)$`).FindStringSubmatch(res.Header.Get("Location"))
		if res.Status != http.StatusSeeOther || m == nil {
			t.Fatalf("submit: %d to %q\n%s", res.Status, res.Header.Get("Location"), pgSnippet(res.Body))
		}
		result := ent.Get(res.Header.Get("Location"))
		pgWant(t, "result", result, http.StatusOK, []string{"自查结果已提交。", "已生成 1 项隐患", "二号楼临边防护栏杆缺失", "YH2026", "已上报"}, nil)
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
		pgWant(t, "town reads the result", town.Get(res.Header.Get("Location")), http.StatusOK, []string{"东湖建工集团有限公司", "二号楼临边防护栏杆缺失"}, nil)
		if res := town.Get("/enterprises/" + own + "/self-inspection"); res.Status != http.StatusForbidden {
			t.Errorf("a town opens the self-inspection form: %d, want 403", res.Status)
		}
		town2 := e.SignIn(apptest.UserTown2)
		pgWant(t, "another town's result", town2.Get(res.Header.Get("Location")), http.StatusNotFound, nil, []string{"东湖建工"})
		other := e.F.Enterprises[1].String()
		if res := ent.Get("/enterprises/" + other + "/self-inspection"); res.Status != http.StatusNotFound {
			t.Errorf("an enterprise inspects another: %d, want 404", res.Status)
		}
		pgWant(t, "home after", ent.Get("/"), http.StatusOK, []string{"上次自查"}, nil)
	})
}

// Risk points through the page: the enterprise registers a major one whose controls
// fail, which turns it red; the town marks the controls working again and it is green;
// the four-color view counts them.
func TestPages_RiskPoints(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		own := e.F.Enterprises[0].String()
		ent := e.SignIn(apptest.UserEnt)
		ent.Get("/enterprises/" + own + "/risk-points")
		pgWant(t, "no name", ent.PostForm("/enterprises/"+own+"/risk-points", url.Values{"grade": {"major"}}, true),
			http.StatusUnprocessableEntity, []string{"必填"}, nil)
		page := pgRedirect(t, "add", ent, ent.PostForm("/enterprises/"+own+"/risk-points", url.Values{"name": {"液氨储罐区"}, "grade": {"major"},
			"hazard_factors": {"液氨泄漏"}, "accident_types": {"中毒、爆炸"}, "controls_ok": {"false"}, "controls_reason": {"泄漏报警器损坏"}}, true), "/enterprises/"+own+"/risk-points")
		pgWant(t, "added", page, http.StatusOK, []string{"风险点已登记。", "液氨储罐区", "失效", "可能导致：中毒、爆炸", "1 处重大风险点管控措施失效"}, nil)
		pgWant(t, "red", ent.Get("/enterprises/"+own), http.StatusOK, []string{"红色企业", "有 1 处重大风险点管控措施失效"}, nil)
		id := regexp.MustCompile(`action="/risk-points/(\d+)/controls"`).FindAllStringSubmatch(string(page.Body), -1)
		var rp string
		for _, m := range id {
			if strings.Contains(string(page.Body), `id="rp-`+m[1]+`" class="rg-major"`) {
				rp = m[1]
			}
		}
		if rp == "" {
			t.Fatalf("no controls form for the major risk point")
		}
		town := e.SignIn(apptest.UserTown1)
		town.Get("/enterprises/" + own + "/risk-points")
		pgRedirect(t, "controls", town, town.PostForm("/risk-points/"+rp+"/controls", url.Values{"controls_ok": {"true"}}, true),
			"/enterprises/"+own+"/risk-points#rp-"+rp)
		pgWant(t, "green again", town.Get("/enterprises/"+own), http.StatusOK, []string{"绿色企业"}, nil)
		pgWant(t, "map", town.Get("/risk-points"), http.StatusOK, []string{"风险四色图", "东湖建工集团有限公司"}, []string{"西山建材"})
		pgWant(t, "map by industry", town.Get("/risk-points?group=industry"), http.StatusOK, []string{"建设施工", "data-chart"}, nil)
		town2 := e.SignIn(apptest.UserTown2)
		if res := town2.PostForm("/risk-points/"+rp+"/controls", url.Values{"controls_ok": {"false"}}, true); res.Status != http.StatusNotFound {
			t.Errorf("another town's risk point: %d, want 404", res.Status)
		}
		reader := e.SignIn(apptest.UserReader)
		if res := reader.PostForm("/risk-points/"+rp+"/controls", url.Values{"controls_ok": {"false"}}, true); res.Status != http.StatusForbidden {
			t.Errorf("a reader changes controls: %d, want 403", res.Status)
		}
	})
}
