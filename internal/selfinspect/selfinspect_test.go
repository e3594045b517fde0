package selfinspect_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/selfinspect"
)

// checklist returns the checklist of an industry ("" for the general one) as served.
func checklist(t *testing.T, e *apptest.Env, industry string) map[string]any {
	t.Helper()
	res := e.As(apptest.UserEnt, "GET", "/api/v1/checklists?industry="+industry, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("checklists: %d %s", res.Status, res.Body)
	}
	for _, c := range res.Map(t)["items"].([]any) {
		cm := c.(map[string]any)
		if (industry == "" && cm["industry"] == nil) || cm["industry"] == industry {
			return cm
		}
	}
	t.Fatalf("no checklist for %q in %s", industry, res.Body)
	return nil
}

// answers answers every item of a checklist with pass, except those in special.
func answers(c map[string]any, special map[int]map[string]any) []map[string]any {
	var out []map[string]any
	for i, it := range c["items"].([]any) {
		a := map[string]any{"item_id": it.(map[string]any)["id"], "result": "pass"}
		for k, v := range special[i] {
			a[k] = v
		}
		out = append(out, a)
	}
	return out
}

// The migration seeds a general checklist and one per industry, with concrete items.
func TestChecklists_Seeded(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		all := e.As(apptest.UserReader, "GET", "/api/v1/checklists?per_page=100", nil).Map(t)
		if all["total"] != float64(13) {
			t.Fatalf("checklists: %v, want the general one and 12 industries", all["total"])
		}
		for _, c := range all["items"].([]any) {
			cm := c.(map[string]any)
			if n := len(cm["items"].([]any)); n < 8 || n > 12 {
				t.Errorf("%s has %d items", cm["name"], n)
			}
		}
		if first := all["items"].([]any)[0].(map[string]any); first["name"] != "通用安全自查表" || first["industry"] != nil {
			t.Errorf("the general checklist comes first: %v", first["name"])
		}
		c := checklist(t, e, "construction")
		item := c["items"].([]any)[0].(map[string]any)
		if c["name"] != "建设施工安全自查表" || item["text"] != "临边、洞口防护是否到位" || item["category"] != "unsafe_condition" || item["grade"] != "general" {
			t.Errorf("construction checklist: %v", c)
		}
		if n := e.As(apptest.UserEnt, "GET", "/api/v1/checklists?industry=construction", nil).Map(t)["total"]; n != float64(2) {
			t.Errorf("an industry sees its checklist and the general one: %v", n)
		}
		csv := e.As(apptest.UserEnt, "GET", "/api/v1/checklists?format=csv&industry=fire", nil)
		if !strings.Contains(string(csv.Body), "消防安全自查表") || !strings.Contains(string(csv.Body), "疏散通道") {
			t.Errorf("csv:\n%s", csv.Body)
		}
	})
}

