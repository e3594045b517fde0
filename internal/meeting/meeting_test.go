package meeting_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// record records a meeting as user and returns it.
func record(t *testing.T, e *apptest.Env, user string, body map[string]any) map[string]any {
	t.Helper()
	res := e.As(user, "POST", "/api/v1/meetings", body)
	if res.Status != http.StatusCreated {
		t.Fatalf("meeting %v as %s: %d %s", body["title"], user, res.Status, res.Body)
	}
	return res.Map(t)
}

func list(t *testing.T, e *apptest.Env, user, path string) (int, []map[string]any) {
	t.Helper()
	res := e.As(user, "GET", path, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("%s as %s: %d %s", path, user, res.Status, res.Body)
	}
	var page struct {
		Items []map[string]any `json:"items"`
		Total int              `json:"total"`
	}
	res.JSON(t, &page)
	return page.Total, page.Items
}

// A town records its meetings; the list filters them; the other town never sees them;
// those recorded more than 7 days after they were held are late; exports are files.
func TestMeetings_RecordListFilterScopeLate(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		town1 := e.F.Units["town1gov"].String()
		head := e.F.TownHeads[0].String()
		m := record(t, e, apptest.UserTown1, map[string]any{"kind": "town", "org_id": town1, "title": "东湖镇三月安全生产例会",
			"held_at": "2026-02-27T14:30", "place": "镇政府三楼会议室", "chair_id": head, "attendee_ids": []string{head, e.F.Leader.String()},
			"industries": []string{"construction"}, "topics": "春季复工安全", "decisions": "开展建筑工地复工检查"})
		if m["late"] != false || m["chair_name"] != "孙东湖" || len(m["attendees"].([]any)) != 2 || m["org_name"] == "" {
			t.Errorf("recorded: %v", m)
		}
		late := record(t, e, apptest.UserTown1, map[string]any{"kind": "town", "org_id": town1, "title": "东湖镇二月安全生产例会", "held_at": "2026-02-10"})
		if late["late"] != true {
			t.Errorf("held 20 days ago, recorded now: late %v", late["late"])
		}
		f := apptest.FieldRules(t, e.As(apptest.UserTown1, "POST", "/api/v1/meetings", map[string]any{"kind": "party", "held_at": "2030-01-01",
			"org_id": e.F.Units["town2gov"].String(), "industries": []string{"nope"}}))
		if f["kind"] != "one_of" || f["title"] != "required" || f["held_at"] != "not_future" || f["org_id"] != "unknown_ref" || f["industries"] != "unknown_ref" {
			t.Errorf("invalid meeting: %v", f)
		}
		f = apptest.FieldRules(t, e.As(apptest.UserTown1, "POST", "/api/v1/meetings", map[string]any{"kind": "town", "org_id": town1, "title": "x",
			"held_at": "2026-03-01", "chair_id": e.F.TownHeads[1].String()}))
		if f["chair_id"] != "unknown_ref" {
			t.Errorf("the other town's head chairs: %v", f)
		}
		// a department records its own meetings, not the government's
		f = apptest.FieldRules(t, e.As(apptest.UserDept, "POST", "/api/v1/meetings", map[string]any{"kind": "executive", "org_id": e.F.Units["gov"].String(),
			"title": "区政府常务会议", "held_at": "2026-03-01"}))
		if f["org_id"] != "unknown_ref" {
			t.Errorf("department records the government's meeting: %v", f)
		}
		record(t, e, apptest.UserDept, map[string]any{"kind": "department", "org_id": e.F.Units["construction"].String(), "title": "住建委三月安全例会",
			"held_at": "2026-03-01", "industries": []string{"construction"}})
		if res := e.As(apptest.UserDept, "PATCH", "/api/v1/meetings/"+m["id"].(string), map[string]any{"title": "改"}); res.Status != http.StatusForbidden {
			t.Errorf("department changes a town's meeting: %d", res.Status)
		}
		if res := e.As(apptest.UserReader, "POST", "/api/v1/meetings", map[string]any{}); res.Status != http.StatusForbidden {
			t.Errorf("reader records: %d", res.Status)
		}

		n, items := list(t, e, apptest.UserTown1, "/api/v1/meetings")
		if n != 3 || items[0]["title"] != "东湖镇汛期安全生产专题会" { // the fixture's, held yesterday, first
			t.Errorf("town1 list: %d %v", n, items)
		}
		for q, want := range map[string]int{"?late=true": 1, "?late=false": 2, "?industry=construction": 1, "?person_id=" + e.F.Leader.String(): 1,
			"?chair_id=" + head: 2, "?from=2026-02-20&to=2026-02-28": 1, "?q=二月": 1, "?kind=executive": 0, "?year=2025": 0,
			"?under=" + e.F.Towns[0].String(): 3, "?under=" + e.F.Towns[1].String(): 0} {
			if n, _ := list(t, e, apptest.UserTown1, "/api/v1/meetings"+q); n != want {
				t.Errorf("town1 %s: %d, want %d", q, n, want)
			}
		}
		if n, _ := list(t, e, apptest.UserTown2, "/api/v1/meetings"); n != 1 {
			t.Errorf("town2 sees %d meetings, want its own 1", n)
		}
		if n, _ := list(t, e, apptest.UserAdmin, "/api/v1/meetings"); n != 5 {
			t.Errorf("admin sees %d meetings, want 5", n)
		}
		id := m["id"].(string)
		if res := e.As(apptest.UserTown2, "GET", "/api/v1/meetings/"+id, nil); res.Status != http.StatusNotFound {
			t.Errorf("other town reads: %d", res.Status)
		}
		if res := e.As(apptest.UserTown2, "PATCH", "/api/v1/meetings/"+id, map[string]any{"title": "改"}); res.Status != http.StatusNotFound {
			t.Errorf("other town changes: %d", res.Status)
		}
		res := e.As(apptest.UserTown1, "PATCH", "/api/v1/meetings/"+id, map[string]any{"held_at": "2026-02-01", "attendee_ids": []string{head}})
		if res.Status != http.StatusOK {
			t.Fatalf("patch: %d %s", res.Status, res.Body)
		}
		if got := res.Map(t); got["late"] != true || len(got["attendees"].([]any)) != 1 {
			t.Errorf("moved a month back: late %v, attendees %v", got["late"], got["attendees"])
		}
		for _, format := range []string{"csv", "xlsx"} {
			res := e.As(apptest.UserTown1, "GET", "/api/v1/meetings?format="+format, nil)
			if res.Status != http.StatusOK || len(res.Body) < 100 {
				t.Errorf("export %s: %d %d bytes", format, res.Status, len(res.Body))
			}
			if format == "csv" && (!strings.Contains(string(res.Body), "东湖镇三月安全生产例会") || !strings.Contains(string(res.Body), "镇（街道）会议")) {
				t.Errorf("csv: %s", res.Body)
			}
		}
	})
}

