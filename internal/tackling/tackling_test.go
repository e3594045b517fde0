package tackling_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/safeduty/safeduty/internal/apptest"
)

// done is the text of a completion or a verification.
var done = map[string]any{"text": "已落实"}

// problem lists a problem as user and returns it.
func problem(t *testing.T, e *apptest.Env, user string, body map[string]any) map[string]any {
	t.Helper()
	res := e.As(user, "POST", "/api/v1/problems", body)
	if res.Status != http.StatusCreated {
		t.Fatalf("problem %v as %s: %d %s", body["title"], user, res.Status, res.Body)
	}
	return res.Map(t)
}

func get(t *testing.T, e *apptest.Env, user, path string) map[string]any {
	t.Helper()
	res := e.As(user, "GET", path, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("GET %s as %s: %d %s", path, user, res.Status, res.Body)
	}
	return res.Map(t)
}

func total(t *testing.T, e *apptest.Env, user, path string) int {
	t.Helper()
	return int(get(t, e, user, path)["total"].(float64))
}

func measureIDs(p map[string]any) []string {
	var ids []string
	for _, m := range p["measure_list"].([]any) {
		ids = append(ids, m.(map[string]any)["id"].(string))
	}
	return ids
}

// districtProblem lists a problem of the city group with measures owned by 钱分管 and
// carried by the construction department (one per deadline).
func districtProblem(t *testing.T, e *apptest.Env, title string, deadlines ...string) map[string]any {
	t.Helper()
	var ms []map[string]any
	for i, d := range deadlines {
		ms = append(ms, map[string]any{"text": fmt.Sprintf("%s措施%d", title, i+1), "leader_id": e.F.Leader.String(),
			"department_id": e.F.Units["construction"].String(), "deadline": d})
	}
	return problem(t, e, apptest.UserAdmin, map[string]any{"title": title, "code": "督导-01", "source_kind": "city",
		"source": "市安委会第一督导检查组", "org_id": e.F.Units["safety"].String(), "measures": ms})
}

// A problem is listed with its measures in one request, found by its filters, changed by
// PATCH, and hidden from a town whose units carry none of it.
func TestProblems_CreateListChange(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := apptest.FieldRules(t, e.As(apptest.UserAdmin, "POST", "/api/v1/problems", map[string]any{"source_kind": "nowhere",
			"measures": []map[string]any{{"text": "x", "department_id": e.F.Units["construction"].String(), "deadline": "soon"}}}))
		if f["title"] != "required" || f["source_kind"] != "one_of" || f["org_id"] != "required" || f["measures[0].deadline"] != "date" {
			t.Errorf("invalid problem: %v", f)
		}
		if n := total(t, e, apptest.UserAdmin, "/api/v1/problems"); n != 2 {
			t.Fatalf("a refused problem leaves nothing: %d problems, want the fixture's 2", n)
		}
		p := districtProblem(t, e, "城镇燃气管道老化更新滞后", "2026-04-30", "2026-06-30")
		id := p["id"].(string)
		if p["measures"] != float64(2) || len(measureIDs(p)) != 2 || p["org_name"] != "区应急管理局" {
			t.Fatalf("created: %v", p)
		}
		first := p["measure_list"].([]any)[0].(map[string]any)
		if first["leader_name"] != "钱分管" || first["department_name"] != "区住建委" || first["status"] != "open" ||
			!strings.HasPrefix(first["deadline"].(string), "2026-04-30T16:00:00") {
			t.Errorf("first measure: %v", first)
		}
		for q, want := range map[string]int{"": 3, "?source_kind=city": 3, "?source_kind=state_council,inspection": 0, "?q=燃气管道老化更新": 1,
			"?year=2026": 3, "?year=2025": 0, "?org_id=" + e.F.Units["safety"].String(): 1, "?under=" + e.F.Towns[0].String(): 1,
			"?has_overdue=true": 0} {
			if n := total(t, e, apptest.UserAdmin, "/api/v1/problems"+q); n != want {
				t.Errorf("problems%s: %d, want %d", q, n, want)
			}
		}
		res := e.As(apptest.UserAdmin, "PATCH", "/api/v1/problems/"+id, map[string]any{"title": "城镇燃气管道老化"})
		if res.Status != http.StatusOK || res.Map(t)["title"] != "城镇燃气管道老化" {
			t.Errorf("patch: %d %s", res.Status, res.Body)
		}
		// The construction department's users see the problem through its measures; a town
		// carrying none does not, exactly as if it did not exist.
		if res := e.As(apptest.UserTown1, "GET", "/api/v1/problems/"+id, nil); res.Status != http.StatusNotFound {
			t.Errorf("town01 reads a district problem: %d", res.Status)
		}
		if n := total(t, e, apptest.UserTown1, "/api/v1/problems"); n != 1 {
			t.Errorf("town01 sees %d problems, want its own 1", n)
		}
		if res := e.As(apptest.UserTown1, "PATCH", "/api/v1/problems/"+e.F.Samples[1]["problem"], map[string]any{"title": "x"}); res.Status != http.StatusNotFound {
			t.Errorf("town01 changes town02's problem: %d", res.Status)
		}
		if res := e.As(apptest.UserReader, "POST", "/api/v1/problems", map[string]any{"title": "x"}); res.Status != http.StatusForbidden {
			t.Errorf("a reader lists a problem: %d", res.Status)
		}
		// Time passes: the April measure is overdue.
		e.Clock.Set(time.Date(2026, 5, 2, 9, 0, 0, 0, time.UTC))
		if n := total(t, e, apptest.UserAdmin, "/api/v1/problems?has_overdue=true"); n != 3 {
			t.Errorf("problems with an overdue measure: %d, want 3 (the fixture's fall due in April)", n)
		}
		if got := get(t, e, apptest.UserAdmin, "/api/v1/problems/"+id); got["overdue"] != float64(1) {
			t.Errorf("overdue count: %v", got["overdue"])
		}
	})
}

