package hazard_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

// The list shows the hazards of the caller's scope with the three clears of the filter,
// filters that fit the caller (no town selector for a town), sortable headers and export
// links that repeat the filters.
func TestPages_HazardList(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := e.F
		admin := e.SignIn(apptest.UserAdmin)
		apptest.WantPage(t, "admin /hazards", admin.Get("/hazards"), http.StatusOK, []string{
			"隐患排查治理", "消防通道被杂物占用", "液化气钢瓶露天存放", "底数清", "责任清", "时限措施清", "按期销号率",
			`id="town_id"`, "东湖镇", "西山镇", `href="/hazards/new"`, "共 2 条",
			`href="/api/v1/hazards?format=xlsx&amp;lang=zh"`, `href="/api/v1/hazards?format=csv&amp;lang=zh"`,
			`aria-sort="descending"`, // found_at, the default sort
		}, nil)

		// Filters narrow the list and the figures; the export links and sort headers keep them.
		town := f.Towns[1].String()
		apptest.WantPage(t, "admin by town", admin.Get("/hazards?town_id="+town+"&status=reported&sort=code"), http.StatusOK, []string{
			"液化气钢瓶露天存放", "共 1 条", `value="reported" checked`,
			`/api/v1/hazards?format=xlsx&amp;lang=zh&amp;sort=code&amp;status=reported&amp;town_id=` + town,
			"山前社区", // the town's villages fill the village filter
		}, []string{"消防通道被杂物占用"})
		apptest.WantPage(t, "admin overdue", admin.Get("/hazards?overdue=true"), http.StatusOK,
			[]string{"没有符合条件的隐患", `href="/hazards">重置`}, []string{"消防通道被杂物占用"})
		apptest.WantPage(t, "admin by industry", admin.Get("/hazards?industry=fire&grade=general&source=grid_patrol&category=unsafe_condition&found_from=2026-03-01&found_to=2026-03-02"),
			http.StatusOK, []string{"液化气钢瓶露天存放", "共 1 条", `value="2026-03-01"`}, []string{"消防通道被杂物占用"})
		apptest.WantPage(t, "admin search", admin.Get("/hazards?q=液化气"), http.StatusOK, []string{"液化气钢瓶露天存放"}, []string{"消防通道被杂物占用"})
		// Filters that come with a link and have no field show as removable chips; an
		// enterprise filter passes through the form.
		apptest.WantPage(t, "admin chips", admin.Get("/hazards?open=true&enterprise_id=77"), http.StatusOK,
			[]string{"未销号", "指定企业", `name="enterprise_id" value="77"`, `href="/hazards?open=true"`}, nil)
		if res := admin.Get("/hazards?colour=red"); res.Status != http.StatusBadRequest {
			t.Errorf("unknown filter: %d, want 400", res.Status)
		}

		// A town sees its own hazards, no town selector, its villages.
		town1 := e.SignIn(apptest.UserTown1)
		apptest.WantPage(t, "town /hazards", town1.Get("/hazards"), http.StatusOK,
			[]string{"消防通道被杂物占用", `id="village_id"`, "湖滨社区", "共 1 条", "待交办"},
			[]string{"液化气钢瓶露天存放", `id="town_id"`, "西山"})
		apptest.WantPage(t, "town asks for the other town", town1.Get("/hazards?town_id="+town), http.StatusOK,
			[]string{"没有符合条件的隐患"}, []string{"液化气钢瓶露天存放"})

		// A department sees its industries only, and only those in the industry filter.
		dept := e.SignIn(apptest.UserDept)
		apptest.WantPage(t, "department /hazards", dept.Get("/hazards"), http.StatusOK,
			[]string{"消防通道被杂物占用", `<option value="construction"`}, []string{"液化气钢瓶露天存放", `<option value="fire"`})

		// A reader reads and reports nothing; the empty state says so.
		reader := e.SignIn(apptest.UserReader)
		apptest.WantPage(t, "reader /hazards", reader.Get("/hazards"), http.StatusOK, []string{"消防通道被杂物占用"}, []string{`href="/hazards/new"`})

		// A patroller's empty list offers the report button.
		patrol := e.SignIn(apptest.UserPatrol1)
		apptest.WantPage(t, "patroller empty", patrol.Get("/hazards?status=closed"), http.StatusOK, []string{"没有符合条件的隐患"}, nil)
		// An enterprise sees only its own hazards: none yet, and it may report.
		ent := e.SignIn(apptest.UserEnt)
		apptest.WantPage(t, "enterprise /hazards", ent.Get("/hazards"), http.StatusOK,
			[]string{"还没有隐患", `class="button" href="/hazards/new"`}, []string{"消防通道被杂物占用"})

		// English, with no untranslated keys.
		apptest.WantPage(t, "admin /hazards in English", admin.Get("/hazards?lang=en"), http.StatusOK,
			[]string{"Hazard investigation", "Baseline", "Closed on time", "Report a hazard", "Reported"}, nil)
	})
}

