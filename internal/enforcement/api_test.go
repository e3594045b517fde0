package enforcement_test

import (
	"net/http"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

// The enforcement ladder: a suspension suspends; failing it flags the enterprise (red)
// and only then may it be proposed for closure, which closes it.
func TestEnforcement_Ladder(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ent := e.F.Enterprises[0].String()
		post := func(user, path string, body any) *apptest.Response {
			return e.As(user, "POST", path, body)
		}
		res := post(apptest.UserDept, "/api/v1/enterprises/"+ent+"/enforcement", map[string]any{"kind": "closure_proposal", "reason": "屡教不改"})
		if res.Status != http.StatusConflict {
			t.Errorf("closure before a failed suspension: %d %s", res.Status, res.Body)
		}
		if f := apptest.FieldRules(t, post(apptest.UserDept, "/api/v1/enterprises/"+ent+"/enforcement", map[string]any{"kind": "max_penalty", "reason": "拒不整改"})); f["amount_yuan"] != "amount_required" {
			t.Errorf("penalty without an amount: %v", f)
		}
		res = post(apptest.UserDept, "/api/v1/enterprises/"+ent+"/enforcement", map[string]any{"kind": "max_penalty", "reason": "拒不整改重大隐患",
			"amount_yuan": 300000, "doc_number": "临应急罚〔2026〕12号", "attachments": []string{e.Upload(t, apptest.UserDept)}})
		if res.Status != http.StatusCreated || len(res.Map(t)["attachments"].([]any)) != 1 {
			t.Fatalf("max penalty: %d %s", res.Status, res.Body)
		}
		if c := e.As(apptest.UserDept, "GET", "/api/v1/enterprises/"+ent, nil).Map(t); c["color"] != "yellow" {
			t.Errorf("after a penalty: %v (want yellow by Y3)", c["color"])
		}
		res = post(apptest.UserDept, "/api/v1/enterprises/"+ent+"/enforcement", map[string]any{"kind": "suspension", "reason": "停产整改", "deadline": "2026-04-15"})
		if res.Status != http.StatusCreated {
			t.Fatalf("suspension: %d %s", res.Status, res.Body)
		}
		susp := res.Map(t)["id"].(string)
		if s := e.As(apptest.UserDept, "GET", "/api/v1/enterprises/"+ent, nil).Map(t)["status"]; s != "suspended" {
			t.Errorf("status after suspension: %v", s)
		}
		if res := post(apptest.UserTown2, "/api/v1/enforcement/"+susp+"/outcome", map[string]any{"outcome": "failed"}); res.Status != http.StatusNotFound {
			t.Errorf("another town sets the outcome: %d", res.Status)
		}
		if res := post(apptest.UserDept, "/api/v1/enforcement/"+susp+"/outcome", map[string]any{"outcome": "failed", "note": "复查仍不达标"}); res.Status != http.StatusOK {
			t.Fatalf("outcome: %d %s", res.Status, res.Body)
		}
		c := e.As(apptest.UserDept, "GET", "/api/v1/enterprises/"+ent, nil).Map(t)
		if c["closure_flagged"] != true || c["color"] != "red" {
			t.Errorf("after a failed suspension: flagged=%v color=%v", c["closure_flagged"], c["color"])
		}
		res = post(apptest.UserDept, "/api/v1/enterprises/"+ent+"/enforcement", map[string]any{"kind": "closure_proposal", "reason": "停产整改后仍不达标"})
		if res.Status != http.StatusCreated {
			t.Fatalf("closure proposal: %d %s", res.Status, res.Body)
		}
		closure := res.Map(t)["id"].(string)
		post(apptest.UserDept, "/api/v1/enforcement/"+closure+"/outcome", map[string]any{"outcome": "done"})
		if s := e.As(apptest.UserDept, "GET", "/api/v1/enterprises/"+ent, nil).Map(t)["status"]; s != "closed" {
			t.Errorf("status after the closure: %v", s)
		}
		steps := e.As(apptest.UserTown1, "GET", "/api/v1/enterprises/"+ent+"/enforcement", nil).Map(t)["total"]
		if steps != float64(4) { // the fixture's rectification order, the penalty, the suspension, the closure
			t.Errorf("enforcement steps: %v", steps)
		}
	})
}
