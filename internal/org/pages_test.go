package org_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

func TestPages_Catalog(t *testing.T) {
	if missing := i18n.Default.Missing(); len(missing) > 0 {
		t.Errorf("message keys missing in a language: %v", missing)
	}
}

func TestPages_OrgTree(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := e.F
		admin := e.SignIn(apptest.UserAdmin)
		apptest.WantPage(t, "admin /orgs", admin.Get("/orgs"), http.StatusOK,
			[]string{"测试区", "东湖镇", "西山镇", "区住建委", `href="/orgs/` + f.Towns[0].String() + `"`}, nil)
		apptest.WantPage(t, "admin town page", admin.Get("/orgs/"+f.Towns[0].String()), http.StatusOK,
			[]string{"东湖村", "湖滨社区", "东湖镇人民政府", "/grids?town_id=" + f.Towns[0].String()}, []string{"西山村"})
		apptest.WantPage(t, "admin village page", admin.Get("/orgs/"+f.Villages[0][0].String()), http.StatusOK,
			[]string{"T01001-01", "张东一", "139****1234", "/orgs/" + f.Villages[0][0].String() + "/edit"}, []string{"139011001234"})

		town := e.SignIn(apptest.UserTown1)
		apptest.WantPage(t, "town /orgs", town.Get("/orgs"), http.StatusOK, []string{"东湖镇", "东湖村", "湖滨社区"}, []string{"西山", "测试区</a>", "/edit"})
		apptest.WantPage(t, "town: other town's village", town.Get("/orgs/"+f.Villages[1][0].String()), http.StatusNotFound, nil, []string{"西山村"})
		apptest.WantPage(t, "town: unknown id", town.Get("/orgs/987654321"), http.StatusNotFound, nil, nil)

		// The tree's expand button loads children as a fragment; a plain visit goes to the node.
		part := town.Get("/orgs/"+f.Towns[0].String()+"/children", "HX-Request", "true", "HX-Target", "sub-"+f.Towns[0].String())
		apptest.WantPage(t, "children fragment", part, http.StatusOK, []string{"东湖村"}, []string{"<html"})
		if res := town.Get("/orgs/" + f.Towns[0].String() + "/children"); res.Status != http.StatusSeeOther {
			t.Errorf("children without htmx: %d, want 303", res.Status)
		}
		if res := town.Get("/orgs/"+f.Towns[1].String()+"/children", "HX-Request", "true", "HX-Target", "x"); res.Status != http.StatusNotFound {
			t.Errorf("children of the other town: %d, want 404", res.Status)
		}
	})
}

func TestPages_OrgEdit(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		village := e.F.Villages[0][0].String()
		admin := e.SignIn(apptest.UserAdmin)
		apptest.WantPage(t, "edit form", admin.Get("/orgs/"+village+"/edit"), http.StatusOK, []string{`name="csrf_token"`, `value="东湖村"`}, nil)

		form := url.Values{"name": {"东湖新村"}, "short_name": {""}, "code": {"bad code!"}, "sort_order": {"x"}, "phone": {""}, "address": {"东湖路 1 号"}}
		apptest.WantPage(t, "invalid form", admin.PostForm("/orgs/"+village, form, true), http.StatusUnprocessableEntity,
			[]string{"须为 1–40 位字母、数字或 - _", "须为整数", `value="bad code!"`}, nil)

		if res := admin.PostForm("/orgs/"+village, form, false); res.Status != http.StatusForbidden {
			t.Errorf("form without csrf_token: %d, want 403", res.Status)
		}

		form.Set("code", "T01001")
		form.Set("sort_order", "3")
		res := admin.PostForm("/orgs/"+village, form, true)
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/orgs/"+village {
			t.Fatalf("save: %d %s", res.Status, res.Header.Get("Location"))
		}
		apptest.WantPage(t, "after save", admin.Get("/orgs/"+village), http.StatusOK, []string{"东湖新村", "已保存。", "东湖路 1 号"}, nil)

		dept := e.F.Units["construction"].String()
		apptest.WantPage(t, "department edit", admin.Get("/orgs/"+dept+"/edit"), http.StatusOK, []string{`value="construction" checked`, "道路交通"}, nil)

		town := e.SignIn(apptest.UserTown1)
		if res := town.Get("/orgs/" + village + "/edit"); res.Status != http.StatusForbidden {
			t.Errorf("town user opens the edit form: %d, want 403", res.Status)
		}
		if res := town.PostForm("/orgs/"+village, form, true); res.Status != http.StatusForbidden {
			t.Errorf("town user saves: %d, want 403", res.Status)
		}
	})
}

