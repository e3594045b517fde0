package tackling_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

// The pages render in both languages for a town, showing its own records and none of
// the other town's; another town's problem, measure and reflection are not found.
func TestPages_RenderInBothLanguages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		s0, s1 := e.F.Samples[0], e.F.Samples[1]
		town := e.SignIn(apptest.UserTown1)
		apptest.WantBothLanguages(t, []apptest.PageCase{
			apptest.Case(town, "/problems", []string{"专项攻坚", "东湖镇老旧小区燃气管道老化", "督导-01"}, []string{"Special tackling"}),
			apptest.Case(town, "/problems/"+s0["problem"], []string{"东湖镇完成老旧小区燃气管道更换", "孙东湖", "东湖镇人民政府"}, []string{"Measures"}),
			apptest.Case(town, "/measures", []string{"东湖镇完成老旧小区燃气管道更换", "推进中"}, []string{"Open"}),
			apptest.Case(town, "/measures/"+s0["measure"], []string{"报告进度", "报告完成", "推进记录"}, []string{"Report progress"}),
			apptest.Case(town, "/measures/figures", []string{"按责任领导", "孙东湖", "镇长"}, []string{"By leader"}),
			apptest.Case(town, "/reflections", []string{"五个反思", "东湖镇人民政府", "草稿"}, []string{"Draft"}),
			apptest.Case(town, "/reflections/"+s0["reflection"], []string{"底数", "东湖镇安全生产底数仍不清", "提交"}, []string{"Baseline"}),
			apptest.Case(town, "/reflections/new", []string{"政府五个反思", "底数", "作风"}, []string{"Work style"}),
			apptest.Case(town, "/problems/new", []string{"列入问题", "措施 1"}, []string{"Measure 1"}),
			apptest.Case(town, "/problems/ledger?year=2026", []string{"2026年专项攻坚整改台账", "东湖镇完成老旧小区燃气管道更换", "孙东湖"}, []string{"Special tackling ledger 2026"}),
		}, e.F.Markers[1])
		for _, path := range []string{"/problems/" + s1["problem"], "/measures/" + s1["measure"], "/reflections/" + s1["reflection"]} {
			apptest.WantPage(t, "town01 on "+path, town.Get(path), http.StatusNotFound, []string{"不在您的管辖范围内"}, e.F.Markers[1])
		}
		reader := e.SignIn(apptest.UserReader)
		apptest.WantPage(t, "a reader's list", reader.Get("/problems"), http.StatusOK, []string{"西山镇经营性自建房违规改扩建"}, []string{"列入问题"})
		if res := reader.Get("/problems/new"); res.Status != http.StatusForbidden {
			t.Errorf("a reader opens the new problem's form: %d", res.Status)
		}
	})
}

