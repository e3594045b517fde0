package app_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"io/fs"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// The day after the due day, as each place would print it if it showed the stored
// instant (the next midnight) instead of the day it ends.
var dayLate = []string{"2027-02-01", "2027年2月1日", "1 February 2027", "2月1日"}

// dueFixture is a hazard at town01's enterprise, owned by its user, due 2027-01-31,
// and a rectification order (责令整改) against that enterprise due the same day.
type dueFixture struct {
	hazard, enterprise, order string
}

func newDueFixture(t *testing.T, e *apptest.Env) dueFixture {
	t.Helper()
	f := dueFixture{enterprise: e.F.Enterprises[0].String()}
	res := e.As(apptest.UserPatrol1, "POST", "/api/v1/hazards", map[string]any{
		"title": "配电箱门未上锁", "description": "配电箱门敞开", "category": "unsafe_condition",
		"industry": "construction", "grade": "general", "grid_id": e.F.Grids[0][2].String(),
		"enterprise_id": f.enterprise, "photos": []string{e.Upload(t, apptest.UserPatrol1)},
	})
	if res.Status != http.StatusCreated {
		t.Fatalf("report: %d %s", res.Status, res.Body)
	}
	f.hazard = res.Map(t)["id"].(string)
	res = e.As(apptest.UserTown1, "POST", "/api/v1/hazards/"+f.hazard+"/actions", map[string]any{"action": "assign",
		"owner_id": e.F.Users[apptest.UserEnt].String(), "supervisor_org_id": e.F.Units["construction"].String(),
		"measures": "配电箱加锁，专人管理", "deadline": "2027-01-31"})
	if res.Status != http.StatusOK {
		t.Fatalf("assign: %d %s", res.Status, res.Body)
	}
	if got := res.Map(t)["deadline"]; got != "2027-01-31T16:00:00Z" {
		t.Errorf("hazard due 2027-01-31 stored as %v, want the end of that day", got)
	}
	res = e.As(apptest.UserAdmin, "POST", "/api/v1/enterprises/"+f.enterprise+"/enforcement", map[string]any{
		"kind": "rectification_order", "reason": "配电箱未上锁", "deadline": "2027-01-31"})
	if res.Status != http.StatusCreated {
		t.Fatalf("rectification order: %d %s", res.Status, res.Body)
	}
	order := res.Map(t)
	f.order = order["id"].(string)
	if got := order["deadline"]; got != "2027-01-31T16:00:00Z" {
		t.Errorf("order due 2027-01-31 stored as %v, want the end of that day, as a hazard's", got)
	}
	return f
}

// wantDue fails unless body shows every string of want and no day-late form of it.
func wantDue(t *testing.T, where string, res *apptest.Response, want ...string) {
	t.Helper()
	apptest.WantBody(t, where, res, http.StatusOK, want, dayLate)
}

// One hazard and one rectification order due 2027-01-31 read that day everywhere a
// deadline shows: the hazard's page, the enterprise's file and home, the printed order,
// the notices (inbox page and API) and the exports, in both languages.
func TestDueDay_EveryPlaceShowsTheSameDay(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := newDueFixture(t, e)
		town, ent := e.SignIn(apptest.UserTown1), e.SignIn(apptest.UserEnt)

		wantDue(t, "hazard page", town.Get("/hazards/"+f.hazard), "2027-01-31")
		wantDue(t, "hazard list", town.Get("/hazards?enterprise_id="+f.enterprise), "2027-01-31")
		wantDue(t, "enterprise file", town.Get("/enterprises/"+f.enterprise), "期限 2027-01-31", "<dd>2027-01-31</dd>")
		wantDue(t, "enterprise file (en)", town.Get("/enterprises/"+f.enterprise+"?lang=en"), "2027-01-31")
		wantDue(t, "enterprise home", ent.Get("/"), "2027-01-31")
		order := "/enterprises/" + f.enterprise + "/enforcement/" + f.order + "/order"
		wantDue(t, "printed order", town.Get(order), `<span class="doc-deadline">2027年1月31日</span>`)
		wantDue(t, "printed order (en)", town.Get(order+"?lang=en"), `<span class="doc-deadline">31 January 2027</span>`)

		// The exports: the hazards' and the enforcement steps' deadline is that day.
		for _, path := range []string{"/api/v1/hazards?enterprise_id=" + f.enterprise, "/api/v1/enforcement?enterprise_id=" + f.enterprise} {
			res := e.As(apptest.UserTown1, "GET", path+"&format=csv", nil)
			wantDue(t, path+" csv", res, ",2027-01-31,")
			res = e.As(apptest.UserTown1, "GET", path+"&format=xlsx", nil)
			if res.Status != http.StatusOK {
				t.Fatalf("%s xlsx: %d", path, res.Status)
			}
			wb, err := excelize.OpenReader(bytes.NewReader(res.Body))
			if err != nil {
				t.Fatal(err)
			}
			rows, _ := wb.GetRows(wb.GetSheetName(0))
			wb.Close()
			var cells []string
			for _, r := range rows {
				cells = append(cells, r...)
			}
			text := "|" + strings.Join(cells, "|") + "|"
			if !strings.Contains(text, "|2027-01-31|") {
				t.Errorf("%s xlsx: no cell reads 2027-01-31: %q", path, rows)
			}
			for _, late := range dayLate {
				if strings.Contains(text, late) {
					t.Errorf("%s xlsx: shows %q", path, late)
				}
			}
		}

		// The notices: the owner is reminded two days before, and told once overdue.
		run := func(at time.Time) {
			t.Helper()
			e.Clock.Set(at)
			if err := e.App.Jobs.RunDue(t.Context()); err != nil {
				t.Fatal(err)
			}
		}
		run(time.Date(2027, 1, 29, 10, 17, 0, 0, clock.China))
		run(time.Date(2027, 2, 3, 10, 23, 0, 0, clock.China))
		var inbox struct {
			Items []struct{ Kind, Text string }
		}
		for _, lang := range []string{"zh", "en"} {
			res := e.As(apptest.UserEnt, "GET", "/api/v1/notifications?lang="+lang, nil)
			wantDue(t, "notices API "+lang, res, "2027-01-31")
			res.JSON(t, &inbox)
			kinds := map[string]bool{}
			for _, n := range inbox.Items {
				kinds[n.Kind] = true
				if strings.Contains(n.Text, "00:00") {
					t.Errorf("notice %s (%s) gives a time: %s", n.Kind, lang, n.Text)
				}
			}
			if !kinds["hazard.reminder"] || !kinds["hazard.overdue"] {
				t.Errorf("the owner's notices are %v, want a reminder and an overdue notice", kinds)
			}
		}
		ent = e.SignIn(apptest.UserEnt) // the clock moved past the session's life
		wantDue(t, "inbox page", ent.Get("/inbox"), "将于 2027-01-31 到期", "已超过整改期限 2027-01-31")
		wantDue(t, "inbox page (en)", ent.Get("/inbox?lang=en"), "2027-01-31")
		wantDue(t, "hazard page, overdue", e.SignIn(apptest.UserTown1).Get("/hazards/"+f.hazard), "2027-01-31")
	})
}