func TestPages_Grids(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := e.F
		admin := e.SignIn(apptest.UserAdmin)
		apptest.WantPage(t, "admin /grids", admin.Get("/grids"), http.StatusOK,
			[]string{"T01001-01", "T02002-03", "共 12 条", "/api/v1/grids?format=xlsx", "/api/v1/grids?format=csv", "139****1234"}, []string{"139011001234"})
		town1 := f.Towns[0].String()
		res := admin.Get("/grids?town_id=" + town1 + "&has_patroller=true&sort=-code")
		apptest.WantPage(t, "filtered", res, http.StatusOK,
			[]string{"T01002-03", "共 6 条", "format=xlsx&amp;has_patroller=true&amp;lang=zh&amp;sort=-code&amp;town_id=" + town1, "东湖村", `aria-sort="descending"`}, []string{"T02001"})
		if i, j := strings.Index(string(res.Body), "T01002-03"), strings.Index(string(res.Body), "T01001-01"); i > j {
			t.Errorf("sort=-code does not put T01002-03 first")
		}
		apptest.WantPage(t, "none without patroller", admin.Get("/grids?has_patroller=false"), http.StatusOK, []string{"没有符合条件的记录", `href="/grids"`}, []string{"T01001-01"})
		// A village of another town is dropped when the town changes.
		apptest.WantPage(t, "stale village", admin.Get("/grids?town_id="+f.Towns[1].String()+"&village_id="+f.Villages[0][0].String()), http.StatusOK,
			[]string{"T02001-01", "共 6 条"}, []string{"T01001"})

		town := e.SignIn(apptest.UserTown1)
		apptest.WantPage(t, "town /grids", town.Get("/grids"), http.StatusOK, []string{"T01001-01", "共 6 条"}, []string{"T02", "西山"})
		apptest.WantPage(t, "town: other town's grid", town.Get("/grids/"+f.Grids[1][0].String()), http.StatusNotFound, nil, []string{"T02001"})
		apptest.WantPage(t, "town: own grid", town.Get("/grids/"+f.Grids[0][0].String()), http.StatusOK, []string{"T01001-01", "张东一", "139****1234"}, []string{`action="/grids/`})

		if res := admin.Get("/grids?town_id=abc"); res.Status != http.StatusBadRequest {
			t.Errorf("bad filter: %d, want 400", res.Status)
		}
	})
}

func TestPages_GridPatroller(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := e.F
		grid := f.Grids[0][0].String()
		admin := e.SignIn(apptest.UserAdmin)
		apptest.WantPage(t, "grid with form", admin.Get("/grids/"+grid), http.StatusOK,
			[]string{`action="/grids/` + grid + `/patroller"`, `<option value="` + f.Patrollers[0][0].String() + `" selected>`}, nil)

		form := url.Values{"patroller_id": {""}}
		if res := admin.PostForm("/grids/"+grid+"/patroller", form, false); res.Status != http.StatusForbidden {
			t.Errorf("without csrf_token: %d, want 403", res.Status)
		}
		form.Set("patroller_id", "987654321")
		apptest.WantPage(t, "unknown person", admin.PostForm("/grids/"+grid+"/patroller", form, true), http.StatusUnprocessableEntity,
			[]string{"引用的记录不存在或不在您的管辖范围内"}, nil)
		form.Set("patroller_id", "")
		if res := admin.PostForm("/grids/"+grid+"/patroller", form, true); res.Status != http.StatusSeeOther {
			t.Fatalf("clear: %d %s", res.Status, apptest.Snippet(res.Body))
		}
		apptest.WantPage(t, "cleared", admin.Get("/grids/"+grid), http.StatusOK, []string{"巡查员已更新。", "未配巡查员"}, nil)
		apptest.WantPage(t, "list shows the gap", admin.Get("/grids?has_patroller=false"), http.StatusOK, []string{"T01001-01", "共 1 条"}, nil)

		town := e.SignIn(apptest.UserTown1)
		if res := town.PostForm("/grids/"+grid+"/patroller", form, true); res.Status != http.StatusForbidden {
			t.Errorf("town user sets a patroller: %d, want 403", res.Status)
		}
	})
}