// The done-when scenario: a quarter without an executive meeting is a gap for the
// government; recording that meeting once closes the gap and marks done the duty task
// of every post it proves; recording it again does not duplicate the evidence.
func TestMeetings_ExecutiveGapClosedAndTasksProved(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		e.Clock.Set(time.Date(2026, 7, 10, 2, 0, 0, 0, time.UTC)) // Q1 and Q2 have ended
		gov := e.F.Units["gov"]
		res := e.As(apptest.UserAdmin, "POST", "/api/v1/people", map[string]any{"org_id": gov.String(), "name": "赵区长",
			"posts": []map[string]any{{"org_id": gov.String(), "title": "区长", "kind": "district_head", "is_main_leader": true}}})
		if res.Status != http.StatusCreated {
			t.Fatalf("district head: %d %s", res.Status, res.Body)
		}
		head, _ := db.ParseID(res.Map(t)["id"].(string))
		q2 := time.Date(2026, 4, 1, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
		var tasks []db.ID
		for _, post := range []struct {
			person db.ID
			title  string
		}{{head, "区长"}, {e.F.Leader, "副区长"}} {
			var list, item, task db.ID
			err := e.App.DB.Tx(ctx, func(tx *db.Tx) error {
				if err := tx.QueryRow(ctx, `INSERT INTO duty_lists (person_id, org_id, org_path, post_title, post_kind, year, version, current, created_at)
					SELECT ?, id, path, ?, '', 2026, 1, TRUE, ? FROM orgs WHERE id = ? RETURNING id`, post.person, post.title, q2, gov).Scan(&list); err != nil {
					return err
				}
				if err := tx.QueryRow(ctx, `INSERT INTO duty_items (list_id, position, body, role, text, frequency, evidence, meeting_kind)
					VALUES (?, 1, 'government', 'decide', '每季度召开区政府常务会议研究安全生产', 'quarterly', 'meeting', 'executive') RETURNING id`, list).Scan(&item); err != nil {
					return err
				}
				return tx.QueryRow(ctx, `INSERT INTO duty_tasks (item_id, origin_id, list_id, person_id, org_id, org_path, period, starts_at, due_at, created_at)
					SELECT ?, ?, ?, ?, id, path, '2026-Q2', ?, ?, ? FROM orgs WHERE id = ? RETURNING id`, item, item, list, post.person, q2, q2.AddDate(0, 3, 0), q2, gov).Scan(&task)
			})
			if err != nil {
				t.Fatal(err)
			}
			tasks = append(tasks, task)
		}
		gaps := func() []string {
			_, items := list(t, e, apptest.UserAdmin, "/api/v1/meetings/gaps?kind=executive&per_page=100")
			var out []string
			for _, g := range items {
				out = append(out, g["org_name"].(string)+" "+g["period_text"].(string)+" "+g["state"].(string))
			}
			return out
		}
		if got := strings.Join(gaps(), ";"); got != "区政府 2026年第一季度 gap;区政府 2026年第二季度 gap" {
			t.Errorf("gaps before: %s", got)
		}
		sum := e.As(apptest.UserAdmin, "GET", "/api/v1/meetings/gaps/summary", nil).Map(t)
		before := sum["gaps"].(float64)

		m := record(t, e, apptest.UserAdmin, map[string]any{"kind": "executive", "org_id": gov.String(), "title": "区政府第12次常务会议",
			"held_at": "2026-05-20T09:00", "chair_id": head.String(), "attendee_ids": []string{e.F.Leader.String()},
			"topics": "研究部署安全生产月活动", "decisions": "开展安全生产月活动"})
		id := m["id"].(string)
		if got := strings.Join(gaps(), ";"); got != "区政府 2026年第一季度 gap" {
			t.Errorf("gaps after: %s", got)
		}
		if sum := e.As(apptest.UserAdmin, "GET", "/api/v1/meetings/gaps/summary", nil).Map(t); sum["gaps"].(float64) != before-1 {
			t.Errorf("summary after: %v, gaps before %v", sum, before)
		}
		if m["late"] != true { // recorded in July for May
			t.Errorf("late: %v", m["late"])
		}
		proved, _ := m["proved"].([]any)
		if len(proved) != 2 {
			t.Fatalf("proved: %v", m["proved"])
		}
		check := func(when string) {
			t.Helper()
			for _, task := range tasks {
				var status string
				var links int
				if err := e.App.DB.QueryRow(ctx, `SELECT t.status, (SELECT COUNT(*) FROM duty_task_evidence te JOIN duty_evidence ev ON ev.id = te.evidence_id
					WHERE te.task_id = t.id AND ev.kind = 'meeting' AND ev.ref_id = ?) FROM duty_tasks t WHERE t.id = ?`, id, task).Scan(&status, &links); err != nil {
					t.Fatal(err)
				}
				if status != "done" || links != 1 {
					t.Errorf("%s: task %s is %s with %d links to the meeting", when, task, status, links)
				}
			}
			var evidence int
			if err := e.App.DB.QueryRow(ctx, `SELECT COUNT(*) FROM duty_evidence WHERE kind = 'meeting' AND ref_id = ?`, id).Scan(&evidence); err != nil {
				t.Fatal(err)
			}
			if evidence != 1 {
				t.Errorf("%s: %d evidence rows for the meeting", when, evidence)
			}
		}
		check("recorded")
		res = e.As(apptest.UserAdmin, "PATCH", "/api/v1/meetings/"+id, map[string]any{"title": "区政府第12次常务会议（安全生产专题）"})
		if res.Status != http.StatusOK {
			t.Fatalf("patch: %d %s", res.Status, res.Body)
		}
		check("recorded again")
		if got := res.Map(t)["proved"].([]any); len(got) != 2 {
			t.Errorf("proved after patch: %v", got)
		}
		// a town sees only its own units' obligations
		_, items := list(t, e, apptest.UserTown1, "/api/v1/meetings/gaps?state=gap,held,in_progress&per_page=100")
		for _, g := range items {
			if g["org_name"] != "东湖镇人民政府" {
				t.Errorf("town1 sees %v", g)
			}
		}
		if len(items) == 0 {
			t.Errorf("town1 has no obligations")
		}
		if res := e.As(apptest.UserAdmin, "GET", "/api/v1/meetings/gaps?format=xlsx", nil); res.Status != http.StatusOK || len(res.Body) < 100 {
			t.Errorf("gaps xlsx: %d", res.Status)
		}
	})
}

