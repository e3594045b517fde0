package org_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/safeduty/safeduty/internal/apptest"
)

type gridPage struct {
	Items []struct {
		ID            string  `json:"id"`
		Code          string  `json:"code"`
		VillageID     string  `json:"village_id"`
		PatrollerID   *string `json:"patroller_id"`
		PatrollerName string  `json:"patroller_name"`
		Phone         string  `json:"patroller_phone"`
		TownName      string  `json:"town_name"`
	}
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
}

func TestGrids_ScopedListAndDetail(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		var all, town gridPage
		e.As(apptest.UserAdmin, "GET", "/api/v1/grids", nil).JSON(t, &all)
		if all.Total != 12 || len(all.Items) != 12 || all.Page != 1 || all.PerPage != 50 {
			t.Fatalf("admin sees total=%d items=%d page=%d per_page=%d, want 12 grids", all.Total, len(all.Items), all.Page, all.PerPage)
		}
		e.As(apptest.UserTown1, "GET", "/api/v1/grids", nil).JSON(t, &town)
		if town.Total != 6 {
			t.Fatalf("town01 sees %d grids, want its 6", town.Total)
		}
		for _, g := range town.Items {
			if !strings.HasPrefix(g.Code, "T01") || g.TownName != "东湖镇" {
				t.Errorf("town01 sees grid %s of %s", g.Code, g.TownName)
			}
			if g.PatrollerID == nil || !strings.Contains(g.Phone, "****") {
				t.Errorf("grid %s: patroller %v phone %q (want a patroller and a masked phone)", g.Code, g.PatrollerID, g.Phone)
			}
		}
		other := e.F.Grids[1][0].String()
		if res := e.As(apptest.UserTown1, "GET", "/api/v1/grids/"+other, nil); res.Status != http.StatusNotFound {
			t.Errorf("town01 reads a grid of town02: %d", res.Status)
		}
		if res := e.As(apptest.UserTown2, "GET", "/api/v1/grids/"+other, nil); res.Status != http.StatusOK {
			t.Errorf("town02 reads its own grid: %d", res.Status)
		}
		// A patroller sees only the grids of the village they are bound to.
		var mine gridPage
		e.As(apptest.UserPatrol1, "GET", "/api/v1/grids", nil).JSON(t, &mine)
		if mine.Total != 3 {
			t.Errorf("patrol1 sees %d grids, want the 3 of 东湖村", mine.Total)
		}
		// A department sees the whole territory (grids carry no industry).
		var dept gridPage
		e.As(apptest.UserDept, "GET", "/api/v1/grids", nil).JSON(t, &dept)
		if dept.Total != 12 {
			t.Errorf("department sees %d grids, want 12", dept.Total)
		}
	})
}

