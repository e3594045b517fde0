package hazard_test

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/hazard"
)

// report files a hazard at town01's enterprise (whose user, ent1, can then own it) as
// patrol1.
func report(t *testing.T, e *apptest.Env, grade string) map[string]any {
	t.Helper()
	photo := e.Upload(t, apptest.UserPatrol1)
	res := e.As(apptest.UserPatrol1, "POST", "/api/v1/hazards", map[string]any{
		"title": "脚手架未全封闭", "description": "东侧脚手架缺少密目网", "category": "unsafe_condition",
		"industry": "construction", "grade": grade, "grid_id": e.F.Grids[0][2].String(),
		"enterprise_id": e.F.Enterprises[0].String(), "photos": []string{photo},
	})
	if res.Status != http.StatusCreated {
		t.Fatalf("report: %d %s", res.Status, res.Body)
	}
	return res.Map(t)
}

func act(e *apptest.Env, user, id string, body map[string]any) *apptest.Response {
	return e.As(user, "POST", "/api/v1/hazards/"+id+"/actions", body)
}

func assignBody(e *apptest.Env, deadline string) map[string]any {
	return map[string]any{"action": "assign", "owner_id": e.F.Users[apptest.UserEnt].String(),
		"supervisor_org_id": e.F.Units["construction"].String(), "measures": "加装密目网，专人复查", "deadline": deadline}
}

// The closed loop of the issue: a patroller reports, the town assigns, the enterprise
// starts and submits with a photo, the department rejects, the enterprise resubmits, the
// department accepts; each step is in the history; a wrong action answers 409; another
// town answers 404.
func TestLoop_ReportToClose(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		h := report(t, e, "general")
		id := h["id"].(string)
		if h["status"] != "reported" || h["source"] != "grid_patrol" || !strings.HasPrefix(h["code"].(string), "YH2026") {
			t.Fatalf("reported hazard: %v", h)
		}
		steps := []struct {
			user   string
			body   map[string]any
			status string
		}{
			{apptest.UserTown1, assignBody(e, "2026-03-20"), "assigned"},
			{apptest.UserEnt, map[string]any{"action": "start"}, "rectifying"},
			{apptest.UserEnt, map[string]any{"action": "submit", "comment": "已加装", "attachments": []string{e.Upload(t, apptest.UserEnt)}}, "submitted"},
			{apptest.UserDept, map[string]any{"action": "reject", "comment": "北侧仍有缺口"}, "rectifying"},
			{apptest.UserEnt, map[string]any{"action": "submit", "comment": "北侧已补", "attachments": []string{e.Upload(t, apptest.UserEnt)}}, "submitted"},
			{apptest.UserDept, map[string]any{"action": "accept", "on_site": true, "attachments": []string{e.Upload(t, apptest.UserDept)}}, "closed"},
		}
		for i, s := range steps {
			res := act(e, s.user, id, s.body)
			if res.Status != http.StatusOK || res.Map(t)["status"] != s.status {
				t.Fatalf("step %d (%s %v): %d %s", i+1, s.user, s.body["action"], res.Status, res.Body)
			}
		}
		var hist struct {
			Items []struct {
				Action, From, To, Comment string
				ActorName                 string `json:"actor_name"`
				Attachments               []struct{ Kind, URL string }
			}
			Total int
		}
		e.As(apptest.UserTown1, "GET", "/api/v1/hazards/"+id+"/history", nil).JSON(t, &hist)
		want := []string{"report::reported", "assign:reported:assigned", "start:assigned:rectifying", "submit:rectifying:submitted",
			"reject:submitted:rectifying", "submit:rectifying:submitted", "accept:submitted:closed"}
		if hist.Total != len(want) {
			t.Fatalf("history has %d steps, want %d: %+v", hist.Total, len(want), hist.Items)
		}
		for i, w := range want {
			ev := hist.Items[i]
			if got := ev.Action + ":" + ev.From + ":" + ev.To; got != w {
				t.Errorf("step %d = %s, want %s", i, got, w)
			}
			if ev.ActorName == "" {
				t.Errorf("step %d has no actor", i)
			}
		}
		if hist.Items[3].Comment != "已加装" || len(hist.Items[3].Attachments) != 1 || hist.Items[4].Comment != "北侧仍有缺口" {
			t.Errorf("submit/reject steps lack comment or attachment: %+v", hist.Items[3:5])
		}
		if len(hist.Items[0].Attachments) != 1 || hist.Items[0].Attachments[0].Kind != "found" || hist.Items[6].Attachments[0].Kind != "acceptance" {
			t.Errorf("attachment kinds: %+v / %+v", hist.Items[0].Attachments, hist.Items[6].Attachments)
		}
		// A photo in the history is readable by someone who may see the hazard.
		if res := e.As(apptest.UserTown1, "GET", hist.Items[0].Attachments[0].URL, nil); res.Status != http.StatusOK {
			t.Errorf("town01 reads the hazard's photo: %d", res.Status)
		}
		if res := e.As(apptest.UserTown2, "GET", hist.Items[0].Attachments[0].URL, nil); res.Status != http.StatusNotFound {
			t.Errorf("town02 reads the hazard's photo: %d", res.Status)
		}

		// A closed hazard cannot move: 409 says what is allowed.
		res := act(e, apptest.UserEnt, id, map[string]any{"action": "start"})
		if res.Status != http.StatusConflict || !strings.Contains(res.Map(t)["detail"].(string), "已销号") {
			t.Errorf("start on a closed hazard: %d %s", res.Status, res.Body)
		}
		// Another town sees nothing.
		if res := e.As(apptest.UserTown2, "GET", "/api/v1/hazards/"+id, nil); res.Status != http.StatusNotFound {
			t.Errorf("town02 reads town01's hazard: %d", res.Status)
		}
		if res := e.As(apptest.UserTown2, "GET", "/api/v1/hazards/"+id+"/history", nil); res.Status != http.StatusNotFound {
			t.Errorf("town02 reads its history: %d", res.Status)
		}
		// The closed hazard counts as closed on time.
		got := e.As(apptest.UserTown1, "GET", "/api/v1/hazards/"+id, nil).Map(t)
		if got["closed_on_time"] != true || got["overdue"] != false {
			t.Errorf("closed hazard: %v", got)
		}
	})
}