// The special-meeting rule counts a deputy head's meetings on their own industries (or
// naming none), not those on others'; the rules can be saved and late_days follows them.
func TestMeetings_SpecialRuleAndSavedRules(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.Clock.Set(time.Date(2026, 7, 10, 2, 0, 0, 0, time.UTC))
		leader := e.F.Leader.String()
		gapsOf := func() string {
			_, items := list(t, e, apptest.UserAdmin, "/api/v1/meetings/gaps?kind=special&person_id="+leader+"&state=gap,held")
			var out []string
			for _, g := range items {
				out = append(out, g["period"].(string)+" "+g["state"].(string))
			}
			return strings.Join(out, ";")
		}
		if got := gapsOf(); got != "2026-Q1 gap;2026-Q2 gap" {
			t.Errorf("before: %s", got)
		}
		gov := e.F.Units["gov"].String()
		record(t, e, apptest.UserLeader, map[string]any{"kind": "special", "org_id": gov, "title": "危化品专题会", "held_at": "2026-02-10",
			"chair_id": leader, "industries": []string{"hazardous_chemicals"}})
		if got := gapsOf(); got != "2026-Q1 gap;2026-Q2 gap" {
			t.Errorf("a meeting on another's industry counts: %s", got)
		}
		record(t, e, apptest.UserLeader, map[string]any{"kind": "special", "org_id": gov, "title": "建筑施工专题会", "held_at": "2026-05-10",
			"chair_id": leader, "industries": []string{"construction"}})
		if got := gapsOf(); got != "2026-Q1 gap;2026-Q2 held" {
			t.Errorf("after: %s", got)
		}
		rules := e.As(apptest.UserAdmin, "GET", "/api/v1/meeting-rules", nil).Map(t)
		if rules["defaults"] != true || len(rules["rules"].([]any)) != 5 {
			t.Fatalf("default rules: %v", rules)
		}
		var in []map[string]any
		for _, r := range rules["rules"].([]any) {
			r := r.(map[string]any)
			delete(r, "id")
			delete(r, "org_name")
			if r["meeting_kind"] == "town" {
				r["late_days"] = 60
			}
			in = append(in, r)
		}
		if res := e.As(apptest.UserTown1, "POST", "/api/v1/meeting-rules", map[string]any{"rules": in}); res.Status != http.StatusForbidden {
			t.Errorf("town saves rules: %d", res.Status)
		}
		f := apptest.FieldRules(t, e.As(apptest.UserAdmin, "POST", "/api/v1/meeting-rules", map[string]any{"rules": []map[string]any{{"name": "x", "frequency": "hourly", "subject": "unit", "meeting_kind": "town", "org_category": "department"}}}))
		if f["rules.0.frequency"] != "one_of" {
			t.Errorf("invalid rule: %v", f)
		}
		res := e.As(apptest.UserAdmin, "POST", "/api/v1/meeting-rules", map[string]any{"rules": in})
		if res.Status != http.StatusOK || res.Map(t)["defaults"] != false {
			t.Fatalf("save: %d %s", res.Status, res.Body)
		}
		m := record(t, e, apptest.UserTown1, map[string]any{"kind": "town", "org_id": e.F.Units["town1gov"].String(), "title": "东湖镇六月例会", "held_at": "2026-06-01"})
		if m["late"] != false {
			t.Errorf("39 days with late_days 60: late")
		}
	})
}