func TestGrids_FiltersSortAndPaging(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		get := func(q string) gridPage {
			t.Helper()
			res := e.As(apptest.UserAdmin, "GET", "/api/v1/grids?"+q, nil)
			if res.Status != http.StatusOK {
				t.Fatalf("%s: %d %s", q, res.Status, res.Body)
			}
			var p gridPage
			res.JSON(t, &p)
			return p
		}
		if p := get("town_id=" + e.F.Towns[1].String()); p.Total != 6 {
			t.Errorf("town filter: %d", p.Total)
		}
		if p := get("village_id=" + e.F.Villages[0][1].String()); p.Total != 3 {
			t.Errorf("village filter: %d", p.Total)
		}
		if p := get("q=t02002"); p.Total != 3 {
			t.Errorf("q filter (case-insensitive code): %d", p.Total)
		}
		if p := get("q=第2网格"); p.Total != 4 {
			t.Errorf("q filter (Chinese name): %d", p.Total)
		}
		if p := get("q=50%25"); p.Total != 0 {
			t.Errorf("a %% in q must not act as a wildcard: %d", p.Total)
		}
		p1, p2 := get("sort=-code&per_page=5&page=1"), get("sort=-code&per_page=5&page=3")
		if p1.Total != 12 || len(p1.Items) != 5 || len(p2.Items) != 2 {
			t.Fatalf("paging: total=%d page1=%d page3=%d", p1.Total, len(p1.Items), len(p2.Items))
		}
		codes := []string{}
		for _, g := range p1.Items {
			codes = append(codes, g.Code)
		}
		if !slices.IsSortedFunc(codes, func(a, b string) int { return strings.Compare(b, a) }) || codes[0] != "T02002-03" {
			t.Errorf("sort=-code gives %v", codes)
		}
		// Clearing a patroller shows up in has_patroller.
		gid := e.F.Grids[0][0].String()
		res := e.As(apptest.UserAdmin, "PUT", "/api/v1/grids/"+gid+"/patroller", `{"patroller_id": null}`)
		if res.Status != http.StatusOK {
			t.Fatalf("clear patroller: %d %s", res.Status, res.Body)
		}
		if p := get("has_patroller=false"); p.Total != 1 || p.Items[0].ID != gid {
			t.Errorf("has_patroller=false: %+v", p)
		}
		res = e.As(apptest.UserAdmin, "PUT", "/api/v1/grids/"+gid+"/patroller", map[string]string{"patroller_id": e.F.Patrollers[1][0].String()})
		if res.Status != http.StatusOK {
			t.Fatalf("set patroller: %d %s", res.Status, res.Body)
		}
	})
}

func TestLists_RejectBadParameters(t *testing.T) {
	e := apptest.New(t, "sqlite")
	cases := []struct{ q, field, rule string }{
		{"per_page=501", "per_page", "between"},
		{"page=0", "page", "min"},
		{"sort=secret", "sort", "one_of"},
		{"format=pdf", "format", "one_of"},
		{"village_id=abc", "village_id", "id"},
		{"has_patroller=maybe", "has_patroller", "bool"},
		{"vilage_id=1", "vilage_id", "unknown_param"},
	}
	for _, c := range cases {
		res := e.As(apptest.UserAdmin, "GET", "/api/v1/grids?"+c.q, nil, "Accept-Language", "en")
		if res.Status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", c.q, res.Status)
			continue
		}
		errs := res.Map(t)["errors"].([]any)
		first := errs[0].(map[string]any)
		if first["field"] != c.field || first["rule"] != c.rule || first["message"] == "" {
			t.Errorf("%s: errors = %v, want field %s rule %s", c.q, errs, c.field, c.rule)
		}
	}
}

// The export has exactly the rows of the list, all pages, in the same order.
func TestGrids_ExportMatchesList(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		var list gridPage
		e.As(apptest.UserTown2, "GET", "/api/v1/grids?sort=-code&per_page=500", nil).JSON(t, &list)
		var want []string
		for _, g := range list.Items {
			want = append(want, g.Code)
		}

		res := e.As(apptest.UserTown2, "GET", "/api/v1/grids?sort=-code&format=xlsx", nil)
		if res.Status != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("xlsx: %d %s", res.Status, res.Header.Get("Content-Type"))
		}
		if !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("xlsx is not an attachment: %q", res.Header.Get("Content-Disposition"))
		}
		f, err := excelize.OpenReader(bytes.NewReader(res.Body))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows(f.GetSheetName(0))
		if err != nil {
			t.Fatal(err)
		}
		if rows[0][0] != "网格编码" {
			t.Errorf("xlsx header = %v", rows[0])
		}
		var got []string
		for _, r := range rows[1:] {
			got = append(got, r[0])
			if !strings.Contains(strings.Join(r, ","), "****") {
				t.Errorf("xlsx row %v shows an unmasked phone", r)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("xlsx codes %v, list codes %v", got, want)
		}

		res = e.As(apptest.UserTown2, "GET", "/api/v1/grids?sort=-code&format=csv", nil, "Accept-Language", "en")
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(res.Body, []byte("\ufeff")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if recs[0][0] != "Grid code" {
			t.Errorf("csv header in English = %v", recs[0])
		}
		got = got[:0]
		for _, r := range recs[1:] {
			got = append(got, r[0])
		}
		if !slices.Equal(got, want) {
			t.Errorf("csv codes %v, list codes %v", got, want)
		}
	})
}

