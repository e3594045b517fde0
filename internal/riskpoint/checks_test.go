package riskpoint_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

// Marking a risk point's controls failed is a safety decision (a major one turns its
// enterprise red and onto the joint-constraint list): the API refuses it without a
// reason, naming the field; the reason is stored on the risk point, in its history and
// in the audit. Controls that fail already, or work again, need none.
func TestRiskPoints_FailingControlsNeedAReason(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ent := e.F.Enterprises[0].String()
		id := riskPoint(t, e, apptest.UserEnt, ent, map[string]any{"name": "液氨储罐区", "grade": "major", "control_measures": "泄漏报警、专人值守"})
		color := func() string {
			t.Helper()
			return e.As(apptest.UserTown1, "GET", "/api/v1/enterprises/"+ent+"/color", nil).Map(t)["color"].(string)
		}
		for _, body := range []map[string]any{{"controls_ok": false}, {"controls_ok": false, "controls_reason": "  "}} {
			res := e.As(apptest.UserTown1, "PATCH", "/api/v1/risk-points/"+id, body)
			if f := apptest.FieldRules(t, res); res.Status != http.StatusUnprocessableEntity || f["controls_reason"] != "required" {
				t.Fatalf("failing without a reason %v: %d %s", body, res.Status, res.Body)
			}
			if !strings.Contains(string(res.Body), "标记管控失效须说明原因") {
				t.Errorf("the refusal does not say what is missing: %s", res.Body)
			}
		}
		if c := color(); c != "green" {
			t.Fatalf("a refused marking changed the color: %s", c)
		}
		if f := apptest.FieldRules(t, e.As(apptest.UserTown1, "POST", "/api/v1/enterprises/"+ent+"/risk-points",
			map[string]any{"name": "锅炉房", "grade": "major", "controls_ok": false})); f["controls_reason"] != "required" {
			t.Errorf("registering a failing one without a reason: %v", f)
		}

		res := e.As(apptest.UserTown1, "PATCH", "/api/v1/risk-points/"+id, map[string]any{"controls_ok": false, "controls_reason": "泄漏报警器损坏，未安排专人值守"})
		if res.Status != http.StatusOK {
			t.Fatalf("failing with a reason: %d %s", res.Status, res.Body)
		}
		rp := res.Map(t)
		if rp["controls_ok"] != false || rp["controls_reason"] != "泄漏报警器损坏，未安排专人值守" {
			t.Errorf("marked: %v", rp)
		}
		if c := color(); c != "red" {
			t.Errorf("a major risk point out of control: %s, want red", c)
		}
		// Failing already: another check needs no new reason.
		if res := e.As(apptest.UserEnt, "PATCH", "/api/v1/risk-points/"+id, map[string]any{"controls_ok": false}); res.Status != http.StatusOK {
			t.Errorf("re-checking failing controls: %d %s", res.Status, res.Body)
		}
		if res := e.As(apptest.UserEnt, "PATCH", "/api/v1/risk-points/"+id, map[string]any{"controls_ok": true, "controls_reason": "报警器已更换"}); res.Status != http.StatusOK {
			t.Fatalf("working again: %d %s", res.Status, res.Body)
		}
		got := e.As(apptest.UserTown1, "GET", "/api/v1/risk-points/"+id, nil).Map(t)
		hist, _ := got["history"].([]any)
		if len(hist) != 3 {
			t.Fatalf("history: %v", got["history"])
		}
		first, last := hist[2].(map[string]any), hist[0].(map[string]any)
		if first["controls_ok"] != false || first["reason"] != "泄漏报警器损坏，未安排专人值守" || first["by"] != "东湖镇用户" {
			t.Errorf("the marking in the history: %v", first)
		}
		if last["controls_ok"] != true || last["reason"] != "报警器已更换" {
			t.Errorf("the latest check: %v", last)
		}
		audit := e.As(apptest.UserAdmin, "GET", "/api/v1/audit?action=enterprise.risk_point_update&object_id="+id+"&result=ok", nil)
		if audit.Status != http.StatusOK || !strings.Contains(string(audit.Body), "泄漏报警器损坏，未安排专人值守") {
			t.Errorf("the audit lacks the reason: %s", audit.Body)
		}
	})
}

// The page: "标记为失效" leads to a confirmation that says what it does to the enterprise
// and asks for the reason (no script needed); without the reason the step comes back
// with the field's message; with it the point is marked, the enterprise is red, and the
// risk point's row shows the reason and its checks.
func TestPages_RiskControlsConfirmation(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ent := e.F.Enterprises[0].String()
		major := riskPoint(t, e, apptest.UserEnt, ent, map[string]any{"name": "液氨储罐区", "grade": "major"})
		minor := riskPoint(t, e, apptest.UserEnt, ent, map[string]any{"name": "办公区", "grade": "low"})
		town := e.SignIn(apptest.UserTown1)
		apptest.WantPage(t, "risk points", town.Get("/enterprises/"+ent+"/risk-points"), http.StatusOK,
			[]string{`href="/risk-points/` + major + `/controls"`}, []string{`<input type="hidden" name="controls_ok" value="false">`})
		apptest.WantPage(t, "confirm a major one", town.Get("/risk-points/"+major+"/controls"), http.StatusOK, []string{
			"标记风险点管控失效", "液氨储罐区",
			"标记后，东湖建工集团有限公司将因“有 1 处重大风险点管控措施失效”被评为红色企业，并列入联合惩戒名单",
			`name="controls_reason"`, "确认标记为失效"}, nil)
		apptest.WantPage(t, "confirm a low one", town.Get("/risk-points/"+minor+"/controls"), http.StatusOK,
			[]string{"只有重大风险点的管控失效计入企业三色分类"}, []string{"联合惩戒名单"})

		res := town.PostForm("/risk-points/"+major+"/controls", url.Values{"controls_ok": {"false"}, "controls_reason": {" "}}, true)
		apptest.WantPage(t, "no reason", res, http.StatusUnprocessableEntity, []string{"有 1 处输入需要修改：", `href="#controls_reason"`,
			"失效原因：标记管控失效须说明原因", "被评为红色企业"}, nil)
		apptest.WantPage(t, "still green", town.Get("/enterprises/"+ent), http.StatusOK, []string{"绿色企业"}, nil)

		page := town.Follow(t, "marked", town.PostForm("/risk-points/"+major+"/controls",
			url.Values{"controls_ok": {"false"}, "controls_reason": {"泄漏报警器损坏"}}, true), "/enterprises/"+ent+"/risk-points#rp-"+major)
		apptest.WantPage(t, "marked", page, http.StatusOK, []string{"已标记为管控失效", "原因：泄漏报警器损坏", "核查记录（1）", "东湖镇用户", "标记为失效：泄漏报警器损坏"}, nil)
		apptest.WantPage(t, "red", town.Get("/enterprises/"+ent), http.StatusOK, []string{"红色企业"}, nil)
		apptest.WantPage(t, "on the list", town.Get("/constraints"), http.StatusOK, []string{"东湖建工集团有限公司"}, nil)

		// Scope and rights as for every write.
		if res := e.SignIn(apptest.UserTown2).Get("/risk-points/" + major + "/controls"); res.Status != http.StatusNotFound {
			t.Errorf("another town's confirmation: %d, want 404", res.Status)
		}
		if res := e.SignIn(apptest.UserReader).Get("/risk-points/" + minor + "/controls"); res.Status != http.StatusForbidden {
			t.Errorf("a reader's confirmation: %d, want 403", res.Status)
		}
	})
}
