package riskpoint_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

// riskPoint registers a risk point as user and returns its id.
func riskPoint(t *testing.T, e *apptest.Env, user, ent string, body map[string]any) string {
	t.Helper()
	res := e.As(user, "POST", "/api/v1/enterprises/"+ent+"/risk-points", body)
	if res.Status != http.StatusCreated {
		t.Fatalf("risk point %v as %s: %d %s", body["name"], user, res.Status, res.Body)
	}
	return res.Map(t)["id"].(string)
}

// The enterprise keeps its own risk points; supervisors in scope may too; nobody else
// writes them, and nobody outside the scope sees them.
func TestRiskPoints_CRUDAndScope(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		own, other := e.F.Enterprises[0].String(), e.F.Enterprises[1].String()
		body := map[string]any{"name": "钢筋加工棚", "place": "3号楼北侧", "hazard_factors": "机械伤害、触电", "accident_types": "机械伤害",
			"control_measures": "防护罩、漏电保护", "responsible": "李工", "grade": "significant"}
		res := e.As(apptest.UserEnt, "POST", "/api/v1/enterprises/"+own+"/risk-points", body)
		if res.Status != http.StatusCreated {
			t.Fatalf("enterprise registers its risk point: %d %s", res.Status, res.Body)
		}
		rp := res.Map(t)
		id := rp["id"].(string)
		if rp["color"] != "orange" || rp["controls_ok"] != true || rp["checked_at"] != nil || rp["enterprise_name"] != "东湖建工集团有限公司" {
			t.Errorf("created: %v", rp)
		}
		for _, c := range []struct {
			user, ent string
			want      int
		}{
			{apptest.UserEnt, other, http.StatusNotFound},    // another enterprise
			{apptest.UserTown2, own, http.StatusNotFound},    // another town
			{apptest.UserReader, own, http.StatusForbidden},  // sees it, may not write
			{apptest.UserPatrol1, own, http.StatusForbidden}, // the grid's patroller neither
		} {
			if res := e.As(c.user, "POST", "/api/v1/enterprises/"+c.ent+"/risk-points", body); res.Status != c.want {
				t.Errorf("%s registers at %s: %d, want %d", c.user, c.ent, res.Status, c.want)
			}
		}
		f := apptest.FieldRules(t, e.As(apptest.UserTown1, "POST", "/api/v1/enterprises/"+own+"/risk-points", map[string]any{"grade": "huge", "checked_at": "2030-01-01"}))
		if f["name"] != "required" || f["grade"] != "one_of" || f["checked_at"] != "not_future" {
			t.Errorf("invalid risk point: %v", f)
		}
		riskPoint(t, e, apptest.UserTown1, own, map[string]any{"name": "临时用电配电房", "grade": "low", "controls_ok": true})

		list := func(user, query string) map[string]any {
			t.Helper()
			res := e.As(user, "GET", "/api/v1/risk-points"+query, nil)
			if res.Status != http.StatusOK {
				t.Fatalf("list %s as %s: %d %s", query, user, res.Status, res.Body)
			}
			return res.Map(t)
		}
		// The fixture gives each enterprise one general risk point.
		if n := list(apptest.UserTown1, "")["total"]; n != float64(3) {
			t.Errorf("town01 sees %v risk points, want 3", n)
		}
		if l := list(apptest.UserTown2, ""); l["total"] != float64(1) || strings.Contains(string(e.As(apptest.UserTown2, "GET", "/api/v1/risk-points", nil).Body), "钢筋加工棚") {
			t.Errorf("town02 sees: %v", l)
		}
		if n := list(apptest.UserEnt, "")["total"]; n != float64(3) {
			t.Errorf("enterprise sees %v of its risk points, want 3", n)
		}
		if n := list(apptest.UserAdmin, "")["total"]; n != float64(4) {
			t.Errorf("the district sees %v, want 4", n)
		}
		first := list(apptest.UserTown1, "?per_page=1")["items"].([]any)[0].(map[string]any)
		if first["name"] != "钢筋加工棚" {
			t.Errorf("worst grade first: %v", first["name"])
		}
		if l := list(apptest.UserAdmin, "?grade=low,significant&enterprise_id="+own+"&sort=name"); l["total"] != float64(2) {
			t.Errorf("grade filter: %v", l)
		}
		if l := list(apptest.UserAdmin, "?town_id="+e.F.Towns[1].String()+"&industry=construction&controls_ok=true"); l["total"] != float64(1) {
			t.Errorf("town filter: %v", l)
		}
		if res := e.As(apptest.UserAdmin, "GET", "/api/v1/risk-points?grade=huge", nil); res.Status != http.StatusBadRequest {
			t.Errorf("bad grade filter: %d", res.Status)
		}
		csv := e.As(apptest.UserTown1, "GET", "/api/v1/risk-points?format=csv&q=钢筋", nil)
		if lines := strings.Split(strings.TrimSpace(string(csv.Body)), "\n"); len(lines) != 2 || !strings.Contains(lines[1], "较大风险") {
			t.Errorf("csv:\n%s", csv.Body)
		}
		if res := e.As(apptest.UserTown1, "GET", "/api/v1/risk-points?format=xlsx", nil); res.Status != http.StatusOK || len(res.Body) < 100 {
			t.Errorf("xlsx: %d", res.Status)
		}

		// Read and change.
		if res := e.As(apptest.UserTown2, "GET", "/api/v1/risk-points/"+id, nil); res.Status != http.StatusNotFound {
			t.Errorf("town02 reads it: %d", res.Status)
		}
		if res := e.As(apptest.UserTown2, "PATCH", "/api/v1/risk-points/"+id, map[string]any{"name": "x"}); res.Status != http.StatusNotFound {
			t.Errorf("town02 changes it: %d", res.Status)
		}
		if res := e.As(apptest.UserReader, "PATCH", "/api/v1/risk-points/"+id, map[string]any{"name": "x"}); res.Status != http.StatusForbidden {
			t.Errorf("a reader changes it: %d", res.Status)
		}
		res = e.As(apptest.UserEnt, "PATCH", "/api/v1/risk-points/"+id, map[string]any{"controls_ok": false, "controls_reason": "防护罩缺失", "control_measures": "加装防护罩"})
		if res.Status != http.StatusOK {
			t.Fatalf("patch: %d %s", res.Status, res.Body)
		}
		if rp := res.Map(t); rp["controls_ok"] != false || rp["checked_at"] == nil || rp["control_measures"] != "加装防护罩" || rp["name"] != "钢筋加工棚" {
			t.Errorf("patched: %v", rp)
		}
		if f := apptest.FieldRules(t, e.As(apptest.UserEnt, "PATCH", "/api/v1/risk-points/"+id, map[string]any{"name": " "})); f["name"] != "required" {
			t.Errorf("blank name: %v", f)
		}
		if res := e.As(apptest.UserDept, "GET", "/api/v1/risk-points/"+id, nil); res.Status != http.StatusOK {
			t.Errorf("the construction department reads it: %d", res.Status)
		}
		// Every write is audited.
		audit := e.As(apptest.UserAdmin, "GET", "/api/v1/audit?action=enterprise.&object_type=risk_point&object_id="+id, nil)
		if audit.Status != http.StatusOK || audit.Map(t)["total"] != float64(2) {
			t.Errorf("audit of the risk point: %s", audit.Body)
		}
	})
}