func TestOrgs_CreateValidateAndAudit(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		town := e.F.Towns[0].String()
		// Validation names each field and rule, in the caller's language.
		res := e.As(apptest.UserAdmin, "POST", "/api/v1/orgs", map[string]any{"kind": "village", "parent_id": e.F.District.String(),
			"category": "hamlet", "name": "", "code": "bad code!"}, "Accept-Language", "en")
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("invalid org: %d %s", res.Status, res.Body)
		}
		got := map[string]string{}
		for _, fe := range res.Map(t)["errors"].([]any) {
			m := fe.(map[string]any)
			got[m["field"].(string)] = m["rule"].(string)
		}
		want := map[string]string{"name": "required", "code": "code", "category": "one_of", "parent_id": "wrong_parent"}
		for f, r := range want {
			if got[f] != r {
				t.Errorf("field %s: rule %q, want %q (all: %v)", f, got[f], r, got)
			}
		}
		if !strings.Contains(string(res.Body), "must be") {
			t.Errorf("messages are not English: %s", res.Body)
		}
		zh := e.As(apptest.UserAdmin, "POST", "/api/v1/orgs", map[string]any{"kind": "village", "parent_id": town, "category": "village", "name": "", "code": "T01009"})
		if !strings.Contains(string(zh.Body), "必填") {
			t.Errorf("default language is not Chinese: %s", zh.Body)
		}
		// A town user may not write the tree; a failed write leaves nothing.
		res = e.As(apptest.UserTown1, "POST", "/api/v1/orgs", map[string]any{"kind": "village", "parent_id": town, "category": "village", "name": "新村", "code": "T01009"})
		if res.Status != http.StatusForbidden {
			t.Errorf("town user creates an org: %d", res.Status)
		}
		// A good write succeeds, and both the failure and the success are audited.
		res = e.As(apptest.UserAdmin, "POST", "/api/v1/orgs", map[string]any{"kind": "village", "parent_id": town, "category": "community", "name": "新湖社区", "code": "T01009"})
		if res.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		created := res.Map(t)
		if created["parent_id"] != town || created["depth"] != float64(2) || res.Header.Get("Location") == "" {
			t.Errorf("created = %v", created)
		}
		if dup := e.As(apptest.UserAdmin, "POST", "/api/v1/orgs", map[string]any{"kind": "village", "parent_id": town, "category": "village", "name": "重复", "code": "T01009"}); dup.Status != http.StatusUnprocessableEntity || !strings.Contains(string(dup.Body), `"rule":"taken"`) {
			t.Errorf("duplicate code: %d %s", dup.Status, dup.Body)
		}
		var town1Grids gridPage
		e.As(apptest.UserTown1, "GET", "/api/v1/orgs?parent_id="+town+"&kind=village", nil).JSON(t, &town1Grids)
		if town1Grids.Total != 3 {
			t.Errorf("town01 now has %d villages, want 3", town1Grids.Total)
		}
		audit := e.As(apptest.UserAdmin, "GET", "/api/v1/audit?action=org.create&object_id="+created["id"].(string), nil).Map(t)
		if audit["total"] != float64(1) {
			t.Errorf("org.create audit entries: %v", audit["total"])
		}
		denied := e.As(apptest.UserAdmin, "GET", "/api/v1/audit?username=town01&result=denied&action=createOrg", nil).Map(t)
		if denied["total"] != float64(1) {
			t.Errorf("refused write is not audited: %v", denied)
		}
		failed := e.As(apptest.UserAdmin, "GET", "/api/v1/audit?username=admin&result=failed", nil).Map(t)
		if failed["total"].(float64) < 3 {
			t.Errorf("failed writes audited: %v, want ≥3", failed["total"])
		}
	})
}