// The acceptance: a self-inspection with two failed items files two hazards in
// the same transaction, visible to the town and to the enterprise, with source
// self_inspection; the inspection shows every answer and the hazards.
func TestSelfInspection_FailedItemsBecomeHazards(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ent := e.F.Enterprises[0].String()
		c := checklist(t, e, "construction")
		items := c["items"].([]any)
		photo := e.Upload(t, apptest.UserEnt)
		body := map[string]any{"template_id": c["id"], "note": "三月自查", "results": answers(c, map[int]map[string]any{
			0: {"result": "fail", "note": "3号楼五层电梯井口无防护", "photos": []string{photo}},
			1: {"result": "fail", "note": "基坑东侧位移超预警值"},
			2: {"result": "na"},
		})}
		res := e.As(apptest.UserEnt, "POST", "/api/v1/enterprises/"+ent+"/self-inspections", body)
		if res.Status != http.StatusCreated {
			t.Fatalf("self-inspection: %d %s", res.Status, res.Body)
		}
		si := res.Map(t)
		id := si["id"].(string)
		hids := si["hazard_ids"].([]any)
		results := si["results"].([]any)
		if si["failed"] != float64(2) || si["not_applicable"] != float64(1) || si["passed"] != float64(len(items)-3) || len(hids) != 2 ||
			len(results) != len(items) || si["template_name"] != "建设施工安全自查表" || si["done_by"] != "东湖企业" {
			t.Fatalf("inspection: %v", si)
		}
		r0 := results[0].(map[string]any)
		if r0["text"] != "临边、洞口防护是否到位" || r0["result"] != "fail" || r0["hazard_id"] != hids[0] || r0["hazard_status"] != "reported" ||
			!strings.HasPrefix(r0["hazard_code"].(string), "YH2026") || results[3].(map[string]any)["hazard_id"] != nil {
			t.Errorf("results: %v", results[:4])
		}

		// The town sees the two hazards, with the item's text, category and grade.
		for _, user := range []string{apptest.UserTown1, apptest.UserEnt} {
			list := e.As(user, "GET", "/api/v1/hazards?enterprise_id="+ent+"&source=self_inspection&sort=found_at", nil).Map(t)
			if list["total"] != float64(2) {
				t.Fatalf("%s sees %v self-inspection hazards", user, list["total"])
			}
		}
		// Each is titled with what was found, not with the question asked (issue 7); the
		// question stays in the description, after the enterprise's note.
		h := e.As(apptest.UserTown1, "GET", "/api/v1/hazards/"+hids[1].(string), nil).Map(t)
		if h["title"] != "深基坑支护或变形监测不符合专项方案" || h["title"] != items[1].(map[string]any)["finding"] || h["grade"] != "major" ||
			h["source"] != "self_inspection" || h["description"] != "基坑东侧位移超预警值\n自查项 2：深基坑支护及变形监测是否符合专项方案" ||
			h["grid_id"] != e.F.Grids[0][2].String() || h["found_by_name"] != "东湖企业" {
			t.Errorf("hazard of item 2: %v", h)
		}
		if h := e.As(apptest.UserTown1, "GET", "/api/v1/hazards/"+hids[0].(string), nil).Map(t); h["title"] != "临边、洞口防护不到位" {
			t.Errorf("hazard of item 1 is titled %q", h["title"])
		}
		// The photo went with its hazard, so the town may now see it.
		if res := e.As(apptest.UserTown1, "GET", "/api/v1/attachments/"+photo, nil); res.Status != http.StatusOK {
			t.Errorf("town01 sees the photo: %d", res.Status)
		}
		// The failed major item is an open major hazard: the enterprise turns red (R2).
		if c := e.As(apptest.UserTown1, "GET", "/api/v1/enterprises/"+ent+"/color", nil).Map(t); c["color"] != "red" {
			t.Errorf("after a failed major item: %v", c["color"])
		}

		// Reading back.
		if res := e.As(apptest.UserTown1, "GET", "/api/v1/self-inspections/"+id, nil); res.Status != http.StatusOK || len(res.Map(t)["results"].([]any)) != len(items) {
			t.Errorf("town01 reads it: %d", res.Status)
		}
		if res := e.As(apptest.UserTown2, "GET", "/api/v1/self-inspections/"+id, nil); res.Status != http.StatusNotFound {
			t.Errorf("town02 reads it: %d", res.Status)
		}
		list := e.As(apptest.UserEnt, "GET", "/api/v1/enterprises/"+ent+"/self-inspections", nil).Map(t)
		if list["total"] != float64(2) || list["items"].([]any)[0].(map[string]any)["id"] != id {
			t.Errorf("its self-inspections (the fixture's and this one, newest first): %v", list)
		}
		if n := e.As(apptest.UserTown1, "GET", "/api/v1/enterprises/"+ent+"/self-inspections?failed=true", nil).Map(t)["total"]; n != float64(1) {
			t.Errorf("with failed items: %v", n)
		}
		csv := e.As(apptest.UserTown1, "GET", "/api/v1/enterprises/"+ent+"/self-inspections?format=csv", nil)
		if lines := strings.Split(strings.TrimSpace(string(csv.Body)), "\n"); len(lines) != 3 || !strings.Contains(lines[1], "三月自查") {
			t.Errorf("csv:\n%s", csv.Body)
		}
		if res := e.As(apptest.UserTown2, "GET", "/api/v1/enterprises/"+ent+"/self-inspections", nil); res.Status != http.StatusNotFound {
			t.Errorf("town02 lists them: %d", res.Status)
		}
		audit := e.As(apptest.UserAdmin, "GET", "/api/v1/audit?action=enterprise.self_inspect&object_id="+id, nil).Map(t)
		if audit["total"] != float64(1) {
			t.Errorf("audit: %v", audit)
		}
	})
}

