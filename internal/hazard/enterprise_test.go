package hazard_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// Tests of issue 7's hazard defects: a hazard names its enterprise (report, PATCH,
// assign, owner choices, color), the listing leader hears of the listing and filters by
// it, the reject notice gives the reason, the source follows the reporter's place.

// reportAt files a hazard as user in grid and returns it; extra fields are added.
func reportAt(t *testing.T, e *apptest.Env, user string, grid db.ID, grade string, extra map[string]any) map[string]any {
	t.Helper()
	body := map[string]any{"title": "围挡外堆放钢管", "category": "unsafe_condition", "industry": "construction", "grade": grade,
		"grid_id": grid.String(), "place": "工地东门外"}
	for k, v := range extra {
		body[k] = v
	}
	res := e.As(user, "POST", "/api/v1/hazards", body)
	if res.Status != http.StatusCreated {
		t.Fatalf("report as %s: %d %s", user, res.Status, res.Body)
	}
	return res.Map(t)
}

// entColor is an enterprise's color as the town sees it.
func entColor(t *testing.T, e *apptest.Env, ent db.ID) string {
	t.Helper()
	c, _ := e.As(apptest.UserTown1, "GET", "/api/v1/enterprises/"+ent.String()+"/color", nil).Map(t)["color"].(string)
	return c
}

// wantField fails unless res is a 422 naming field with a message containing msg.
func wantField(t *testing.T, name string, res *apptest.Response, field, msg string) {
	t.Helper()
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("%s: %d %s, want 422", name, res.Status, res.Body)
	}
	for _, f := range res.Map(t)["errors"].([]any) {
		fm := f.(map[string]any)
		if fm["field"] == field && strings.Contains(fm["message"].(string), msg) {
			return
		}
	}
	t.Errorf("%s: no error on %s saying %q: %s", name, field, msg, res.Body)
}