// upSQL returns the statements of a migration's Up section.
func upSQL(t *testing.T, eng db.Engine, name string) []string {
	t.Helper()
	fsys, err := db.MigrationFiles(eng)
	if err != nil {
		t.Fatal(err)
	}
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		t.Fatal(err)
	}
	up := strings.SplitN(strings.SplitN(string(b), "-- +goose Up", 2)[1], "-- +goose Down", 2)[0]
	var out []string
	for _, s := range strings.Split(up, ";\n") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Migration 00011 moves enforcement deadlines stored the old way (the midnight that
// starts the day) to the end of their day, and rewrites the deadline of older escalation
// notices ("2027-02-01 00:00") as the day due; a deadline already at the end of a day
// that is not a midnight stays.
func TestDueDay_MigrationMovesOldDeadlines(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		f := newDueFixture(t, e)
		oldStart := time.Date(2027, 1, 31, 0, 0, 0, 0, clock.China)
		if _, err := e.App.DB.Exec(ctx, `UPDATE enforcement_actions SET deadline = ? WHERE id = ?`, oldStart, f.order); err != nil {
			t.Fatal(err)
		}
		noon := time.Date(2027, 1, 31, 12, 30, 0, 0, clock.China)
		fixtureOrder := e.F.Samples[0]["enforcement"]
		if _, err := e.App.DB.Exec(ctx, `UPDATE enforcement_actions SET deadline = ? WHERE id = ?`, noon, fixtureOrder); err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.DB.Exec(ctx, `INSERT INTO notifications (user_id, created_at, kind, subject_type, subject_id, message_key, args, link)
			VALUES (?, ?, 'hazard.overdue', 'hazard', ?, 'hazard.notice.overdue', ?, '')`, e.F.Users[apptest.UserEnt], apptest.Start, f.hazard,
			`{"code":"YH2026000009","deadline":"2027-02-01 00:00","title":"配电箱门未上锁"}`); err != nil {
			t.Fatal(err)
		}
		town := e.SignIn(apptest.UserTown1)
		order := "/enterprises/" + f.enterprise + "/enforcement/" + f.order + "/order"
		if !bytes.Contains(town.Get(order).Body, []byte("2027年1月30日")) {
			t.Fatalf("an old-style deadline should read a day early before the migration")
		}
		for _, q := range upSQL(t, e.App.DB.Engine(), "00011_due_days.sql") {
			if _, err := e.App.DB.Exec(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		var got, kept time.Time
		if err := e.App.DB.QueryRow(ctx, `SELECT deadline FROM enforcement_actions WHERE id = ?`, f.order).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if want := time.Date(2027, 2, 1, 0, 0, 0, 0, clock.China); !got.Equal(want) {
			t.Errorf("migrated deadline %s, want %s", got.UTC(), want.UTC())
		}
		if err := e.App.DB.QueryRow(ctx, `SELECT deadline FROM enforcement_actions WHERE id = ?`, fixtureOrder).Scan(&kept); err != nil {
			t.Fatal(err)
		}
		if !kept.Equal(noon) {
			t.Errorf("a deadline at 12:30 moved to %s", kept.UTC())
		}
		wantDue(t, "printed order after the migration", town.Get(order), "2027年1月31日")
		res := e.As(apptest.UserEnt, "GET", "/api/v1/notifications?kind=hazard.overdue", nil)
		wantDue(t, "old notice after the migration", res, "已超过整改期限 2027-01-31")
		// Still a valid instant for both engines' readers of the table.
		if res := e.As(apptest.UserTown1, "GET", "/api/v1/enforcement?format=csv", nil); res.Status != http.StatusOK {
			t.Errorf("enforcement list after the migration: %d", res.Status)
		} else if recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(res.Body, []byte("\ufeff")))).ReadAll(); err != nil || len(recs) < 2 {
			t.Errorf("enforcement csv: %v %d", err, len(recs))
		}
	})
}
