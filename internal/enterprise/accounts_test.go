package enterprise_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

// A town creates an account for its enterprise; the account signs in, must change its
// password, and then sees its own enterprise and nothing else.
func TestAccounts_SignInSeesOwnEnterprise(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ent, other := e.F.Enterprises[0].String(), e.F.Enterprises[1].String()
		path := "/api/v1/enterprises/" + ent + "/users"
		body := map[string]any{"username": "DH-Safety", "display_name": "东湖建工安全员", "password": "short1"}
		if f := apptest.FieldRules(t, e.As(apptest.UserTown1, "POST", path, body)); f["password"] != "password_short" {
			t.Errorf("a weak password: %v", f)
		}
		for _, c := range []struct {
			user, path string
			want       int
		}{
			{apptest.UserTown2, path, http.StatusNotFound},
			{apptest.UserEnt, path, http.StatusForbidden},
			{apptest.UserReader, path, http.StatusForbidden},
			{apptest.UserTown1, "/api/v1/enterprises/" + other + "/users", http.StatusNotFound},
		} {
			if res := e.As(c.user, "POST", c.path, body); res.Status != c.want {
				t.Errorf("%s creates at %s: %d, want %d", c.user, c.path, res.Status, c.want)
			}
			if res := e.As(c.user, "GET", c.path, nil); res.Status != c.want {
				t.Errorf("%s lists %s: %d, want %d", c.user, c.path, res.Status, c.want)
			}
		}
		body["password"] = "Harbor-light-2026"
		res := e.As(apptest.UserTown1, "POST", path, body)
		if res.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		if a := res.Map(t); a["username"] != "dh-safety" || a["must_change_password"] != true || a["display_name"] != "东湖建工安全员" {
			t.Errorf("created: %v", a)
		}
		if f := apptest.FieldRules(t, e.As(apptest.UserDept, "POST", path, body)); f["username"] != "taken" {
			t.Errorf("the same username again: %v", f)
		}
		// The fixture's ent1 belongs to this enterprise too.
		list := e.As(apptest.UserDept, "GET", path, nil).Map(t)
		if list["total"] != float64(2) || list["items"].([]any)[0].(map[string]any)["username"] != "dh-safety" {
			t.Errorf("the construction department lists: %v", list)
		}
		if n := e.As(apptest.UserAdmin, "GET", "/api/v1/enterprises/"+other+"/users", nil).Map(t)["total"]; n != float64(0) {
			t.Errorf("the other enterprise has %v accounts", n)
		}
		if csv := e.As(apptest.UserTown1, "GET", path+"?format=csv", nil); !strings.Contains(string(csv.Body), "dh-safety") {
			t.Errorf("csv:\n%s", csv.Body)
		}
		users := e.As(apptest.UserAdmin, "GET", "/api/v1/users?q=dh-safety", nil)
		if !strings.Contains(string(users.Body), `"enterprise"`) || !strings.Contains(string(users.Body), "东湖村") {
			t.Errorf("the account is an enterprise user at the enterprise's village: %s", users.Body)
		}

		// Sign in.
		login := e.Do("POST", "/api/v1/session", "", map[string]string{"username": "dh-safety", "password": "Harbor-light-2026"})
		if login.Status != http.StatusOK {
			t.Fatalf("sign in: %d %s", login.Status, login.Body)
		}
		tok := login.Map(t)["token"].(string)
		if me := e.Do("GET", "/api/v1/me", tok, nil).Map(t); me["must_change_password"] != true {
			t.Errorf("must change the password: %v", me)
		}
		if res := e.Do("POST", "/api/v1/me/password", tok, map[string]string{"current_password": "Harbor-light-2026", "new_password": "Harbor-light-2027"}); res.Status != http.StatusNoContent {
			t.Fatalf("change password: %d %s", res.Status, res.Body)
		}
		ents := e.Do("GET", "/api/v1/enterprises", tok, nil).Map(t)
		if ents["total"] != float64(1) || ents["items"].([]any)[0].(map[string]any)["id"] != ent {
			t.Errorf("the account's enterprises: %v", ents)
		}
		if res := e.Do("GET", "/api/v1/enterprises/"+other, tok, nil); res.Status != http.StatusNotFound {
			t.Errorf("another enterprise: %d", res.Status)
		}
		if n := e.Do("GET", "/api/v1/risk-points", tok, nil).Map(t)["total"]; n != float64(1) {
			t.Errorf("risk points the account sees: %v", n)
		}
		// It files its enterprise's self-inspection.
		c := e.Do("GET", "/api/v1/checklists", tok, nil).Map(t)["items"].([]any)[0].(map[string]any) // the general one comes first
		var results []map[string]any
		for _, it := range c["items"].([]any) {
			results = append(results, map[string]any{"item_id": it.(map[string]any)["id"], "result": "pass"})
		}
		res = e.Do("POST", "/api/v1/enterprises/"+ent+"/self-inspections", tok, map[string]any{"template_id": c["id"], "results": results})
		if res.Status != http.StatusCreated || res.Map(t)["done_by"] != "东湖建工安全员" {
			t.Errorf("self-inspection by the new account: %d %s", res.Status, res.Body)
		}
	})
}

