package demo

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/enterprise"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/kit"
)

// DemoEnterprises is how many enterprises the demo district registers (一企一档).
const DemoEnterprises = 3000

// What the demo gives some enterprises to answer for, so that the color rules find red
// ones for each of their reasons (the rest follows from the hazards, penalties and
// grades drawn for everyone).
const (
	entOpenMajors    = 115 // an open major hazard, assigned and within its deadline (R2)
	entMajorsOverdue = 4   // an open major hazard past its deadline (R2, and overdue)
	entMajorsFresh   = 4   // a major hazard reported in the last two days, not yet assigned (R2)
	entLaggards      = 8   // three hazards past their deadline (R5)
	entRiskOut       = 14  // a major risk point whose controls failed at the last check (R4)
	lateRegistered   = 0.06
	importAgo        = 400 * day // the registry was imported (一企一档) this long before the build
)

// Enterprise is a demo enterprise as created, with what the later steps attach to it.
type Enterprise struct {
	ID             db.ID
	Name           string
	CreditCode     string
	Industry       string
	Grid           *Grid
	Scale          string
	StandardGrade  string
	Status         string // operating, or suspended by an ordered suspension
	ClosureFlagged bool
	LegalRep       string
	SafetyManager  string
	Phone          string
	Address        string
	Created        time.Time
	Account        *User // its enterprise account (ent0001 …), or nil
	// Color and ColorSince are what the color rules made of its facts (set by the last step).
	Color      string
	ColorSince time.Time

	ind     *entIndustry
	kind    *entKind
	risks   []*riskPoint
	hazards []*hzPlan    // its hazards (the hazards step)
	actions []*entAction // its enforcement steps (the enforcement step)
	visits  []*entVisit  // supervision visits (the colors step)

	late bool // registered after the import
	// The facts the demo plans for it.
	openMajor, majorOverdue, majorFresh, laggard, riskOut bool
}

// Village is the village or community the enterprise stands in.
func (e *Enterprise) Village() *Village { return e.Grid.Village }

// riskPoint is one of an enterprise's risk points.
type riskPoint struct {
	id          db.ID
	tpl         *riskTemplate
	index       int // of tpl in the industry's risks
	grade       string
	controlsOK  bool
	checked     time.Time
	responsible string
}

// riskPoint returns the enterprise's risk point made from the industry's template i, or nil.
func (e *Enterprise) riskPoint(i int) *riskPoint {
	for _, r := range e.risks {
		if r.index == i {
			return r
		}
	}
	return nil
}

// fixedClock tells the build's time: the color rules run at the moment the demo stands in.
type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

// enterpriseModule is the enterprise capability working in the build's transaction.
func (b *builder) enterpriseModule() *enterprise.Module {
	clk := fixedClock(b.now)
	return &enterprise.Module{Deps: kit.Deps{DB: b.db, Audit: &audit.Log{Clock: clk}, Clock: clk}}
}

// buildEnterprises registers DemoEnterprises enterprises over the grids, industry by
// industry: the industrial ones gather in the industrial towns (often in their parks),
// the hotels, shops, restaurants and schools in the streets. Each has a name unique in
// the district, a valid unified social credit code (统一社会信用代码) registered in the
// district, its legal representative and safety manager, a standardization grade and
// 2–6 risk points. Most came in with the registry's import a little over a year ago, a
// few registered since. The demo enterprise accounts are bound here: ent0001 to a hotel
// in the first community of town01, ent0002 … ent0012 to one enterprise in each other
// town. The step also decides which enterprises the later steps give an open major
// hazard, overdue hazards or a failed major risk point.
func buildEnterprises(ctx context.Context, b *builder) error {
	d := b.d
	m := b.enterpriseModule()
	rs, err := m.CurrentRules(ctx, b.tx)
	if err != nil {
		return err
	}
	gp := &gridPicker{d: d, cum: map[[2]int][]int{}}
	names, codes := map[string]bool{}, map[string]bool{}
	importAt := clock.EndOfDay(b.now.Add(-importAgo)).UTC().Add(-15 * time.Hour) // 09:00 that day

	var ents []*Enterprise
	// ent0001's enterprise: a hotel in the first community of town01.
	fire := industry("fire")
	hotel := &Enterprise{ind: fire, kind: &fire.kinds[0], Industry: fire.code, Grid: d.Towns[0].Villages[0].Grids[0], Scale: "medium"}
	hotel.Name = d.Towns[0].ShortName + "大酒店"
	names[hotel.Name] = true
	b.fillEnterprise(hotel, codes, importAt, false)
	hotel.StandardGrade = "level3"
	ents = append(ents, hotel)
	for _, ind := range entIndustries {
		weights := make([]int, len(ind.kinds))
		for i, k := range ind.kinds {
			weights[i] = k.weight
		}
		n := ind.count
		if ind == fire {
			n--
		}
		for range n {
			k := &ind.kinds[b.weighted(weights)]
			e := &Enterprise{ind: ind, kind: k, Industry: ind.code}
			e.Grid = gp.pick(b, k.urban, ind.industrial)
			e.Scale = enterprise.Scales[b.weighted(k.scale[:])]
			e.Name = b.entName(k, e.Grid, names)
			b.fillEnterprise(e, codes, importAt, b.rng.Float64() < lateRegistered)
			ents = append(ents, e)
		}
	}
	// The import listed them by place, as the towns' files did, a few seconds apart; the
	// later registrations follow in their order. Ids follow the registry's order.
	key := func(e *Enterprise) time.Time {
		if e.late {
			return e.Created
		}
		return importAt
	}
	slices.SortStableFunc(ents, func(a, c *Enterprise) int {
		if x := key(a).Compare(key(c)); x != 0 {
			return x
		}
		if x := strings.Compare(a.Grid.Code, c.Grid.Code); x != 0 {
			return x
		}
		return strings.Compare(a.Name, c.Name)
	})
	for i, e := range ents {
		if !e.late {
			e.Created = importAt.Add(time.Duration(i) * 7 * time.Second)
		}
	}

	accounts, err := b.enterpriseAccounts(ctx, ents, hotel)
	if err != nil {
		return err
	}
	b.planFacts(ents, accounts)
	for _, e := range ents {
		b.planRisks(e)
	}
	if err := b.storeEnterprises(ctx, ents, rs); err != nil {
		return err
	}
	if err := b.storeRiskPoints(ctx, ents); err != nil {
		return err
	}
	for _, e := range accounts {
		if _, err := b.tx.Exec(ctx, `UPDATE users SET enterprise_id = ?, display_name = ? WHERE id = ?`,
			e.ID, e.Account.DisplayName, e.Account.ID); err != nil {
			return err
		}
	}
	d.Enterprises = ents
	return nil
}

// industry returns the enterprise industry of code.
func industry(code string) *entIndustry {
	for _, ind := range entIndustries {
		if ind.code == code {
			return ind
		}
	}
	panic("demo: unknown industry " + code)
}
