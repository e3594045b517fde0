package enterprise_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

func TestRegistry_CreateValidatesCreditCode(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		good := apptest.CreditCode("91330199MA2T09000")
		bad := good[:17] + string("0123456789ABCDEFGHJKLMNPQRTUWXY"[(strings.IndexByte("0123456789ABCDEFGHJKLMNPQRTUWXY", good[17])+1)%31])
		body := map[string]any{"name": "湖滨物流有限公司", "credit_code": bad, "industry": "road_traffic",
			"grid_id": e.F.Grids[0][0].String(), "scale": "small", "safety_phone": "13800001111"}
		res := e.As(apptest.UserTown1, "POST", "/api/v1/enterprises", body)
		if f := apptest.FieldRules(t, res); res.Status != http.StatusUnprocessableEntity || f["credit_code"] != "credit_check" {
			t.Fatalf("wrong check character: %d %v", res.Status, f)
		}
		body["credit_code"] = strings.ToLower(good)
		res = e.As(apptest.UserTown1, "POST", "/api/v1/enterprises", body)
		if res.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		ent := res.Map(t)
		if ent["credit_code"] != good || ent["color"] != "yellow" || ent["safety_phone"] != "138****1111" {
			t.Errorf("created: %v (want the code upper-cased, yellow for no standardization, a masked phone)", ent)
		}
		reasons := ent["reasons"].([]any)
		if len(reasons) != 1 || reasons[0].(map[string]any)["rule"] != "Y4" || !strings.Contains(reasons[0].(map[string]any)["text"].(string), "未达标") {
			t.Errorf("reasons: %v", reasons)
		}
		if res := e.As(apptest.UserTown1, "POST", "/api/v1/enterprises", body); apptest.FieldRules(t, res)["credit_code"] != "credit_taken" {
			t.Errorf("duplicate code: %d %s", res.Status, res.Body)
		}
		// A town cannot register an enterprise in another town's grid.
		body["grid_id"] = e.F.Grids[1][0].String()
		body["credit_code"] = apptest.CreditCode("91330199MA2T09100")
		if f := apptest.FieldRules(t, e.As(apptest.UserTown1, "POST", "/api/v1/enterprises", body)); f["grid_id"] != "unknown_ref" {
			t.Errorf("grid of another town: %v", f)
		}
		// A department registers only enterprises of its industries.
		body["grid_id"] = e.F.Grids[0][0].String()
		if f := apptest.FieldRules(t, e.As(apptest.UserDept, "POST", "/api/v1/enterprises", body)); f["industry"] != "industry_not_yours" {
			t.Errorf("department outside its industry: %v", f)
		}
	})
}