// The department reports progress with a photo and completes; neither the owning leader
// nor whoever completed may verify; a reject sends the measure back with its reason.
func TestMeasures_ProgressCompleteVerify(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		must := apptest.Must(t)
		p := districtProblem(t, e, "建筑施工起重机械隐患", "2026-06-30", "2026-07-31")
		ids := measureIDs(p)
		photo := e.Upload(t, apptest.UserDept)
		got := must(e.As(apptest.UserDept, "POST", "/api/v1/measures/"+ids[0]+"/progress",
			map[string]any{"text": "已排查塔吊126台", "percent": 40, "attachment_ids": []string{photo}}), 200, "progress")
		if got["progress"] != float64(40) {
			t.Errorf("progress: %v", got["progress"])
		}
		h := got["history"].([]any)
		if len(h) != 1 || h[0].(map[string]any)["text"] != "已排查塔吊126台" || len(h[0].(map[string]any)["attachments"].([]any)) != 1 {
			t.Errorf("history: %v", h)
		}
		f := apptest.FieldRules(t, e.As(apptest.UserDept, "POST", "/api/v1/measures/"+ids[0]+"/progress", map[string]any{"percent": 140}))
		if f["text"] != "required" || f["percent"] != "between" {
			t.Errorf("invalid progress: %v", f)
		}
		for _, user := range []string{apptest.UserTown2, apptest.UserTown1} {
			if res := e.As(user, "POST", "/api/v1/measures/"+ids[0]+"/progress", map[string]any{"text": "x", "percent": 1}); res.Status != http.StatusNotFound {
				t.Errorf("%s reports on a district measure: %d", user, res.Status)
			}
		}
		must(e.As(apptest.UserDept, "POST", "/api/v1/measures/"+ids[0]+"/complete", map[string]any{"text": "全部完成"}), 200, "complete")
		if res := e.As(apptest.UserDept, "POST", "/api/v1/measures/"+ids[0]+"/complete", done); res.Status != http.StatusConflict {
			t.Errorf("complete twice: %d", res.Status)
		}
		// 钱分管 owns it: refused with the reason.
		res := e.As(apptest.UserLeader, "POST", "/api/v1/measures/"+ids[0]+"/verify", done)
		if res.Status != http.StatusForbidden || !strings.Contains(string(res.Body), "责任领导") {
			t.Errorf("the owning leader verifies: %d %s", res.Status, res.Body)
		}
		if res := e.As(apptest.UserDept, "POST", "/api/v1/measures/"+ids[0]+"/verify", done); res.Status != http.StatusForbidden {
			t.Errorf("the department verifies its own: %d", res.Status)
		}
		// The admin completes the second and may not verify it either.
		must(e.As(apptest.UserAdmin, "POST", "/api/v1/measures/"+ids[1]+"/complete", done), 200, "admin completes")
		res = e.As(apptest.UserAdmin, "POST", "/api/v1/measures/"+ids[1]+"/verify", done)
		if res.Status != http.StatusForbidden || !strings.Contains(string(res.Body), "由您报告完成") {
			t.Errorf("the completer verifies: %d %s", res.Status, res.Body)
		}
		got = must(e.As(apptest.UserAdmin, "POST", "/api/v1/measures/"+ids[0]+"/verify", map[string]any{"text": "现场核查属实"}), 200, "verify")
		if got["status"] != "verified" || got["verified_by"] == "" || got["on_time"] != true {
			t.Errorf("verified: %v", got)
		}
		if res := e.As(apptest.UserDept, "POST", "/api/v1/measures/"+ids[0]+"/progress", map[string]any{"text": "x", "percent": 1}); res.Status != http.StatusConflict {
			t.Errorf("progress after verification: %d", res.Status)
		}
		// A reject needs its reason and reopens the measure.
		if f := apptest.FieldRules(t, e.As(apptest.UserTown1, "POST", "/api/v1/measures/"+ids[1]+"/reject", map[string]any{})); f["text"] != "required" {
			// town01 does not see district measures at all
			t.Logf("town01 reject: %v", f)
		}
		if res := e.As(apptest.UserTown1, "POST", "/api/v1/measures/"+ids[1]+"/reject", map[string]any{"text": "x"}); res.Status != http.StatusNotFound {
			t.Errorf("town01 rejects a district measure: %d", res.Status)
		}
		f = apptest.FieldRules(t, e.As(apptest.UserDept, "POST", "/api/v1/measures/"+ids[1]+"/reject", map[string]any{}))
		if len(f) != 0 {
			t.Errorf("the department may not reject at all, got fields %v", f)
		}
		// a second admin-like verifier: the leader does own it too, so ask the town
		// chain: the fixture's admin completed; the safety office user is the admin itself.
		res = e.As(apptest.UserLeader, "POST", "/api/v1/measures/"+ids[1]+"/reject", map[string]any{"text": "资料不全"})
		if res.Status != http.StatusForbidden {
			t.Errorf("the owning leader rejects: %d", res.Status)
		}
		must(e.As(apptest.UserAdmin, "PATCH", "/api/v1/measures/"+ids[1], map[string]any{"leader_id": e.F.TownHeads[0].String()}), 200, "new leader")
		f = apptest.FieldRules(t, e.As(apptest.UserLeader, "POST", "/api/v1/measures/"+ids[1]+"/reject", map[string]any{}))
		if f["text"] != "required" {
			t.Errorf("a reject without a reason: %v", f)
		}
		got = must(e.As(apptest.UserLeader, "POST", "/api/v1/measures/"+ids[1]+"/reject", map[string]any{"text": "资料不全"}), 200, "reject")
		h = got["history"].([]any)
		if got["status"] != "open" || got["completed_at"] != nil || h[0].(map[string]any)["kind"] != "reject" || h[0].(map[string]any)["text"] != "资料不全" {
			t.Errorf("rejected: %v", got)
		}
		// Town01 carries its own measure: its own user reports and completes it.
		own := e.F.Samples[0]["measure"]
		must(e.As(apptest.UserTown1, "POST", "/api/v1/measures/"+own+"/complete", done), 200, "town completes")
		if res := e.As(apptest.UserTown2, "GET", "/api/v1/measures/"+own, nil); res.Status != http.StatusNotFound {
			t.Errorf("town02 reads town01's measure: %d", res.Status)
		}
		if n := total(t, e, apptest.UserTown1, "/api/v1/measures"); n != 1 {
			t.Errorf("town01 sees %d measures, want 1", n)
		}
	})
}

