package admin_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

// The audit log, the longest list, pages by cursor (?after=) as by page number in every
// order.
func TestAudit_PagesByNext(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		for i := range 4 { // sign-ins write audit rows
			e.Do("POST", "/api/v1/session", "", map[string]string{"username": apptest.UserTown1, "password": fmt.Sprint("wrong", i)})
		}
		type page struct {
			Total int
			Next  string
			Items []struct{ ID string }
		}
		get := func(path string) page {
			t.Helper()
			res := e.As(apptest.UserAdmin, "GET", path, nil)
			if res.Status != http.StatusOK {
				t.Fatalf("%s: %d %s", path, res.Status, res.Body)
			}
			var p page
			res.JSON(t, &p)
			return p
		}
		ids := func(p page) (out []string) {
			for _, it := range p.Items {
				out = append(out, it.ID)
			}
			return out
		}
		for _, sort := range []string{"at", "-at", "username", "-username", "action", "-action", "id", "-id"} {
			all := get("/api/v1/audit?per_page=500&sort=" + sort)
			if len(all.Items) < 4 || len(all.Items) > 200 {
				t.Fatalf("%d audit rows; want 4 to 200 for this test", len(all.Items))
			}
			var byNext []string
			p := get("/api/v1/audit?per_page=20&sort=" + sort)
			for n := 0; n < 20; n++ {
				byNext = append(byNext, ids(p)...)
				if p.Next == "" {
					break
				}
				p = get("/api/v1/audit?per_page=20&sort=" + sort + "&after=" + url.QueryEscape(p.Next))
			}
			if !slices.Equal(byNext, ids(all)) {
				t.Errorf("sort %s: by next %v; one page %v", sort, byNext, ids(all))
			}
		}
	})
}
