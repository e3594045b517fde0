package demo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/enterprise"
	"github.com/safeduty/safeduty/internal/hazard"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
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
	return &enterprise.Module{DB: b.db, Audit: &audit.Log{Clock: clk}, Clock: clk}
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

// villageStem is a village's or community's name without 村 or 社区: 桃花, 锦绣.
func villageStem(v *Village) string {
	return strings.TrimSuffix(strings.TrimSuffix(v.Name, "社区"), "村")
}

// entName draws a name of kind k at grid g that no other enterprise has.
func (b *builder) entName(k *entKind, g *Grid, used map[string]bool) string {
	v, t := g.Village, g.Village.Town
	brands := k.brands
	if brands == nil {
		brands = brandsGeneral
	}
	byPlace := k.place != "" && b.rng.IntN(100) < k.placePct
	for try := 0; ; try++ {
		suffix := pick(b, k.suffixes)
		var name string
		if byPlace && try < 4 {
			place := villageStem(v)
			switch {
			case try == 0 && k.place == placeTown:
				place = t.ShortName
			case try == 0 && k.place == placeTownFull:
				place = t.Name
			case try >= 2:
				place = v.Name
			}
			name = place + suffix
		} else {
			prefix := ""
			switch r := b.rng.IntN(100); {
			case r < 35:
				prefix = districtShort
			case r < 70:
				prefix = t.ShortName
			}
			name = prefix + pick(b, brands) + suffix
			if try > 40 { // the pools are large; this never happens in the demo
				name = fmt.Sprintf("%s%s第%d%s", prefix, pick(b, brands), try, suffix)
			}
		}
		if !used[name] {
			used[name] = true
			return name
		}
	}
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

// personName draws a name from the demo's pools (a woman's with probability women).
// Enterprise people are not in the people table, so names may repeat across enterprises.
func (b *builder) personName(women float64) string {
	given := maleGiven
	if b.rng.Float64() < women {
		given = femaleGiven
	}
	return pick(b, surnames) + pick(b, given)
}

// phone draws a mobile number no one else in the demo has.
func (b *builder) phone() string {
	for {
		p := fmt.Sprintf("%s%08d", pick(b, mobilePrefixes), b.rng.IntN(100_000_000))
		if !b.phones[p] {
			b.phones[p] = true
			return p
		}
	}
}

// orgCodeWeights weigh the 8 characters of an organization code (组织机构代码, GB 11714).
var orgCodeWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// orgCodeCheck computes the check character of an organization code's 8 characters.
func orgCodeCheck(body string) byte {
	sum := 0
	for i := 0; i < 8; i++ {
		c := body[i]
		v := int(c - '0')
		if c >= 'A' && c <= 'Z' {
			v = int(c-'A') + 10
		}
		sum += v * orgCodeWeights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

// creditLetters are the characters of new-style organization codes (the credit code's
// alphabet without the digits' look-alikes).
const creditLetters = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditCode draws a unified social credit code of type typ (91 company, 92 individual
// business, 93 farmers' cooperative, 12 public institution, 52 private non-enterprise
// unit) registered in the district: the type, the district's division code, a 9-character
// organization code with its own check character, and the code's check character.
// Codes issued since 2015 carry MA… (MJ… for civil-affairs registrations); older ones
// kept the digits of the old organization code.
func (b *builder) creditCode(typ string, used map[string]bool) string {
	for {
		var body strings.Builder
		switch {
		case typ == "12": // public institutions kept their old codes
			body.WriteString(fmt.Sprintf("4%07d", b.rng.IntN(10_000_000)))
		case typ == "91" && b.rng.IntN(100) < 45:
			body.WriteString(fmt.Sprintf("%d%07d", 5+b.rng.IntN(3), b.rng.IntN(10_000_000)))
		default:
			if typ == "52" {
				body.WriteString("MJ")
			} else {
				body.WriteString("MA")
			}
			body.WriteByte("123"[b.rng.IntN(3)])
			for range 5 {
				body.WriteByte(creditLetters[b.rng.IntN(len(creditLetters))])
			}
		}
		org := body.String()
		org += string(orgCodeCheck(org))
		first := typ + districtCode + org
		c, err := enterprise.CreditCheckChar(first)
		if err != nil {
			panic("demo: credit code " + first + ": " + err.Error())
		}
		code := first + string(c)
		if !used[code] {
			used[code] = true
			return code
		}
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

// nextID returns the largest id of table, so rows get the ids after it.
func (b *builder) nextID(ctx context.Context, table string) (int64, error) {
	var last int64
	err := b.tx.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(&last)
	return last, err
}

// syncIDs moves PostgreSQL's identity sequence of table past the ids given by the demo.
func (b *builder) syncIDs(ctx context.Context, table string) error {
	if b.tx.Engine() != db.Postgres {
		return nil
	}
	_, err := b.tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('`+table+`', 'id'), (SELECT MAX(id) FROM `+table+`))`)
	return err
}

// storeEnterprises inserts the enterprises green, as registered; the colors step runs the
// rules. Their next inspection is what the rules give a green enterprise never inspected
// (a year after registration), so the rules have nothing to write for those that stay
// green.
func (b *builder) storeEnterprises(ctx context.Context, ents []*Enterprise, rs enterprise.RuleSet) error {
	last, err := b.nextID(ctx, "enterprises")
	if err != nil {
		return err
	}
	months := rs.InspectionMonths[enterprise.Green]
	if months == 0 {
		months = enterprise.DefaultRules().InspectionMonths[enterprise.Green]
	}
	rows := make([][]any, len(ents))
	for i, e := range ents {
		e.ID = db.ID(last + int64(i) + 1)
		e.Color, e.ColorSince = enterprise.Green, e.Created
		v := e.Village()
		rows[i] = []any{e.ID, e.Name, e.CreditCode, e.Industry, e.Grid.ID, v.Path, v.Town.ID, e.Address, e.Scale, e.LegalRep,
			e.SafetyManager, e.Phone, e.StandardGrade, e.Status, enterprise.Green, e.Created, "[]", rs.Version,
			e.Created.UTC().AddDate(0, months, 0), false, e.Created, e.Created}
	}
	cols := []string{"id", "name", "credit_code", "industry", "grid_id", "org_path", "town_id", "address", "scale", "legal_rep",
		"safety_manager", "safety_phone", "standard_grade", "status", "color", "color_since", "color_reasons", "color_rule_version",
		"next_inspection_at", "closure_flagged", "created_at", "updated_at"}
	if err := b.insertRows(ctx, "enterprises", cols, rows, "", nil); err != nil {
		return err
	}
	return b.syncIDs(ctx, "enterprises")
}

// storeRiskPoints inserts every enterprise's risk points.
func (b *builder) storeRiskPoints(ctx context.Context, ents []*Enterprise) error {
	last, err := b.nextID(ctx, "risk_points")
	if err != nil {
		return err
	}
	var rows [][]any
	for _, e := range ents {
		for _, r := range e.risks {
			last++
			r.id = db.ID(last)
			created := e.Created.Add(time.Duration(r.index+1) * time.Hour)
			t := r.tpl
			rows = append(rows, []any{r.id, e.ID, t.name, t.place, t.factors, t.accidents, t.measures, r.responsible,
				r.grade, r.controlsOK, r.checked, created, r.checked})
		}
	}
	cols := []string{"id", "enterprise_id", "name", "place", "hazard_factors", "accident_types", "control_measures", "responsible",
		"grade", "controls_ok", "checked_at", "created_at", "updated_at"}
	if err := b.insertRows(ctx, "risk_points", cols, rows, "", nil); err != nil {
		return err
	}
	return b.syncIDs(ctx, "risk_points")
}

// entPicker draws enterprises for hazards: larger sites and riskier industries have more.
type entPicker struct {
	ents []*Enterprise
	cum  []int
}

func newEntPicker(ents []*Enterprise) *entPicker {
	scaleW := map[string]int{"large": 8, "medium": 4, "small": 2, "micro": 1}
	p := &entPicker{ents: ents, cum: make([]int, len(ents))}
	sum := 0
	for i, e := range ents {
		sum += scaleW[e.Scale] * e.ind.hazardW
		p.cum[i] = sum
	}
	return p
}

// draw picks an enterprise registered at least a day before found.
func (p *entPicker) draw(b *builder, found time.Time) *Enterprise {
	for {
		n := b.rng.IntN(p.cum[len(p.cum)-1])
		i, _ := slices.BinarySearch(p.cum, n+1)
		if e := p.ents[i]; e.Created.Before(found.Add(-day)) {
			return e
		}
	}
}

// open reports whether the hazard is open at the build (not closed).
func (p *hzPlan) open() bool { return p.status() != hazard.Closed }
