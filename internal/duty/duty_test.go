package duty_test

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/duty"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// taskOf returns the id of a task of person whose duty asks for evidence kind.
func taskOf(t *testing.T, e *apptest.Env, person db.ID, evidence, period string) string {
	t.Helper()
	var id db.ID
	if err := e.App.DB.QueryRow(context.Background(), `SELECT t.id FROM duty_tasks t JOIN duty_items i ON i.id = t.item_id
		WHERE t.person_id = ? AND i.evidence = ? AND t.period = ?`, person, evidence, period).Scan(&id); err != nil {
		t.Fatalf("task of %v %s %s: %v", person, evidence, period, err)
	}
	return id.String()
}

func count(t *testing.T, e *apptest.Env, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.App.DB.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The default templates are loaded, with the meeting items the meetings rely on.
func TestTemplates_Defaults(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		res := e.As(apptest.UserReader, "GET", "/api/v1/duty-templates", nil)
		var ts []duty.Template
		res.JSON(t, &ts)
		if res.Status != http.StatusOK || len(ts) != 11 {
			t.Fatalf("templates: %d %d", res.Status, len(ts))
		}
		want := map[string][3]string{
			"secretary":       {"每季度主持召开区委常委会会议专题研究安全生产工作", "quarterly", "standing_committee"},
			"district_head":   {"每季度主持召开区政府常务会议研究安全生产工作", "quarterly", "executive"},
			"deputy_head":     {"每季度召开分管行业领域安全生产专题会议", "quarterly", "special"},
			"department_head": {"每月召开本部门安全生产工作会议", "monthly", "department"},
			"town_head":       {"每季度召开镇（街道）安全生产工作会议", "quarterly", "town"},
		}
		for _, tp := range ts {
			w, ok := want[tp.PostKind]
			if !ok {
				continue
			}
			found := false
			for _, it := range tp.Items {
				if it.Text == w[0] && it.Frequency == w[1] && it.Evidence == "meeting" && it.MeetingKind == w[2] {
					found = true
				}
			}
			if !found {
				t.Errorf("%s lacks %v", tp.PostKind, w)
			}
		}
		body := map[string]any{"post_kind": "town_head", "items": []map[string]any{{"body": "town", "text": "x", "frequency": "weekly", "evidence": "confirm"}}}
		if res := e.As(apptest.UserTown1, "PUT", "/api/v1/duty-templates", body); res.Status != http.StatusForbidden {
			t.Errorf("town saves a template: %d", res.Status)
		}
		f := apptest.FieldRules(t, e.As(apptest.UserAdmin, "PUT", "/api/v1/duty-templates", map[string]any{"post_kind": "king",
			"items": []map[string]any{{"body": "x", "frequency": "weekly"}}}))
		if f["post_kind"] != "one_of" || f["items[0].body"] != "one_of" || f["items[0].text"] != "required" || f["items[0].evidence"] != "required" {
			t.Errorf("invalid template: %v", f)
		}
		if res := e.As(apptest.UserAdmin, "PUT", "/api/v1/duty-templates", body); res.Status != http.StatusOK || len(res.Map(t)["items"].([]any)) != 1 {
			t.Errorf("save template: %d %s", res.Status, res.Body)
		}
	})
}