// A major risk point whose controls fail turns its enterprise red by rule R4 in the same
// request; fixing the controls (or lowering the grade) turns it back.
func TestRiskPoints_MajorUncontrolledTurnsRed(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ent := e.F.Enterprises[0].String()
		color := func() map[string]any {
			t.Helper()
			return e.As(apptest.UserTown1, "GET", "/api/v1/enterprises/"+ent+"/color", nil).Map(t)
		}
		id := riskPoint(t, e, apptest.UserEnt, ent, map[string]any{"name": "深基坑", "grade": "major", "control_measures": "支护、监测"})
		if c := color()["color"]; c != "green" {
			t.Fatalf("a controlled major risk: %v", c)
		}
		patch := func(body map[string]any) {
			t.Helper()
			if res := e.As(apptest.UserEnt, "PATCH", "/api/v1/risk-points/"+id, body); res.Status != http.StatusOK {
				t.Fatalf("patch %v: %d %s", body, res.Status, res.Body)
			}
		}
		patch(map[string]any{"controls_ok": false, "controls_reason": "基坑监测停了"})
		c := color()
		reasons := c["reasons"].([]any)
		if c["color"] != "red" || len(reasons) != 1 || reasons[0].(map[string]any)["rule"] != "R4" ||
			!strings.Contains(reasons[0].(map[string]any)["text"].(string), "重大风险") {
			t.Fatalf("uncontrolled major risk: %v", c)
		}
		if n := len(c["measures"].([]any)); n != 5 {
			t.Errorf("joint constraints: %d", n)
		}
		patch(map[string]any{"controls_ok": true})
		c = color()
		hist := c["history"].([]any)
		if c["color"] != "green" || len(hist) != 2 || hist[0].(map[string]any)["cause"] != "risk_point" {
			t.Errorf("controls fixed: %v", c)
		}
		// The grade counts too: an uncontrolled point stops counting when it is no longer major.
		patch(map[string]any{"controls_ok": false, "controls_reason": "基坑监测停了"})
		if c := color()["color"]; c != "red" {
			t.Fatalf("uncontrolled again: %v", c)
		}
		patch(map[string]any{"grade": "significant"})
		if c := color()["color"]; c != "green" {
			t.Errorf("after lowering the grade: %v", c)
		}
		// Registering one uncontrolled is red at once; deleting it is green again.
		id2 := riskPoint(t, e, apptest.UserTown1, ent, map[string]any{"name": "塔吊", "grade": "major", "controls_ok": false, "controls_reason": "限位器失灵"})
		if c := color()["color"]; c != "red" {
			t.Errorf("registered uncontrolled: %v", c)
		}
		if res := e.As(apptest.UserTown1, "DELETE", "/api/v1/risk-points/"+id2, nil); res.Status != http.StatusNoContent {
			t.Fatalf("delete: %d %s", res.Status, res.Body)
		}
		if c := color()["color"]; c != "green" {
			t.Errorf("after deleting it: %v", c)
		}
	})
}

