package hazard_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

// enterprisePlace is where patrol1 reports a hazard the enterprise user ent1 may own: at
// ent1's enterprise when the registry knows it (an enterprise account sees only its
// enterprise's hazards), else at a public place of ent1's village.
func enterprisePlace(t *testing.T, e *apptest.Env) url.Values {
	t.Helper()
	v := url.Values{"grid_id": {e.F.Grids[0][0].String()}, "place": {"东湖村安置房工地"}}
	res := e.As(apptest.UserEnt, "GET", "/api/v1/enterprises", nil)
	if res.Status != http.StatusOK {
		return v
	}
	var list struct {
		Items []struct {
			ID     string `json:"id"`
			GridID string `json:"grid_id"`
		}
	}
	res.JSON(t, &list)
	if len(list.Items) > 0 {
		v.Set("enterprise_id", list.Items[0].ID)
		v.Set("grid_id", list.Items[0].GridID)
	}
	return v
}

var locationID = regexp.MustCompile(`^/hazards/(\d+)$`)

// The whole loop through the page forms: a patroller reports with a photo; the town
// assigns it to the enterprise under the construction department; the enterprise starts
// and submits with an uploaded PNG; the department sends it back and then accepts it on
// site. Refused forms come back as typed with their errors (422), a move the state does
// not allow is 409, one the role may not take 403, another town's hazard 404, a form
// without the CSRF token 403; the timeline shows every step with its photos.
func TestPages_HazardLoopThroughForms(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		pic := apptest.PNG(t)

		// Report with a photo.
		patrol := e.SignIn(apptest.UserPatrol1)
		apptest.WantPage(t, "report form", patrol.Get("/hazards/new"), http.StatusOK,
			[]string{`capture="environment"`, "我的网格", `selected>东湖村第1网格`, `enctype="multipart/form-data"`}, nil)
		fields := enterprisePlace(t, e)
		fields.Set("title", "配电箱柜门缺失")
		fields.Set("category", "unsafe_condition")
		fields.Set("industry", "construction")
		fields.Set("grade", "general")
		fields.Set("description", "临时配电箱柜门缺失，带电部位外露")
		res := postMultipart(t, e, patrol, "/hazards", fields, []file{{"现场.png", pic}}, true)
		m := locationID.FindStringSubmatch(res.Header.Get("Location"))
		if res.Status != http.StatusSeeOther || m == nil {
			t.Fatalf("report: %d to %q\n%s", res.Status, res.Header.Get("Location"), apptest.Snippet(res.Body))
		}
		id := m[1]
		page := patrol.Get("/hazards/" + id)
		apptest.WantPage(t, "reported", page, http.StatusOK, []string{"隐患已上报，镇街将尽快交办。", "配电箱柜门缺失", "已上报", "网格巡查", "张东一"}, nil)
		photo := regexp.MustCompile(`<img src="(/api/v1/attachments/\d+/content)"`).FindStringSubmatch(string(page.Body))
		if photo == nil {
			t.Fatalf("the reported hazard shows no photo")
		}

		// The town assigns it; refused forms first.
		town := e.SignIn(apptest.UserTown1)
		apptest.WantPage(t, "assign form", town.Get("/hazards/"+id), http.StatusOK, []string{
			`<details class="act act-assign" id="act-assign" open>`, ">东湖企业 · ", ">区住建委</option>", ">东湖镇人民政府</option>",
			"交办给我", // no: the chip is on the list; here the owner hint
		}[:4], []string{"西山镇人民政府", "人大代表"})
		assign := url.Values{"action": {"assign"}}
		if res := town.PostForm("/hazards/"+id+"/actions", assign, false); res.Status != http.StatusForbidden {
			t.Errorf("assign without the CSRF token: %d, want 403", res.Status)
		}
		apptest.WantPage(t, "assign refused", actForm(town, id, assign), http.StatusUnprocessableEntity,
			[]string{"有 4 处输入需要修改", "必填", `class="field has-error"`}, nil)
		assign = url.Values{"action": {"assign"}, "owner_id": {e.F.Users[apptest.UserEnt].String()},
			"supervisor_org_id": {e.F.Units["construction"].String()}, "measures": {"安装柜门并加锁"}, "deadline": {"2026-03-01"}}
		apptest.WantPage(t, "assign with a past deadline", actForm(town, id, assign), http.StatusUnprocessableEntity,
			[]string{"须晚于当前时间", "安装柜门并加锁</textarea>", `value="2026-03-01"`}, nil)
		assign.Set("deadline", "2026-03-20")
		page = wantRedirect(t, "assign", town, actForm(town, id, assign), "/hazards/"+id)
		apptest.WantPage(t, "assigned", page, http.StatusOK, []string{"已交办，已通知整改责任人。", "东湖企业", "区住建委", "2026-03-20", "安装柜门并加锁"}, nil)

		// Another town sees nothing and moves nothing.
		other := e.SignIn(apptest.UserTown2)
		apptest.WantPage(t, "other town", other.Get("/hazards/"+id), http.StatusNotFound, nil, []string{"配电箱柜门缺失"})
		if res := actForm(other, id, url.Values{"action": {"comment"}, "comment": {"看看"}}); res.Status != http.StatusNotFound {
			t.Errorf("other town comments: %d, want 404", res.Status)
		}

		// The enterprise starts, then submits: without evidence, with a refused file, then
		// with the photo the refused form kept.
		ent := e.SignIn(apptest.UserEnt)
		apptest.WantPage(t, "start form", ent.Get("/hazards/"+id), http.StatusOK, []string{`id="act-start" open`}, []string{`id="act-assign"`})
		wantRedirect(t, "start", ent, actForm(ent, id, url.Values{"action": {"start"}}), "/hazards/"+id)
		submit := url.Values{"action": {"submit"}, "comment": {"柜门已安装并加锁"}}
		apptest.WantPage(t, "submit without evidence", postMultipart(t, e, ent, "/hazards/"+id+"/actions", submit, nil, true),
			http.StatusUnprocessableEntity, []string{"提交验收须附整改后照片或文件", "柜门已安装并加锁</textarea>"}, nil)
		res = postMultipart(t, e, ent, "/hazards/"+id+"/actions", submit, []file{{"整改后.png", pic}, {"notes.txt", []byte("just text")}}, true)
		apptest.WantPage(t, "submit with a refused file", res, http.StatusUnprocessableEntity, []string{"notes.txt：", "只接受", "以上文件已上传"}, nil)
		kept := regexp.MustCompile(`name="attachments" value="(\d+)"`).FindAllStringSubmatch(string(res.Body), -1)
		if len(kept) != 1 {
			t.Fatalf("the refused form keeps %d uploaded files, want 1", len(kept))
		}
		if res := postMultipart(t, e, ent, "/hazards/"+id+"/actions", submit, nil, false); res.Status != http.StatusForbidden {
			t.Errorf("multipart form without the CSRF token: %d, want 403", res.Status)
		}
		submit.Set("attachments", kept[0][1])
		page = wantRedirect(t, "submit", ent, postMultipart(t, e, ent, "/hazards/"+id+"/actions", submit, nil, true), "/hazards/"+id)
		apptest.WantPage(t, "submitted", page, http.StatusOK, []string{"已提交验收，已通知督办单位。", "待验收", "柜门已安装并加锁"}, nil)
		apptest.WantPage(t, "enterprise accepts", actForm(ent, id, url.Values{"action": {"accept"}, "on_site": {"true"}}), http.StatusForbidden,
			[]string{"您不能对该隐患执行“验收销号”。"}, nil)

		// The department sends it back, then accepts it on site.
		dept := e.SignIn(apptest.UserDept)
		apptest.WantPage(t, "acceptance forms", dept.Get("/hazards/"+id), http.StatusOK,
			[]string{`id="act-accept" open`, `id="act-reject"`, `name="on_site"`}, nil)
		apptest.WantPage(t, "reject without a reason", actForm(dept, id, url.Values{"action": {"reject"}}), http.StatusUnprocessableEntity,
			[]string{`id="act-reject" open`, "必填"}, nil)
		page = wantRedirect(t, "reject", dept, actForm(dept, id, url.Values{"action": {"reject"}, "comment": {"锁具不合格"}}), "/hazards/"+id)
		apptest.WantPage(t, "rejected", page, http.StatusOK, []string{"已退回整改", "整改中", "已退回 1 次", "锁具不合格"}, nil)
		wantRedirect(t, "submit again", ent, postMultipart(t, e, ent, "/hazards/"+id+"/actions",
			url.Values{"action": {"submit"}, "comment": {"已更换锁具"}}, []file{{"更换锁具.png", pic}, {"整改报告.pdf", []byte("%PDF-1.4\n%%EOF\n")}}, true), "/hazards/"+id)
		accept := url.Values{"action": {"accept"}, "comment": {"整改到位"}}
		apptest.WantPage(t, "accept off site", postMultipart(t, e, dept, "/hazards/"+id+"/actions", accept, []file{{"验收.png", pic}}, true),
			http.StatusUnprocessableEntity, []string{"验收须到现场", "以上文件已上传"}, nil)
		accept.Set("on_site", "true")
		page = wantRedirect(t, "accept", dept, postMultipart(t, e, dept, "/hazards/"+id+"/actions", accept, []file{{"验收.png", pic}}, true), "/hazards/"+id)
		body := string(page.Body)
		apptest.WantPage(t, "closed", page, http.StatusOK, []string{"已验收销号。", "已销号", "按期销号", "隐患已销号，闭环完成。"}, []string{`<details class="act`})

		// The timeline: every step in order, by whom, with the photos of each.
		steps := regexp.MustCompile(`<span class="tl-action">([^<]+)</span>`).FindAllStringSubmatch(body, -1)
		var got []string
		for _, s := range steps {
			got = append(got, s[1])
		}
		want := "上报 交办 开始整改 提交验收 退回整改 提交验收 验收销号"
		if strings.Join(got, " ") != want {
			t.Errorf("timeline = %v, want %s", got, want)
		}
		tl := body[strings.Index(body, `<ol class="timeline">`):]
		if n := strings.Count(tl, `<img src="/api/v1/attachments/`); n != 4 {
			t.Errorf("the timeline shows %d photos, want 4 (found, two submissions, acceptance)", n)
		}
		// A document is a download link, not a picture.
		if !regexp.MustCompile(`<ul class="docs"><li><a href="/api/v1/attachments/\d+/content" download>.*整改报告.pdf</a>`).MatchString(tl) {
			t.Errorf("the timeline does not link the PDF")
		}
		for _, w := range []string{"东湖镇用户", "东湖企业", "住建委", "锁具不合格", "现场验收"} {
			if !strings.Contains(tl, w) {
				t.Errorf("the timeline lacks %q", w)
			}
		}
		// Photos are served to whoever sees the hazard.
		if res := town.Get(photo[1]); res.Status != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
			t.Errorf("the found photo as the town: %d %s", res.Status, res.Header.Get("Content-Type"))
		}

		// Nothing moves a closed hazard: 409 with what the state allows.
		apptest.WantPage(t, "assign a closed hazard", actForm(town, id, assign), http.StatusConflict,
			[]string{"隐患当前状态为“已销号”，不能再做任何处置。"}, nil)
		if res := actForm(town, id, url.Values{"action": {"demolish"}}); res.Status != http.StatusBadRequest {
			t.Errorf("unknown action: %d, want 400", res.Status)
		}
		apptest.WantPage(t, "closed in English", town.Get("/hazards/"+id+"?lang=en"), http.StatusOK,
			[]string{"History", "Accept", "Closed on"}, nil)
	})
}