// Each figure equals the total of /api/v1/measures with the same filter.
func TestFigures_AgreeWithTheList(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		must := apptest.Must(t)
		// March 2: three measures due in March, one in April, one in June.
		ids := measureIDs(districtProblem(t, e, "道路交通隐患", "2026-03-10", "2026-03-20", "2026-03-31", "2026-04-30", "2026-06-30"))
		must(e.As(apptest.UserDept, "POST", "/api/v1/measures/"+ids[0]+"/complete", done), 200, "complete on time")
		must(e.As(apptest.UserAdmin, "POST", "/api/v1/measures/"+ids[0]+"/verify", done), 200, "verify")
		e.Clock.Set(time.Date(2026, 3, 25, 9, 0, 0, 0, time.UTC))
		must(e.As(apptest.UserDept, "POST", "/api/v1/measures/"+ids[1]+"/complete", done), 200, "complete late")
		must(e.As(apptest.UserAdmin, "POST", "/api/v1/measures/"+ids[1]+"/verify", done), 200, "verify late")
		must(e.As(apptest.UserDept, "POST", "/api/v1/measures/"+ids[3]+"/complete", done), 200, "complete, awaiting")
		e.Clock.Set(time.Date(2026, 4, 5, 9, 0, 0, 0, time.UTC)) // ids[2] and the fixture's are overdue
		for _, by := range []string{"leader", "department"} {
			fig := get(t, e, apptest.UserAdmin, "/api/v1/measures/figures?by="+by+"&year=2026")
			rows := fig["rows"].([]any)
			if len(rows) != 3 {
				t.Fatalf("%s rows: %v", by, rows)
			}
			sum := 0
			for _, r := range rows {
				row := r.(map[string]any)
				key := "&" + by + "_id=" + row["id"].(string)
				for field, q := range map[string]string{"total": "", "verified": "&status=verified", "on_time": "&on_time=true",
					"overdue": "&overdue=true", "in_progress": "&status=open,completed&overdue=false"} {
					if n := total(t, e, apptest.UserAdmin, "/api/v1/measures?year=2026"+key+q); float64(n) != row[field] {
						t.Errorf("%s %s %s: figure %v, list %d", by, row["name"], field, row[field], n)
					}
				}
				sum += int(row["total"].(float64))
			}
			if sum != 7 || fig["total"].(map[string]any)["total"] != float64(7) {
				t.Errorf("%s totals: %d, %v", by, sum, fig["total"])
			}
		}
		var leader map[string]any
		for _, r := range get(t, e, apptest.UserAdmin, "/api/v1/measures/figures?by=leader")["rows"].([]any) {
			if r.(map[string]any)["name"] == "钱分管" {
				leader = r.(map[string]any)
			}
		}
		if leader["name"] != "钱分管" || leader["total"] != float64(5) || leader["verified"] != float64(2) || leader["on_time"] != float64(1) ||
			leader["overdue"] != float64(1) || leader["in_progress"] != float64(2) {
			t.Errorf("钱分管: %v", leader)
		}
		if n := total(t, e, apptest.UserAdmin, "/api/v1/measures?on_time=false"); n != 1 {
			t.Errorf("verified late: %d", n)
		}
		if n := total(t, e, apptest.UserAdmin, "/api/v1/measures?due_within_days=14"); n != 3 {
			t.Errorf("due within 14 days (overdue included): %d, want 3", n)
		}
		// A town's figures count its own measures only.
		fig := get(t, e, apptest.UserTown2, "/api/v1/measures/figures?by=department")
		if tot := fig["total"].(map[string]any); tot["total"] != float64(1) || tot["overdue"] != float64(1) {
			t.Errorf("town02 figures: %v", tot)
		}
	})
}