// The four-color view counts risk points per grade in each town, enterprise or industry.
func TestRiskPoints_Summary(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e1, e2 := e.F.Enterprises[0].String(), e.F.Enterprises[1].String()
		for _, b := range []map[string]any{
			{"name": "深基坑", "grade": "major", "controls_ok": false, "controls_reason": "支护变形"},
			{"name": "高支模", "grade": "major"},
			{"name": "塔吊", "grade": "significant"},
			{"name": "木工棚", "grade": "general"},
		} {
			riskPoint(t, e, apptest.UserTown1, e1, b)
		}
		riskPoint(t, e, apptest.UserTown2, e2, map[string]any{"name": "办公区", "grade": "low"})
		summary := func(user, query string) map[string]any {
			t.Helper()
			res := e.As(user, "GET", "/api/v1/risk-points/summary"+query, nil)
			if res.Status != http.StatusOK {
				t.Fatalf("summary %s: %d %s", query, res.Status, res.Body)
			}
			return res.Map(t)
		}
		row := func(r any) [6]float64 {
			m := r.(map[string]any)
			return [6]float64{m["major"].(float64), m["significant"].(float64), m["general"].(float64), m["low"].(float64),
				m["total"].(float64), m["uncontrolled_major"].(float64)}
		}
		s := summary(apptest.UserAdmin, "")
		rows := s["rows"].([]any)
		if s["group"] != "town" || len(rows) != 2 {
			t.Fatalf("by town: %v", s)
		}
		byName := map[string][6]float64{}
		for _, r := range rows {
			byName[r.(map[string]any)["name"].(string)] = row(r)
		}
		// The fixture's general point of each enterprise counts too.
		if byName["东湖镇"] != [6]float64{2, 1, 2, 0, 5, 1} || byName["西山镇"] != [6]float64{0, 0, 1, 1, 2, 0} {
			t.Errorf("by town: %v", byName)
		}
		if row(s["total"]) != [6]float64{2, 1, 3, 1, 7, 1} || s["total"].(map[string]any)["enterprises"] != float64(2) {
			t.Errorf("total: %v", s["total"])
		}
		s = summary(apptest.UserAdmin, "?group=enterprise")
		first := s["rows"].([]any)[0].(map[string]any)
		if first["key"] != e1 || first["name"] != "东湖建工集团有限公司" || first["uncontrolled_major"] != float64(1) {
			t.Errorf("by enterprise, worst first: %v", s["rows"])
		}
		s = summary(apptest.UserAdmin, "?group=industry&lang=en")
		if rows := s["rows"].([]any); len(rows) != 1 || rows[0].(map[string]any)["key"] != "construction" ||
			rows[0].(map[string]any)["name"] != "Construction" || rows[0].(map[string]any)["enterprises"] != float64(2) {
			t.Errorf("by industry: %v", s)
		}
		s = summary(apptest.UserTown2, "")
		if rows := s["rows"].([]any); len(rows) != 1 || row(rows[0]) != [6]float64{0, 0, 1, 1, 2, 0} {
			t.Errorf("town02's view: %v", s)
		}
		if n := summary(apptest.UserAdmin, "?grade=major&group=enterprise")["total"].(map[string]any)["total"]; n != float64(2) {
			t.Errorf("filtered by grade: %v", n)
		}
		if res := e.As(apptest.UserAdmin, "GET", "/api/v1/risk-points/summary?group=planet", nil); res.Status != http.StatusBadRequest {
			t.Errorf("unknown group: %d", res.Status)
		}
	})
}