// The acceptance: an enterprise with an open major hazard turns red with that
// reason; closing the hazard recomputes its color; the constraint list holds exactly the
// red enterprises in scope.
func TestColor_MajorHazardTurnsRedAndBack(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ent := e.F.Enterprises[0].String()
		color := func(user string) map[string]any {
			t.Helper()
			return e.As(user, "GET", "/api/v1/enterprises/"+ent+"/color", nil).Map(t)
		}
		if c := color(apptest.UserTown1); c["color"] != "green" {
			t.Fatalf("fixture enterprise starts %v", c["color"])
		}
		res := e.As(apptest.UserPatrol1, "POST", "/api/v1/hazards", map[string]any{"title": "深基坑支护变形", "category": "unsafe_condition",
			"industry": "construction", "grade": "major", "grid_id": e.F.Grids[0][2].String(), "enterprise_id": ent})
		if res.Status != http.StatusCreated {
			t.Fatalf("report at the enterprise: %d %s", res.Status, res.Body)
		}
		hid := res.Map(t)["id"].(string)
		c := color(apptest.UserTown1)
		reasons := c["reasons"].([]any)
		if c["color"] != "red" || len(reasons) != 1 || reasons[0].(map[string]any)["rule"] != "R2" {
			t.Fatalf("after an open major hazard: %v", c)
		}
		if len(c["measures"].([]any)) != 5 {
			t.Errorf("a red enterprise meets the 5 joint constraints: %v", c["measures"])
		}
		list := e.As(apptest.UserTown1, "GET", "/api/v1/constraints", nil).Map(t)
		items := list["items"].([]any)
		if list["total"] != float64(1) || items[0].(map[string]any)["enterprise_id"] != ent || len(items[0].(map[string]any)["measures"].([]any)) != 5 {
			t.Errorf("constraints for town01: %v", list)
		}
		if n := e.As(apptest.UserTown2, "GET", "/api/v1/constraints", nil).Map(t)["total"]; n != float64(0) {
			t.Errorf("town02 sees %v red enterprises of town01", n)
		}
		csv := e.As(apptest.UserAdmin, "GET", "/api/v1/constraints?format=csv", nil)
		if lines := strings.Split(strings.TrimSpace(string(csv.Body)), "\n"); len(lines) != 2 || !strings.Contains(lines[1], "东湖建工") {
			t.Errorf("constraint csv:\n%s", csv.Body)
		}
		// Close the hazard through the loop; the color follows.
		steps := []struct {
			user string
			body map[string]any
		}{
			{apptest.UserTown1, map[string]any{"action": "assign", "owner_id": e.F.Users[apptest.UserEnt].String(), "supervisor_org_id": e.F.Units["construction"].String(),
				"measures": "加固支护", "deadline": "2026-04-01", "responsibility": "项目经理", "funds_yuan": 50000, "contingency_plan": "撤离预案",
				"listing_leader_id": e.F.Leader.String()}},
			{apptest.UserEnt, map[string]any{"action": "start"}},
			{apptest.UserEnt, map[string]any{"action": "submit", "attachments": []string{e.Upload(t, apptest.UserEnt)}}},
			{apptest.UserDept, map[string]any{"action": "accept", "on_site": true, "attachments": []string{e.Upload(t, apptest.UserDept)},
				"participants": "住建委、东湖镇", "conclusion": "整改到位"}},
		}
		for _, s := range steps {
			if res := e.As(s.user, "POST", "/api/v1/hazards/"+hid+"/actions", s.body); res.Status != http.StatusOK {
				t.Fatalf("%v: %d %s", s.body["action"], res.Status, res.Body)
			}
		}
		c = color(apptest.UserTown1)
		hist := c["history"].([]any)
		if c["color"] != "green" || len(hist) != 2 || hist[0].(map[string]any)["to"] != "green" || hist[1].(map[string]any)["to"] != "red" {
			t.Errorf("after closing: %v", c)
		}
		if n := e.As(apptest.UserTown1, "GET", "/api/v1/constraints", nil).Map(t)["total"]; n != float64(0) {
			t.Errorf("constraints after leaving red: %v", n)
		}
	})
}

// An enterprise user sees its own file and gets 404 for any other enterprise.
func TestScope_EnterpriseSeesItself(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		own := e.F.Enterprises[0].String()
		if res := e.As(apptest.UserEnt, "GET", "/api/v1/enterprises/"+own, nil); res.Status != http.StatusOK {
			t.Fatalf("own file: %d %s", res.Status, res.Body)
		}
		neighbour := e.As(apptest.UserTown1, "POST", "/api/v1/enterprises", map[string]any{"name": "东湖加油站", "credit_code": apptest.CreditCode("91330199MA2T08000"),
			"industry": "hazardous_chemicals", "grid_id": e.F.Grids[0][2].String(), "scale": "small", "standard_grade": "level3"}).Map(t)["id"].(string)
		for _, id := range []string{neighbour, e.F.Enterprises[1].String()} {
			for _, suffix := range []string{"", "/color", "/visits", "/enforcement"} {
				if res := e.As(apptest.UserEnt, "GET", "/api/v1/enterprises/"+id+suffix, nil); res.Status != http.StatusNotFound {
					t.Errorf("enterprise user reads %s%s: %d", id, suffix, res.Status)
				}
			}
		}
		list := e.As(apptest.UserEnt, "GET", "/api/v1/enterprises", nil).Map(t)
		if list["total"] != float64(1) || list["items"].([]any)[0].(map[string]any)["id"] != own {
			t.Errorf("enterprise user's list: %v", list)
		}
		// Its hazards: those of its enterprise (the fixture's hazards are at public places).
		if n := e.As(apptest.UserEnt, "GET", "/api/v1/hazards", nil).Map(t)["total"]; n != float64(0) {
			t.Errorf("enterprise user sees %v hazards of others", n)
		}
	})
}