// Lists are versioned: a save is a new version, the old one stays viewable and cannot be
// changed, items keep their origin; a town sees only its own units' lists.
func TestLists_VersionsAndScope(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		id := e.F.Samples[0]["duty_list"]
		res := e.As(apptest.UserTown1, "GET", "/api/v1/duty-lists/"+id, nil)
		var l duty.List
		res.JSON(t, &l)
		if res.Status != http.StatusOK || l.Version != 2 || !l.Current || len(l.Items) != 2 || l.PersonName != "孙东湖" {
			t.Fatalf("list: %d %+v", res.Status, l)
		}
		if res := e.As(apptest.UserTown2, "GET", "/api/v1/duty-lists/"+id, nil); res.Status != http.StatusNotFound {
			t.Errorf("town02 sees town01's list: %d", res.Status)
		}
		if res := e.As(apptest.UserTown2, "GET", "/api/v1/tasks/"+e.F.Samples[0]["task"], nil); res.Status != http.StatusNotFound {
			t.Errorf("town02 sees town01's task: %d", res.Status)
		}
		var vs []duty.List
		e.As(apptest.UserTown1, "GET", "/api/v1/duty-lists/"+id+"/versions", nil).JSON(t, &vs)
		if len(vs) != 2 || vs[0].Version != 2 || vs[1].Version != 1 || vs[1].Current || vs[1].ItemCount != 5 {
			t.Fatalf("versions: %+v", vs)
		}
		old := vs[1].ID.String()
		items := []map[string]any{{"origin_id": l.Items[0].OriginID.String(), "body": "town", "role": "decide", "text": l.Items[0].Text + "（含汛期）",
			"frequency": "quarterly", "evidence": "meeting", "meeting_kind": "town"}}
		if res := e.As(apptest.UserAdmin, "PUT", "/api/v1/duty-lists/"+old+"/items", map[string]any{"items": items}); res.Status != http.StatusConflict {
			t.Errorf("change an old version: %d %s", res.Status, res.Body)
		}
		if res := e.As(apptest.UserTown1, "PUT", "/api/v1/duty-lists/"+id+"/items", map[string]any{"items": items}); res.Status != http.StatusForbidden {
			t.Errorf("town changes a list: %d", res.Status)
		}
		res = e.As(apptest.UserAdmin, "PATCH", "/api/v1/duty-lists/"+id+"/items", map[string]any{"items": items, "note": "增加汛期"})
		if res.Status != http.StatusCreated {
			t.Fatalf("new version: %d %s", res.Status, res.Body)
		}
		var v3 duty.List
		res.JSON(t, &v3)
		if v3.Version != 3 || len(v3.Items) != 1 || v3.Items[0].OriginID != l.Items[0].OriginID || v3.Note != "增加汛期" {
			t.Errorf("version 3: %+v", v3)
		}
		// The meeting task hangs on the origin: generating again creates no second task.
		n := count(t, e, `SELECT COUNT(*) FROM duty_tasks`)
		if _, err := e.App.Duty.Generate(context.Background(), e.Clock.Now()); err != nil {
			t.Fatal(err)
		}
		if m := count(t, e, `SELECT COUNT(*) FROM duty_tasks`); m != n {
			t.Errorf("tasks after a new version: %d, want %d", m, n)
		}
		bad := e.As(apptest.UserAdmin, "PUT", "/api/v1/duty-lists/"+v3.ID.String()+"/items", map[string]any{"items": []map[string]any{
			{"origin_id": "999999", "body": "town", "text": "x"}}})
		if f := apptest.FieldRules(t, bad); f["items[0].origin_id"] != "unknown_ref" {
			t.Errorf("unknown origin: %v", f)
		}
		// Create and copy.
		if res := e.As(apptest.UserAdmin, "POST", "/api/v1/duty-lists", map[string]any{"person_id": e.F.TownHeads[0].String(), "year": 2026}); res.Status != http.StatusConflict {
			t.Errorf("second list: %d %s", res.Status, res.Body)
		}
		res = e.As(apptest.UserAdmin, "POST", "/api/v1/duty-lists", map[string]any{"person_id": e.F.Leader.String()})
		if res.Status != http.StatusCreated || res.Map(t)["post_kind"] != "deputy_head" {
			t.Fatalf("leader's list: %d %s", res.Status, res.Body)
		}
		if f := apptest.FieldRules(t, e.As(apptest.UserAdmin, "POST", "/api/v1/duty-lists", map[string]any{"person_id": e.F.Patrollers[0][0].String()})); f["person_id"] != "no_post" {
			t.Errorf("a person without a kind of post: %v", f)
		}
		res = e.As(apptest.UserAdmin, "POST", "/api/v1/duty-lists/copy", map[string]any{"year": 2026})
		if res.Status != http.StatusOK || res.Map(t)["copied"] != float64(3) {
			t.Errorf("copy: %d %s", res.Status, res.Body)
		}
		res = e.As(apptest.UserTown1, "GET", "/api/v1/duty-lists?year=2027", nil)
		if res.Map(t)["total"] != float64(1) {
			t.Errorf("town01's 2027 lists: %s", res.Body)
		}
		// duties of current lists.
		res = e.As(apptest.UserTown2, "GET", "/api/v1/duties?year=2026&frequency=monthly", nil)
		if res.Status != http.StatusOK || res.Map(t)["total"] != float64(1) || strings.Contains(string(res.Body), "孙东湖") {
			t.Errorf("town02's monthly duties: %s", res.Body)
		}
	})
}