// Documents (一企一档): the enterprise and its town keep uploaded files with a title and a
// kind; whoever sees the enterprise lists and downloads them; another town gets 404.
func TestDocuments_ListedAndDownloadable(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ent := e.F.Enterprises[0].String()
		path := "/api/v1/enterprises/" + ent + "/documents"
		file := e.Upload(t, apptest.UserEnt)
		f := apptest.FieldRules(t, e.As(apptest.UserEnt, "POST", path, map[string]any{"attachment_id": file, "kind": "poem"}))
		if f["title"] != "required" || f["kind"] != "one_of" {
			t.Errorf("invalid document: %v", f)
		}
		if f := apptest.FieldRules(t, e.As(apptest.UserEnt, "POST", path, map[string]any{"attachment_id": e.F.Samples[1]["attachment"], "title": "x"})); f["attachment_id"] != "unknown" {
			t.Errorf("someone else's upload: %v", f)
		}
		if res := e.As(apptest.UserTown2, "POST", path, map[string]any{"attachment_id": file, "title": "x"}); res.Status != http.StatusNotFound {
			t.Errorf("town02 adds: %d", res.Status)
		}
		if res := e.As(apptest.UserReader, "POST", path, map[string]any{"attachment_id": file, "title": "x"}); res.Status != http.StatusForbidden {
			t.Errorf("a reader adds: %d", res.Status)
		}
		res := e.As(apptest.UserEnt, "POST", path, map[string]any{"attachment_id": file, "title": "安全生产许可证", "kind": "license"})
		if res.Status != http.StatusCreated {
			t.Fatalf("add: %d %s", res.Status, res.Body)
		}
		d := res.Map(t)
		if d["url"] != "/api/v1/attachments/"+file+"/content" || d["kind"] != "license" || d["content_type"] != "image/png" || d["added_by"] != "东湖企业" {
			t.Errorf("document: %v", d)
		}
		if f := apptest.FieldRules(t, e.As(apptest.UserEnt, "POST", path, map[string]any{"attachment_id": file, "title": "again"})); f["attachment_id"] != "document_exists" {
			t.Errorf("the same file twice: %v", f)
		}
		plan := e.Upload(t, apptest.UserTown1)
		if res := e.As(apptest.UserTown1, "POST", path, map[string]any{"attachment_id": plan, "title": "生产安全事故应急预案", "kind": "plan"}); res.Status != http.StatusCreated {
			t.Fatalf("the town adds: %d %s", res.Status, res.Body)
		}

		list := e.As(apptest.UserTown1, "GET", path+"?sort=title", nil).Map(t)
		if list["total"] != float64(2) {
			t.Fatalf("town01 lists: %v", list)
		}
		if n := e.As(apptest.UserEnt, "GET", path+"?kind=plan", nil).Map(t)["total"]; n != float64(1) {
			t.Errorf("the enterprise filters by kind: %v", n)
		}
		for _, user := range []string{apptest.UserTown1, apptest.UserDept, apptest.UserEnt} {
			if res := e.As(user, "GET", "/api/v1/attachments/"+file+"/content", nil); res.Status != http.StatusOK || len(res.Body) == 0 {
				t.Errorf("%s downloads the license: %d", user, res.Status)
			}
		}
		if res := e.As(apptest.UserEnt, "GET", "/api/v1/attachments/"+plan+"/content", nil); res.Status != http.StatusOK {
			t.Errorf("the enterprise downloads the plan the town added: %d", res.Status)
		}
		if res := e.As(apptest.UserTown2, "GET", path, nil); res.Status != http.StatusNotFound {
			t.Errorf("town02 lists: %d", res.Status)
		}
		if res := e.As(apptest.UserTown2, "GET", "/api/v1/attachments/"+file+"/content", nil); res.Status != http.StatusNotFound {
			t.Errorf("town02 downloads: %d", res.Status)
		}
		csv := e.As(apptest.UserTown1, "GET", path+"?format=csv", nil)
		if !strings.Contains(string(csv.Body), "安全生产许可证") || !strings.Contains(string(csv.Body), "证照") {
			t.Errorf("csv:\n%s", csv.Body)
		}
		if n := e.As(apptest.UserAdmin, "GET", "/api/v1/audit?action=enterprise.document_add", nil).Map(t)["total"]; n != float64(2) {
			t.Errorf("audited additions: %v", n)
		}
	})
}