// The navigation shows hazards to everyone with a scope, with the number waiting for
// the user: a town's reported hazards, an owner's assigned ones, a unit's acceptances.
func TestPages_HazardNav(t *testing.T) {
	e := apptest.New(t, "sqlite")
	town := e.SignIn(apptest.UserTown1)
	res := town.Get("/")
	apptest.WantPage(t, "town home", res, http.StatusOK, []string{`href="/hazards"`, "隐患排查"}, nil)
	if !strings.Contains(string(res.Body), `隐患排查</span><span class="nav-count" aria-label="1 条待处理">1</span>`) {
		t.Errorf("the town's reported hazard is not counted in the navigation")
	}
	admin := e.SignIn(apptest.UserAdmin)
	if body := string(admin.Get("/").Body); strings.Contains(body, `隐患排查</span><span class="nav-count"`) {
		t.Errorf("the safety office has nothing waiting but the navigation counts something")
	}
}

// The home panels: the district's clears and chart, a town's figures and overdue list,
// a patroller's report button and reports, an enterprise's hazards to rectify.
func TestPages_HazardPanels(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		admin := e.SignIn(apptest.UserAdmin)
		apptest.WantPage(t, "admin home", admin.Get("/"), http.StatusOK,
			[]string{"隐患排查治理 · 三清", "各镇(街道)未销号隐患", `data-chart=`, `/hazards?open=true\u0026town_id=`, "底数清"}, nil)
		town := e.SignIn(apptest.UserTown1)
		apptest.WantPage(t, "town home", town.Get("/"), http.StatusOK,
			[]string{"本镇(街道)隐患 · 三清", "待交办 1", "没有逾期隐患"}, []string{"液化气钢瓶露天存放"})
		patrol := e.SignIn(apptest.UserPatrol1)
		apptest.WantPage(t, "patroller home", patrol.Get("/"), http.StatusOK,
			[]string{`class="report-cta" href="/hazards/new"`, "我最近上报的隐患", "消防通道被杂物占用"}, nil)

		// Assigned to the enterprise, it shows on the enterprise's home with its deadline.
		place := enterprisePlace(t, e)
		in := map[string]any{"title": "脚手架缺少连墙件", "category": "unsafe_condition", "industry": "construction", "grade": "general",
			"grid_id": place.Get("grid_id"), "place": place.Get("place")}
		if ent := place.Get("enterprise_id"); ent != "" {
			in["enterprise_id"] = ent
		}
		res := e.As(apptest.UserPatrol1, "POST", "/api/v1/hazards", in)
		if res.Status != http.StatusCreated {
			t.Fatalf("report: %d %s", res.Status, res.Body)
		}
		id := res.Map(t)["id"].(string)
		if res := act(e, apptest.UserTown1, id, assignBody(e, "2026-03-20")); res.Status != http.StatusOK {
			t.Fatalf("assign: %d %s", res.Status, res.Body)
		}
		ent := e.SignIn(apptest.UserEnt)
		apptest.WantPage(t, "enterprise home", ent.Get("/"), http.StatusOK,
			[]string{"交办给我的隐患", "脚手架缺少连墙件", "期限 2026-03-20"}, nil)
		apptest.WantPage(t, "patroller home in English", patrol.Get("/?lang=en"), http.StatusOK, []string{"Report a hazard", "My latest reports"}, nil)
		apptest.WantPage(t, "enterprise home in English", ent.Get("/?lang=en"), http.StatusOK, []string{"Assigned to me", "Due 2026-03-20"}, nil)
		apptest.WantPage(t, "admin home in English", admin.Get("/?lang=en"), http.StatusOK, []string{"Open hazards by town"}, nil)
	})
}