// Every item must be answered, by the enterprise's own account, against a checklist it
// may use; anything refused leaves no inspection and no hazard behind.
func TestSelfInspection_Refusals(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ent := e.F.Enterprises[0].String()
		c := checklist(t, e, "construction")
		post := func(user, entID string, body map[string]any) *apptest.Response {
			return e.As(user, "POST", "/api/v1/enterprises/"+entID+"/self-inspections", body)
		}
		full := answers(c, map[int]map[string]any{0: {"result": "fail"}})

		res := post(apptest.UserEnt, ent, map[string]any{"template_id": c["id"], "results": full[2:]})
		if f := apptest.FieldRules(t, res); res.Status != http.StatusUnprocessableEntity || f["results"] != "items_unanswered" {
			t.Errorf("two items unanswered: %d %s", res.Status, res.Body)
		} else if !strings.Contains(string(res.Body), "1, 2") {
			t.Errorf("the message names the items: %s", res.Body)
		}
		en := e.As(apptest.UserEnt, "POST", "/api/v1/enterprises/"+ent+"/self-inspections?lang=en", map[string]any{"template_id": c["id"], "results": full[1:]})
		if !strings.Contains(string(en.Body), "not answered") {
			t.Errorf("in English: %s", en.Body)
		}
		if res := post(apptest.UserTown1, ent, map[string]any{"template_id": c["id"], "results": full}); res.Status != http.StatusForbidden {
			t.Errorf("a town files it: %d", res.Status)
		}
		if res := post(apptest.UserEnt, e.F.Enterprises[1].String(), map[string]any{"template_id": c["id"], "results": full}); res.Status != http.StatusNotFound {
			t.Errorf("for another enterprise: %d", res.Status)
		}
		fire := e.As(apptest.UserEnt, "GET", "/api/v1/checklists?industry=fire", nil).Map(t)["items"].([]any)
		var fireID any
		for _, f := range fire {
			if f.(map[string]any)["industry"] == "fire" {
				fireID = f.(map[string]any)["id"]
			}
		}
		if f := apptest.FieldRules(t, post(apptest.UserEnt, ent, map[string]any{"template_id": fireID, "results": full})); f["template_id"] != "checklist_other_industry" {
			t.Errorf("another industry's checklist: %v", f)
		}
		if f := apptest.FieldRules(t, post(apptest.UserEnt, ent, map[string]any{"results": full})); f["template_id"] != "required" {
			t.Errorf("no checklist: %v", f)
		}
		bad := answers(c, map[int]map[string]any{0: {"result": "maybe"}, 1: {"photos": []string{e.Upload(t, apptest.UserEnt)}}})
		bad = append(bad, map[string]any{"item_id": bad[2]["item_id"], "result": "pass"})
		bad = append(bad, map[string]any{"item_id": fire[0].(map[string]any)["items"].([]any)[0].(map[string]any)["id"], "result": "pass"})
		f := apptest.FieldRules(t, post(apptest.UserEnt, ent, map[string]any{"template_id": c["id"], "results": bad}))
		if f["results[0].result"] != "one_of" || f["results[1].photos"] != "photos_fail_only" || f["results["+strconv.Itoa(len(bad)-2)+"].item_id"] != "item_repeated" ||
			f["results["+strconv.Itoa(len(bad)-1)+"].item_id"] != "item_not_in_checklist" {
			t.Errorf("bad answers: %v", f)
		}
		// A photo someone else uploaded cannot go with the failed item; nothing is kept.
		foreign := e.Upload(t, apptest.UserTown2)
		withForeign := answers(c, map[int]map[string]any{0: {"result": "fail"}, 3: {"result": "fail", "photos": []string{foreign}}})
		if f := apptest.FieldRules(t, post(apptest.UserEnt, ent, map[string]any{"template_id": c["id"], "results": withForeign})); f["results[3].photos"] != "unknown" {
			t.Errorf("a foreign photo: %v", f)
		}
		if n := e.As(apptest.UserTown1, "GET", "/api/v1/hazards?enterprise_id="+ent, nil).Map(t)["total"]; n != float64(0) {
			t.Errorf("refused inspections left %v hazards", n)
		}
		if n := e.As(apptest.UserTown1, "GET", "/api/v1/enterprises/"+ent+"/self-inspections", nil).Map(t)["total"]; n != float64(1) {
			t.Errorf("refused inspections left records: %v", n)
		}
	})
}

// Every seeded checklist item says what a failed answer found, as a statement a
// supervisor reads in a list, not the question asked (issue 7: hazards were titled
// "…是否…"); an item without a finding of its own falls back to a title that says the
// item failed.
func TestChecklists_FindingsTitleTheHazards(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		all := e.As(apptest.UserReader, "GET", "/api/v1/checklists?per_page=100", nil).Map(t)
		n := 0
		for _, c := range all["items"].([]any) {
			for _, it := range c.(map[string]any)["items"].([]any) {
				im := it.(map[string]any)
				f, _ := im["finding"].(string)
				n++
				if f == "" || strings.Contains(f, "是否") || strings.HasSuffix(f, "？") || f == im["text"] {
					t.Errorf("%s item %v: finding %q for %q", c.(map[string]any)["name"], im["position"], f, im["text"])
				}
			}
		}
		if n < 100 {
			t.Errorf("%d items checked", n)
		}
	})
	for _, c := range []struct {
		item selfinspect.ChecklistItem
		want string
	}{
		{selfinspect.ChecklistItem{Text: "消防通道是否畅通？", Finding: "消防通道不畅通"}, "消防通道不畅通"},
		{selfinspect.ChecklistItem{Text: "消防通道是否畅通？"}, "自查不符合：消防通道是否畅通"},
		{selfinspect.ChecklistItem{Text: strings.Repeat("长", 120)}, "自查不符合：" + strings.Repeat("长", 93) + "…"},
	} {
		if got := c.item.FindingTitle(); got != c.want {
			t.Errorf("FindingTitle(%+v) = %q, want %q", c.item, got, c.want)
		}
	}
}
