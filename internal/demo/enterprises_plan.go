package demo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/enterprise"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
)

// gridPicker draws grids for enterprises: community or village grids as the kind
// prefers, three times as likely in the industrial towns for industrial kinds.
type gridPicker struct {
	d   *District
	cum map[[2]int][]int // by (urban, industrial): cumulative weights over d.Grids
}

func (gp *gridPicker) pick(b *builder, urban int, industrial bool) *Grid {
	key := [2]int{urban, 0}
	if industrial {
		key[1] = 1
	}
	cum, ok := gp.cum[key]
	if !ok {
		cum = make([]int, len(gp.d.Grids))
		sum := 0
		for i, g := range gp.d.Grids {
			w := 10 - urban
			if g.Village.Community {
				w = urban
			}
			if industrial && industrialTowns[g.Village.Town.Name] {
				w *= 3
			}
			sum += w
			cum[i] = sum
		}
		gp.cum[key] = cum
	}
	n := b.rng.IntN(cum[len(cum)-1])
	i, _ := slices.BinarySearch(cum, n+1)
	return gp.d.Grids[i]
}

// Standardization grades by scale: weights of level1, level2, level3, none.
var gradeWeights = map[string][]int{
	"large":  {30, 55, 15, 0},
	"medium": {2, 33, 60, 5},
	"small":  {0, 5, 85, 10},
	"micro":  {0, 0, 85, 15},
}

// fillEnterprise draws what an enterprise's file holds besides its kind, place, scale and
// name: credit code, grade, people, phone, address and, for a late registration, when it
// registered (the others came with the import).
func (b *builder) fillEnterprise(e *Enterprise, codes map[string]bool, importAt time.Time, late bool) {
	typ := e.kind.credit
	if typ == "" {
		typ = "92"
		if strings.HasSuffix(e.Name, "公司") {
			typ = "91"
		}
	}
	e.CreditCode = b.creditCode(typ, codes)
	e.StandardGrade = enterprise.StandardGrades[b.weighted(gradeWeights[e.Scale])]
	e.Status = "operating"
	e.LegalRep = b.personName(0.15)
	e.SafetyManager = e.LegalRep
	if e.Scale != "micro" || b.rng.IntN(2) == 0 {
		e.SafetyManager = b.personName(0.3)
	}
	e.Phone = b.phone()
	v, t := e.Grid.Village, e.Grid.Village.Town
	switch {
	case e.ind.industrial && industrialTowns[t.Name] && b.rng.IntN(100) < 60:
		e.Address = fmt.Sprintf("%s%s工业园区%s%d号", districtName, t.Name, pick(b, parkRoads), 1+b.rng.IntN(260))
	case v.Community:
		e.Address = fmt.Sprintf("%s%s%s%d号", districtName, t.Name, pick(b, communityRoads), 1+b.rng.IntN(380))
	default:
		e.Address = fmt.Sprintf("%s%s%s%d组", districtName, t.Name, v.Name, 1+b.rng.IntN(12))
	}
	e.Created, e.late = importAt, late
	if late {
		c := b.now.Add(-b.between(20*day, importAgo-20*day)).In(clock.China)
		e.Created = time.Date(c.Year(), c.Month(), c.Day(), 9, 0, 0, 0, clock.China).Add(b.between(0, 8*time.Hour)).UTC().Truncate(time.Second)
	}
}

// accountIndustries are the industries of the enterprises bound to ent0002 … ent0012,
// one in each town after the first.
var accountIndustries = []string{"construction", "hazardous_chemicals", "industry_trade", "gas", "special_equipment",
	"education", "tourism", "road_traffic", "mines", "agriculture", "water"}

// enterpriseAccounts binds ent0001 to the hotel and creates ent0002 … ent0012, each bound
// to an enterprise of the next town (its safety manager's account, at its village).
func (b *builder) enterpriseAccounts(ctx context.Context, ents []*Enterprise, hotel *Enterprise) ([]*Enterprise, error) {
	d := b.d
	label := func(e *Enterprise) string { return e.SafetyManager + "（" + e.Name + "）" }
	first := d.User("ent0001")
	if first == nil {
		return nil, fmt.Errorf("the demo account ent0001 is missing")
	}
	if first.Org != &hotel.Village().Node {
		return nil, fmt.Errorf("ent0001 is not at the village of %s", hotel.Name)
	}
	hotel.Account, first.DisplayName = first, label(hotel)
	out := []*Enterprise{hotel}
	var users []*User
	for i, t := range d.Towns[1:] {
		var pickEnt *Enterprise
		for _, e := range ents {
			if e.Village().Town != t || e.Account != nil || e.late {
				continue
			}
			if e.Industry == accountIndustries[i%len(accountIndustries)] && e.Scale != "micro" {
				pickEnt = e
				break
			}
			if pickEnt == nil {
				pickEnt = e
			}
		}
		if pickEnt == nil {
			return nil, fmt.Errorf("no enterprise in %s for an account", t.Name)
		}
		u := &User{Username: fmt.Sprintf("ent%04d", i+2), DisplayName: label(pickEnt), Org: &pickEnt.Village().Node,
			Roles: []auth.Role{auth.Enterprise}}
		pickEnt.Account = u
		users = append(users, u)
		out = append(out, pickEnt)
	}
	if err := b.storeUsers(ctx, users); err != nil {
		return nil, err
	}
	for _, u := range users {
		d.Users = append(d.Users, u)
		d.byUsername[u.Username] = u
	}
	return out, nil
}