// A problem listed through its page with two measures; the department reports progress
// with a photo and completes one; its owning leader is told why he may not verify, the
// admin verifies; the to-do card counts what its links list.
func TestPages_ProblemToVerification(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		admin := e.SignIn(apptest.UserAdmin)
		admin.Get("/problems/new?source_kind=meeting&source_id=7&title=" + url.QueryEscape("会议决定：整治建筑工地高处坠落"))
		form := url.Values{"title": {"建筑工地高处坠落隐患"}, "source_kind": {"meeting"}, "source_id": {"7"}, "year": {"2026"},
			"org_id": {e.F.Units["safety"].String()}, "m0_text": {"全面排查脚手架"}, "m0_department_id": {e.F.Units["construction"].String()},
			"m1_text": {"推行脚手架全封闭施工"}, "m1_department_id": {e.F.Units["construction"].String()}, "m1_leader_id": {e.F.Leader.String()},
			"m1_deadline": {"2026-04-30"}}
		apptest.WantPage(t, "a measure without its deadline", admin.PostForm("/problems", form, true), http.StatusUnprocessableEntity,
			[]string{"完成时限", "必填", "全面排查脚手架"}, nil)
		if n := total(t, e, apptest.UserAdmin, "/api/v1/problems"); n != 2 {
			t.Fatalf("a refused form listed a problem: %d", n)
		}
		form.Set("m0_deadline", "2026-03-31")
		res := admin.PostForm("/problems", form, true)
		loc := res.Header.Get("Location")
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/problems/") {
			t.Fatalf("listed: %d %s", res.Status, apptest.Snippet(res.Body))
		}
		page := admin.Follow(t, "listed", res, loc)
		apptest.WantPage(t, "the problem", page, http.StatusOK, []string{"问题已列入清单。", "建筑工地高处坠落隐患", "会议决定", "推行脚手架全封闭施工", "钱分管", "操作记录", "列入攻坚问题"}, nil)
		p := get(t, e, apptest.UserAdmin, "/api/v1"+loc)
		if p["source_kind"] != "meeting" || p["source_id"] != "7" {
			t.Errorf("the meeting link: %v %v", p["source_kind"], p["source_id"])
		}
		ids := measureIDs(p)
		add := url.Values{"m0_text": {"约谈整改不力的施工单位"}, "m0_department_id": {e.F.Units["construction"].String()}}
		apptest.WantPage(t, "an added measure without its deadline", admin.PostForm(loc+"/measures", add, true), http.StatusUnprocessableEntity,
			[]string{"完成时限", "必填", "约谈整改不力的施工单位"}, nil)
		add.Set("m0_deadline", "2026-05-31")
		apptest.WantPage(t, "a measure added", admin.Follow(t, "add a measure", admin.PostForm(loc+"/measures", add, true), loc+"#measures-title"),
			http.StatusOK, []string{"整改措施已增加。", "约谈整改不力的施工单位", "3 条"}, nil)
		if res := e.SignIn(apptest.UserReader).PostForm(loc+"/measures", add, true); res.Status != http.StatusForbidden {
			t.Errorf("a reader adds a measure: %d", res.Status)
		}

		// The department's to-do card: on March 2 nothing falls due within 14 days (the
		// first is due March 31); on March 22 the first does, and the card counts exactly
		// what its link lists.
		dept := e.SignIn(apptest.UserDept)
		apptest.WantPage(t, "the department's home on March 2", dept.Get("/"), http.StatusOK, nil, []string{"待推进措施"})
		e.Clock.Set(apptest.Start.AddDate(0, 0, 20))
		dept, admin = e.SignIn(apptest.UserDept), e.SignIn(apptest.UserAdmin) // the sessions of March 2 have expired
		home := dept.Get("/")
		apptest.WantPage(t, "the department's home on March 22", home, http.StatusOK, []string{"待推进措施", "全面排查脚手架"}, []string{"推行脚手架全封闭施工"})
		href := regexp.MustCompile(`href="(/measures\?[^"]*due_within_days[^"]*)"`).FindStringSubmatch(string(home.Body))
		if href == nil {
			t.Fatalf("no to-do link to the measures")
		}
		if n := total(t, e, apptest.UserDept, "/api/v1"+strings.ReplaceAll(href[1], "&amp;", "&")); n != 1 {
			t.Errorf("the to-do link lists %d, want 1", n)
		}
		apptest.WantPage(t, "the to-do list", dept.Get(strings.ReplaceAll(href[1], "&amp;", "&")), http.StatusOK, []string{"全面排查脚手架", "14 天内到期或已逾期"}, []string{"推行脚手架全封闭施工"})

		// Progress with a photo, then done.
		dept.Get("/measures/" + ids[0])
		res = dept.PostMultipart("/measures/"+ids[0]+"/steps", url.Values{"step": {"progress"}, "text": {"已排查在建工地12个"}, "percent": {"60"}},
			[]apptest.File{{Field: "files", Name: "site.png", Data: apptest.PNG(t)}}, true)
		page = dept.Follow(t, "progress", res, "/measures/"+ids[0])
		apptest.WantPage(t, "progress", page, http.StatusOK, []string{"进度已报告。", "已排查在建工地12个", "60%", "/api/v1/attachments/"}, nil)
		apptest.WantPage(t, "completion without its text", dept.PostForm("/measures/"+ids[0]+"/steps", url.Values{"step": {"complete"}}, true),
			http.StatusUnprocessableEntity, []string{"必填"}, nil)
		dept.Follow(t, "complete", dept.PostForm("/measures/"+ids[0]+"/steps", url.Values{"step": {"complete"}, "text": {"全部完成"}}, true), "/measures/"+ids[0])

		// 钱分管 owns the second, not the first: he may verify the first. The admin owns
		// neither but completes the second itself, and is told it may not verify it.
		admin.Follow(t, "admin completes", admin.PostForm("/measures/"+ids[1]+"/steps", url.Values{"step": {"complete"}, "text": {"已完成"}}, true), "/measures/"+ids[1])
		apptest.WantPage(t, "the completer's page", admin.Get("/measures/"+ids[1]), http.StatusOK, []string{"这项措施由您报告完成"}, []string{"验收销号</button>"})
		res = admin.PostForm("/measures/"+ids[1]+"/steps", url.Values{"step": {"verify"}, "text": {"同意"}}, true)
		apptest.WantPage(t, "the completer verifies", res, http.StatusForbidden, []string{"这项措施由您报告完成"}, nil)
		leader := e.SignIn(apptest.UserLeader)
		apptest.WantPage(t, "the leader's verification", leader.Get("/measures/"+ids[1]), http.StatusOK, []string{"您是这项措施的责任领导"}, nil)
		leader.Get("/measures/" + ids[0])
		page = leader.Follow(t, "verify", leader.PostForm("/measures/"+ids[0]+"/steps", url.Values{"step": {"verify"}, "text": {"现场核查属实"}}, true), "/measures/"+ids[0])
		apptest.WantPage(t, "verified", page, http.StatusOK, []string{"已验收销号。", "现场核查属实", "按期完成"}, nil)
		town2 := e.SignIn(apptest.UserTown2)
		if res := town2.PostForm("/measures/"+ids[1]+"/steps", url.Values{"step": {"reject"}, "text": {"x"}}, true); res.Status != http.StatusNotFound {
			t.Errorf("another town sends a district measure back: %d", res.Status)
		}
		apptest.WantPage(t, "figures", admin.Get("/measures/figures?year=2026"), http.StatusOK, []string{"钱分管", "区住建委", "data-chart"}, nil)
	})
}

