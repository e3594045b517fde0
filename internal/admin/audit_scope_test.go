package admin_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

// The audit log names records of every town, so only a district-wide user reads it: an
// administrator of a town (audit.read, but a town's scope) is refused the log, through
// the API and the page, and neither the navigation nor the home panel offers it; the
// district's administrator still reads it.
func TestAudit_DistrictWideOnly(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		res := e.As(apptest.UserAdmin, "POST", "/api/v1/users", map[string]any{"username": "town-admin", "display_name": "镇管理员",
			"password": "Harbour-lamp-2026", "org_id": e.F.Units["town1gov"].String(), "roles": []string{"admin", "safety_office"}})
		if res.Status != http.StatusCreated {
			t.Fatalf("create the town's administrator: %d %s", res.Status, res.Body)
		}
		res = e.Do("POST", "/api/v1/session", "", map[string]string{"username": "town-admin", "password": "Harbour-lamp-2026"})
		if res.Status != http.StatusOK {
			t.Fatalf("sign in: %d %s", res.Status, res.Body)
		}
		token := res.Map(t)["token"].(string)
		if res := e.Do("GET", "/api/v1/audit", token, nil); res.Status != http.StatusForbidden {
			t.Errorf("town administrator GET /api/v1/audit: %d, want 403", res.Status)
		}
		if res := e.As(apptest.UserAdmin, "GET", "/api/v1/audit", nil); res.Status != http.StatusOK {
			t.Errorf("district administrator GET /api/v1/audit: %d, want 200", res.Status)
		}

		b := e.NewBrowser()
		if res := b.PostForm("/login", map[string][]string{"username": {"town-admin"}, "password": {"Harbour-lamp-2026"}}, false); res.Status != http.StatusSeeOther {
			t.Fatalf("sign in through the form: %d", res.Status)
		}
		if res := b.Get("/admin/audit"); res.Status != http.StatusForbidden {
			t.Errorf("town administrator /admin/audit: %d, want 403", res.Status)
		}
		home := b.Get("/")
		if home.Status != http.StatusOK || !strings.Contains(string(home.Body), `href="/admin/users"`) {
			t.Fatalf("town administrator's home: %d, without the administrator's panel", home.Status)
		}
		if strings.Contains(string(home.Body), `href="/admin/audit`) {
			t.Errorf("the town administrator's home offers the audit log")
		}
		if district := e.SignIn(apptest.UserAdmin).Get("/"); !strings.Contains(string(district.Body), `href="/admin/audit`) {
			t.Errorf("the district administrator's home does not offer the audit log")
		}
	})
}