// planFacts decides which enterprises the hazards and risk points will make red: an open
// major hazard for entOpenMajors of them (ent0001 and three other accounts among them, so
// the enterprise portal has its red case), overdue or freshly reported majors, laggards
// with three overdue hazards, and failed controls of a major risk point. Enterprises of
// riskier industries and larger sites are likelier; late registrations are left out.
func (b *builder) planFacts(ents []*Enterprise, accounts []*Enterprise) {
	scaleW := map[string]int{"large": 30, "medium": 25, "small": 15, "micro": 10}
	var pool []*Enterprise
	var weights []int
	for _, e := range ents {
		if e.Account == nil && !e.late {
			pool = append(pool, e)
			weights = append(weights, e.ind.majorW*scaleW[e.Scale])
		}
	}
	taken := map[*Enterprise]bool{}
	draw := func() *Enterprise {
		for {
			i := b.weighted(weights)
			if e := pool[i]; !taken[e] {
				taken[e] = true
				weights[i] = 0
				return e
			}
		}
	}
	for i, e := range accounts {
		if i < 4 {
			e.openMajor = true
		}
	}
	for range entOpenMajors - 4 {
		draw().openMajor = true
	}
	for range entMajorsOverdue {
		draw().majorOverdue = true
	}
	for range entMajorsFresh {
		draw().majorFresh = true
	}
	for range entLaggards {
		draw().laggard = true
	}
	for range entRiskOut {
		e := draw()
		for !slices.ContainsFunc(e.ind.risks, func(r riskTemplate) bool { return r.canMajor }) {
			e = draw()
		}
		e.riskOut = true
	}
}

// planRisks draws an enterprise's risk points: 2–3 for a micro enterprise up to 5–6 for
// a large one, mostly general and low; large sites grade some significant or major. An
// enterprise planned with failed controls gets a major risk point whose controls failed
// at its last check.
func (b *builder) planRisks(e *Enterprise) {
	lo := map[string]int{"micro": 2, "small": 3, "medium": 4, "large": 5}[e.Scale]
	n := min(lo+b.rng.IntN(2), len(e.ind.risks))
	idx := b.rng.Perm(len(e.ind.risks))[:n]
	if e.riskOut && !slices.ContainsFunc(idx, func(i int) bool { return e.ind.risks[i].canMajor }) {
		for i, r := range e.ind.risks {
			if r.canMajor {
				idx[0] = i
				break
			}
		}
	}
	slices.Sort(idx)
	outDone := false
	for _, i := range idx {
		t := &e.ind.risks[i]
		r := &riskPoint{tpl: t, index: i, grade: t.grade, controlsOK: true}
		// Small sites grade their points lower, large ones higher.
		lower := map[string]float64{"micro": 0.8, "small": 0.6, "medium": 0.3}[e.Scale]
		raise := map[string]float64{"large": 0.35, "medium": 0.1}[e.Scale]
		switch x := b.rng.Float64(); {
		case x < lower:
			r.grade = map[string]string{"low": "low", "general": "low", "significant": "general"}[r.grade]
		case x > 1-raise:
			r.grade = map[string]string{"low": "general", "general": "significant", "significant": "significant"}[r.grade]
		}
		majorP := map[string]float64{"large": 0.4, "medium": 0.1}[e.Scale]
		if t.canMajor && b.rng.Float64() < majorP {
			r.grade = "major"
		}
		r.checked = b.now.Add(-b.between(day, 150*day)).Truncate(time.Second)
		if e.riskOut && t.canMajor && !outDone {
			r.grade, r.controlsOK, outDone = "major", false, true
			r.checked = b.now.Add(-b.between(5*day, 60*day)).Truncate(time.Second)
		} else if r.grade != "major" && b.rng.Float64() < 0.02 {
			r.controlsOK = false // a minor point's controls found lacking; it does not color
		}
		if r.checked.Before(e.Created) {
			r.checked = e.Created.Add(b.between(day, 10*day)).Truncate(time.Second)
		}
		r.responsible = e.SafetyManager
		if r.grade == "general" || r.grade == "low" {
			r.responsible = b.personName(0.25)
		}
		e.risks = append(e.risks, r)
	}
}
