package riskpoint_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

// The risk point pages render in both languages without an untranslated key; another
// town's enterprise is not found.
func TestPages_RiskPointsRenderInBothLanguages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		own, other := e.F.Enterprises[0].String(), e.F.Enterprises[1].String()
		town := e.SignIn(apptest.UserTown1)
		apptest.WantBothLanguages(t, []apptest.PageCase{
			apptest.Case(town, "/enterprises/"+own+"/risk-points", []string{"风险点", "登记风险点"}, []string{"Risk points"}),
			apptest.Case(town, "/risk-points", []string{"风险四色图"}, []string{"Four-color risk map"}),
		}, []string{"西山建材有限公司"})
		apptest.WantPage(t, "town1 on another town's risk points", town.Get("/enterprises/"+other+"/risk-points"), http.StatusNotFound,
			[]string{"不在您的管辖范围内"}, []string{"西山建材有限公司"})
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
		apptest.WantPage(t, "no name", ent.PostForm("/enterprises/"+own+"/risk-points", url.Values{"grade": {"major"}}, true),
			http.StatusUnprocessableEntity, []string{"必填"}, nil)
		page := ent.Follow(t, "add", ent.PostForm("/enterprises/"+own+"/risk-points", url.Values{"name": {"液氨储罐区"}, "grade": {"major"},
			"hazard_factors": {"液氨泄漏"}, "accident_types": {"中毒、爆炸"}, "controls_ok": {"false"}, "controls_reason": {"泄漏报警器损坏"}}, true), "/enterprises/"+own+"/risk-points")
		apptest.WantPage(t, "added", page, http.StatusOK, []string{"风险点已登记。", "液氨储罐区", "失效", "可能导致：中毒、爆炸", "1 处重大风险点管控措施失效"}, nil)
		apptest.WantPage(t, "red", ent.Get("/enterprises/"+own), http.StatusOK, []string{"红色企业", "有 1 处重大风险点管控措施失效"}, nil)
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
		town.Follow(t, "controls", town.PostForm("/risk-points/"+rp+"/controls", url.Values{"controls_ok": {"true"}}, true),
			"/enterprises/"+own+"/risk-points#rp-"+rp)
		apptest.WantPage(t, "green again", town.Get("/enterprises/"+own), http.StatusOK, []string{"绿色企业"}, nil)
		apptest.WantPage(t, "map", town.Get("/risk-points"), http.StatusOK, []string{"风险四色图", "东湖建工集团有限公司"}, []string{"西山建材"})
		apptest.WantPage(t, "map by industry", town.Get("/risk-points?group=industry"), http.StatusOK, []string{"建设施工", "data-chart"}, nil)
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
