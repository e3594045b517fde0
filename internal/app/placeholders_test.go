package app_test

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

// placeholderRE finds the placeholders of a page's fields.
var placeholderRE = regexp.MustCompile(`placeholder="([^"]*)"`)

// placeNameRE finds what reads as the name of a place in Chinese: a word ending in the
// word for a division (省, 市, 县, 区, 镇, 乡, 街道, 村, 社区), or "XX市" with letters.
var placeNameRE = regexp.MustCompile(`[\p{Han}A-Za-z×]+(?:省|市|县|区|镇|乡|街道|村|社区)`)

// notPlaces end in a division's word but name a part of a site, not a place.
var notPlaces = []string{"罐区", "厂区", "库区", "园区", "景区", "辖区", "小区", "作业区", "装置区", "生活区", "办公区", "储存区", "矿区", "工区"}

// TestPages_PlaceholdersNameNoPlace walks every page without a form body, as the
// district and as a town, and reads each field's placeholder: none may name a place —
// neither one outside the district (issue 7: "如：XX市…", another city's street) nor a
// town or village of this one, whose names mean nothing elsewhere (a deployment has its
// own). Examples are generic ("如：安置房工地").
func TestPages_PlaceholdersNameNoPlace(t *testing.T) {
	e := apptest.New(t, "sqlite") // template text: the engine does not matter
	// A major hazard, so its assign form shows the listing (挂牌督办) fields.
	res := e.As(apptest.UserPatrol1, "POST", "/api/v1/hazards", map[string]any{"title": "基坑边坡裂缝", "category": "unsafe_condition",
		"industry": "construction", "grade": "major", "grid_id": e.F.Grids[0][0].String(), "place": "安置房工地"})
	if res.Status != http.StatusCreated {
		t.Fatalf("report: %d %s", res.Status, res.Body)
	}
	major := res.Map(t)["id"].(string)
	// The district's own places, and their short names (东湖镇 → 东湖).
	var ours []string
	for _, n := range dbtest.Strings(t, e.App.DB, `SELECT name FROM orgs WHERE kind IN ('district', 'town', 'village')`) {
		ours = append(ours, n, strings.TrimRight(n, "区县镇乡村") /* short names */, strings.TrimSuffix(strings.TrimSuffix(n, "街道"), "社区"))
	}

	seen := 0
	for _, user := range []string{apptest.UserAdmin, apptest.UserTown1} {
		b := e.SignIn(user)
		var paths []string
		for _, p := range e.App.Site.Pages() {
			if p.Method != "" && p.Method != http.MethodGet || p.Public {
				continue
			}
			path := strings.ReplaceAll(p.Path, "{$}", "")
			if p.Object != "" {
				path = strings.ReplaceAll(path, "{id}", e.F.Samples[0][p.Object])
			}
			path = strings.ReplaceAll(path, "{eid}", e.F.Samples[0]["enforcement"])
			paths = append(paths, path)
		}
		paths = append(paths, "/hazards/"+major, "/enterprises/"+e.F.Enterprises[0].String()+"/enforcement/new?kind=rectification_order")
		for _, path := range paths {
			page := b.Get(path)
			if page.Status != http.StatusOK {
				continue
			}
			for _, m := range placeholderRE.FindAllSubmatch(page.Body, -1) {
				ph := html.UnescapeString(string(m[1]))
				seen++
				for _, name := range placeNameRE.FindAllString(ph, -1) {
					if !hasAnySuffix(name, notPlaces) {
						t.Errorf("%s %s: placeholder %q names a place: %q", user, path, ph, name)
					}
				}
				for _, name := range ours {
					if len([]rune(name)) >= 2 && strings.Contains(ph, name) {
						t.Errorf("%s %s: placeholder %q names %q of the district", user, path, ph, name)
					}
				}
			}
		}
	}
	if seen < 20 {
		t.Errorf("only %d placeholders read: the walk missed the forms", seen)
	}
}

func hasAnySuffix(s string, suffixes []string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}