// Generation creates each task once; a done task needs evidence; evidence marks it done,
// late when past due; confirm asks for a photo every n-th time; one evidence proves the
// tasks of two posts.
func TestTasks_GenerateEvidenceConfirm(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		n := count(t, e, `SELECT COUNT(*) FROM duty_tasks`)
		if n != 4 {
			t.Errorf("fixture tasks: %d, want 4 (a meeting and a confirmation per town head)", n)
		}
		if k, err := e.App.Duty.Generate(ctx, e.Clock.Now()); err != nil || k != 0 {
			t.Errorf("second generation: %d %v", k, err)
		}
		if m := count(t, e, `SELECT COUNT(*) FROM duty_tasks`); m != n {
			t.Errorf("tasks after the second run: %d, want %d", m, n)
		}
		meeting := e.F.Samples[0]["task"]
		for _, lang := range []string{"zh", "en"} {
			res := e.As(apptest.UserTown1, "POST", "/api/v1/tasks/"+meeting+"/done", map[string]any{}, "Accept-Language", lang)
			if res.Status != http.StatusConflict {
				t.Fatalf("done without evidence: %d %s", res.Status, res.Body)
			}
			detail, _ := res.Map(t)["detail"].(string)
			if (lang == "zh" && !strings.Contains(detail, "没有佐证")) || (lang == "en" && !strings.Contains(detail, "only with evidence")) {
				t.Errorf("%s problem: %s", lang, res.Body)
			}
		}
		if res := e.As(apptest.UserReader, "POST", "/api/v1/tasks/"+meeting+"/evidence", map[string]any{"evidence_id": e.F.Samples[0]["evidence"]}); res.Status != http.StatusForbidden {
			t.Errorf("reader links evidence: %d", res.Status)
		}
		if f := apptest.FieldRules(t, e.As(apptest.UserTown1, "POST", "/api/v1/tasks/"+meeting+"/evidence", map[string]any{})); f["evidence_id"] != "evidence_one" {
			t.Errorf("no evidence: %v", f)
		}
		if f := apptest.FieldRules(t, e.As(apptest.UserTown1, "POST", "/api/v1/tasks/"+meeting+"/evidence", map[string]any{"evidence_id": e.F.Samples[1]["evidence"]})); f["evidence_id"] != "unknown_ref" {
			t.Errorf("the other town's evidence: %v", f)
		}
		// The leader's list: a monthly document duty, among others.
		res := e.As(apptest.UserAdmin, "POST", "/api/v1/duty-lists", map[string]any{"person_id": e.F.Leader.String()})
		if res.Status != http.StatusCreated {
			t.Fatal(res.Status, string(res.Body))
		}
		if _, err := e.App.Duty.Generate(ctx, e.Clock.Now()); err != nil {
			t.Fatal(err)
		}
		leaderDoc := taskOf(t, e, e.F.Leader, "document", "2026-03")
		// A document uploaded by the town proves the town head's meeting task ...
		att := e.Upload(t, apptest.UserTown1)
		res = e.As(apptest.UserTown1, "POST", "/api/v1/tasks/"+meeting+"/evidence", map[string]any{"attachment_id": att, "title": "一季度安全生产工作会议纪要"})
		var task duty.Task
		res.JSON(t, &task)
		if res.Status != http.StatusOK || task.Status != "done" || task.Late || len(task.Proofs) != 1 {
			t.Fatalf("linked: %d %s", res.Status, res.Body)
		}
		ev := task.Proofs[0].ID.String()
		if res := e.As(apptest.UserTown1, "POST", "/api/v1/tasks/"+meeting+"/done", map[string]any{}); res.Status != http.StatusOK {
			t.Errorf("done with evidence: %d %s", res.Status, res.Body)
		}
		// ... and, entered once, the deputy head's monthly report, a month late.
		e.Clock.Set(time.Date(2026, 4, 10, 2, 0, 0, 0, time.UTC))
		res = e.As(apptest.UserLeader, "POST", "/api/v1/tasks/"+leaderDoc+"/evidence", map[string]any{"evidence_id": ev})
		res.JSON(t, &task)
		if res.Status != http.StatusOK || task.Status != "done" || !task.Late {
			t.Fatalf("leader links the same evidence: %d %s", res.Status, res.Body)
		}
		res = e.As(apptest.UserAdmin, "GET", "/api/v1/evidence/"+ev, nil)
		if res.Status != http.StatusOK || res.Map(t)["tasks"] != float64(2) {
			t.Errorf("evidence proving two posts: %s", res.Body)
		}
		if res := e.As(apptest.UserTown2, "GET", "/api/v1/evidence?kind=document", nil); strings.Contains(string(res.Body), "一季度安全生产工作会议纪要") {
			t.Errorf("town02 sees town01's evidence: %s", res.Body)
		}
		// Confirmations: the fixture's monthly item asks for a photo every second time.
		e.Clock.Set(apptest.Start)
		first := taskOf(t, e, e.F.TownHeads[0], "confirm", "2026-03")
		if res := e.As(apptest.UserTown1, "POST", "/api/v1/tasks/"+meeting+"/confirm", map[string]any{}); res.Status != http.StatusConflict {
			t.Errorf("confirm a meeting duty: %d", res.Status)
		}
		res = e.As(apptest.UserTown1, "POST", "/api/v1/tasks/"+first+"/confirm", map[string]any{})
		res.JSON(t, &task)
		if res.Status != http.StatusOK || task.Status != "done" || task.PhotoRequired {
			t.Fatalf("first confirmation: %d %s", res.Status, res.Body)
		}
		e.Clock.Set(apptest.Start.AddDate(0, 1, 0))
		if _, err := e.App.Duty.Generate(ctx, e.Clock.Now()); err != nil {
			t.Fatal(err)
		}
		second := taskOf(t, e, e.F.TownHeads[0], "confirm", "2026-04")
		if f := apptest.FieldRules(t, e.As(apptest.UserTown1, "POST", "/api/v1/tasks/"+second+"/confirm", map[string]any{})); f["photo"] != "photo_required" {
			t.Errorf("confirmation without the photo: %v", f)
		}
		photo := e.Upload(t, apptest.UserTown1)
		res = e.As(apptest.UserTown1, "POST", "/api/v1/tasks/"+second+"/confirm", map[string]any{"photo_id": photo})
		res.JSON(t, &task)
		if res.Status != http.StatusOK || task.Status != "done" || len(task.Proofs) != 1 || task.Proofs[0].AttachmentID == nil {
			t.Errorf("confirmation with the photo: %d %s", res.Status, res.Body)
		}
		if res := e.As(apptest.UserTown1, "POST", "/api/v1/tasks/"+second+"/confirm", map[string]any{}); res.Status != http.StatusConflict {
			t.Errorf("confirm twice: %d", res.Status)
		}
	})
}