// A town writes its government's 五个反思 on one page and submits it: its actions become
// the measures of a problem; a second click changes nothing.
func TestPages_Reflection(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		town := e.SignIn(apptest.UserTown1)
		town.Get("/reflections/new?body=government")
		gov := e.F.Units["town1gov"].String()
		form := url.Values{"year": {"2027"}, "body": {"government"}, "org_id": {gov}, "summary": {"执行力不足"}, "submit": {"true"},
			"a0_text": {"充实镇安监站人员"}, "a0_department_id": {gov}, "a0_deadline": {"2027-06-30"}, "a0_leader_id": {e.F.TownHeads[0].String()}}
		for _, a := range []string{"baseline", "expertise", "investment", "work_style", "execution"} {
			form.Set("score_"+a, "80")
			form.Set("findings_"+a, "问题："+a)
		}
		form.Set("score_investment", "120")
		apptest.WantPage(t, "a score over 100", town.PostForm("/reflections", form, true), http.StatusUnprocessableEntity, []string{"须在 0 到 100 之间", "充实镇安监站人员"}, nil)
		form.Set("score_investment", "65")
		res := town.PostForm("/reflections", form, true)
		loc := res.Header.Get("Location")
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/reflections/") {
			t.Fatalf("submitted: %d %s", res.Status, apptest.Snippet(res.Body))
		}
		page := town.Follow(t, "submitted", res, loc)
		apptest.WantPage(t, "the reflection", page, http.StatusOK, []string{"已提交", "充实镇安监站人员", "孙东湖", "投入", "65 分", "提交五个反思"}, nil)
		if n := total(t, e, apptest.UserTown1, "/api/v1/problems?source_kind=reflection"); n != 1 {
			t.Errorf("reflection problems: %d, want 1", n)
		}
		// The fixture's draft, submitted from its page twice.
		id := e.F.Samples[0]["reflection"]
		town.Get("/reflections/" + id)
		town.Follow(t, "submit", town.PostForm("/reflections/"+id+"/submit", url.Values{}, true), "/reflections/"+id)
		town.Follow(t, "submit again", town.PostForm("/reflections/"+id+"/submit", url.Values{}, true), "/reflections/"+id)
		if n := total(t, e, apptest.UserTown1, "/api/v1/problems?source_kind=reflection"); n != 2 {
			t.Errorf("reflection problems after submitting twice: %d, want 2", n)
		}
	})
}