// A patroller names the enterprise when reporting (its industry is the default); PATCH
// sets, refuses and removes it, with history; the enterprise's color follows; another
// town's enterprise is refused.
func TestHazardEnterprise_ReportAndPatch(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ent := e.F.Enterprises[0]
		// Reported at the enterprise, in another grid of the enterprise's village, with
		// neither place nor industry: the enterprise's industry it is.
		res := e.As(apptest.UserPatrol1, "POST", "/api/v1/hazards", map[string]any{"title": "塔吊基础积水", "category": "unsafe_condition",
			"grade": "general", "grid_id": e.F.Grids[0][1].String(), "enterprise_id": ent.String()})
		if res.Status != http.StatusCreated {
			t.Fatalf("report at the enterprise: %d %s", res.Status, res.Body)
		}
		h := res.Map(t)
		if h["enterprise_id"] != ent.String() || h["enterprise_name"] != "东湖建工集团有限公司" || h["industry"] != "construction" {
			t.Errorf("reported: %v", h)
		}
		// Another town's enterprise: out of the patroller's scope.
		wantField(t, "report at another town's enterprise", e.As(apptest.UserPatrol1, "POST", "/api/v1/hazards", map[string]any{
			"title": "x", "category": "unsafe_condition", "grade": "general", "grid_id": e.F.Grids[0][1].String(),
			"enterprise_id": e.F.Enterprises[1].String()}), "enterprise_id", "")

		// A major hazard reported at a public place; the town names the enterprise.
		if c := entColor(t, e, ent); c != "green" {
			t.Fatalf("the enterprise starts %s", c)
		}
		major := reportAt(t, e, apptest.UserPatrol1, e.F.Grids[0][1], "major", nil)
		id := major["id"].(string)
		if entColor(t, e, ent) != "green" {
			t.Fatalf("a major hazard of no enterprise recolored it")
		}
		res = e.As(apptest.UserTown1, "PATCH", "/api/v1/hazards/"+id, map[string]any{"enterprise_id": ent.String()})
		if res.Status != http.StatusOK || res.Map(t)["enterprise_name"] != "东湖建工集团有限公司" {
			t.Fatalf("patch the enterprise: %d %s", res.Status, res.Body)
		}
		if c := entColor(t, e, ent); c != "red" {
			t.Errorf("with an open major hazard the enterprise is %s, want red", c)
		}
		// Another town's enterprise: unknown to town01; the district sees it, but it lies
		// elsewhere.
		wantField(t, "town01 names town02's enterprise", e.As(apptest.UserTown1, "PATCH", "/api/v1/hazards/"+id,
			map[string]any{"enterprise_id": e.F.Enterprises[1].String()}), "enterprise_id", "")
		wantField(t, "admin names town02's enterprise", e.As(apptest.UserAdmin, "PATCH", "/api/v1/hazards/"+id,
			map[string]any{"enterprise_id": e.F.Enterprises[1].String()}), "enterprise_id", "不在隐患所在的村（社区）")
		// null removes it (the hazard names a place); the enterprise is green again.
		res = e.As(apptest.UserTown1, "PATCH", "/api/v1/hazards/"+id, `{"enterprise_id": null}`)
		if res.Status != http.StatusOK || res.Map(t)["enterprise_id"] != nil {
			t.Fatalf("remove the enterprise: %d %s", res.Status, res.Body)
		}
		if c := entColor(t, e, ent); c != "green" {
			t.Errorf("after the hazard left it, the enterprise is %s", c)
		}
		// The first hazard names no place: its enterprise cannot go.
		wantField(t, "remove the only where", e.As(apptest.UserPatrol1, "PATCH", "/api/v1/hazards/"+h["id"].(string), `{"enterprise_id": null}`),
			"enterprise_id", "场所")

		var hist struct {
			Items []struct {
				Action string
				Data   map[string]any
			}
		}
		e.As(apptest.UserTown1, "GET", "/api/v1/hazards/"+id+"/history", nil).JSON(t, &hist)
		var got []string
		for _, ev := range hist.Items {
			if ev.Action == "edit" {
				got = append(got, ev.Data["enterprise"].(string))
			}
		}
		if strings.Join(got, "|") != "东湖建工集团有限公司|" {
			t.Errorf("history of the enterprise: %q", got)
		}
	})
}