// A major hazard's assign form asks for the five implementations (五落实) and the listing
// leader; the page then shows them.
func TestPages_MajorHazardForms(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		res := e.As(apptest.UserAdmin, "POST", "/api/v1/hazards", map[string]any{"title": "深基坑支护变形", "category": "unsafe_condition",
			"industry": "construction", "grade": "major", "grid_id": e.F.Grids[0][1].String(), "place": "湖滨安置房二期"})
		if res.Status != http.StatusCreated {
			t.Fatalf("report: %d %s", res.Status, res.Body)
		}
		id := res.Map(t)["id"].(string)
		town := e.SignIn(apptest.UserTown1)
		apptest.WantPage(t, "major assign form", town.Get("/hazards/"+id), http.StatusOK, []string{
			"五落实与挂牌督办", `name="responsibility"`, `name="funds_yuan"`, `name="contingency_plan"`, "分管本行业", ">钱分管 · 副区长</option>",
			"交办时落实“五落实”并指定挂牌督办领导。", "重大",
		}, nil)
		assign := url.Values{"action": {"assign"}, "owner_id": {e.F.Users[apptest.UserVillage].String()},
			"supervisor_org_id": {e.F.Units["construction"].String()}, "measures": {"停止开挖，加固支护"}, "deadline": {"2026-04-01"},
			"funds_yuan": {"五万"}}
		apptest.WantPage(t, "five missing", actForm(town, id, assign), http.StatusUnprocessableEntity, []string{"须为整数"}, nil)
		assign.Set("funds_yuan", "50000")
		res = actForm(town, id, assign)
		apptest.WantPage(t, "five missing", res, http.StatusUnprocessableEntity,
			[]string{"须指定挂牌督办领导", `value="50000"`, "停止开挖，加固支护</textarea>"}, nil)
		if n := strings.Count(string(res.Body), `<p class="field-error">必填</p>`); n != 2 {
			t.Errorf("%d required five-implementation fields flagged, want 2 (responsibility, contingency plan)", n)
		}
		assign.Set("responsibility", "施工单位项目经理")
		assign.Set("contingency_plan", "发现位移立即撤离")
		assign.Set("listing_leader_id", e.F.Leader.String())
		assign.Set("listing_doc", "测安委督〔2026〕3号")
		page := wantRedirect(t, "assign", town, actForm(town, id, assign), "/hazards/"+id)
		apptest.WantPage(t, "listed", page, http.StatusOK, []string{"挂牌督办", "50,000 元", "施工单位项目经理", "发现位移立即撤离", "钱分管", "测安委督〔2026〕3号", "东湖村用户"}, nil)
		// Listed, it counts in the list's figures.
		apptest.WantPage(t, "list of listed", town.Get("/hazards?grade=major"), http.StatusOK, []string{"挂牌督办 1 条", "深基坑支护变形", ">挂牌</span>"}, nil)
	})
}