func TestLoop_IllegalAndForbiddenMoves(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		id := report(t, e, "general")["id"].(string)
		// Submit while reported: illegal in this status → 409 naming what is allowed.
		res := act(e, apptest.UserPatrol1, id, map[string]any{"action": "submit"})
		body := res.Map(t)
		if res.Status != http.StatusConflict || body["hazard_status"] != "reported" || !strings.Contains(body["detail"].(string), "交办") {
			t.Errorf("submit while reported: %d %s", res.Status, res.Body)
		}
		en := e.As(apptest.UserPatrol1, "POST", "/api/v1/hazards/"+id+"/actions", map[string]any{"action": "accept"}, "Accept-Language", "en")
		if !strings.Contains(string(en.Body), "Allowed now: Assign, Comment") {
			t.Errorf("English 409: %s", en.Body)
		}
		// Legal in the status but not for this caller → 403.
		if res := act(e, apptest.UserPatrol1, id, assignBody(e, "2026-03-20")); res.Status != http.StatusForbidden {
			t.Errorf("patroller assigns: %d %s", res.Status, res.Body)
		}
		// Unknown action → 422.
		if res := act(e, apptest.UserTown1, id, map[string]any{"action": "approve"}); res.Status != http.StatusUnprocessableEntity {
			t.Errorf("unknown action: %d", res.Status)
		}
		// Assign with missing fields names each.
		res = act(e, apptest.UserTown1, id, map[string]any{"action": "assign", "deadline": "2020-01-01"})
		fields := apptest.FieldRules(t, res)
		for f, r := range map[string]string{"measures": "required", "owner_id": "required", "supervisor_org_id": "required", "deadline": "deadline_past"} {
			if fields[f] != r {
				t.Errorf("assign: field %s rule %q, want %q (%v)", f, fields[f], r, fields)
			}
		}
		// A department that does not supervise the industry cannot be the supervising unit.
		b := assignBody(e, "2026-03-20")
		b["supervisor_org_id"] = e.F.Units["gov"].String()
		if fields := apptest.FieldRules(t, act(e, apptest.UserTown1, id, b)); fields["supervisor_org_id"] != "supervisor_kind" {
			t.Errorf("government as supervisor: %v", fields)
		}
		// An owner from another town cannot see the hazard.
		b = assignBody(e, "2026-03-20")
		b["owner_id"] = e.F.Users[apptest.UserPatrol2].String()
		if fields := apptest.FieldRules(t, act(e, apptest.UserTown1, id, b)); fields["owner_id"] != "owner_out_of_reach" {
			t.Errorf("owner of another town: %v", fields)
		}
		// Submitting without evidence is refused, and nothing moves.
		if res := act(e, apptest.UserTown1, id, assignBody(e, "2026-03-20")); res.Status != http.StatusOK {
			t.Fatalf("assign: %d %s", res.Status, res.Body)
		}
		act(e, apptest.UserEnt, id, map[string]any{"action": "start"})
		if fields := apptest.FieldRules(t, act(e, apptest.UserEnt, id, map[string]any{"action": "submit"})); fields["attachments"] != "evidence_required" {
			t.Errorf("submit without evidence: %v", fields)
		}
		// Accepting without being on site is refused (三进).
		act(e, apptest.UserEnt, id, map[string]any{"action": "submit", "attachments": []string{e.Upload(t, apptest.UserEnt)}})
		if fields := apptest.FieldRules(t, act(e, apptest.UserDept, id, map[string]any{"action": "accept"})); fields["on_site"] != "on_site_required" || fields["attachments"] != "on_site_photos_required" {
			t.Errorf("accept off site: %v", fields)
		}
		// Someone else's attachment cannot be claimed.
		other := e.Upload(t, apptest.UserPatrol2)
		res = act(e, apptest.UserDept, id, map[string]any{"action": "accept", "on_site": true, "attachments": []string{other}})
		if fields := apptest.FieldRules(t, res); fields["attachments"] == "" {
			t.Errorf("accept with another town's upload: %d %s", res.Status, res.Body)
		}
		if got := e.As(apptest.UserDept, "GET", "/api/v1/hazards/"+id, nil).Map(t)["status"]; got != "submitted" {
			t.Errorf("a refused action moved the hazard to %v", got)
		}
	})
}

