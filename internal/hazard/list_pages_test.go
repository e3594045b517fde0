package hazard_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/hazard"
	"github.com/safeduty/safeduty/internal/platform/api"
)

// Every sort of the hazard list, both directions, pages the same three ways: page=1…N,
// walking next (?after=), and the export, which reads the joined rows in one ordered
// query (the way before ids came first). Some hazards have no deadline, so the NULLs of
// the nullable sort column are paged through too.
func TestHazards_PagesByNextEveryOrder(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		for i := range 7 {
			id := report(t, e, []string{"general", "major"}[i%2])["id"].(string)
			if i%2 == 0 { // two hazards a deadline apart, the rest without one
				act(e, apptest.UserTown1, id, assignBody(e, fmt.Sprintf("2026-03-%02d", 10+i%3)))
			}
		}
		type page struct {
			Total int
			Next  string
			Items []struct{ Code string }
		}
		get := func(path string) page {
			t.Helper()
			res := e.As(apptest.UserTown1, "GET", path, nil)
			if res.Status != http.StatusOK {
				t.Fatalf("%s: %d %s", path, res.Status, res.Body)
			}
			var p page
			res.JSON(t, &p)
			return p
		}
		codes := func(p page) (out []string) {
			for _, it := range p.Items {
				out = append(out, it.Code)
			}
			return out
		}
		fields := []string{"found_at", "deadline", "created_at", "updated_at", "code", "status", "grade", "title"}
		for _, small := range []int{0, 2000} {
			restore := hazard.SetSmallList(small)
			for _, f := range fields {
				for _, sort := range []string{f, "-" + f} {
					res := e.As(apptest.UserTown1, "GET", "/api/v1/hazards?format=csv&sort="+sort, nil)
					rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(res.Body, []byte("\xef\xbb\xbf")))).ReadAll()
					if err != nil || len(rows) < 2 {
						t.Fatalf("export by %s: %v (%d)", sort, err, res.Status)
					}
					var want []string
					for _, r := range rows[1:] {
						want = append(want, r[0])
					}
					var byPage, byNext []string
					for n := 1; n <= 4; n++ {
						byPage = append(byPage, codes(get(fmt.Sprintf("/api/v1/hazards?per_page=3&page=%d&sort=%s", n, sort)))...)
					}
					p := get("/api/v1/hazards?per_page=3&sort=" + sort)
					for n := 0; ; n++ {
						byNext = append(byNext, codes(p)...)
						if p.Next == "" || n > 5 {
							break
						}
						p = get("/api/v1/hazards?per_page=3&sort=" + sort + "&after=" + url.QueryEscape(p.Next))
					}
					if len(want) != 8 || !slices.Equal(byPage, want) || !slices.Equal(byNext, want) {
						t.Errorf("SmallList %d, sort %s: by page %v, by next %v; the export %v", small, sort, byPage, byNext, want)
					}
				}
			}
			restore()
		}

		next := get("/api/v1/hazards?per_page=3").Next
		for name, q := range map[string]string{
			"another sort's cursor": "sort=code&after=" + url.QueryEscape(next),
			"a forged cursor":       "after=" + url.QueryEscape(next[:len(next)-2]+"AA"),
			"a cursor and a page":   "page=2&after=" + url.QueryEscape(next),
		} {
			res := e.As(apptest.UserTown1, "GET", "/api/v1/hazards?"+q, nil)
			if res.Status != http.StatusBadRequest || !bytes.Contains(res.Body, []byte(`"after"`)) {
				t.Errorf("%s: %d %s; want a 400 naming after", name, res.Status, res.Body)
			}
		}
	})
}

// Above the count's cap the list page says "N+" and its pager leads on through the next
// page's cursor; the page after a cursor offers the first page and the next.
func TestPages_HazardListCapped(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		for range 21 { // with the fixture's, 22 for town01: two phone pages of 20
			report(t, e, "general")
		}
		old := api.CountCap
		api.CountCap = 5
		defer func() { api.CountCap = old }()
		b := e.SignIn(apptest.UserTown1)
		phone := []string{"User-Agent", "Mozilla/5.0 (iPhone) Mobile Safari"}
		res := b.Get("/hazards?sort=code", phone...)
		apptest.WantPage(t, "capped", res, http.StatusOK, []string{"共 5&#43; 条", "第 1 / 1&#43; 页", `rel="next"`, "after="}, []string{"共 5 条"})
		m := regexp.MustCompile(`href="\?after=([^"&]+)&amp;sort=code" rel="next"`).FindStringSubmatch(string(res.Body))
		if m == nil {
			t.Fatalf("no next link by cursor in %s", res.Body)
		}
		next := b.Get("/hazards?sort=code&after="+m[1], phone...)
		apptest.WantPage(t, "after the cursor", next, http.StatusOK, []string{"共 5&#43; 条", "首页", `href="?sort=code"`}, []string{`rel="next"`, "第 1"})
		if n := strings.Count(string(next.Body), `href="/hazards/`); n < 2 {
			t.Errorf("the page after the cursor lists %d hazards; want the last 2", n)
		}
	})
}
