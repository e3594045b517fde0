package hazard_test

import (
	"context"
	"fmt"
	mrand "math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/hazard"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// tallyRows is the whole tally table as text, to compare before and after.
func tallyRows(t *testing.T, e *apptest.Env) string {
	t.Helper()
	const cols = `dim, value, town_path, town_id, grade, status, owned, scheduled, listed, on_time, n`
	rows, err := e.App.DB.Query(context.Background(), `SELECT `+cols+` FROM hazard_tallies ORDER BY `+cols)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var dim, value, path, grade, status string
		var town db.ID
		var owned, scheduled, listed, onTime, n int
		if err := rows.Scan(&dim, &value, &path, &town, &grade, &status, &owned, &scheduled, &listed, &onTime, &n); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %s %s %s %s %s %d%d%d%d %d\n", dim, value, path, town, grade, status, owned, scheduled, listed, onTime, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// A random series of reports, edits and transitions, with the clock moving so that
// deadlines pass; then every Stats variant — each user, the whole scope and each tally
// filter, each grouping — read from the tallies equals the same figures computed from
// the hazards. Failed transitions leave the tallies as they were, and a town's figures
// are its own town's only.
func TestTallies_MatchScan(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		m := e.App.Hazard
		admin := e.Principal(apptest.UserAdmin)
		adminID := e.F.Users[apptest.UserAdmin]
		safety := e.F.Units["safety"]
		rng := mrand.New(mrand.NewPCG(10, 18))
		var used []db.ID // attachments already linked to a hazard
		upload := func() db.ID {
			id, err := db.ParseID(e.Upload(t, apptest.UserAdmin))
			if err != nil {
				t.Fatal(err)
			}
			used = append(used, id)
			return id
		}
		ids := []db.ID{e.F.Hazards[0], e.F.Hazards[1]}
		act := func(id db.ID, in hazard.ActionInput) error {
			_, err := m.Act(ctx, admin, id, in)
			return err
		}
		for step := 0; step < 150; step++ {
			if step%5 == 4 {
				e.Clock.Advance(time.Duration(rng.IntN(72)) * time.Hour)
			}
			if rng.IntN(6) == 0 || len(ids) < 4 {
				town := rng.IntN(2)
				grades := []string{hazard.General, hazard.Major}
				id, err := m.Report(ctx, admin, hazard.ReportInput{Title: fmt.Sprintf("隐患 %d", step), Category: "unsafe_condition",
					Industry: []string{"construction", "fire"}[rng.IntN(2)], Grade: grades[rng.IntN(2)],
					Source: hazard.Sources[rng.IntN(len(hazard.Sources))], GridID: e.F.Grids[town][rng.IntN(len(e.F.Grids[town]))],
					Place: "路口"})
				if err != nil {
					t.Fatalf("report: %v", err)
				}
				ids = append(ids, id)
				continue
			}
			id := ids[rng.IntN(len(ids))]
			h, err := m.Get(ctx, m.DB, admin, id)
			if err != nil {
				t.Fatal(err)
			}
			var in hazard.ActionInput
			switch h.Status {
			case hazard.Reported:
				if rng.IntN(4) == 0 { // an edit of a tallied field
					g := hazard.Major
					if h.Grade == hazard.Major {
						g = hazard.General
					}
					if err := m.Update(ctx, admin, id, hazard.UpdateInput{Grade: &g}); err != nil {
						t.Fatalf("update: %v", err)
					}
					continue
				}
				fallthrough
			case hazard.Assigned:
				days := 1 + rng.IntN(6)
				in = hazard.ActionInput{Action: hazard.Assign, OwnerID: &adminID, SupervisorOrgID: &safety, Measures: "整改",
					Deadline: e.Clock.Now().AddDate(0, 0, days).Format(time.RFC3339)}
				if rng.IntN(2) == 0 {
					in.Measures = "" // invalid: nothing may change
				}
				if h.Grade == hazard.Major {
					funds := int64(1000)
					in.Responsibility, in.ContingencyPlan, in.FundsYuan, in.ListingLeaderID = "企业负责人", "预案", &funds, &e.F.Leader
				}
				if h.Status == hazard.Assigned && rng.IntN(2) == 0 {
					in = hazard.ActionInput{Action: hazard.Start}
				}
			case hazard.Rectifying:
				in = hazard.ActionInput{Action: hazard.Submit, Attachments: []db.ID{upload()}}
				switch rng.IntN(4) {
				case 0:
					in = hazard.ActionInput{Action: hazard.Comment, Comment: "督办"}
				case 1:
					if len(used) > 0 { // fails after the UPDATE: the transaction rolls the tallies back
						in.Attachments = []db.ID{used[0]}
					}
				}
			case hazard.Submitted:
				in = hazard.ActionInput{Action: hazard.Accept, OnSite: true, Attachments: []db.ID{upload()}, Participants: "验收组", Conclusion: "合格"}
				if rng.IntN(3) == 0 {
					in = hazard.ActionInput{Action: hazard.Reject, Comment: "未整改到位"}
				}
			case hazard.Closed:
				in = hazard.ActionInput{Action: hazard.Start} // illegal: a conflict
			}
			before := tallyRows(t, e)
			err = act(id, in)
			if err != nil {
				if !apperr.Is(err, apperr.Invalid) && !apperr.Is(err, apperr.Conflict) {
					t.Fatalf("%s on %s hazard: %v", in.Action, h.Status, err)
				}
				if after := tallyRows(t, e); after != before {
					t.Fatalf("%s failed (%v) but the tallies changed:\nbefore\n%s\nafter\n%s", in.Action, err, before, after)
				}
			}
		}
		// Some hazards are overdue, some closed, some open within their deadline.
		all, err := hazard.ScanStats(m, ctx, admin, hazard.StatsParams{})
		if err != nil {
			t.Fatal(err)
		}
		if all.Overdue == 0 || all.Closed == 0 || all.Open == all.Overdue || all.Listed == 0 || all.ByStatus["submitted"]+all.ByStatus["rectifying"] == 0 {
			t.Fatalf("the series should leave hazards in every state: %+v", all.Clears)
		}

		yes, no := true, false
		town1, village := e.F.Towns[0], e.F.Villages[0][0]
		filters := map[string]hazard.Filter{
			"scope": {}, "town": {TownID: &town1}, "village": {VillageID: &village}, "industry": {Industry: "construction"},
			"grade": {Grade: hazard.Major}, "source": {Source: "tipoff"}, "status": {Status: []string{"assigned", "rectifying"}},
			"open": {Open: &yes}, "closed": {Open: &no}, "overdue": {Overdue: &yes}, "not_overdue": {Overdue: &no},
			"town_major_open": {TownID: &town1, Grade: hazard.Major, Open: &yes},
		}
		for _, user := range []string{apptest.UserAdmin, apptest.UserTown1, apptest.UserDept, apptest.UserVillage, apptest.UserLeader} {
			p := e.Principal(user)
			for name, f := range filters {
				for _, group := range []string{"", "town", "industry", "grade", "source"} {
					sp := hazard.StatsParams{Filter: f, Group: group}
					want, err := hazard.ScanStats(m, ctx, p, sp)
					if err != nil {
						t.Fatal(err)
					}
					got, ok, err := m.TallyStats(ctx, p, sp)
					if err != nil {
						t.Fatal(err)
					}
					// The tallies answer unless the scope is a village's, the filter is not
					// a tally dimension, or it needs both an industry and a source.
					industry := f.Industry != "" || user == apptest.UserDept || group == "industry"
					source := f.Source != "" || group == "source"
					wantOK := user != apptest.UserVillage && name != "village" && f.Overdue == nil && !(industry && source)
					if ok != wantOK {
						t.Errorf("%s %s/%s answered from the tallies: %v, want %v", user, name, group, ok, wantOK)
					}
					if !ok {
						if got, err = m.Stats(ctx, p, sp); err != nil {
							t.Fatal(err)
						}
					}
					if !reflect.DeepEqual(got, want) {
						t.Errorf("%s %s/%s (tallies: %v):\ngot  %+v\nwant %+v", user, name, group, ok, got, want)
					}
				}
			}
		}

		// An enterprise user's own records are no tally dimension: Stats reads the hazards.
		ent := e.Principal(apptest.UserEnt)
		if _, ok, _ := m.TallyStats(ctx, ent, hazard.StatsParams{}); ok {
			t.Error("an enterprise user's figures came from the tallies")
		}

		// Scope: town01 sees its town's figures only — the admin's for that town, and
		// fewer than the district's.
		t1, err := m.Stats(ctx, e.Principal(apptest.UserTown1), hazard.StatsParams{Group: "town"})
		if err != nil {
			t.Fatal(err)
		}
		adminTown1, err := m.Stats(ctx, admin, hazard.StatsParams{Filter: hazard.Filter{TownID: &town1}})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(t1.Clears, adminTown1.Clears) || t1.Registered >= all.Registered {
			t.Errorf("town01's figures %+v, the admin's for town01 %+v, the district's %+v", t1.Clears, adminTown1.Clears, all.Clears)
		}
		if len(t1.Groups) != 1 || t1.Groups[0].Key != town1.String() {
			t.Errorf("town01's groups: %+v", t1.Groups)
		}

		// A rebuild from the table gives the tallies the writes kept.
		kept := tallyRows(t, e)
		if err := hazard.RebuildTallies(ctx, e.App.DB); err != nil {
			t.Fatal(err)
		}
		if rebuilt := tallyRows(t, e); rebuilt != kept {
			t.Errorf("tallies kept by the writes:\n%s\nrebuilt from the table:\n%s", kept, rebuilt)
		}
	})
}