// The summary per unit and per period agrees with counting the task list.
func TestTasks_SummaryAgreesWithList(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		if res := e.As(apptest.UserAdmin, "POST", "/api/v1/duty-lists", map[string]any{"person_id": e.F.Leader.String()}); res.Status != http.StatusCreated {
			t.Fatal(string(res.Body))
		}
		for _, day := range []time.Time{time.Date(2026, 1, 5, 2, 0, 0, 0, time.UTC), time.Date(2026, 2, 10, 2, 0, 0, 0, time.UTC), apptest.Start} {
			if _, err := e.App.Duty.Generate(ctx, day); err != nil {
				t.Fatal(err)
			}
		}
		// Done one on time, one late.
		att := e.Upload(t, apptest.UserLeader)
		jan := taskOf(t, e, e.F.Leader, "document", "2026-01")
		if res := e.As(apptest.UserLeader, "POST", "/api/v1/tasks/"+jan+"/evidence", map[string]any{"attachment_id": att}); res.Status != http.StatusOK {
			t.Fatal(string(res.Body))
		}
		if res := e.As(apptest.UserTown1, "POST", "/api/v1/tasks/"+taskOf(t, e, e.F.TownHeads[0], "confirm", "2026-03")+"/confirm", map[string]any{}); res.Status != http.StatusOK {
			t.Fatal(string(res.Body))
		}
		total := func(user, q string) int {
			t.Helper()
			res := e.As(user, "GET", "/api/v1/tasks?per_page=1&"+q, nil)
			if res.Status != http.StatusOK {
				t.Fatalf("tasks %s: %d %s", q, res.Status, res.Body)
			}
			return int(res.Map(t)["total"].(float64))
		}
		for _, user := range []string{apptest.UserAdmin, apptest.UserTown1} {
			for _, by := range []string{"unit", "period"} {
				var s duty.Summary
				res := e.As(user, "GET", "/api/v1/tasks/summary?year=2026&by="+by, nil)
				res.JSON(t, &s)
				if res.Status != http.StatusOK || len(s.Rows) == 0 {
					t.Fatalf("summary %s as %s: %d %s", by, user, res.Status, res.Body)
				}
				sum := 0
				for _, r := range s.Rows {
					key := "org_id=" + r.Key
					if by == "period" {
						key = "period=" + r.Key
					}
					key += "&year=2026"
					got := [5]int{total(user, key), total(user, key+"&status=done"), total(user, key+"&status=done&late=true"),
						total(user, key+"&status=open"), total(user, key+"&overdue=true")}
					if want := [5]int{r.Total, r.Done, r.DoneLate, r.Open, r.Overdue}; got != want {
						t.Errorf("%s %s row %s: list counts %v, summary %v", user, by, r.Name, got, want)
					}
					sum += r.Total
				}
				if sum != s.Total.Total || sum != total(user, "year=2026") {
					t.Errorf("%s %s: rows %d, total %d, list %d", user, by, sum, s.Total.Total, total(user, "year=2026"))
				}
				if user == apptest.UserAdmin && by == "unit" && s.Total.Overdue == 0 {
					t.Errorf("no overdue tasks: %+v", s.Total)
				}
			}
			// The overdue table (/tasks/overdue: units × months, counted in one query)
			// links each cell's overdue count to the list it counts.
			page := e.SignIn(user).Get("/tasks/overdue?frequency=monthly")
			cells := overdueCellRE.FindAllStringSubmatch(string(page.Body), -1)
			if len(cells) == 0 {
				t.Errorf("%s: the overdue table links no overdue cell: %s", user, page.Body)
			}
			for _, c := range cells {
				q := "org_id=" + c[1] + "&period=" + c[2] + "&overdue=true&frequency=monthly"
				if n, _ := strconv.Atoi(c[3]); n != total(user, q) {
					t.Errorf("%s: overdue cell %s shows %s, the list %d", user, q, c[3], total(user, q))
				}
			}
		}
	})
}