// Major hazards need the five implementations and a listing leader to be assigned, and an
// acceptance record to close.
func TestLoop_MajorHazard(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		id := report(t, e, "major")["id"].(string)
		res := act(e, apptest.UserTown1, id, assignBody(e, "2026-04-30"))
		fields := apptest.FieldRules(t, res)
		for _, f := range []string{"responsibility", "funds_yuan", "contingency_plan", "listing_leader_id"} {
			if fields[f] == "" {
				t.Errorf("major assign without %s accepted (%d %v)", f, res.Status, fields)
			}
		}
		b := assignBody(e, "2026-04-30")
		b["responsibility"] = "项目经理王某，安全员李某"
		b["funds_yuan"] = 120000
		b["contingency_plan"] = "停止高处作业，设置警戒区"
		b["listing_leader_id"] = e.F.Leader.String()
		b["listing_doc"] = "临安委督〔2026〕3号"
		res = act(e, apptest.UserTown1, id, b)
		if res.Status != http.StatusOK {
			t.Fatalf("major assign: %d %s", res.Status, res.Body)
		}
		h := res.Map(t)
		if h["listed"] != true || h["listing_leader"] != "钱分管" || h["funds_yuan"] != float64(120000) {
			t.Errorf("listed hazard: %v", h)
		}
		act(e, apptest.UserEnt, id, map[string]any{"action": "start"})
		act(e, apptest.UserEnt, id, map[string]any{"action": "submit", "attachments": []string{e.Upload(t, apptest.UserEnt)}})
		res = act(e, apptest.UserDept, id, map[string]any{"action": "accept", "on_site": true, "attachments": []string{e.Upload(t, apptest.UserDept)}})
		if f := apptest.FieldRules(t, res); f["participants"] != "required" || f["conclusion"] != "required" {
			t.Errorf("major accept without a record: %v", f)
		}
		res = act(e, apptest.UserDept, id, map[string]any{"action": "accept", "on_site": true, "attachments": []string{e.Upload(t, apptest.UserDept)},
			"participants": "区住建委张三、东湖镇李四、企业王五", "conclusion": "整改到位，同意销号"})
		if res.Status != http.StatusOK || res.Map(t)["status"] != "closed" {
			t.Errorf("major accept: %d %s", res.Status, res.Body)
		}
	})
}