func TestPages_People(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := e.F
		admin := e.SignIn(apptest.UserAdmin)
		apptest.WantPage(t, "admin /people", admin.Get("/people"), http.StatusOK,
			[]string{"张东一", "王西一", "安全巡查员", "139****1234", "/api/v1/people?format=xlsx", "危险化学品"}, []string{"139011001234"})
		apptest.WantPage(t, "filter q", admin.Get("/people?q=%E5%BC%A0"), http.StatusOK, []string{"张东一", "共 1 条"}, []string{"王西一"})

		person := f.Patrollers[0][0].String()
		town := e.SignIn(apptest.UserTown1)
		apptest.WantPage(t, "town /people", town.Get("/people"), http.StatusOK, []string{"张东一", "李东二"}, []string{"王西一", "赵西二"})
		apptest.WantPage(t, "person", town.Get("/people/"+person), http.StatusOK, []string{"139****1234", "显示完整号码", "T01001-01"}, []string{"139011001234"})
		apptest.WantPage(t, "other town's person", town.Get("/people/"+f.Patrollers[1][0].String()), http.StatusNotFound, nil, []string{"王西一"})

		if res := town.PostForm("/people/"+person+"/reveal", nil, false); res.Status != http.StatusForbidden {
			t.Errorf("reveal without csrf_token: %d, want 403", res.Status)
		}
		apptest.WantPage(t, "reveal", town.PostForm("/people/"+person+"/reveal", url.Values{}, true), http.StatusOK, []string{"139011001234", "已记录查看"}, nil)
		part := town.PostForm("/people/"+person+"/reveal", url.Values{}, true, "HX-Request", "true", "HX-Target", "phone-line")
		apptest.WantPage(t, "reveal fragment", part, http.StatusOK, []string{"139011001234", `id="phone-line"`}, []string{"<html"})
		if res := town.PostForm("/people/"+f.Patrollers[1][0].String()+"/reveal", url.Values{}, true); res.Status != http.StatusNotFound {
			t.Errorf("reveal of the other town's person: %d, want 404", res.Status)
		}

		audit := e.As(apptest.UserAdmin, "GET", "/api/v1/audit?action=person.reveal_contact", nil)
		var page struct{ Total int }
		audit.JSON(t, &page)
		if page.Total != 2 {
			t.Errorf("reveals audited: %d, want 2", page.Total)
		}

		patrol := e.SignIn(apptest.UserPatrol1)
		apptest.WantPage(t, "patroller sees no reveal", patrol.Get("/people/"+person), http.StatusOK, []string{"139****1234"}, []string{"显示完整号码"})
		if res := patrol.PostForm("/people/"+person+"/reveal", url.Values{}, true); res.Status != http.StatusForbidden {
			t.Errorf("patroller reveals: %d, want 403", res.Status)
		}
	})
}

func TestPages_HomePanels(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		apptest.WantPage(t, "admin home", e.SignIn(apptest.UserAdmin).Get("/"), http.StatusOK,
			[]string{"组织与网格", "各镇(街道)网格数", "data-chart=", "东湖镇", "/orgs/"}, nil)
		apptest.WantPage(t, "leader home", e.SignIn(apptest.UserLeader).Get("/"), http.StatusOK, []string{"各镇(街道)网格数", "安全巡查员"}, nil)
		apptest.WantPage(t, "town home", e.SignIn(apptest.UserTown1).Get("/"), http.StatusOK,
			[]string{"本镇(街道)村(社区)", "东湖村", "湖滨社区", "已全覆盖"}, []string{"西山", "各镇(街道)网格数"})
		apptest.WantPage(t, "patroller home", e.SignIn(apptest.UserPatrol1).Get("/"), http.StatusOK,
			[]string{"我的网格", "T01001-01", "T01001-03"}, []string{"T01002", "T02"})
		apptest.WantPage(t, "village home", e.SignIn(apptest.UserVillage).Get("/"), http.StatusOK,
			[]string{"本村(社区)网格", "T01001-02"}, []string{"T01002", "T02"})
	})
}

// Every organization page renders in English too, with no untranslated key.
func TestPages_English(t *testing.T) {
	e := apptest.New(t, "sqlite")
	f := e.F
	b := e.SignIn(apptest.UserAdmin)
	pages := map[string][]string{
		"/?lang=en":       {"Organization and grids", "Grids per town"},
		"/orgs?lang=en":   {"Towns and streets", "Organization"},
		"/grids?lang=en":  {"Grid code", "Export to Excel", "12 in total"},
		"/people?lang=en": {"Industries in charge"},
		"/orgs/" + f.Villages[0][0].String() + "?lang=en":        {"Grids of this village"},
		"/orgs/" + f.Villages[0][0].String() + "/edit?lang=en":   {"Edit 东湖村"},
		"/grids/" + f.Grids[0][0].String() + "?lang=en":          {"Change the patroller"},
		"/people/" + f.Patrollers[0][0].String() + "?lang=en":    {"Show full number"},
		"/grids?has_patroller=false&lang=en":                     {"No records match"},
		"/orgs/" + f.Units["construction"].String() + "?lang=en": {"Industries supervised"},
	}
	for path, want := range pages {
		apptest.WantPage(t, path, b.Get(path), http.StatusOK, want, nil)
	}
}
