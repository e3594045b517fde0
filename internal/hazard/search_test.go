package hazard_test

import (
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

// The list's text search (q) finds the same hazards on both engines: on SQLite through
// the FTS5 trigram table for three characters or more, LIKE below; on PostgreSQL LIKE or
// strpos. Chinese, Latin in either case, codes, quotes, FTS5's own syntax and LIKE's
// wildcards are all text to find. A corrected title is found by its new text only.
func TestHazards_SearchSameOnBothEngines(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		codes := map[string]string{} // title → code
		ids := map[string]string{}
		for _, h := range []struct{ title, place string }{
			{"脚手架缺少密目网", ""},
			{`Gas "LPG" cylinder AND valve`, ""},
			{"消防通道堵塞*严重", "东湖镇仓库"},
			{"Crane-Hook 50% worn", ""},
			{"ab_c test", "NEAR(x y) title:gas"},
		} {
			photo := e.Upload(t, apptest.UserPatrol1)
			body := map[string]any{"title": h.title, "description": "搜索", "category": "unsafe_condition",
				"industry": "construction", "grade": "general", "grid_id": e.F.Grids[0][2].String(), "photos": []string{photo}}
			if h.place != "" {
				body["place"] = h.place
			} else {
				body["enterprise_id"] = e.F.Enterprises[0].String()
			}
			res := e.As(apptest.UserPatrol1, "POST", "/api/v1/hazards", body)
			if res.Status != http.StatusCreated {
				t.Fatalf("report %q: %d %s", h.title, res.Status, res.Body)
			}
			m := res.Map(t)
			codes[h.title], ids[h.title] = m["code"].(string), m["id"].(string)
		}
		search := func(q string) []string {
			t.Helper()
			res := e.As(apptest.UserAdmin, "GET", "/api/v1/hazards?per_page=500&sort=code&q="+url.QueryEscape(q), nil)
			if res.Status != http.StatusOK {
				t.Fatalf("q=%q: %d %s", q, res.Status, res.Body)
			}
			var p struct{ Items []struct{ Title string } }
			res.JSON(t, &p)
			out := []string{}
			for _, it := range p.Items {
				if _, ours := codes[it.Title]; ours {
					out = append(out, it.Title)
				}
			}
			slices.Sort(out)
			return out
		}
		gas, fire, crane, abc := `Gas "LPG" cylinder AND valve`, "消防通道堵塞*严重", "Crane-Hook 50% worn", "ab_c test"
		for q, want := range map[string][]string{
			"脚手":                         {"脚手架缺少密目网"}, // two characters: LIKE
			"脚手架":                        {"脚手架缺少密目网"}, // three: the trigram table
			"密目网":                        {"脚手架缺少密目网"},
			"lpg":                        {gas},
			`"LPG"`:                      {gas},
			`"`:                          {gas},
			"AND":                        {gas},
			"and valve":                  {gas},
			"堵塞*":                        {fire},
			"*严":                         {fire},
			"湖镇仓":                        {fire}, // the place
			"仓库":                         {fire},
			"50%":                        {crane},
			"%":                          {crane},
			"hook 5":                     {crane},
			"b_c":                        {abc},
			"_":                          {abc},
			"NEAR(x y)":                  {abc},
			"title:gas":                  {abc},
			"a":                          {abc, crane, gas},
			`x" OR "y`:                   {},
			"cylinder OR worn":           {},
			"脚手架 AND 堵塞":                 {},
			codes["Crane-Hook 50% worn"]: {crane},
		} {
			if got := search(q); !slices.Equal(got, append([]string{}, want...)) {
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Errorf("q=%q: %q; want %q", q, got, want)
				}
			}
		}
		// The index follows a corrected title (the update trigger on SQLite).
		res := e.As(apptest.UserPatrol1, "PATCH", "/api/v1/hazards/"+ids[crane], map[string]any{"title": "Crane-Rope frayed"})
		if res.Status != http.StatusOK {
			t.Fatalf("correct the title: %d %s", res.Status, res.Body)
		}
		codes["Crane-Rope frayed"] = codes[crane]
		if got := search("frayed"); !slices.Equal(got, []string{"Crane-Rope frayed"}) {
			t.Errorf("the new title: %q", got)
		}
		if got := search("Hook"); len(got) != 0 {
			t.Errorf("the old title still found: %q", got)
		}
	})
}