// A hazard found at a risk point links to it (and must be at its enterprise); a risk
// point that a hazard links to cannot be deleted.
func TestRiskPoints_HazardLinkBlocksDelete(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ent := e.F.Enterprises[0].String()
		id := riskPoint(t, e, apptest.UserEnt, ent, map[string]any{"name": "卸料平台", "grade": "significant"})
		hazard := map[string]any{"title": "卸料平台限载标识缺失", "category": "unsafe_condition", "industry": "construction", "grade": "general",
			"grid_id": e.F.Grids[0][2].String(), "enterprise_id": ent, "risk_point_id": e.F.Samples[1]["risk_point"]}
		if f := apptest.FieldRules(t, e.As(apptest.UserPatrol1, "POST", "/api/v1/hazards", hazard)); f["risk_point_id"] != "unknown_ref" {
			t.Errorf("a risk point of another enterprise: %v", f)
		}
		noEnt := map[string]any{"title": "x", "category": "unsafe_condition", "industry": "construction", "grade": "general",
			"grid_id": e.F.Grids[0][2].String(), "place": "路口", "risk_point_id": id}
		if f := apptest.FieldRules(t, e.As(apptest.UserPatrol1, "POST", "/api/v1/hazards", noEnt)); f["enterprise_id"] != "required" {
			t.Errorf("a risk point without its enterprise: %v", f)
		}
		hazard["risk_point_id"] = id
		res := e.As(apptest.UserPatrol1, "POST", "/api/v1/hazards", hazard)
		if res.Status != http.StatusCreated {
			t.Fatalf("report at the risk point: %d %s", res.Status, res.Body)
		}
		h := res.Map(t)
		if h["risk_point_id"] != id || h["risk_point_name"] != "卸料平台" {
			t.Errorf("hazard at the risk point: %v %v", h["risk_point_id"], h["risk_point_name"])
		}
		if rp := e.As(apptest.UserTown1, "GET", "/api/v1/risk-points/"+id, nil).Map(t); rp["open_hazards"] != float64(1) {
			t.Errorf("open hazards at the risk point: %v", rp["open_hazards"])
		}
		res = e.As(apptest.UserEnt, "DELETE", "/api/v1/risk-points/"+id, nil)
		if res.Status != http.StatusConflict || !strings.Contains(string(res.Body), "1") {
			t.Errorf("delete while linked: %d %s", res.Status, res.Body)
		}
		// One without hazards goes; then it is gone.
		free := riskPoint(t, e, apptest.UserEnt, ent, map[string]any{"name": "食堂", "grade": "low"})
		if res := e.As(apptest.UserTown2, "DELETE", "/api/v1/risk-points/"+free, nil); res.Status != http.StatusNotFound {
			t.Errorf("town02 deletes it: %d", res.Status)
		}
		if res := e.As(apptest.UserEnt, "DELETE", "/api/v1/risk-points/"+free, nil); res.Status != http.StatusNoContent {
			t.Fatalf("delete: %d %s", res.Status, res.Body)
		}
		if res := e.As(apptest.UserEnt, "GET", "/api/v1/risk-points/"+free, nil); res.Status != http.StatusNotFound {
			t.Errorf("after deleting: %d", res.Status)
		}
	})
}