// Overdue shows in lists and detail, and the escalation notices go out exactly once each:
// a reminder before the deadline, the supervising unit when overdue, the leader later.
func TestEscalation_ExactlyOnce(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		id := report(t, e, "general")["id"].(string)
		deadline := apptest.Start.Add(10 * 24 * time.Hour).Format(time.RFC3339)
		if res := act(e, apptest.UserTown1, id, assignBody(e, deadline)); res.Status != http.StatusOK {
			t.Fatalf("assign: %d %s", res.Status, res.Body)
		}
		inbox := func(user, kind string) int {
			t.Helper()
			res := e.As(user, "GET", "/api/v1/notifications?kind="+kind, nil)
			total, ok := res.Map(t)["total"].(float64)
			if !ok {
				t.Fatalf("inbox of %s: %d %s", user, res.Status, res.Body)
			}
			return int(total)
		}
		run := func() {
			t.Helper()
			// Two servers sharing the database run the job at the same moment.
			errs := make(chan error, 2)
			for range 2 {
				go func() { errs <- e.App.Jobs.RunDue(t.Context()) }()
			}
			for range 2 {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
		}
		run()
		if n := inbox(apptest.UserEnt, "hazard.reminder"); n != 0 {
			t.Fatalf("reminder 10 days early: %d", n)
		}
		e.Clock.Advance(8 * 24 * time.Hour) // 2 days before the deadline
		run()
		run()
		if n := inbox(apptest.UserEnt, "hazard.reminder"); n != 1 {
			t.Fatalf("owner reminders: %d, want 1", n)
		}
		overdue := func() (list, detail any) {
			l := e.As(apptest.UserTown1, "GET", "/api/v1/hazards?overdue=true", nil).Map(t)
			d := e.As(apptest.UserTown1, "GET", "/api/v1/hazards/"+id, nil).Map(t)
			return l["total"], d["overdue"]
		}
		if l, d := overdue(); l != float64(0) || d != false {
			t.Fatalf("overdue before the deadline: list %v detail %v", l, d)
		}
		e.Clock.Advance(3 * 24 * time.Hour) // one day past
		if l, d := overdue(); l != float64(1) || d != true {
			t.Fatalf("overdue after the deadline: list %v detail %v", l, d)
		}
		run()
		run()
		if n := inbox(apptest.UserDept, "hazard.overdue"); n != 1 {
			t.Errorf("supervising unit overdue notices: %d, want 1", n)
		}
		if n := inbox(apptest.UserEnt, "hazard.overdue"); n != 1 {
			t.Errorf("owner overdue notices: %d, want 1", n)
		}
		if n := inbox(apptest.UserLeader, "hazard.leader"); n != 0 {
			t.Errorf("leader told too early: %d", n)
		}
		e.Clock.Advance(7 * 24 * time.Hour)
		run()
		run()
		if n := inbox(apptest.UserLeader, "hazard.leader"); n != 1 {
			t.Errorf("leader notices: %d, want 1", n)
		}
		if n := inbox(apptest.UserDept, "hazard.overdue"); n != 1 {
			t.Errorf("overdue notice repeated: %d", n)
		}
		var hist struct{ Items []struct{ Action string } }
		e.As(apptest.UserTown1, "GET", "/api/v1/hazards/"+id+"/history", nil).JSON(t, &hist)
		escalations := 0
		for _, ev := range hist.Items {
			if ev.Action == "escalate" {
				escalations++
			}
		}
		if escalations != 3 {
			t.Errorf("history holds %d escalation steps, want 3", escalations)
		}
		// A new deadline starts a new cycle.
		newDeadline := e.Clock.Now().Add(24 * time.Hour).Format(time.RFC3339)
		if res := act(e, apptest.UserTown1, id, assignBody(e, newDeadline)); res.Status != http.StatusConflict {
			// Re-assignment is only possible while assigned; the hazard is assigned.
			if res.Status != http.StatusOK {
				t.Fatalf("re-assign: %d %s", res.Status, res.Body)
			}
		}
		e.Clock.Advance(10 * time.Minute) // the job's next run
		run()
		if n := inbox(apptest.UserEnt, "hazard.reminder"); n != 2 {
			t.Errorf("reminders after a new deadline: %d, want 2", n)
		}
	})
}