var overdueCellRE = regexp.MustCompile(`href="/tasks\?org_id=(\d+)&amp;period=([0-9-]+)&amp;overdue=true">(\d+)<`)

// Reminders go once to the owner's users and the users of the task's unit.
func TestTasks_RemindOnce(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		// 2026-03-26: the quarter's meetings are due within their seven days; the month's
		// confirmations (three days ahead) not yet.
		now := time.Date(2026, 3, 26, 12, 0, 0, 0, time.UTC)
		n, err := e.App.Duty.Remind(ctx, now)
		if err != nil || n != 2 {
			t.Fatalf("reminded %d tasks (%v), want 2", n, err)
		}
		notices := func() int {
			return count(t, e, `SELECT COUNT(*) FROM notifications WHERE kind = 'duty.due' AND user_id = ?`, e.F.Users[apptest.UserTown1])
		}
		if notices() != 1 {
			t.Errorf("town01's notices: %d", notices())
		}
		if k := count(t, e, `SELECT COUNT(*) FROM notifications WHERE kind = 'duty.due' AND user_id = ?`, e.F.Users[apptest.UserTown2]); k != 1 {
			t.Errorf("town02's notices: %d", k)
		}
		if n, err := e.App.Duty.Remind(ctx, now.Add(time.Hour)); err != nil || n != 0 {
			t.Errorf("second run reminded %d (%v)", n, err)
		}
		if notices() != 1 {
			t.Errorf("town01's notices after the second run: %d", notices())
		}
		n, _ = e.App.Duty.Remind(ctx, time.Date(2026, 3, 30, 12, 0, 0, 0, time.UTC))
		if n != 2 || notices() != 2 {
			t.Errorf("month's confirmations reminded: %d (town01's notices %d), want 2", n, notices())
		}
		res := e.As(apptest.UserTown1, "GET", "/api/v1/notifications", nil)
		if !strings.Contains(string(res.Body), "职责即将到期") {
			t.Errorf("notice text: %s", res.Body)
		}
	})
}