func TestPeople_MaskedUnlessRevealedAndAudited(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		id := e.F.Patrollers[0][0].String()
		masked := e.As(apptest.UserTown1, "GET", "/api/v1/people/"+id, nil).Map(t)
		if !strings.Contains(masked["phone"].(string), "****") {
			t.Fatalf("detail phone is not masked: %v", masked["phone"])
		}
		full := e.As(apptest.UserTown1, "GET", "/api/v1/people/"+id+"?reveal=phone", nil)
		if full.Status != http.StatusOK || strings.Contains(full.Map(t)["phone"].(string), "*") {
			t.Fatalf("reveal: %d %s", full.Status, full.Body)
		}
		if res := e.As(apptest.UserPatrol1, "GET", "/api/v1/people/"+id+"?reveal=phone", nil); res.Status != http.StatusForbidden {
			t.Errorf("patroller reveals a phone: %d", res.Status)
		}
		audit := e.As(apptest.UserAdmin, "GET", "/api/v1/audit?action=person.reveal_contact&username=town01", nil).Map(t)
		if audit["total"] != float64(1) {
			t.Errorf("reveal audited %v times, want 1", audit["total"])
		}
		var list struct {
			Items []struct {
				Phone string `json:"phone"`
				Posts []struct {
					Title string `json:"title"`
				} `json:"posts"`
			}
			Total int
		}
		e.As(apptest.UserAdmin, "GET", "/api/v1/people?q=巡查员", nil).JSON(t, &list)
		if list.Total != 4 {
			t.Errorf("patrollers: %d, want 4", list.Total)
		}
		for _, p := range list.Items {
			if !strings.Contains(p.Phone, "****") || len(p.Posts) != 1 || p.Posts[0].Title != "安全巡查员" {
				t.Errorf("person in list: %+v", p)
			}
		}
	})
}

func TestAPI_UnknownRoutesAndMethods(t *testing.T) {
	e := apptest.New(t, "sqlite")
	res := e.As(apptest.UserAdmin, "DELETE", "/api/v1/grids", nil)
	if res.Status != http.StatusMethodNotAllowed || !strings.Contains(res.Header.Get("Allow"), "GET") {
		t.Errorf("wrong method: %d allow=%q", res.Status, res.Header.Get("Allow"))
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Errorf("wrong method answers %s", ct)
	}
	res = e.As(apptest.UserAdmin, "GET", "/api/v1/nothing-here", nil)
	if res.Status != http.StatusNotFound || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("unknown path: %d %s", res.Status, res.Header.Get("Content-Type"))
	}
	res = e.As(apptest.UserAdmin, "POST", "/api/v1/grids", "{not json")
	if res.Status != http.StatusBadRequest {
		t.Errorf("bad JSON: %d", res.Status)
	}
	res = e.As(apptest.UserAdmin, "POST", "/api/v1/grids", `{"code":"X","nmae":"typo"}`)
	if res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), `"field":"nmae"`) {
		t.Errorf("unknown field: %d %s", res.Status, res.Body)
	}
	res = e.As(apptest.UserAdmin, "POST", "/api/v1/grids", strings.Repeat(" ", 2<<20)+"{}")
	if res.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB body: %d", res.Status)
	}
	e.As(apptest.UserAdmin, "GET", "/api/v1/grids", nil)
	for _, p := range []string{"/healthz", "/readyz", "/metrics", "/api/v1/openapi.json"} {
		if res := e.Do("GET", p, "", nil); res.Status != http.StatusOK {
			t.Errorf("%s: %d", p, res.Status)
		}
	}
	if m := e.Do("GET", "/metrics", "", nil); !bytes.Contains(m.Body, []byte(`safeduty_http_requests_total{code="2xx",method="GET",route="GET /api/v1/grids"}`)) {
		t.Errorf("metrics lack the request counter by route:\n%s", firstLines(m.Body, 40))
	}
}

func firstLines(b []byte, n int) string {
	lines := strings.SplitN(string(b), "\n", n+1)
	return fmt.Sprint(strings.Join(lines[:min(n, len(lines))], "\n"))
}