func TestHazards_ListFiltersStatsAndExport(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ids := []string{}
		for i := range 3 {
			ids = append(ids, report(t, e, []string{"general", "major", "general"}[i])["id"].(string))
		}
		act(e, apptest.UserTown1, ids[0], assignBody(e, "2026-03-05"))
		stats := e.As(apptest.UserTown1, "GET", "/api/v1/hazards/stats", nil).Map(t)
		// The fixture already holds one hazard per town; town01 sees its own plus these 3.
		if stats["registered"] != float64(4) || stats["open"] != float64(4) || stats["open_owned"] != float64(1) ||
			stats["major_open"] != float64(1) || stats["owned_rate"] != 0.25 {
			t.Errorf("town01 stats: %v", stats)
		}
		admin := e.As(apptest.UserAdmin, "GET", "/api/v1/hazards/stats?group=town", nil).Map(t)
		groups := admin["groups"].([]any)
		if admin["registered"] != float64(5) || len(groups) != 2 {
			t.Errorf("district stats by town: %v", admin)
		}
		list := e.As(apptest.UserTown1, "GET", "/api/v1/hazards?grade=major", nil).Map(t)
		if list["total"] != float64(1) {
			t.Errorf("grade filter: %v", list["total"])
		}
		list = e.As(apptest.UserTown1, "GET", "/api/v1/hazards?status=assigned,rectifying", nil).Map(t)
		if list["total"] != float64(1) {
			t.Errorf("status filter: %v", list["total"])
		}
		list = e.As(apptest.UserTown1, "GET", "/api/v1/hazards?q=脚手架&sort=code", nil).Map(t)
		items := list["items"].([]any)
		if len(items) != 3 || items[0].(map[string]any)["id"] != ids[0] {
			t.Errorf("q + sort: %v", list)
		}
		// The department sees construction hazards only; the enterprise only its own.
		if n := e.As(apptest.UserDept, "GET", "/api/v1/hazards", nil).Map(t)["total"]; n != float64(4) {
			t.Errorf("department sees %v construction hazards, want 4", n)
		}
		if n := e.As(apptest.UserEnt, "GET", "/api/v1/hazards", nil).Map(t)["total"]; n != float64(3) {
			t.Errorf("enterprise sees %v hazards, want the 3 at its enterprise", n)
		}
		csv := e.As(apptest.UserTown1, "GET", "/api/v1/hazards?sort=code&format=csv", nil)
		lines := strings.Split(strings.TrimSpace(string(csv.Body)), "\n")
		if len(lines) != 5 || !strings.Contains(lines[1], "YH2026") {
			t.Errorf("csv export: %d lines\n%s", len(lines), csv.Body)
		}
		if res := e.As(apptest.UserTown1, "GET", "/api/v1/hazards?format=xlsx", nil); res.Status != http.StatusOK || len(res.Body) < 1000 {
			t.Errorf("xlsx export: %d %d bytes", res.Status, len(res.Body))
		}
	})
}

