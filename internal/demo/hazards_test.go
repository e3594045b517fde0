package demo_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/app"
	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/demo"
	"github.com/safeduty/safeduty/internal/hazard"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

// hazardsBuilt is the build time of the hazard tests: the demo year runs up to it.
var hazardsBuilt = time.Date(2026, 3, 2, 1, 30, 0, 0, time.UTC)

const hazardsPassword = "linjiang-2015"

func buildAt(t testing.TB, d *db.DB, now time.Time) demo.Result {
	t.Helper()
	res, err := demo.Build(context.Background(), d, demo.Options{Password: hazardsPassword, Clock: clock.NewFake(now)})
	if err != nil || !res.Built {
		t.Fatalf("Build: %v (built %v)", err, res.Built)
	}
	return res
}

// checkHazards checks the demo hazards (TestDemo runs it on both engines): every status, overdue and listed
// ones, consistent places, people and codes, histories the state machine allows, an
// escalation job with nothing old left to send, and a town that sees only its own.
func checkHazards(t *testing.T, d *db.DB, res demo.Result) {
	ctx := context.Background()
	now := hazardsBuilt

	t.Run("Counts", func(t *testing.T) {
		if n := dbtest.Int(t, d, `SELECT COUNT(*) FROM hazards`); n != demo.DemoHazards {
			t.Fatalf("%d hazards, want %d", n, demo.DemoHazards)
		}
		byStatus := map[string]int{}
		rows, err := d.Query(ctx, `SELECT status, COUNT(*) FROM hazards GROUP BY status`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			var n int
			if err := rows.Scan(&s, &n); err != nil {
				t.Fatal(err)
			}
			byStatus[s] = n
		}
		rows.Close()
		for _, s := range hazard.Statuses {
			if byStatus[string(s)] == 0 {
				t.Errorf("no hazard is %s (%v)", s, byStatus)
			}
		}
		open := demo.DemoHazards - byStatus["closed"]
		if byStatus["closed"] < demo.DemoHazards*3/4 || open < 100 {
			t.Errorf("closed %d, open %d: want most closed and some hundreds open", byStatus["closed"], open)
		}
		overdue := dbtest.Int(t, d, `SELECT COUNT(*) FROM hazards WHERE status <> 'closed' AND deadline < ?`, now)
		if share := float64(overdue) / float64(open); share < 0.05 || share > 0.15 {
			t.Errorf("%d of %d open hazards overdue (%.1f%%), want about one in eight", overdue, open, 100*share)
		}
		majors := dbtest.Int(t, d, `SELECT COUNT(*) FROM hazards WHERE grade = 'major'`)
		if majors < 200 || majors > 400 {
			t.Errorf("%d major hazards, want a few hundred", majors)
		}
		if pub := dbtest.Int(t, d, `SELECT COUNT(*) FROM hazards WHERE grade = 'major' AND enterprise_id IS NULL`); pub < 24 || pub > 60 {
			t.Errorf("%d major hazards at public places, want a few dozen", pub)
		}
		listed := dbtest.Int(t, d, `SELECT COUNT(*) FROM hazards WHERE status <> 'closed' AND listed`)
		if listed < 110 || listed > 150 {
			t.Errorf("%d open hazards listed for supervision, want 110–150", listed)
		}
		atEnt := dbtest.Int(t, d, `SELECT COUNT(*) FROM hazards WHERE enterprise_id IS NOT NULL`)
		if share := float64(atEnt) / demo.DemoHazards; share < 0.55 || share > 0.65 {
			t.Errorf("%d hazards at enterprises (%.1f%%), want about 60%%", atEnt, 100*share)
		}
		for _, s := range hazard.Statuses {
			if dbtest.Int(t, d, `SELECT COUNT(*) FROM hazards WHERE status = ? AND enterprise_id IS NOT NULL`, string(s)) == 0 {
				t.Errorf("no hazard at an enterprise is %s", s)
			}
		}
		onTime := dbtest.Int(t, d, `SELECT COUNT(*) FROM hazards WHERE status = 'closed' AND closed_on_time`)
		if share := float64(onTime) / float64(byStatus["closed"]); share < 0.8 || share > 0.97 {
			t.Errorf("%.1f%% closed on time, want mostly", 100*share)
		}
		for _, s := range hazard.Sources {
			if dbtest.Int(t, d, `SELECT COUNT(*) FROM hazards WHERE source = ?`, s) == 0 {
				t.Errorf("no hazard from %s", s)
			}
		}
		patrols := dbtest.Int(t, d, `SELECT COUNT(*) FROM hazards WHERE source IN ('grid_patrol', 'self_inspection')`)
		if patrols < demo.DemoHazards/3 {
			t.Errorf("%d hazards from patrols and self-inspections, want a good share", patrols)
		}
		var oldest, newest time.Time
		if err := d.QueryRow(ctx, `SELECT found_at FROM hazards ORDER BY found_at LIMIT 1`).Scan(&oldest); err != nil {
			t.Fatal(err)
		}
		if err := d.QueryRow(ctx, `SELECT found_at FROM hazards ORDER BY found_at DESC LIMIT 1`).Scan(&newest); err != nil {
			t.Fatal(err)
		}
		if oldest.Before(now.AddDate(-1, 0, 0)) || newest.After(now) || now.Sub(oldest) < 300*24*time.Hour {
			t.Errorf("found between %v and %v, want the year before %v", oldest, newest, now)
		}
		// More grids, more hazards: the town with the most grids has more than the one
		// with the fewest.
		var most, fewest *demo.Town
		for _, tw := range res.District.Towns {
			if most == nil || tw.Grids > most.Grids {
				most = tw
			}
			if fewest == nil || tw.Grids < fewest.Grids {
				fewest = tw
			}
		}
		nm := dbtest.Int(t, d, `SELECT COUNT(*) FROM hazards WHERE town_id = ?`, most.ID)
		nf := dbtest.Int(t, d, `SELECT COUNT(*) FROM hazards WHERE town_id = ?`, fewest.ID)
		if nm <= nf {
			t.Errorf("%s (%d grids) has %d hazards, %s (%d grids) %d", most.Name, most.Grids, nm, fewest.Name, fewest.Grids, nf)
		}
	})

	t.Run("Consistency", func(t *testing.T) {
		for _, c := range []struct{ what, q string }{
			{"org_path other than the grid's village path, or another town", `SELECT COUNT(*) FROM hazards h
				JOIN grids g ON g.id = h.grid_id JOIN orgs v ON v.id = g.village_id
				WHERE h.org_path <> v.path OR h.org_path <> g.org_path OR h.town_id <> v.parent_id`},
			{"assigned without owner, unit, measures or deadline", `SELECT COUNT(*) FROM hazards
				WHERE status <> 'reported' AND (owner_id IS NULL OR supervisor_org_id IS NULL OR measures = '' OR deadline IS NULL)`},
			{"reported with an assignment", `SELECT COUNT(*) FROM hazards
				WHERE status = 'reported' AND (owner_id IS NOT NULL OR deadline IS NOT NULL OR listed)`},
			{"owners who cannot see the hazard", `SELECT COUNT(*) FROM hazards h JOIN users u ON u.id = h.owner_id
				WHERE substr(h.org_path, 1, length(u.org_path)) <> u.org_path`},
			{"supervised by a unit of another industry or town", `SELECT COUNT(*) FROM hazards h JOIN orgs s ON s.id = h.supervisor_org_id
				WHERE NOT ((s.category = 'department' AND EXISTS (SELECT 1 FROM unit_industries ui WHERE ui.org_id = s.id AND ui.industry = h.industry))
					OR (s.category = 'town_government' AND s.parent_id = h.town_id))`},
			{"grid patrols not found by the village's patroller", `SELECT COUNT(*) FROM hazards h
				WHERE h.source = 'grid_patrol' AND NOT EXISTS (SELECT 1 FROM users u JOIN user_roles r ON r.user_id = u.id
					AND r.role = 'patroller' WHERE u.id = h.found_by AND u.org_path = h.org_path)`},
			{"inspections not found by a department of the industry", `SELECT COUNT(*) FROM hazards h
				WHERE h.source IN ('department_inspection', 'campaign') AND NOT EXISTS (SELECT 1 FROM users u
					JOIN unit_industries ui ON ui.org_id = u.org_id AND ui.industry = h.industry WHERE u.id = h.found_by)`},
			{"at no place", `SELECT COUNT(*) FROM hazards WHERE place = '' OR address = ''`},
			{"at an enterprise but not at its place, grid or industry", `SELECT COUNT(*) FROM hazards h JOIN enterprises e ON e.id = h.enterprise_id
				WHERE h.place <> e.name OR h.address <> e.address OR h.grid_id <> e.grid_id OR h.industry <> e.industry
					OR h.org_path <> e.org_path OR h.town_id <> e.town_id`},
			{"at an enterprise that does not exist", `SELECT COUNT(*) FROM hazards h WHERE h.enterprise_id IS NOT NULL
				AND NOT EXISTS (SELECT 1 FROM enterprises e WHERE e.id = h.enterprise_id)`},
			{"found at an enterprise before it registered", `SELECT COUNT(*) FROM hazards h JOIN enterprises e ON e.id = h.enterprise_id
				WHERE h.found_at <= e.created_at`},
			{"at a risk point of another enterprise", `SELECT COUNT(*) FROM hazards h JOIN risk_points r ON r.id = h.risk_point_id
				WHERE h.enterprise_id IS NULL OR r.enterprise_id <> h.enterprise_id`},
			{"self-reported by someone other than the enterprise's account", `SELECT COUNT(*) FROM hazards h JOIN users u ON u.id = h.found_by
				WHERE h.enterprise_id IS NOT NULL AND h.source = 'self_inspection' AND (u.enterprise_id IS NULL OR u.enterprise_id <> h.enterprise_id)`},
			{"owned by another enterprise's account", `SELECT COUNT(*) FROM hazards h JOIN users u ON u.id = h.owner_id
				WHERE u.enterprise_id IS NOT NULL AND (h.enterprise_id IS NULL OR u.enterprise_id <> h.enterprise_id)`},
			{"closed without closed_at, closed_by or closed_on_time", `SELECT COUNT(*) FROM hazards
				WHERE status = 'closed' AND (closed_at IS NULL OR closed_by IS NULL OR closed_on_time IS NULL OR submitted_at IS NULL)`},
			{"open with closing data", `SELECT COUNT(*) FROM hazards WHERE status <> 'closed' AND (closed_at IS NOT NULL OR closed_by IS NOT NULL)`},
			{"closed_on_time that disagrees with the deadline", `SELECT COUNT(*) FROM hazards
				WHERE status = 'closed' AND closed_on_time <> (closed_at <= deadline)`},
			{"submitted_at on a hazard not submitted or closed", `SELECT COUNT(*) FROM hazards
				WHERE (submitted_at IS NOT NULL) <> (status IN ('submitted', 'closed'))`},
			{"rejections other than the history's", `SELECT COUNT(*) FROM hazards h
				WHERE h.rejections <> (SELECT COUNT(*) FROM hazard_events e WHERE e.hazard_id = h.id AND e.action = 'reject')`},
			{"found after registration or in the future", `SELECT COUNT(*) FROM hazards WHERE found_at > created_at OR created_at > updated_at`},
			{"listed majors without 五落实 or a deputy in charge of the industry", `SELECT COUNT(*) FROM hazards h
				WHERE h.grade = 'major' AND h.status <> 'reported' AND NOT (h.listed AND h.responsibility <> '' AND h.funds_yuan > 0
					AND h.contingency_plan <> '' AND h.listing_doc <> '' AND h.listed_at IS NOT NULL
					AND EXISTS (SELECT 1 FROM in_charge ic JOIN posts p ON p.person_id = ic.person_id
						WHERE ic.person_id = h.listing_leader_id AND ic.industry = h.industry AND p.title LIKE '%副区长'))`},
			{"listed general hazards", `SELECT COUNT(*) FROM hazards WHERE grade = 'general' AND listed`},
			{"hazards without history", `SELECT COUNT(*) FROM hazards h WHERE NOT EXISTS (SELECT 1 FROM hazard_events e WHERE e.hazard_id = h.id)`},
			{"escalation rows of another deadline", `SELECT COUNT(*) FROM hazard_escalations e JOIN hazards h ON h.id = e.hazard_id
				WHERE e.deadline <> h.deadline`},
			{"open overdue hazards whose overdue notice was not recorded", `SELECT COUNT(*) FROM hazards h
				WHERE h.status <> 'closed' AND h.deadline <= ? AND NOT EXISTS (SELECT 1 FROM hazard_escalations e
					WHERE e.hazard_id = h.id AND e.stage = 'overdue')`},
			{"escalation rows without as many notices", `SELECT COUNT(*) FROM hazard_escalations e
				WHERE e.notices <> (SELECT COUNT(*) FROM notifications n WHERE n.subject_type = 'hazard'
					AND n.subject_id = CAST(e.hazard_id AS TEXT) AND n.kind = 'hazard.' || e.stage)`},
			{"undelivered notices", `SELECT COUNT(*) FROM notifications WHERE delivered_at IS NULL`},
			{"unread notices of closed hazards, or read ones of open hazards", `SELECT COUNT(*) FROM notifications n
				JOIN hazards h ON n.subject_type = 'hazard' AND n.subject_id = CAST(h.id AS TEXT)
				WHERE (n.read_at IS NULL) = (h.status = 'closed')`},
		} {
			args := []any{}
			if strings.Contains(c.q, "?") {
				args = append(args, now)
			}
			if n := dbtest.Int(t, d, c.q, args...); n != 0 {
				t.Errorf("%d %s", n, c.what)
			}
		}
		// Codes: unique, and hazard.Code of the id and the time found.
		rows, err := d.Query(ctx, `SELECT id, code, found_at FROM hazards`)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for rows.Next() {
			var id db.ID
			var code string
			var found time.Time
			if err := rows.Scan(&id, &code, &found); err != nil {
				t.Fatal(err)
			}
			if want := hazard.Code(found, id); code != want || seen[code] {
				t.Errorf("hazard %d: code %q (want %q, repeated %v)", id, code, want, seen[code])
			}
			seen[code] = true
		}
		rows.Close()
		// Deadlines 7–60 days after the (last) assignment.
		rows, err = d.Query(ctx, `SELECT h.id, h.deadline, e.at FROM hazards h JOIN hazard_events e ON e.hazard_id = h.id
			AND e.action = 'assign' ORDER BY e.id`)
		if err != nil {
			t.Fatal(err)
		}
		deadlines, assigned := map[db.ID]time.Time{}, map[db.ID]time.Time{}
		for rows.Next() {
			var id db.ID
			var deadline, at time.Time
			if err := rows.Scan(&id, &deadline, &at); err != nil {
				t.Fatal(err)
			}
			deadlines[id], assigned[id] = deadline, at
		}
		rows.Close()
		for id, dl := range deadlines {
			if days := dl.Sub(assigned[id]).Hours() / 24; days < 7 || days > 61 {
				t.Errorf("hazard %d: deadline %.1f days after assignment", id, days)
			}
		}
	})

	t.Run("Histories", func(t *testing.T) { checkHistories(t, d, now) })

	t.Run("EscalationJobSendsNothingOld", func(t *testing.T) {
		a := app.Wire(d, app.Config{Clock: clock.NewFake(now), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		before := dbtest.Int(t, d, `SELECT COUNT(*) FROM notifications`)
		n, err := a.Hazard.Escalate(ctx, now)
		if err != nil || n != 0 {
			t.Errorf("first escalation run after the build: %d hazards escalated (%v), want 0", n, err)
		}
		if after := dbtest.Int(t, d, `SELECT COUNT(*) FROM notifications`); after != before {
			t.Errorf("the first run sent %d notices", after-before)
		}
		// The job still works: a day later the next deadlines come due.
		if n, err := a.Hazard.Escalate(ctx, now.Add(4*24*time.Hour)); err != nil || n == 0 {
			t.Errorf("escalation four days later: %d (%v), want some", n, err)
		}
	})

	t.Run("TownSeesOnlyItsOwn", func(t *testing.T) {
		fc := clock.NewFake(now)
		a := app.Wire(d, app.Config{Clock: fc, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), InsecureCookie: true})
		srv := httptest.NewServer(a.Handler)
		defer srv.Close()
		e := &apptest.Env{T: t, App: a, Server: srv, Clock: fc}
		tok := func(user string) string {
			r := e.Do("POST", "/api/v1/session", "", map[string]string{"username": user, "password": hazardsPassword})
			if r.Status != http.StatusOK {
				t.Fatalf("sign in %s: %d %s", user, r.Status, r.Body)
			}
			return r.Map(t)["token"].(string)
		}
		town := res.District.Towns[0]
		want := dbtest.Int(t, d, `SELECT COUNT(*) FROM hazards WHERE town_id = ?`, town.ID)
		town01 := tok("town01")
		got := 0
		for page := 1; ; page++ {
			var p struct {
				Items []struct {
					TownID  string `json:"town_id"`
					Status  string `json:"status"`
					Overdue bool   `json:"overdue"`
				}
				Total int
			}
			r := e.Do("GET", fmt.Sprintf("/api/v1/hazards?per_page=500&page=%d", page), town01, nil)
			if r.Status != http.StatusOK {
				t.Fatalf("town01 lists hazards: %d %s", r.Status, r.Body)
			}
			r.JSON(t, &p)
			if p.Total != want {
				t.Fatalf("town01 sees %d hazards, its town has %d", p.Total, want)
			}
			for _, h := range p.Items {
				if h.TownID != town.ID.String() {
					t.Fatalf("town01 sees a hazard of town %s", h.TownID)
				}
			}
			got += len(p.Items)
			if len(p.Items) < 500 {
				break
			}
		}
		if got != want || want == 0 {
			t.Errorf("town01 listed %d hazards, want %d", got, want)
		}
		var stats struct {
			Registered, Open, Overdue int
		}
		e.Do("GET", "/api/v1/hazards/stats", town01, nil).JSON(t, &stats)
		if stats.Registered != want || stats.Open == 0 {
			t.Errorf("town01 stats: %+v, want %d registered", stats, want)
		}
		// The construction department sees construction only; the district all.
		dept := tok("dept-construction")
		var p struct{ Total int }
		e.Do("GET", "/api/v1/hazards?per_page=1", dept, nil).JSON(t, &p)
		if n := dbtest.Int(t, d, `SELECT COUNT(*) FROM hazards WHERE industry = 'construction'`); p.Total != n || n == 0 {
			t.Errorf("dept-construction sees %d hazards, want the %d construction ones", p.Total, n)
		}
		e.Do("GET", "/api/v1/hazards?per_page=1&listed=true&open=true", tok("admin"), nil).JSON(t, &p)
		if p.Total < 110 || p.Total > 150 {
			t.Errorf("admin sees %d open listed hazards", p.Total)
		}
	})
}

// loop lists the state machine's moves (hazard/machine.go) as "action:from:to"; escalate
// and comment keep the status.
var loop = map[string]bool{
	"report::reported":            true,
	"assign:reported:assigned":    true,
	"assign:assigned:assigned":    true,
	"start:assigned:rectifying":   true,
	"submit:rectifying:submitted": true,
	"reject:submitted:rectifying": true,
	"accept:submitted:closed":     true,
}

// checkHistories walks every hazard's history: it starts with the report, every step is
// a move of the state machine from where the hazard was (escalations and comments keep
// it there), times never go back nor past the build, and it ends where the hazard is.
func checkHistories(t *testing.T, d *db.DB, now time.Time) {
	ctx := context.Background()
	status := map[db.ID]string{}
	created := map[db.ID]time.Time{}
	rows, err := d.Query(ctx, `SELECT id, status, created_at FROM hazards`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id db.ID
		var s string
		var c time.Time
		if err := rows.Scan(&id, &s, &c); err != nil {
			t.Fatal(err)
		}
		status[id], created[id] = s, c
	}
	rows.Close()
	rows, err = d.Query(ctx, `SELECT hazard_id, at, action, from_status, to_status, actor_id, actor_name, data FROM hazard_events ORDER BY hazard_id, id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var cur db.ID
	var at time.Time
	var where string
	errs := 0
	fail := func(id db.ID, format string, args ...any) {
		if errs++; errs <= 10 {
			t.Errorf("hazard %d: %s", id, fmt.Sprintf(format, args...))
		}
	}
	end := func() {
		if cur != 0 && where != status[cur] {
			fail(cur, "history ends %s, the hazard is %s", where, status[cur])
		}
	}
	seen := 0
	for rows.Next() {
		var id db.ID
		var when time.Time
		var action, from, to, name, data string
		var actor *db.ID
		if err := rows.Scan(&id, &when, &action, &from, &to, db.NullID{P: &actor}, &name, &data); err != nil {
			t.Fatal(err)
		}
		if id != cur {
			end()
			cur, where, at = id, "", time.Time{}
			seen++
			if action != "report" || !when.Equal(created[id]) {
				fail(id, "history starts with %s at %v (created %v)", action, when, created[id])
			}
		}
		switch {
		case action == "escalate" || action == "comment":
			if from != where || to != where {
				fail(id, "%s moves %s→%s while %s", action, from, to, where)
			}
			if (action == "escalate") != (actor == nil) || name == "" {
				fail(id, "%s by %v %q", action, actor, name)
			}
		case !loop[action+":"+from+":"+to] || from != where:
			fail(id, "illegal step %s %s→%s while %s", action, from, to, where)
		case actor == nil || name == "":
			fail(id, "%s without an actor", action)
		}
		if when.Before(at) || when.After(now) {
			fail(id, "%s at %v, after a step at %v (built %v)", action, when, at, now)
		}
		at, where = when, to
	}
	end()
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if seen != len(status) {
		t.Errorf("%d histories for %d hazards", seen, len(status))
	}
}