// The town names the enterprise when assigning, and the enterprise's account is then an
// owner choice and may own it, in one step; an enterprise account bound anywhere is a
// choice when its enterprise is the hazard's.
func TestHazardEnterprise_AssignAndOwnerChoices(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ent, entUser := e.F.Enterprises[0], e.F.Users[apptest.UserEnt]
		h := reportAt(t, e, apptest.UserPatrol1, e.F.Grids[0][1], "general", nil)
		id := h["id"].(string)
		town := e.SignIn(apptest.UserTown1)
		// Without an enterprise the enterprise's account is no choice.
		apptest.WantPage(t, "assign form, no enterprise", town.Get("/hazards/"+id), http.StatusOK,
			[]string{`name="ent_q"`, "东湖建工集团有限公司", `hx-get="/hazards/` + id + `/owner-choices"`}, []string{`value="` + entUser.String() + `"`})
		// Picking it in the form reloads the owners with its account.
		apptest.WantPage(t, "owners for the enterprise", town.Get("/hazards/"+id+"/owner-choices?enterprise_id="+ent.String(), "HX-Request", "true", "HX-Target", "owner_id"),
			http.StatusOK, []string{`value="` + entUser.String() + `"`, "东湖企业"}, []string{"<html"})
		// The search finds it by part of its name or its credit code, in the grid's village.
		apptest.WantPage(t, "search by name", town.Get("/hazards/enterprise-choices?grid_id="+e.F.Grids[0][1].String()+"&ent_q=建工", "HX-Request", "true", "HX-Target", "ent-choices"),
			http.StatusOK, []string{`value="` + ent.String() + `"`}, nil)
		code := strings.ToLower(apptest.CreditCode("91330199MA2T01000")) // the fixture's, typed in lower case
		apptest.WantPage(t, "search by credit code", town.Get("/hazards/enterprise-choices?grid_id="+e.F.Grids[0][1].String()+"&ent_q="+url.QueryEscape(code[4:12]),
			"HX-Request", "true", "HX-Target", "ent-choices"), http.StatusOK, []string{`value="` + ent.String() + `"`}, nil)
		apptest.WantPage(t, "search with no match", town.Get("/hazards/enterprise-choices?grid_id="+e.F.Grids[0][1].String()+"&ent_q=西山",
			"HX-Request", "true", "HX-Target", "ent-choices"), http.StatusOK, []string{"没有找到匹配的企业"}, []string{`value="` + ent.String() + `"`})

		// The assign form names the enterprise and its account as owner at once.
		res := actForm(town, id, url.Values{"action": {"assign"}, "enterprise_id": {ent.String()}, "owner_id": {entUser.String()},
			"supervisor_org_id": {e.F.Units["town1gov"].String()}, "measures": {"清理钢管"}, "deadline": {"2026-03-20"}})
		page := wantRedirect(t, "assign with the enterprise", town, res, "/hazards/"+id)
		apptest.WantPage(t, "assigned", page, http.StatusOK, []string{"东湖建工集团有限公司", "东湖企业"}, nil)
		got := e.As(apptest.UserEnt, "GET", "/api/v1/hazards/"+id, nil).Map(t)
		if got["enterprise_id"] != ent.String() || got["owner_id"] != entUser.String() {
			t.Errorf("after assign: %v", got)
		}
		// Through the API, another town's enterprise is refused.
		body := assignBody(e, "2026-03-20")
		body["enterprise_id"] = e.F.Enterprises[1].String()
		wantField(t, "assign another town's enterprise", act(e, apptest.UserTown1, id, body), "enterprise_id", "")

		// An enterprise account that sits elsewhere (here at the district's safety office)
		// is a choice for its enterprise's hazards.
		var safetyPath string
		ctx := context.Background()
		if err := e.App.DB.QueryRow(ctx, `SELECT path FROM orgs WHERE id = ?`, e.F.Units["safety"]).Scan(&safetyPath); err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.DB.Exec(ctx, `UPDATE users SET org_id = ?, org_path = ? WHERE id = ?`, e.F.Units["safety"], safetyPath, entUser); err != nil {
			t.Fatal(err)
		}
		apptest.WantPage(t, "owners: the account at the district", town.Get("/hazards/"+id), http.StatusOK, []string{`value="` + entUser.String() + `"`}, nil)
	})
}