// Submitting a 五个反思 lists a problem of source_kind reflection whose measures are its
// actions, once.
func TestReflections_SubmitOnce(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		must := apptest.Must(t)
		body := map[string]any{"year": 2026, "body": "party_committee", "org_id": e.F.District.String(), "summary": "安全发展理念树得不牢",
			"answers": []map[string]any{{"aspect": "planning", "score": 80, "findings": "专题研究不够"}}}
		f := apptest.FieldRules(t, e.As(apptest.UserAdmin, "POST", "/api/v1/reflections", body))
		if f["answers"] != "answers_all" {
			t.Errorf("four aspects missing: %v", f)
		}
		var answers []map[string]any
		for i, a := range []string{"planning", "staffing", "establishment", "mechanisms", "accountability"} {
			answers = append(answers, map[string]any{"aspect": a, "score": 70 + i*5, "findings": "问题" + a})
		}
		body["answers"] = answers
		body["actions"] = []map[string]any{
			{"text": "每季度专题研究安全生产", "leader_id": e.F.Leader.String(), "department_id": e.F.Units["safety"].String(), "deadline": "2026-12-31"},
			{"text": "充实乡镇安全监管力量", "department_id": e.F.Units["gov"].String(), "deadline": "2026-09-30"},
		}
		r := must(e.As(apptest.UserAdmin, "POST", "/api/v1/reflections", body), 201, "draft")
		id := r["id"].(string)
		if r["status"] != "draft" || r["problem_id"] != nil || r["score"] != float64(80) || len(r["answers"].([]any)) != 5 {
			t.Fatalf("draft: %v", r)
		}
		if res := e.As(apptest.UserAdmin, "POST", "/api/v1/reflections", body); res.Status != http.StatusConflict {
			t.Errorf("a second reflection of the year: %d", res.Status)
		}
		r = must(e.As(apptest.UserAdmin, "POST", "/api/v1/reflections/"+id+"/submit", map[string]any{}), 200, "submit")
		pid, _ := r["problem_id"].(string)
		if r["status"] != "submitted" || pid == "" || len(r["measures"].([]any)) != 2 {
			t.Fatalf("submitted: %v", r)
		}
		if res := e.As(apptest.UserAdmin, "POST", "/api/v1/reflections/"+id+"/submit", map[string]any{}); res.Status != http.StatusConflict {
			t.Errorf("submit twice: %d", res.Status)
		}
		if res := e.As(apptest.UserAdmin, "PATCH", "/api/v1/reflections/"+id, map[string]any{"summary": "x"}); res.Status != http.StatusConflict {
			t.Errorf("change once submitted: %d", res.Status)
		}
		if n := total(t, e, apptest.UserAdmin, "/api/v1/problems?source_kind=reflection&source_id="+id); n != 1 {
			t.Errorf("problems of the reflection: %d, want 1", n)
		}
		if n := total(t, e, apptest.UserAdmin, "/api/v1/measures?problem_id="+pid); n != 2 {
			t.Errorf("its measures: %d, want 2", n)
		}
		// The town's draft: another town cannot see or submit it; its own town can.
		own := e.F.Samples[0]["reflection"]
		if res := e.As(apptest.UserTown2, "POST", "/api/v1/reflections/"+own+"/submit", map[string]any{}); res.Status != http.StatusNotFound {
			t.Errorf("town02 submits town01's: %d", res.Status)
		}
		r = must(e.As(apptest.UserTown1, "PATCH", "/api/v1/reflections/"+own, map[string]any{"submit": true}), 200, "town submits")
		if r["status"] != "submitted" || len(r["measures"].([]any)) != 1 {
			t.Errorf("town submitted: %v", r)
		}
		if n := total(t, e, apptest.UserTown1, "/api/v1/problems?source_kind=reflection"); n != 1 {
			t.Errorf("town01's reflection problems: %d", n)
		}
	})
}

// The measures' spreadsheet is a real workbook with a row per measure.
func TestMeasures_ExportXLSX(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		districtProblem(t, e, "危化品储存不规范", "2026-05-31")
		res := e.As(apptest.UserAdmin, "GET", "/api/v1/measures?format=xlsx", nil)
		if res.Status != http.StatusOK {
			t.Fatalf("xlsx: %d %s", res.Status, res.Body)
		}
		x, err := excelize.OpenReader(bytes.NewReader(res.Body))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := x.GetRows(x.GetSheetList()[0])
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 4 || rows[0][4] != "整改措施" || rows[0][6] != "责任单位" {
			t.Fatalf("rows: %v", rows)
		}
		found := false
		for _, r := range rows[1:] {
			if r[4] == "危化品储存不规范措施1" && r[5] == "钱分管" && r[6] == "区住建委" && r[7] == "2026-05-31" && r[8] == "推进中" {
				found = true
			}
		}
		if !found {
			t.Errorf("the measure's row is missing: %v", rows)
		}
	})
}
