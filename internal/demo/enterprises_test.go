package demo_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/app"
	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/demo"
	"github.com/safeduty/safeduty/internal/enterprise"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
	"github.com/safeduty/safeduty/internal/platform/kit"
)

// counts runs a query of (id, count) rows into a map.
func counts(t *testing.T, d *db.DB, q string, args ...any) map[db.ID]int {
	t.Helper()
	out, err := db.Map[db.ID, int](context.Background(), d, q, args)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return out
}

// storedReason is a reason as enterprises.color_reasons holds it.
type storedReason struct {
	Rule string         `json:"rule"`
	Key  string         `json:"key"`
	Args map[string]any `json:"args"`
}

type entRow struct {
	id            db.ID
	name, code    string
	industry      string
	grade, status string
	color         string
	since         time.Time
	created       time.Time
	reasons       []storedReason
	flagged       bool
	town          db.ID
	last, next    *time.Time
}

func loadEnterprises(t *testing.T, d *db.DB) []entRow {
	t.Helper()
	rows, err := d.Query(context.Background(), `SELECT id, name, credit_code, industry, standard_grade, status, color, color_since,
		created_at, color_reasons, closure_flagged, town_id, last_inspected_at, next_inspection_at FROM enterprises ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []entRow
	for rows.Next() {
		var e entRow
		var raw string
		if err := rows.Scan(&e.id, &e.name, &e.code, &e.industry, &e.grade, &e.status, &e.color, &e.since, &e.created, &raw,
			&e.flagged, &e.town, &e.last, &e.next); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(raw), &e.reasons); err != nil {
			t.Fatalf("enterprise %d: reasons %q: %v", e.id, raw, err)
		}
		out = append(out, e)
	}
	return out
}

// checkEnterprises checks the demo enterprises (TestDemo runs it on both engines): counts and spread, valid
// and unique credit codes, colors in the intended proportions whose reasons are exactly
// what the default rules make of the data, the history and constraints that go with
// them, rules that find nothing to change when run again, supervision visits that
// match the inspection dates, and enterprise accounts that see their own enterprise
// only.
func checkEnterprises(t *testing.T, d *db.DB, res demo.Result) {
	ctx := context.Background()
	now := hazardsBuilt
	ents := loadEnterprises(t, d)

	t.Run("Counts", func(t *testing.T) {
		if len(ents) != demo.DemoEnterprises || res.Enterprises != demo.DemoEnterprises || len(res.District.Enterprises) != demo.DemoEnterprises {
			t.Fatalf("%d enterprises stored, %d reported, want %d", len(ents), res.Enterprises, demo.DemoEnterprises)
		}
		byTown := counts(t, d, `SELECT town_id, COUNT(*) FROM enterprises GROUP BY town_id`)
		if len(byTown) != len(res.District.Towns) {
			t.Errorf("enterprises in %d towns of %d", len(byTown), len(res.District.Towns))
		}
		// The industrial towns have more enterprises per grid than the others.
		var indE, indG, othE, othG int
		for _, tw := range res.District.Towns {
			if strings.Contains("白沙镇 双河镇 石桥镇", tw.Name) {
				indE, indG = indE+byTown[tw.ID], indG+tw.Grids
			} else {
				othE, othG = othE+byTown[tw.ID], othG+tw.Grids
			}
		}
		if float64(indE)/float64(indG) < 1.3*float64(othE)/float64(othG) {
			t.Errorf("industrial towns: %d enterprises on %d grids; others %d on %d", indE, indG, othE, othG)
		}
		for _, c := range []struct {
			what   string
			q      string
			lo, hi int
		}{
			{"industries", `SELECT COUNT(DISTINCT industry) FROM enterprises`, 12, 12},
			{"grids with enterprises", `SELECT COUNT(DISTINCT grid_id) FROM enterprises`, 1200, 2831},
			{"without grade (none)", `SELECT COUNT(*) FROM enterprises WHERE standard_grade = 'none'`, 300, 450},
			{"level1", `SELECT COUNT(*) FROM enterprises WHERE standard_grade = 'level1'`, 5, 60},
			{"level3", `SELECT COUNT(*) FROM enterprises WHERE standard_grade = 'level3'`, 1800, 2700},
			{"suspended", `SELECT COUNT(*) FROM enterprises WHERE status = 'suspended'`, 3, 8},
			{"closed", `SELECT COUNT(*) FROM enterprises WHERE status = 'closed'`, 0, 0},
			{"flagged for closure", `SELECT COUNT(*) FROM enterprises WHERE closure_flagged`, 2, 4},
			{"flagged but not suspended", `SELECT COUNT(*) FROM enterprises WHERE closure_flagged AND status <> 'suspended'`, 0, 0},
			{"suspended without a pending or failed suspension", `SELECT COUNT(*) FROM enterprises e WHERE e.status = 'suspended' AND NOT EXISTS
				(SELECT 1 FROM enforcement_actions a WHERE a.enterprise_id = e.id AND a.kind = 'suspension' AND a.outcome IN ('pending', 'failed', 'refused'))`, 0, 0},
			{"flagged without a failed or refused suspension", `SELECT COUNT(*) FROM enterprises e WHERE e.closure_flagged AND NOT EXISTS
				(SELECT 1 FROM enforcement_actions a WHERE a.enterprise_id = e.id AND a.kind = 'suspension' AND a.outcome IN ('failed', 'refused'))`, 0, 0},
			{"closure proposals", `SELECT COUNT(*) FROM enforcement_actions WHERE kind = 'closure_proposal'`, 1, 3},
			{"closure proposals of unflagged", `SELECT COUNT(*) FROM enforcement_actions a JOIN enterprises e ON e.id = a.enterprise_id
				WHERE a.kind = 'closure_proposal' AND NOT e.closure_flagged`, 0, 0},
			{"fined in the last 12 months", `SELECT COUNT(DISTINCT enterprise_id) FROM enforcement_actions
				WHERE kind IN ('penalty', 'max_penalty') AND decided_at >= ? AND decided_at < ?`, 60, 120},
			{"max penalties", `SELECT COUNT(*) FROM enforcement_actions WHERE kind = 'max_penalty'`, 1, 6},
			{"penalties without amount", `SELECT COUNT(*) FROM enforcement_actions WHERE kind IN ('penalty', 'max_penalty') AND (amount_yuan IS NULL OR amount_yuan <= 0)`, 0, 0},
			{"orders and suspensions without deadline", `SELECT COUNT(*) FROM enforcement_actions WHERE kind IN ('rectification_order', 'suspension') AND deadline IS NULL`, 0, 0},
			{"steps decided before registration or in the future", `SELECT COUNT(*) FROM enforcement_actions a JOIN enterprises e ON e.id = a.enterprise_id
				WHERE a.decided_at < e.created_at OR a.decided_at > ? OR a.outcome_at > ?`, 0, 0},
			{"steps without document number or unit", `SELECT COUNT(*) FROM enforcement_actions WHERE doc_number = '' OR org_id IS NULL OR created_by IS NULL`, 0, 0},
			{"repeated document numbers", `SELECT COUNT(*) FROM (SELECT doc_number FROM enforcement_actions GROUP BY doc_number HAVING COUNT(*) > 1) x`, 0, 0},
			{"enterprises with other than 2–6 risk points", `SELECT COUNT(*) FROM enterprises e WHERE
				(SELECT COUNT(*) FROM risk_points r WHERE r.enterprise_id = e.id) NOT BETWEEN 2 AND 6`, 0, 0},
			{"major risk points", `SELECT COUNT(*) FROM risk_points WHERE grade = 'major'`, 30, 250},
			{"significant risk points", `SELECT COUNT(*) FROM risk_points WHERE grade = 'significant'`, 600, 2500},
			{"major risk points out of control", `SELECT COUNT(*) FROM risk_points WHERE grade = 'major' AND NOT controls_ok`, 5, 20},
			{"risk points checked before registration or in the future", `SELECT COUNT(*) FROM risk_points r JOIN enterprises e ON e.id = r.enterprise_id
				WHERE r.checked_at < e.created_at OR r.checked_at > ?`, 0, 0},
			{"enterprises with hazards", `SELECT COUNT(DISTINCT enterprise_id) FROM hazards`, 1000, 2400},
			{"enterprises with an open major hazard", `SELECT COUNT(DISTINCT enterprise_id) FROM hazards WHERE grade = 'major' AND status <> 'closed'`, 100, 140},
			{"hazards at a risk point", `SELECT COUNT(*) FROM hazards WHERE risk_point_id IS NOT NULL`, 800, 2400},
		} {
			var args []any
			for range strings.Count(c.q, "?") {
				args = append(args, now)
			}
			if strings.HasPrefix(c.what, "fined") {
				args[0] = now.AddDate(-1, 0, 0)
			}
			if n := dbtest.Int(t, d, c.q, args...); n < c.lo || n > c.hi {
				t.Errorf("%s: %d, want %d–%d", c.what, n, c.lo, c.hi)
			}
		}
	})

	t.Run("NamesAndCreditCodes", func(t *testing.T) {
		names, codes := map[string]bool{}, map[string]bool{}
		for _, e := range ents {
			if names[e.name] || codes[e.code] {
				t.Errorf("enterprise %d: name %q or code %s repeated", e.id, e.name, e.code)
			}
			names[e.name], codes[e.code] = true, true
			if err := enterprise.CheckCreditCode(e.code); err != nil {
				t.Errorf("enterprise %d %s: credit code %s: %v", e.id, e.name, e.code, err)
			}
			if !slices.Contains([]string{"91", "92", "93", "12", "52"}, e.code[:2]) || e.code[2:8] != "330199" {
				t.Errorf("enterprise %s: credit code %s is not of a registration in the district", e.name, e.code)
			}
			if len([]rune(e.name)) < 4 {
				t.Errorf("enterprise %d: name %q", e.id, e.name)
			}
		}
		for _, want := range []string{"江滨大酒店"} {
			if !names[want] {
				t.Errorf("no enterprise named %s", want)
			}
		}
	})

	t.Run("ColorsFollowTheRules", func(t *testing.T) {
		by := map[string]int{}
		for _, e := range ents {
			by[e.color]++
		}
		for _, c := range []struct {
			color  string
			lo, hi float64
		}{{"green", 0.75, 0.82}, {"yellow", 0.13, 0.20}, {"red", 0.04, 0.07}} {
			if share := float64(by[c.color]) / float64(len(ents)); share < c.lo || share > c.hi {
				t.Errorf("%d %s enterprises (%.1f%%), want %.0f–%.0f%%", by[c.color], c.color, 100*share, 100*c.lo, 100*c.hi)
			}
		}
		// The facts, counted here from the data, the way the rules define them.
		rules := enterprise.DefaultRules()
		facts := map[string]map[db.ID]int{}
		for _, r := range rules.Rules {
			since := now.AddDate(0, -r.Months, 0)
			key := fmt.Sprintf("%s/%d", r.Fact, r.Months)
			switch r.Fact {
			case enterprise.FactOpenMajorHazard:
				facts[key] = counts(t, d, `SELECT enterprise_id, COUNT(*) FROM hazards WHERE enterprise_id IS NOT NULL
					AND status <> 'closed' AND grade = 'major' GROUP BY enterprise_id`)
			case enterprise.FactOverdueHazards:
				facts[key] = counts(t, d, `SELECT enterprise_id, COUNT(*) FROM hazards WHERE enterprise_id IS NOT NULL
					AND status <> 'closed' AND deadline < ? GROUP BY enterprise_id`, now)
			case enterprise.FactRejectedRectifications:
				facts[key] = counts(t, d, `SELECT h.enterprise_id, COUNT(*) FROM hazard_events ev JOIN hazards h ON h.id = ev.hazard_id
					WHERE h.enterprise_id IS NOT NULL AND ev.action = 'reject' AND ev.at >= ? GROUP BY h.enterprise_id`, since)
			case enterprise.FactPenalties:
				facts[key] = counts(t, d, `SELECT enterprise_id, COUNT(*) FROM enforcement_actions
					WHERE kind IN ('penalty', 'max_penalty') AND decided_at >= ? GROUP BY enterprise_id`, since)
			case enterprise.FactSuspensionFailed:
				facts[key] = counts(t, d, `SELECT enterprise_id, COUNT(*) FROM enforcement_actions
					WHERE kind = 'suspension' AND outcome IN ('failed', 'refused') AND outcome_at >= ? GROUP BY enterprise_id`, since)
			case enterprise.FactMajorRiskUncontrolled:
				facts[key] = counts(t, d, `SELECT enterprise_id, COUNT(*) FROM risk_points
					WHERE grade = 'major' AND NOT controls_ok GROUP BY enterprise_id`)
			case enterprise.FactFatalAccident: // no accidents in the demo yet
				facts[key] = map[db.ID]int{}
			}
		}
		fired := map[string]int{}
		errs := 0
		fail := func(format string, args ...any) {
			if errs++; errs <= 15 {
				t.Errorf(format, args...)
			}
		}
		for _, e := range ents {
			want, wantColor := []string{}, "green"
			for _, r := range rules.Rules {
				var on bool
				if r.Fact == enterprise.FactStandardGrade {
					on = slices.Contains(r.Grades, e.grade)
				} else {
					on = facts[fmt.Sprintf("%s/%d", r.Fact, r.Months)][e.id] >= r.Min
				}
				if on {
					want = append(want, r.ID)
					if r.Color == "red" || wantColor == "green" {
						wantColor = r.Color
					}
				}
			}
			var got []string
			for _, r := range e.reasons {
				got = append(got, r.Rule)
				if n, ok := r.Args["n"].(float64); ok {
					var rule enterprise.Rule
					for _, x := range rules.Rules {
						if x.ID == r.Rule {
							rule = x
						}
					}
					if int(n) != facts[fmt.Sprintf("%s/%d", rule.Fact, rule.Months)][e.id] {
						fail("%s: reason %s counts %v, the data %d", e.name, r.Rule, n, facts[fmt.Sprintf("%s/%d", rule.Fact, rule.Months)][e.id])
					}
				}
			}
			if strings.Join(got, ",") != strings.Join(want, ",") || e.color != wantColor {
				fail("%s: %s with reasons %v; the data says %s with %v", e.name, e.color, got, wantColor, want)
			}
			if e.color != "green" && len(e.reasons) == 0 {
				fail("%s is %s without a reason", e.name, e.color)
			}
			for _, r := range want {
				fired[r]++
			}
		}
		// Every rule but the accidents' colors some enterprise red or yellow.
		for _, r := range rules.Rules {
			if r.Fact != enterprise.FactFatalAccident && fired[r.ID] == 0 {
				t.Errorf("rule %s (%s) colors no enterprise", r.ID, r.Fact)
			}
		}
	})

	t.Run("HistoryAndConstraints", func(t *testing.T) {
		type change struct {
			at       time.Time
			from, to string
			reasons  string
		}
		hist := map[db.ID][]change{}
		rows, err := d.Query(ctx, `SELECT enterprise_id, at, from_color, to_color, reasons FROM enterprise_colors ORDER BY enterprise_id, id`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id db.ID
			var c change
			if err := rows.Scan(&id, &c.at, &c.from, &c.to, &c.reasons); err != nil {
				t.Fatal(err)
			}
			hist[id] = append(hist[id], c)
		}
		rows.Close()
		open := counts(t, d, `SELECT enterprise_id, COUNT(*) FROM enterprise_constraints WHERE ended_at IS NULL GROUP BY enterprise_id`)
		measures := counts(t, d, `SELECT enterprise_id, COUNT(DISTINCT measure) FROM enterprise_constraints WHERE ended_at IS NULL GROUP BY enterprise_id`)
		errs := 0
		fail := func(format string, args ...any) {
			if errs++; errs <= 15 {
				t.Errorf(format, args...)
			}
		}
		multi := 0
		for _, e := range ents {
			h := hist[e.id]
			if e.color == "green" {
				if len(h) != 0 {
					fail("%s: green with a history of %d", e.name, len(h))
				}
			} else {
				if len(h) == 0 {
					fail("%s: %s without history", e.name, e.color)
					continue
				}
				prev := "green"
				for i, c := range h {
					if c.from != prev || c.to == c.from || c.at.Before(e.created) || c.at.After(now) || (i > 0 && c.at.Before(h[i-1].at)) ||
						c.reasons == "[]" {
						fail("%s: history step %d %s→%s at %v (created %v)", e.name, i, c.from, c.to, c.at, e.created)
					}
					prev = c.to
				}
				if last := h[len(h)-1]; last.to != e.color || !last.at.Equal(e.since) {
					fail("%s: history ends %s at %v; %s since %v", e.name, last.to, last.at, e.color, e.since)
				}
				if len(h) > 1 {
					multi++
				}
			}
			if e.color == "red" && (open[e.id] != len(enterprise.Measures) || measures[e.id] != len(enterprise.Measures)) {
				fail("%s: red with %d constraints in force", e.name, open[e.id])
			}
			if e.color != "red" && open[e.id] != 0 {
				fail("%s: %s with %d constraints in force", e.name, e.color, open[e.id])
			}
		}
		if multi == 0 {
			t.Error("no enterprise was yellow before it turned red")
		}
		if n := dbtest.Int(t, d, `SELECT COUNT(*) FROM enterprise_constraints k JOIN enterprises e ON e.id = k.enterprise_id
			WHERE k.ended_at IS NULL AND (k.began_at <> e.color_since OR k.reason = '[]')`); n != 0 {
			t.Errorf("%d constraints not from the day their enterprise turned red", n)
		}
		// Red enterprises turned red within the year, most of them lately.
		for _, e := range ents {
			if e.color == "red" && e.since.Before(now.AddDate(-1, 0, 0)) {
				t.Errorf("%s: red since %v", e.name, e.since)
			}
		}
	})

	t.Run("Visits", func(t *testing.T) {
		for _, c := range []struct{ what, q string }{
			{"last inspection other than the last visit", `SELECT COUNT(*) FROM enterprises e WHERE
				COALESCE(CAST(e.last_inspected_at AS TEXT), '-') <> COALESCE((SELECT CAST(MAX(v.visited_at) AS TEXT) FROM enterprise_visits v WHERE v.enterprise_id = e.id), '-')`},
			{"visits before registration or in the future", `SELECT COUNT(*) FROM enterprise_visits v JOIN enterprises e ON e.id = v.enterprise_id
				WHERE v.visited_at < e.created_at OR v.visited_at > ?`},
			{"visits by nobody", `SELECT COUNT(*) FROM enterprise_visits WHERE org_id IS NULL OR visited_by IS NULL`},
			{"red enterprises not visited since they turned red", `SELECT COUNT(*) FROM enterprises e WHERE e.color = 'red'
				AND e.color_since < ? AND NOT EXISTS (SELECT 1 FROM enterprise_visits v WHERE v.enterprise_id = e.id AND v.visited_at >= e.color_since)`},
			{"inspection findings other than the hazards found", `SELECT COUNT(*) FROM enterprise_visits v WHERE v.findings > 0 AND v.findings >
				(SELECT COUNT(*) FROM hazards h WHERE h.enterprise_id = v.enterprise_id AND h.found_by = v.visited_by)`},
		} {
			var args []any
			for range strings.Count(c.q, "?") {
				args = append(args, now)
			}
			if strings.Contains(c.what, "red enterprises") {
				args = []any{now.AddDate(0, 0, -20)}
			}
			if n := dbtest.Int(t, d, c.q, args...); n != 0 {
				t.Errorf("%d %s", n, c.what)
			}
		}
		if n := dbtest.Int(t, d, `SELECT COUNT(*) FROM enterprise_visits`); n < demo.DemoEnterprises {
			t.Errorf("%d visits, want more than one per enterprise", n)
		}
		for _, color := range []string{"green", "yellow", "red"} {
			all := dbtest.Int(t, d, `SELECT COUNT(*) FROM enterprises WHERE color = ?`, color)
			late := dbtest.Int(t, d, `SELECT COUNT(*) FROM enterprises WHERE color = ? AND next_inspection_at < ?`, color, now)
			if float64(late) > 0.15*float64(all) {
				t.Errorf("%d of %d %s enterprises are due an inspection", late, all, color)
			}
		}
	})

	t.Run("RulesFindNothingToChange", func(t *testing.T) {
		digest := func() string {
			h := sha256.New()
			for _, q := range []string{
				`SELECT id, color, color_reasons, color_since, color_rule_version, next_inspection_at, last_inspected_at, updated_at FROM enterprises ORDER BY id`,
				`SELECT id, enterprise_id, at, to_color FROM enterprise_colors ORDER BY id`,
				`SELECT id, enterprise_id, measure, began_at, ended_at FROM enterprise_constraints ORDER BY id`,
			} {
				rows, err := d.Query(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				cols, _ := rows.Columns()
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				for rows.Next() {
					if err := rows.Scan(ptrs...); err != nil {
						t.Fatal(err)
					}
					fmt.Fprintln(h, vals...)
				}
				rows.Close()
			}
			return hex.EncodeToString(h.Sum(nil))
		}
		before := digest()
		fc := clock.NewFake(now)
		m := &enterprise.Module{Deps: kit.Deps{DB: d, Audit: &audit.Log{Clock: fc}, Clock: fc}}
		n, err := m.RecolorAll(ctx, "check")
		if err != nil || n != 0 {
			t.Fatalf("the rules run again change %d colors (%v)", n, err)
		}
		if after := digest(); after != before {
			t.Error("the rules run again change the enterprises, their history or constraints")
		}
	})

	t.Run("EnterpriseAccounts", func(t *testing.T) {
		for i := 1; i <= 12; i++ {
			u := fmt.Sprintf("ent%04d", i)
			if n := dbtest.Int(t, d, `SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'enterprise'
				JOIN enterprises e ON e.id = u.enterprise_id WHERE u.username = ? AND u.org_path = e.org_path`, u); n != 1 {
				t.Errorf("%s is not an enterprise account at its enterprise's village", u)
			}
		}
		if n := dbtest.Int(t, d, `SELECT COUNT(DISTINCT e.town_id) FROM users u JOIN enterprises e ON e.id = u.enterprise_id`); n != 12 {
			t.Errorf("enterprise accounts in %d towns, want one in each of 12", n)
		}

		fc := clock.NewFake(now)
		a := app.Wire(d, app.Config{Clock: fc, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), InsecureCookie: true})
		srv := httptest.NewServer(a.Handler)
		defer srv.Close()
		e := &apptest.Env{T: t, App: a, Server: srv, Clock: fc}
		r := e.Do("POST", "/api/v1/session", "", map[string]string{"username": "ent0001", "password": hazardsPassword})
		if r.Status != http.StatusOK {
			t.Fatalf("sign in ent0001: %d %s", r.Status, r.Body)
		}
		tok := r.Map(t)["token"].(string)
		var own db.ID
		if err := d.QueryRow(ctx, `SELECT enterprise_id FROM users WHERE username = 'ent0001'`).Scan(&own); err != nil {
			t.Fatal(err)
		}
		var list struct {
			Items []struct {
				ID          string `json:"id"`
				TownID      string `json:"town_id"`
				Color       string `json:"color"`
				OpenHazards int    `json:"open_hazards"`
				Reasons     []struct{ Rule, Text string }
			}
			Total int
		}
		e.Do("GET", "/api/v1/enterprises?per_page=50", tok, nil).JSON(t, &list)
		if list.Total != 1 || len(list.Items) != 1 || list.Items[0].ID != own.String() {
			t.Fatalf("ent0001 lists %d enterprises (%+v), want only its own %d", list.Total, list.Items, own)
		}
		it := list.Items[0]
		if it.TownID != res.District.Towns[0].ID.String() || (it.Color != "red" && it.Color != "yellow") || it.OpenHazards < 2 || len(it.Reasons) == 0 {
			t.Errorf("ent0001's enterprise: %+v, want a red or yellow one of town01 with open hazards and reasons", it)
		}
		for _, rs := range it.Reasons {
			if rs.Text == "" || strings.HasPrefix(rs.Text, "enterprise.") {
				t.Errorf("reason %s without its text: %q", rs.Rule, rs.Text)
			}
		}
		var color struct {
			Color    string
			Measures []struct{ Measure string }
			History  []struct{ From, To string }
		}
		e.Do("GET", "/api/v1/enterprises/"+own.String()+"/color", tok, nil).JSON(t, &color)
		if color.Color != it.Color || len(color.History) == 0 || (color.Color == "red") != (len(color.Measures) == len(enterprise.Measures)) {
			t.Errorf("ent0001's color: %+v", color)
		}
		var hz struct {
			Items []struct {
				EnterpriseID *string `json:"enterprise_id"`
				OwnerID      *string `json:"owner_id"`
				Status       string
			}
			Total int
		}
		e.Do("GET", "/api/v1/hazards?per_page=100", tok, nil).JSON(t, &hz)
		want := dbtest.Int(t, d, `SELECT COUNT(*) FROM hazards WHERE enterprise_id = ?`, own)
		if hz.Total != want || want < 5 {
			t.Errorf("ent0001 sees %d hazards, its enterprise has %d", hz.Total, want)
		}
		var uid db.ID
		if err := d.QueryRow(ctx, `SELECT id FROM users WHERE username = 'ent0001'`).Scan(&uid); err != nil {
			t.Fatal(err)
		}
		mine := 0
		for _, h := range hz.Items {
			if h.EnterpriseID == nil || *h.EnterpriseID != own.String() {
				t.Errorf("ent0001 sees a hazard of enterprise %v", h.EnterpriseID)
			}
			if h.Status != "closed" && h.OwnerID != nil && *h.OwnerID == uid.String() {
				mine++
			}
		}
		if mine < 2 {
			t.Errorf("ent0001 owns %d open hazards, want some to act on", mine)
		}
		var other db.ID
		if err := d.QueryRow(ctx, `SELECT id FROM enterprises WHERE id <> ? AND town_id = ? ORDER BY id LIMIT 1`, own, res.District.Towns[0].ID).Scan(&other); err != nil {
			t.Fatal(err)
		}
		if r := e.Do("GET", "/api/v1/enterprises/"+other.String(), tok, nil); r.Status != http.StatusNotFound {
			t.Errorf("ent0001 reads a neighbour: %d", r.Status)
		}
		if r := e.Do("GET", "/api/v1/enterprises/"+own.String(), tok, nil); r.Status != http.StatusOK {
			t.Errorf("ent0001 reads its own enterprise: %d %s", r.Status, r.Body)
		}
	})
}