// Listing a major hazard (挂牌督办) tells the listing leader once; the list filters by
// listing leader (API and page); a rejection's notice gives the reason in both languages.
func TestHazardListing_NoticeFilterAndRejectReason(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		h := report(t, e, "major")
		id := h["id"].(string)
		body := assignBody(e, "2026-04-30")
		for k, v := range map[string]any{"responsibility": "项目经理王某", "funds_yuan": 50000, "contingency_plan": "停工撤人",
			"listing_leader_id": e.F.Leader.String(), "listing_doc": "安委办〔2026〕3 号"} {
			body[k] = v
		}
		if res := act(e, apptest.UserTown1, id, body); res.Status != http.StatusOK {
			t.Fatalf("assign a major hazard: %d %s", res.Status, res.Body)
		}
		listed := func() []map[string]any {
			var out []map[string]any
			for _, n := range e.As(apptest.UserLeader, "GET", "/api/v1/notifications", nil).Map(t)["items"].([]any) {
				if nm := n.(map[string]any); nm["kind"] == "hazard.listed" {
					out = append(out, nm)
				}
			}
			return out
		}
		ns := listed()
		if len(ns) != 1 || !strings.Contains(ns[0]["text"].(string), h["code"].(string)) || !strings.Contains(ns[0]["text"].(string), "挂牌督办") ||
			ns[0]["link"] != "/hazards/"+id {
			t.Fatalf("the listing leader's notices: %v", ns)
		}
		if res := act(e, apptest.UserTown1, id, body); res.Status != http.StatusOK { // re-assigned, same leader
			t.Fatalf("re-assign: %d %s", res.Status, res.Body)
		}
		if n := len(listed()); n != 1 {
			t.Errorf("a re-assignment to the same leader notified again: %d notices", n)
		}

		// The filter.
		for leader, want := range map[string]float64{e.F.Leader.String(): 1, e.F.Patrollers[0][0].String(): 0} {
			if n := e.As(apptest.UserTown1, "GET", "/api/v1/hazards?listing_leader_id="+leader, nil).Map(t)["total"]; n != want {
				t.Errorf("listing_leader_id=%s: %v hazards, want %v", leader, n, want)
			}
		}
		town := e.SignIn(apptest.UserTown1)
		apptest.WantPage(t, "list filter", town.Get("/hazards?listing_leader_id="+e.F.Leader.String()), http.StatusOK,
			[]string{`<select id="listing_leader_id" name="listing_leader_id">`, `<option value="` + e.F.Leader.String() + `" selected>钱分管</option>`, h["code"].(string)}, nil)
		apptest.WantPage(t, "list filter of town02", e.SignIn(apptest.UserTown2).Get("/hazards"), http.StatusOK, nil, []string{`id="listing_leader_id"`})

		// Rejected: the owner's notice says why, in both languages.
		for _, s := range []struct {
			user string
			body map[string]any
		}{
			{apptest.UserEnt, map[string]any{"action": "start"}},
			{apptest.UserEnt, map[string]any{"action": "submit", "attachments": []string{e.Upload(t, apptest.UserEnt)}}},
			{apptest.UserDept, map[string]any{"action": "reject", "comment": "北侧仍有缺口"}},
		} {
			if res := act(e, s.user, id, s.body); res.Status != http.StatusOK {
				t.Fatalf("%v: %d %s", s.body["action"], res.Status, res.Body)
			}
		}
		for lang, want := range map[string]string{"zh": "退回原因：北侧仍有缺口", "en": "Reason: 北侧仍有缺口"} {
			found := false
			for _, n := range e.As(apptest.UserEnt, "GET", "/api/v1/notifications", nil, "Accept-Language", lang).Map(t)["items"].([]any) {
				if nm := n.(map[string]any); nm["kind"] == "hazard.reject" {
					found = strings.Contains(nm["text"].(string), want)
					if !found {
						t.Errorf("%s reject notice: %q", lang, nm["text"])
					}
				}
			}
			if !found {
				t.Errorf("%s: no reject notice with %q", lang, want)
			}
		}
	})
}

// The source follows the reporter's place: a town's own inspection is not labelled a
// department's (issue 7); each role's default, and its label on the hazard's page.
func TestReport_SourceByRole(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		for _, c := range []struct {
			user, source, label string
		}{
			{apptest.UserPatrol1, "grid_patrol", "网格巡查"},
			{apptest.UserVillage, "grid_patrol", "网格巡查"},
			{apptest.UserTown1, "department_inspection", "监管检查"},
			{apptest.UserDept, "department_inspection", "监管检查"},
			{apptest.UserAdmin, "department_inspection", "监管检查"},
			{apptest.UserLeader, "supervision_group", "督查组"},
		} {
			h := reportAt(t, e, c.user, e.F.Grids[0][0], "general", nil)
			if h["source"] != c.source {
				t.Errorf("%s reports from %v, want %s", c.user, h["source"], c.source)
			}
			apptest.WantPage(t, c.user+"'s hazard", e.SignIn(apptest.UserTown1).Get("/hazards/"+h["id"].(string)), http.StatusOK, []string{c.label}, []string{"部门检查"})
		}
		// The enterprise's own report is its self-inspection.
		h := reportAt(t, e, apptest.UserEnt, e.F.Grids[0][2], "general", map[string]any{"enterprise_id": e.F.Enterprises[0].String()})
		if h["source"] != "self_inspection" {
			t.Errorf("the enterprise reports from %v", h["source"])
		}
	})
}