// GET /api/v1/hazards?format=xlsx returns a workbook with the same rows as the list.
func TestHazards_XLSXMatchesList(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		for range 3 {
			report(t, e, "general")
		}
		var list struct {
			Items []struct{ Code string }
			Total int
		}
		e.As(apptest.UserAdmin, "GET", "/api/v1/hazards?sort=-code&per_page=2", nil).JSON(t, &list)
		if list.Total != 5 {
			t.Fatalf("list total %d", list.Total)
		}
		var all []string
		for page := 1; page <= 3; page++ {
			var p struct{ Items []struct{ Code string } }
			e.As(apptest.UserAdmin, "GET", fmt.Sprintf("/api/v1/hazards?sort=-code&per_page=2&page=%d", page), nil).JSON(t, &p)
			for _, h := range p.Items {
				all = append(all, h.Code)
			}
		}
		res := e.As(apptest.UserAdmin, "GET", "/api/v1/hazards?sort=-code&format=xlsx", nil)
		f, err := excelize.OpenReader(bytes.NewReader(res.Body))
		if err != nil {
			t.Fatalf("xlsx: %v (%d)", err, res.Status)
		}
		rows, _ := f.GetRows(f.GetSheetName(0))
		var got []string
		for _, r := range rows[1:] {
			got = append(got, r[0])
		}
		if strings.Join(got, ",") != strings.Join(all, ",") {
			t.Errorf("workbook rows %v, list rows %v", got, all)
		}
		if rows[0][0] != "编号" || rows[0][2] != "状态" || rows[1][2] != "已上报" {
			t.Errorf("header or translated status: %v / %v", rows[0], rows[1])
		}
	})
}

// A list answers the same whichever way it is fetched: matches first (few of them) or
// along the sort order; a page past the end is empty with the right total.
func TestHazards_ListSameEitherWay(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		for i := range 7 {
			id := report(t, e, []string{"general", "major"}[i%2])["id"].(string)
			if i%3 == 0 {
				act(e, apptest.UserTown1, id, assignBody(e, fmt.Sprintf("2026-03-%02d", 10+i)))
			}
		}
		ids := func(path string) (float64, []string) {
			t.Helper()
			res := e.As(apptest.UserTown1, "GET", path, nil)
			if res.Status != http.StatusOK {
				t.Fatalf("%s: %d %s", path, res.Status, res.Body)
			}
			var page struct {
				Total float64
				Items []struct{ ID string }
			}
			res.JSON(t, &page)
			out := []string{}
			for _, it := range page.Items {
				out = append(out, it.ID)
			}
			return page.Total, out
		}
		for path, want := range map[string]int{
			"/api/v1/hazards": 8,
			"/api/v1/hazards?sort=deadline&per_page=3&page=2": 3,
			"/api/v1/hazards?grade=major&sort=-code":          3,
			"/api/v1/hazards?q=脚手&per_page=2":                 2,
			"/api/v1/hazards?q=无此隐患":                          0,
		} {
			restore := hazard.SetSmallList(0)
			total, along := ids(path)
			restore()
			total2, first := ids(path)
			if total != total2 || !slices.Equal(along, first) || len(first) != want {
				t.Errorf("%s: along the order %v of %v, matches first %v of %v; want %d items", path, along, total, first, total2, want)
			}
		}
		total, items := ids("/api/v1/hazards?per_page=5&page=3")
		if total != 8 || len(items) != 0 {
			t.Errorf("past the end: total %v, %d items; want 8 and none", total, len(items))
		}
	})
}