// Rules are versioned; a preview tells what a change would recolor without doing it.
func TestRules_PreviewAndSave(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		rules := e.As(apptest.UserAdmin, "GET", "/api/v1/color-rules", nil).Map(t)
		cur := rules["current"].(map[string]any)
		if cur["version"] != float64(0) || len(cur["rules"].([]any)) != 9 {
			t.Fatalf("default rules: %v", cur)
		}
		// Make level-2 standardization yellow too.
		rs := cur["rules"].([]any)
		for _, r := range rs {
			rm := r.(map[string]any)
			if rm["id"] == "Y4" {
				rm["grades"] = []string{"none", "level2"}
			}
		}
		cand := map[string]any{"rules": rs, "inspection_months": map[string]int{"red": 1, "yellow": 2, "green": 12}, "note": "二级也列黄"}
		prev := e.As(apptest.UserAdmin, "POST", "/api/v1/color-rules/preview", cand)
		if prev.Status != http.StatusOK {
			t.Fatalf("preview: %d %s", prev.Status, prev.Body)
		}
		p := prev.Map(t)
		if p["moves"].(map[string]any)["green→yellow"] != float64(2) || len(p["changes"].([]any)) != 2 {
			t.Errorf("preview: %v", p)
		}
		if c := e.As(apptest.UserAdmin, "GET", "/api/v1/enterprises/"+e.F.Enterprises[0].String(), nil).Map(t)["color"]; c != "green" {
			t.Errorf("a preview recolored: %v", c)
		}
		if res := e.As(apptest.UserTown1, "POST", "/api/v1/color-rules", cand); res.Status != http.StatusForbidden {
			t.Errorf("a town saves rules: %d", res.Status)
		}
		bad := map[string]any{"rules": []any{map[string]any{"id": "X", "fact": "astrology", "color": "purple", "enabled": true}},
			"inspection_months": map[string]int{"red": 0, "yellow": 3, "green": 12}}
		if f := apptest.FieldRules(t, e.As(apptest.UserAdmin, "POST", "/api/v1/color-rules", bad)); f["rules[0].fact"] != "one_of" || f["rules[0].color"] != "one_of" || f["inspection_months.red"] != "between" {
			t.Errorf("bad rules: %v", f)
		}
		saved := e.As(apptest.UserAdmin, "POST", "/api/v1/color-rules", cand)
		if saved.Status != http.StatusCreated || saved.Map(t)["version"] != float64(1) {
			t.Fatalf("save: %d %s", saved.Status, saved.Body)
		}
		if c := e.As(apptest.UserAdmin, "GET", "/api/v1/enterprises/"+e.F.Enterprises[0].String()+"/color", nil).Map(t); c["color"] != "yellow" || c["rule_version"] != float64(1) {
			t.Errorf("after saving: %v", c)
		}
	})
}

// Inspection frequency follows the color; a visit resets the clock.
func TestVisits_InspectionDue(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ent := e.F.Enterprises[0].String()
		due := func() float64 {
			return e.As(apptest.UserTown1, "GET", "/api/v1/enterprises?due_within_days=0", nil).Map(t)["total"].(float64)
		}
		if n := due(); n != 0 {
			t.Fatalf("due at creation: %v", n)
		}
		e.Clock.Advance(13 * 30 * 24 * 3600e9) // 13 months: a green enterprise is due yearly
		if n := due(); n != 1 {
			t.Fatalf("due after 13 months: %v", n)
		}
		res := e.As(apptest.UserTown1, "POST", "/api/v1/enterprises/"+ent+"/visits", map[string]any{"kind": "unannounced", "findings": 2, "note": "四不两直"})
		if res.Status != http.StatusCreated {
			t.Fatalf("visit: %d %s", res.Status, res.Body)
		}
		if n := due(); n != 0 {
			t.Errorf("due right after a visit: %v", n)
		}
		if f := apptest.FieldRules(t, e.As(apptest.UserTown1, "POST", "/api/v1/enterprises/"+ent+"/visits", map[string]any{"kind": "party"})); f["kind"] != "one_of" {
			t.Errorf("bad kind: %v", f)
		}
	})
}