// Holidays: a before-holidays duty gets the task of each holiday within the next 7 days,
// due the day before; daily duties only on school days.
func TestTasks_HolidaysAndSchoolDays(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		sys := auth.System()
		var school db.ID
		name, phone := "王校长", "13900001111"
		err := e.App.DB.Tx(ctx, func(tx *db.Tx) error {
			now := e.Clock.Now()
			if err := tx.QueryRow(ctx, `INSERT INTO people (org_id, org_path, name, phone, created_at, updated_at)
				SELECT id, path, ?, ?, ?, ? FROM orgs WHERE id = ? RETURNING id`, name, phone, now, now, e.F.Villages[0][0]).Scan(&school); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO posts (person_id, org_id, title, kind, created_at) VALUES (?, ?, '东湖小学校长', 'school_head', ?)`,
				school, e.F.Villages[0][0], now)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Duty.CreateList(ctx, sys, duty.ListInput{PersonID: &school}); err != nil {
			t.Fatal(err)
		}
		sat := time.Date(2026, 3, 28, 2, 0, 0, 0, time.UTC) // Saturday; 清明 2026-04-04 is 7 days later
		if _, err := e.App.Duty.Generate(ctx, sat); err != nil {
			t.Fatal(err)
		}
		tasks := func(freq string) int {
			return count(t, e, `SELECT COUNT(*) FROM duty_tasks t JOIN duty_items i ON i.id = t.item_id WHERE t.person_id = ? AND i.frequency = ?`, school, freq)
		}
		if tasks("daily") != 0 || tasks("before_holidays") != 1 || tasks("weekly") != 1 {
			t.Errorf("Saturday: daily %d, holidays %d, weekly %d", tasks("daily"), tasks("before_holidays"), tasks("weekly"))
		}
		var due time.Time
		var photo bool
		if err := e.App.DB.QueryRow(ctx, `SELECT t.due_at, t.photo_required FROM duty_tasks t JOIN duty_items i ON i.id = t.item_id
			WHERE t.person_id = ? AND i.frequency = 'before_holidays'`, school).Scan(&due, &photo); err != nil {
			t.Fatal(err)
		}
		if got := due.In(time.FixedZone("CST", 8*3600)).Format(time.DateTime); got != "2026-04-04 00:00:00" || !photo {
			t.Errorf("holiday task due %s (the end of 04-03), photo %v", got, photo)
		}
		if _, err := e.App.Duty.Generate(ctx, sat.AddDate(0, 0, 2)); err != nil { // Monday
			t.Fatal(err)
		}
		if tasks("daily") != 1 {
			t.Errorf("Monday's daily tasks: %d", tasks("daily"))
		}
	})
}

// Prove (how a meeting recorded elsewhere proves duties): a town meeting in the town
// government proves the town head's quarterly meeting duty, not the other town's, and
// proving the same meeting again adds nothing.
func TestProve_MeetingProvesTheUnitsMeetingDuty(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		unit := e.F.Units["town1gov"]
		var path string
		if err := e.App.DB.QueryRow(ctx, `SELECT path FROM orgs WHERE id = ?`, unit).Scan(&path); err != nil {
			t.Fatal(err)
		}
		ref := db.ID(4242)
		prove := func(kind string) (db.ID, []db.ID) {
			t.Helper()
			var ev db.ID
			var tasks []db.ID
			err := e.App.DB.Tx(ctx, func(tx *db.Tx) error {
				var err error
				ev, tasks, err = e.App.Duty.Prove(ctx, tx, auth.System(), duty.Evidence{Kind: "meeting", RefID: &ref, Title: "东湖镇一季度安全生产工作会议",
					At: apptest.Start.Add(time.Hour), OrgID: unit, OrgPath: path, MeetingKind: kind})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return ev, tasks
		}
		if _, tasks := prove("executive"); len(tasks) != 0 {
			t.Errorf("an executive meeting proves the town meeting duty: %v", tasks)
		}
		ev, tasks := prove("town")
		if len(tasks) != 1 || tasks[0].String() != e.F.Samples[0]["task"] {
			t.Fatalf("town meeting proves %v, want the town head's task %s", tasks, e.F.Samples[0]["task"])
		}
		res := e.As(apptest.UserTown1, "GET", "/api/v1/tasks/"+tasks[0].String(), nil)
		var task duty.Task
		res.JSON(t, &task)
		if task.Status != "done" || task.Late || len(task.Proofs) != 1 || task.Proofs[0].ID != ev {
			t.Errorf("proved task: %s", res.Body)
		}
		if again, more := prove("town"); again != ev || len(more) != 0 {
			t.Errorf("proving again: evidence %v (was %v), tasks %v", again, ev, more)
		}
		if n := count(t, e, `SELECT COUNT(*) FROM duty_evidence WHERE kind = 'meeting' AND ref_id = ?`, ref); n != 1 {
			t.Errorf("meeting evidence rows: %d", n)
		}
		if res := e.As(apptest.UserTown2, "GET", "/api/v1/tasks/"+e.F.Samples[1]["task"], nil); res.Map(t)["status"] != "open" {
			t.Errorf("the other town's meeting task: %s", res.Body)
		}
	})
}
