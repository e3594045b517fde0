package enterprise_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

// The enterprise list pages the same by page=1…N and by walking next in every order with
// keyset pages; a sort by a computed column (open_hazards) pages the plain way and
// refuses a cursor. Its text search finds names and credit codes on both engines.
func TestEnterprises_PagesByNextAndSearch(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		for i := range 5 {
			body := map[string]any{"name": []string{"湖滨物流有限公司", "湖滨建材厂", "Lakeside Steel Co", "东山化工", "西岭木业"}[i],
				"credit_code": apptest.CreditCode(fmt.Sprintf("91330199MA2T0%04d", 9000+i)), "industry": "road_traffic",
				"grid_id": e.F.Grids[0][i%3].String(), "scale": "small", "safety_phone": "13800001111"}
			if res := e.As(apptest.UserTown1, "POST", "/api/v1/enterprises", body); res.Status != http.StatusCreated {
				t.Fatalf("create: %d %s", res.Status, res.Body)
			}
		}
		type page struct {
			Total int
			Next  string
			Items []struct{ ID, Name string }
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
		for _, f := range []string{"name", "credit_code", "color", "next_inspection_at", "created_at", "updated_at"} {
			for _, sort := range []string{f, "-" + f} {
				all := ids(get("/api/v1/enterprises?per_page=100&sort=" + sort))
				var byPage, byNext []string
				for n := 1; n <= 4; n++ {
					byPage = append(byPage, ids(get(fmt.Sprintf("/api/v1/enterprises?per_page=2&page=%d&sort=%s", n, sort)))...)
				}
				p := get("/api/v1/enterprises?per_page=2&sort=" + sort)
				for n := 0; ; n++ {
					byNext = append(byNext, ids(p)...)
					if p.Next == "" || n > 5 {
						break
					}
					p = get("/api/v1/enterprises?per_page=2&sort=" + sort + "&after=" + url.QueryEscape(p.Next))
				}
				if len(all) != 7 || !slices.Equal(byPage, all) || !slices.Equal(byNext, all) {
					t.Errorf("sort %s: by page %v, by next %v; one page %v", sort, byPage, byNext, all)
				}
			}
		}
		p := get("/api/v1/enterprises?per_page=2&sort=-open_hazards")
		if len(p.Items) != 2 || p.Next != "" {
			t.Errorf("by open hazards: %d items, next %q; want 2 and no cursor", len(p.Items), p.Next)
		}
		next := get("/api/v1/enterprises?per_page=2").Next
		if res := e.As(apptest.UserAdmin, "GET", "/api/v1/enterprises?sort=-open_hazards&after="+url.QueryEscape(next), nil); res.Status != http.StatusBadRequest {
			t.Errorf("a cursor in the open hazards order: %d %s; want 400", res.Status, res.Body)
		}

		names := func(q string) (out []string) {
			for _, it := range get("/api/v1/enterprises?per_page=100&sort=name&q=" + url.QueryEscape(q)).Items {
				out = append(out, it.Name)
			}
			slices.Sort(out)
			return out
		}
		for q, want := range map[string][]string{
			"湖滨":             {"湖滨建材厂", "湖滨物流有限公司"},
			"湖滨物流":           {"湖滨物流有限公司"},
			"lakeside steel": {"Lakeside Steel Co"},
			"MA2T09002":      {"Lakeside Steel Co"},
			"ma2t0900":       {"Lakeside Steel Co", "东山化工", "湖滨建材厂", "湖滨物流有限公司", "西岭木业"},
			`Steel" OR "湖`:   nil,
		} {
			if got := names(q); !slices.Equal(got, want) {
				t.Errorf("q=%q: %q; want %q", q, got, want)
			}
		}
	})
}
