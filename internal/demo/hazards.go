package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/hazard"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// DemoHazards is how many hazards the demo district holds: a year of 隐患排查治理 in a
// district of 2,831 grids.
const DemoHazards = 4000

// The major hazards (重大隐患) at public places among them. Every major hazard that has
// been assigned is listed for supervision (挂牌督办) with its five implementations (五落实),
// as the state machine requires; the open listed ones are the district's current 挂牌督办
// list. The enterprises have more (entOpenMajors … in enterprises.go, and
// entMajorsClosed).
const (
	majorOpen     = 10 // assigned, rectifying or submitted, within the deadline
	majorOverdue  = 1  // open and past the deadline: escalated to the leader in charge
	majorReported = 2  // found in the last two days, not yet assigned
	majorClosed   = 23 // rectified and accepted on site, 销号
)

// Hazards at enterprises: their share of all hazards, the major ones closed during the
// year, and the overdue hazards of each laggard.
const (
	entHazardShare  = 0.60
	entMajorsClosed = 160
	laggardOverdue  = 3
)

// Shares and timing of the loop in the demo year.
const (
	lateShare     = 0.10 // rectified after the deadline
	rejectShare   = 0.12 // sent back at least once on acceptance
	escalateEvery = 5 * time.Minute
	remindBefore  = 72 * time.Hour     // hazard.DefaultConfig().RemindBefore
	leaderAfter   = 7 * 24 * time.Hour // hazard.DefaultConfig().LeaderAfter
	day           = 24 * time.Hour
)

// hazardSources with their weights: patrols and self-inspections find most hazards.
var hazardSources = []struct {
	source string
	weight int
}{
	{"grid_patrol", 38}, {"self_inspection", 24}, {"department_inspection", 16},
	{"campaign", 10}, {"tipoff", 7}, {"supervision_group", 5},
}

// entSources are the sources of hazards at enterprises with their weights: inspections
// by the departments weigh more than at public places, and an enterprise reports its own
// findings only when it has an account.
var entSources = []struct {
	source string
	weight int
}{
	{"grid_patrol", 30}, {"department_inspection", 26}, {"self_inspection", 16},
	{"campaign", 14}, {"tipoff", 8}, {"supervision_group", 6},
}

// deadlineDays are the rectification periods a town or department gives (7–60 days).
var deadlineDays = []int{7, 10, 15, 15, 20, 30, 30, 30, 45, 60}

// hzEvent is one step of a demo hazard's history.
type hzEvent struct {
	at      time.Time
	actor   *User // nil: the system (escalation job)
	action  string
	from    hazard.Status
	to      hazard.Status
	comment string
	data    map[string]any
	seq     int // order within the hazard
}

// hzEscalation is a notice of the escalation job that already went out.
type hzEscalation struct {
	stage string
	at    time.Time
	to    []*User
}

// hzPlan is one demo hazard: where, what, who, and its history up to now.
type hzPlan struct {
	id          db.ID
	code        string
	tpl         *hazardTemplate
	content     *industryContent
	grade       string
	source      string
	ent         *Enterprise // where it was found, or nil: a public place
	risk        *riskPoint  // the enterprise's risk point it belongs to, or nil
	village     *Village
	grid        *Grid
	place       string
	address     string
	foundBy     *User
	foundAt     time.Time
	owner       *User
	supervisor  *Unit
	supUser     *User // the supervising unit's account: accepts or rejects
	assigner    *User
	deadline    time.Time
	funds       int64
	leader      *Person
	listingDoc  string
	events      []*hzEvent // up to now, in time order
	escalations []hzEscalation
	notices     []hzNotice
}

// hzNotice is an inbox notice about a demo hazard.
type hzNotice struct {
	user  *User
	at    time.Time
	kind  string // after "hazard."
	extra map[string]any
	read  bool
}

// hzPeople finds the demo accounts the loop needs.
type hzPeople struct {
	patroller, villager map[*Village]*User
	town                map[*Town]*User
	dept                map[*Unit]*User
	byOrg               map[*Node][]*User
	leaders             []*User // accounts of leaders (区委书记, 区长, deputies)
	office              []*User // safety-office accounts
}

func indexPeople(d *District) *hzPeople {
	ix := &hzPeople{patroller: map[*Village]*User{}, villager: map[*Village]*User{}, town: map[*Town]*User{},
		dept: map[*Unit]*User{}, byOrg: map[*Node][]*User{}}
	villageOf := map[*Node]*Village{}
	for _, v := range d.Villages {
		villageOf[&v.Node] = v
	}
	townOf := map[*Node]*Town{}
	for _, t := range d.Towns {
		townOf[&t.Gov.Node] = t
	}
	deptOf := map[*Node]*Unit{}
	for _, u := range d.Departments {
		deptOf[&u.Node] = u
	}
	for _, u := range d.Users {
		ix.byOrg[u.Org] = append(ix.byOrg[u.Org], u)
		for _, r := range u.Roles {
			switch r {
			case auth.Patroller:
				ix.patroller[villageOf[u.Org]] = u
			case auth.Village:
				ix.villager[villageOf[u.Org]] = u
			case auth.Town:
				ix.town[townOf[u.Org]] = u
			case auth.Department:
				ix.dept[deptOf[u.Org]] = u
			case auth.Leader:
				ix.leaders = append(ix.leaders, u)
			case auth.SafetyOffice:
				ix.office = append(ix.office, u)
				if u.Username == "dept-"+safetyOffice {
					ix.dept[deptOf[u.Org]] = u
				}
			}
		}
	}
	return ix
}

// unitMembers are the accounts of a supervising unit that hear about submissions and
// overdue hazards (the hazard loop's unitMembers).
func (ix *hzPeople) unitMembers(u *Unit) []*User {
	var out []*User
	for _, usr := range ix.byOrg[&u.Node] {
		if slices.ContainsFunc(usr.Roles, func(r auth.Role) bool {
			return r == auth.Town || r == auth.Department || r == auth.SafetyOffice
		}) {
			out = append(out, usr)
		}
	}
	return out
}

// leadersFor are the leaders in charge of industry plus the listing leader.
func (ix *hzPeople) leadersFor(industry string, listing *Person) []*User {
	var out []*User
	for _, u := range ix.leaders {
		if u.Person != nil && (slices.Contains(u.Person.InCharge, industry) || u.Person == listing) {
			out = append(out, u)
		}
	}
	return out
}

// hzSpec says which hazard to plan: its kind (general, or open, overdue, reported,
// closed), its grade, and whether it is at an enterprise (a given one, or one drawn).
type hzSpec struct {
	kind  string
	major bool
	atEnt bool
	ent   *Enterprise
}

// buildHazards creates DemoHazards hazards found over the year before the build, each
// with a history that the state machine allows (report → assign → start → submit →
// (reject → submit)* → accept), cut at the build time: old hazards are closed, recent
// ones are somewhere in the loop, and about one open hazard in eight is past its
// deadline. About 60% are at enterprises (place, grid and industry the enterprise's,
// often at one of its risk points), larger and riskier ones having more; they include
// the open, overdue and fresh major hazards and the laggards' overdue hazards that the
// enterprises step planned, and a few for each enterprise account, which owns and
// self-reports its enterprise's hazards. The rest are at public places, spread over the
// grids (so towns with more grids have more). The escalation notices that the job would
// already have sent are recorded (hazard_escalations, the history's escalate steps and
// the inbox), so its first run after the build sends nothing old.
func buildHazards(ctx context.Context, b *builder) error {
	d := b.d
	ix := indexPeople(d)
	var industries struct{ urban, rural []int }
	for _, c := range hazardContent {
		industries.urban = append(industries.urban, c.community)
		industries.rural = append(industries.rural, c.village)
	}
	var specs []hzSpec
	add := func(n int, s hzSpec) {
		for range n {
			specs = append(specs, s)
		}
	}
	add(majorOpen, hzSpec{kind: "open", major: true})
	add(majorOverdue, hzSpec{kind: "overdue", major: true})
	add(majorReported, hzSpec{kind: "reported", major: true})
	add(majorClosed, hzSpec{kind: "closed", major: true})
	atEnt := 0
	for _, e := range d.Enterprises {
		n := len(specs)
		if e.openMajor {
			add(1, hzSpec{kind: "open", major: true, atEnt: true, ent: e})
		}
		if e.majorOverdue {
			add(1, hzSpec{kind: "overdue", major: true, atEnt: true, ent: e})
		}
		if e.majorFresh {
			add(1, hzSpec{kind: "reported", major: true, atEnt: true, ent: e})
		}
		if e.laggard {
			add(laggardOverdue, hzSpec{kind: "overdue", atEnt: true, ent: e})
		}
		if e.Account != nil { // something for the enterprise portal to show
			add(1, hzSpec{kind: "open", atEnt: true, ent: e})
			add(2, hzSpec{kind: "closed", atEnt: true, ent: e})
			if e.Account.Username == "ent0001" {
				add(1, hzSpec{kind: "open", atEnt: true, ent: e})
				add(1, hzSpec{kind: "overdue", atEnt: true, ent: e})
				add(1, hzSpec{kind: "closed", atEnt: true, ent: e})
			}
		}
		atEnt += len(specs) - n
	}
	if len(d.Enterprises) > 0 {
		add(entMajorsClosed, hzSpec{kind: "closed", major: true, atEnt: true})
		atEnt += entMajorsClosed
		add(int(DemoHazards*entHazardShare)-atEnt, hzSpec{kind: "general", atEnt: true})
	}
	add(DemoHazards-len(specs), hzSpec{kind: "general"})
	var ents *entPicker
	if len(d.Enterprises) > 0 {
		ents = newEntPicker(d.Enterprises)
	}
	plans := make([]*hzPlan, 0, len(specs))
	for _, s := range specs {
		p, err := b.planHazard(ix, s, industries.urban, industries.rural, ents)
		if err != nil {
			return err
		}
		plans = append(plans, p)
	}
	// Ids and codes in the order the hazards were registered, as in real use.
	slices.SortStableFunc(plans, func(a, c *hzPlan) int { return a.events[0].at.Compare(c.events[0].at) })
	numberListings(plans)
	for _, p := range plans {
		p.escalate(ix, b.now)
		p.inbox(ix, b.now)
		if p.ent != nil {
			p.ent.hazards = append(p.ent.hazards, p)
		}
	}
	if err := b.storeHazards(ctx, plans); err != nil {
		return err
	}
	if err := b.storeHazardEvents(ctx, plans); err != nil {
		return err
	}
	return b.storeHazardNotices(ctx, plans)
}

// weighted draws an index with probability proportional to its weight.
func (b *builder) weighted(weights []int) int {
	sum := 0
	for _, w := range weights {
		sum += w
	}
	n := b.rng.IntN(sum)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

// between draws a duration in [lo, hi).
func (b *builder) between(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(b.rng.Int64N(int64(hi-lo)))
}

// pick draws one of list.
func pick[T any](b *builder, list []T) T { return list[b.rng.IntN(len(list))] }

// publicContent returns the public places' content of industry code.
func publicContent(code string) *industryContent {
	for i := range hazardContent {
		if hazardContent[i].code == code {
			return &hazardContent[i]
		}
	}
	return nil
}

// planHazard draws one hazard as s says and its history up to the build time.
func (b *builder) planHazard(ix *hzPeople, s hzSpec, urban, rural []int, ents *entPicker) (*hzPlan, error) {
	d, now := b.d, b.now
	p := &hzPlan{grade: hazard.General}
	major := s.major
	if major {
		p.grade = hazard.Major
	}
	// When: found in working hours on a day of the past year.
	var ago time.Duration
	switch s.kind {
	case "open":
		ago = b.between(3*day, 55*day)
	case "overdue":
		ago = b.between(45*day, 120*day)
		if major {
			ago = b.between(75*day, 85*day)
		}
	case "reported":
		ago = b.between(0, 2*day)
	case "closed":
		ago = b.between(95*day, 360*day)
	default:
		ago = b.between(0, 364*day)
	}
	c := now.Add(-ago).In(clock.China)
	p.foundAt = time.Date(c.Year(), c.Month(), c.Day(), 8, 30, 0, 0, clock.China).Add(b.between(0, 9*time.Hour)).UTC()
	if latest := now.Add(-3 * time.Hour); p.foundAt.After(latest) {
		p.foundAt = latest.Add(-b.between(0, 2*time.Hour))
	}

	if s.atEnt {
		e := s.ent
		if e == nil {
			if ents == nil {
				return nil, fmt.Errorf("a hazard at an enterprise, but the district has none")
			}
			e = ents.draw(b, p.foundAt)
		}
		if !p.foundAt.After(e.Created) {
			return nil, fmt.Errorf("a hazard at %s found before it registered", e.Name)
		}
		p.ent, p.grid = e, e.Grid
		if p.content = publicContent(e.Industry); p.content == nil {
			return nil, fmt.Errorf("no hazard content for %s", e.Industry)
		}
		var tpls []*entHazard
		for i := range e.ind.hazards {
			if e.ind.hazards[i].t.major == major {
				tpls = append(tpls, &e.ind.hazards[i])
			}
		}
		if len(tpls) == 0 {
			return nil, fmt.Errorf("no %s hazard for enterprises of %s", p.grade, e.Industry)
		}
		h := pick(b, tpls)
		p.tpl = &h.t
		if h.risk >= 0 {
			p.risk = e.riskPoint(h.risk)
		}
		p.place, p.address = e.Name, e.Address
	} else {
		p.grid = d.Grids[b.rng.IntN(len(d.Grids))]
		weights := rural
		if p.grid.Village.Community {
			weights = urban
		}
		for {
			p.content = &hazardContent[b.weighted(weights)]
			var tpls []int
			for i, tp := range p.content.templates {
				if !major || tp.major {
					tpls = append(tpls, i)
				}
			}
			if len(tpls) > 0 {
				p.tpl = &p.content.templates[pick(b, tpls)]
				break
			}
		}
	}
	p.village = p.grid.Village
	v, t := p.village, p.village.Town
	if p.ent == nil {
		places := p.content.ruralPlaces
		if v.Community {
			places = p.content.urbanPlaces
		}
		p.place = v.Name + pick(b, places)
		if v.Community {
			p.address = fmt.Sprintf("%s%s%s%s%d号", districtName, t.Name, v.Name, pick(b, communityRoads), 1+b.rng.IntN(180))
		} else {
			p.address = fmt.Sprintf("%s%s%s%d组", districtName, t.Name, v.Name, 1+b.rng.IntN(12))
		}
		srcWeights := make([]int, len(hazardSources))
		for i, s := range hazardSources {
			srcWeights[i] = s.weight
		}
		p.source = hazardSources[b.weighted(srcWeights)].source
	} else {
		srcWeights := make([]int, len(entSources))
		for i, s := range entSources {
			if s.source != "self_inspection" || p.ent.Account != nil {
				srcWeights[i] = s.weight
			}
		}
		p.source = entSources[b.weighted(srcWeights)].source
	}

	// Who found it, who supervises, who assigns, who rectifies.
	depts := d.DepartmentsFor(p.content.code)
	if len(depts) == 0 {
		return nil, fmt.Errorf("no department supervises %s", p.content.code)
	}
	dept := pick(b, depts)
	switch p.source {
	case "grid_patrol":
		p.foundBy = ix.patroller[v]
	case "self_inspection": // the enterprise's own check, or the village committee's of its public places
		p.foundBy = ix.villager[v]
		if p.ent != nil {
			p.foundBy = p.ent.Account
		}
	case "department_inspection", "campaign":
		p.foundBy = ix.dept[dept]
	case "supervision_group": // registered by the safety office
		p.foundBy = ix.dept[d.SafetyOffice()]
	case "tipoff": // a phone tip-off registered by the town
		p.foundBy = ix.town[t]
	}
	byDept := p.source == "department_inspection" || p.source == "campaign"
	if major || byDept || b.rng.Float64() < 0.5 {
		p.supervisor, p.supUser = dept, ix.dept[dept]
	} else {
		p.supervisor, p.supUser = t.Gov, ix.town[t]
	}
	p.assigner = ix.town[t]
	if byDept {
		p.assigner = ix.dept[dept]
	}
	p.owner = ix.villager[v]
	switch {
	case p.ent != nil && p.ent.Account != nil: // the enterprise rectifies its own hazards
		p.owner = p.ent.Account
	case !major && b.rng.Float64() < 0.25:
		p.owner = ix.patroller[v]
	}
	if p.foundBy == nil || p.supUser == nil || p.assigner == nil || p.owner == nil {
		return nil, fmt.Errorf("hazard at %s: a demo account is missing", p.place)
	}
	p.plan(b, s.kind)
	return p, nil
}

// plan writes the hazard's whole loop and cuts it at the build time.
func (p *hzPlan) plan(b *builder, kind string) {
	now := b.now
	major := p.grade == hazard.Major
	var all []*hzEvent
	add := func(at time.Time, actor *User, action string, from, to hazard.Status, comment string, data map[string]any) {
		all = append(all, &hzEvent{at: at, actor: actor, action: action, from: from, to: to, comment: comment, data: data})
	}
	report := p.foundAt.Add(b.between(5*time.Minute, 2*time.Hour))
	if byDesk := p.source != "grid_patrol" && p.source != "self_inspection"; byDesk {
		report = p.foundAt.Add(b.between(time.Hour, 6*time.Hour))
	}
	if report.After(now.Add(-time.Minute)) {
		report = now.Add(-time.Minute)
	}
	entName := ""
	if p.ent != nil {
		entName = p.ent.Name
	}
	add(report, p.foundBy, "report", "", hazard.Reported, "", map[string]any{"grade": p.grade, "source": p.source, "enterprise": entName})

	// Assignment: most within a day.
	var assign time.Time
	switch r := b.rng.Float64(); {
	case kind == "reported":
		assign = now.Add(30 * day) // not yet
	case r < 0.60:
		assign = report.Add(b.between(time.Hour, day))
	case r < 0.90:
		assign = report.Add(b.between(day, 3*day))
	default:
		assign = report.Add(b.between(3*day, 10*day))
	}
	days := pick(b, deadlineDays)
	switch kind {
	case "open": // long enough to be open and within the deadline now
		days = 60
		if now.Sub(assign) < 40*day {
			days = pick(b, []int{45, 60})
		}
	case "closed":
		days = pick(b, []int{30, 45, 60})
	case "overdue":
		days = 30
	}
	p.deadline = clock.EndOfDay(assign.Add(time.Duration(days) * day)).UTC()
	ad := map[string]any{"owner_id": p.owner.ID.String(), "supervisor_org_id": p.supervisor.ID.String(),
		"measures": p.tpl.measures, "deadline": p.deadline.UTC().Format(time.RFC3339)}
	if major {
		p.leader = b.d.DeputyFor(p.content.code)
		p.funds = int64(50+b.rng.IntN(1450)) * 1000
		ad["responsibility"] = p.responsibility()
		ad["funds_yuan"] = p.funds
		ad["contingency_plan"] = p.contingency()
		ad["listing_leader_id"] = p.leader.ID.String()
	}
	add(assign, p.assigner, "assign", hazard.Reported, hazard.Assigned, "", ad)
	start := assign.Add(b.between(2*time.Hour, day))
	if b.rng.Float64() < 0.5 {
		start = assign.Add(b.between(day, 6*day))
	}
	add(start, p.owner, "start", hazard.Assigned, hazard.Rectifying, "", nil)

	late := b.rng.Float64() < lateShare
	var submit time.Time
	switch {
	case kind == "overdue": // not yet
		submit = now.Add(b.between(day, 20*day))
	case kind == "open":
		submit = p.deadline.Add(-b.between(2*day, 10*day))
	case late && kind == "general":
		submit = p.deadline.Add(b.between(day, 25*day))
	default:
		window := p.deadline.Sub(start)
		submit = start.Add(time.Duration(float64(window) * (0.1 + 0.5*b.rng.Float64())))
	}
	add(submit, p.owner, "submit", hazard.Rectifying, hazard.Submitted, pick(b, submitComments), nil)
	if b.rng.Float64() < rejectShare {
		rounds := 1
		if b.rng.Float64() < 0.15 {
			rounds = 2
		}
		for range rounds {
			reject := submit.Add(b.between(4*time.Hour, 3*day))
			add(reject, p.supUser, "reject", hazard.Submitted, hazard.Rectifying, pick(b, rejectComments), nil)
			submit = reject.Add(b.between(day, 5*day))
			add(submit, p.owner, "submit", hazard.Rectifying, hazard.Submitted, pick(b, submitComments), nil)
		}
	}
	accept := submit.Add(b.between(4*time.Hour, 5*day))
	if onTime := p.deadline.Add(-b.between(time.Hour, 12*time.Hour)); !late && accept.After(p.deadline) && onTime.After(submit) &&
		b.rng.Float64() < 0.85 {
		accept = onTime // the unit hurries to accept before the deadline
	}
	if kind == "open" && !accept.After(now) {
		accept = now.Add(day) // still open: acceptance comes later
	}
	ac := map[string]any{"on_site": true, "on_time": !accept.After(p.deadline)}
	if major {
		ac["participants"] = p.participants()
		ac["conclusion"] = "经现场验收，整改措施落实到位，隐患已消除，同意销号，解除挂牌督办。"
	}
	add(accept, p.supUser, "accept", hazard.Submitted, hazard.Closed, pick(b, acceptComments), ac)

	for _, e := range all {
		if !e.at.After(now) {
			p.events = append(p.events, e)
		}
	}
	// The listing leader's instruction (督办意见) on an open listed hazard.
	if major && p.status() != hazard.Closed && p.status() != hazard.Reported {
		at := assign.Add(b.between(day, 7*day))
		if at.After(now) {
			at = now.Add(-b.between(time.Minute, time.Hour))
		}
		if at.After(assign) {
			var leaderUser *User
			for _, u := range b.d.Users {
				if u.Person == p.leader {
					leaderUser = u
				}
			}
			if leaderUser != nil {
				p.events = append(p.events, &hzEvent{at: at, actor: leaderUser, action: "comment", from: p.statusAt(at), to: p.statusAt(at),
					comment: fmt.Sprintf(pick(b, leaderComments), p.supervisor.ShortName)})
			}
		}
	}
	p.sortEvents()
}

func (p *hzPlan) sortEvents() {
	slices.SortStableFunc(p.events, func(a, c *hzEvent) int { return a.at.Compare(c.at) })
	for i, e := range p.events {
		e.seq = i
	}
}

// contingency is the 五落实 contingency plan of a major hazard.
func (p *hzPlan) contingency() string {
	if p.ent != nil && p.ent.ind.contingency != "" {
		return p.ent.ind.contingency
	}
	return p.content.contingency
}

// responsibility is the 五落实 responsibility: who rectifies and who supervises.
func (p *hzPlan) responsibility() string {
	head := ""
	if p.village.Head != nil {
		head = "（" + p.village.Head.Name + "）"
	}
	chief := ""
	if p.supervisor.SafetyChief != nil {
		chief = p.supervisor.SafetyChief.Name
	}
	if e := p.ent; e != nil {
		return fmt.Sprintf("%s（主要负责人%s，安全管理人员%s）为整改责任单位，%s%s负责督导", e.Name, e.LegalRep, e.SafetyManager,
			p.supervisor.ShortName, chief)
	}
	return fmt.Sprintf("%s%s为整改责任单位，%s%s负责督导", p.owner.DisplayName, head, p.supervisor.ShortName, chief)
}

// participants of a major hazard's on-site acceptance.
func (p *hzPlan) participants() string {
	var names []string
	if e := p.ent; e != nil {
		names = append(names, e.Name+e.SafetyManager)
	}
	if c := p.supervisor.SafetyChief; c != nil {
		names = append(names, p.supervisor.ShortName+c.Name)
	}
	if s := p.village.Town.SafetyDeputy; s != nil {
		names = append(names, p.village.Town.ShortName+s.Name)
	}
	if h := p.village.Head; h != nil {
		names = append(names, p.village.Name+h.Name)
	}
	return strings.Join(names, "、")
}

// status is where the hazard is at the build time.
func (p *hzPlan) status() hazard.Status { return p.events[len(p.events)-1].to }

// statusAt is where the hazard was at t (after the events at or before t).
func (p *hzPlan) statusAt(t time.Time) hazard.Status {
	s := hazard.Status("")
	for _, e := range p.events {
		if e.at.After(t) {
			break
		}
		s = e.to
	}
	return s
}

// last returns the hazard's last event of action, or nil.
func (p *hzPlan) last(action string) *hzEvent {
	for i := len(p.events) - 1; i >= 0; i-- {
		if p.events[i].action == action {
			return p.events[i]
		}
	}
	return nil
}

// numberListings gives each listed hazard its supervision document number (督办文号),
// counted per year in the order of listing.
func numberListings(plans []*hzPlan) {
	type listing struct {
		p  *hzPlan
		at time.Time
	}
	var ls []listing
	for _, p := range plans {
		if a := p.last("assign"); a != nil && p.grade == hazard.Major {
			ls = append(ls, listing{p, a.at})
		}
	}
	slices.SortStableFunc(ls, func(a, c listing) int { return a.at.Compare(c.at) })
	n := map[int]int{}
	for _, l := range ls {
		y := l.at.In(clock.China).Year()
		n[y]++
		l.p.listingDoc = fmt.Sprintf("临安委督〔%d〕%d号", y, n[y])
	}
}

// roundUpScan is the first run of the escalation job at or after t.
func roundUpScan(t time.Time) time.Time {
	r := t.Truncate(escalateEvery)
	if r.Before(t) {
		r = r.Add(escalateEvery)
	}
	return r
}

// escalate works out the notices the escalation job (hazard.Escalate) has sent for the
// hazard by now, with the same stages and conditions: a reminder to the owner within
// remindBefore of the deadline while assigned or rectifying; the supervising unit and the
// owner once the deadline passes while open; the leaders in charge leaderAfter later.
func (p *hzPlan) escalate(ix *hzPeople, now time.Time) {
	a := p.last("assign")
	if a == nil {
		return
	}
	dl := p.deadline
	open := func(s hazard.Status) bool { return s != hazard.Closed && s != hazard.Reported && s != "" }
	working := func(s hazard.Status) bool { return s == hazard.Assigned || s == hazard.Rectifying }
	scan := func(t time.Time) time.Time {
		if s := roundUpScan(t); s.Before(now) {
			return s
		}
		return now
	}
	// Reminder: the first scan in [dl-remindBefore, dl) that finds it being worked on.
	from := dl.Add(-remindBefore)
	if a.at.After(from) {
		from = a.at
	}
	candidates := []time.Time{from}
	for _, e := range p.events {
		if e.at.After(from) && e.at.Before(dl) {
			candidates = append(candidates, e.at)
		}
	}
	for _, c := range candidates {
		if c.After(now) {
			break
		}
		s := scan(c)
		if !s.Before(dl) {
			break
		}
		if working(p.statusAt(s)) {
			p.escalations = append(p.escalations, hzEscalation{stage: hazard.StageReminder, at: s, to: []*User{p.owner}})
			break
		}
	}
	if !dl.After(now) {
		if s := scan(dl); open(p.statusAt(s)) {
			to := append(ix.unitMembers(p.supervisor), p.owner)
			if len(to) == 0 {
				to = ix.office
			}
			p.escalations = append(p.escalations, hzEscalation{stage: hazard.StageOverdue, at: s, to: to})
		}
	}
	if l := dl.Add(leaderAfter); !l.After(now) {
		if s := scan(l); open(p.statusAt(s)) {
			to := ix.leadersFor(p.content.code, p.leader)
			if len(to) == 0 {
				to = ix.office
			}
			p.escalations = append(p.escalations, hzEscalation{stage: hazard.StageLeader, at: s, to: to})
		}
	}
	closed := p.status() == hazard.Closed // its notices have been read since
	for i := range p.escalations {
		e := &p.escalations[i]
		e.to = dedupeUsers(e.to, nil)
		st := p.statusAt(e.at)
		p.events = append(p.events, &hzEvent{at: e.at, action: "escalate", from: st, to: st,
			data: map[string]any{"stage": e.stage, "notices": len(e.to)}})
		for _, u := range e.to {
			p.notices = append(p.notices, hzNotice{user: u, at: e.at, kind: e.stage, read: closed,
				extra: map[string]any{"deadline": clock.DueText(dl)}})
		}
	}
	p.sortEvents()
}

// inbox adds the notice of an open hazard's latest step to the inbox of the people who
// act next, as the loop sends it: the town assigns a reported hazard (and the safety
// office hears of a major one), the owner rectifies an assigned or rejected one, the
// supervising unit accepts a submitted one.
func (p *hzPlan) inbox(ix *hzPeople, now time.Time) {
	var last *hzEvent
	for _, e := range p.events {
		if e.from != e.to || e.action == "report" {
			last = e
		}
	}
	var to []*User
	switch last.action {
	case "report":
		to = []*User{ix.town[p.village.Town]}
		if p.grade == hazard.Major {
			to = append(to, ix.office...)
		}
	case "assign", "reject":
		to = []*User{p.owner}
	case "submit":
		to = ix.unitMembers(p.supervisor)
	default:
		return
	}
	kind := last.action // the loop's notices are named after the step: hazard.assign, hazard.submit …
	if kind == "report" {
		kind = "reported" // … but a report's is hazard.reported (hazard.notice.reported)
	}
	var extra map[string]any
	if kind == "reject" { // the loop quotes the reason (hazard.notice.reject)
		extra = map[string]any{"reason": last.comment}
	}
	for _, u := range dedupeUsers(to, last.actor) {
		p.notices = append(p.notices, hzNotice{user: u, at: last.at, kind: kind, extra: extra})
	}
}

// dedupeUsers drops repeats and the actor, as the loop's notices do.
func dedupeUsers(us []*User, actor *User) []*User {
	var out []*User
	seen := map[*User]bool{actor: true}
	for _, u := range us {
		if u != nil && !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	return out
}

// storeHazards inserts the hazards with their final codes. A code holds the id
// (hazard.Code), so the ids are given here rather than drawn by the database: they follow
// the largest id present (none, in a fresh database), and PostgreSQL's identity sequence
// is moved past them so that hazards reported later get the next ids.
func (b *builder) storeHazards(ctx context.Context, plans []*hzPlan) error {
	var last int64
	if err := b.tx.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM hazards`).Scan(&last); err != nil {
		return err
	}
	rows := make([][]any, len(plans))
	for i, p := range plans {
		p.id = db.ID(last + int64(i) + 1)
		p.code = hazard.Code(p.foundAt, p.id)
		rows[i] = append([]any{p.id, p.code}, p.row()...)
	}
	if err := b.insertRows(ctx, "hazards", append([]string{"id", "code"}, hazardColumns...), rows, "", nil); err != nil {
		return err
	}
	if b.tx.Engine() == db.Postgres {
		_, err := b.tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('hazards', 'id'), (SELECT MAX(id) FROM hazards))`)
		return err
	}
	return nil
}

// hazardColumns are the columns of row, after id and code.
var hazardColumns = []string{"title", "description", "category", "industry", "grade", "source", "status",
	"place", "grid_id", "org_path", "town_id", "address", "found_by", "found_at",
	"owner_id", "supervisor_org_id", "measures", "deadline", "responsibility", "funds_yuan", "contingency_plan",
	"listed", "listing_leader_id", "listed_at", "listing_doc", "submitted_at", "closed_at", "closed_by", "closed_on_time",
	"rejections", "created_at", "updated_at", "enterprise_id", "risk_point_id"}

// row is the hazard's row as the loop would have left it at the build time.
func (p *hzPlan) row() []any {
	status := p.status()
	var owner, supervisor, deadline, funds, leader, listedAt, submitted, closedAt, closedBy, onTime any
	var measures, responsibility, contingency, doc string
	listed := false
	if a := p.last("assign"); a != nil {
		owner, supervisor, deadline, measures = p.owner.ID, p.supervisor.ID, p.deadline, p.tpl.measures
		if p.grade == hazard.Major {
			responsibility, contingency, doc = a.data["responsibility"].(string), p.contingency(), p.listingDoc
			funds, leader, listedAt, listed = p.funds, p.leader.ID, a.at, true
		}
	}
	if s := p.last("submit"); s != nil && (status == hazard.Submitted || status == hazard.Closed) {
		submitted = s.at
	}
	if a := p.last("accept"); a != nil {
		closedAt, closedBy, onTime = a.at, a.actor.ID, a.data["on_time"]
	}
	rejections := 0
	updated := p.events[0].at
	for _, e := range p.events {
		if e.action == "reject" {
			rejections++
		}
		if e.action != "escalate" {
			updated = e.at
		}
	}
	var ent, risk any
	if p.ent != nil {
		ent = p.ent.ID
	}
	if p.risk != nil {
		risk = p.risk.id
	}
	return []any{p.tpl.title, p.tpl.desc, p.tpl.category, p.content.code, p.grade, p.source, string(status),
		p.place, p.grid.ID, p.village.Path, p.village.Town.ID, p.address, p.foundBy.ID, p.foundAt,
		owner, supervisor, measures, deadline, responsibility, funds, contingency,
		listed, leader, listedAt, doc, submitted, closedAt, closedBy, onTime,
		rejections, p.events[0].at, updated, ent, risk}
}

// storeHazardEvents writes every history step (ids in time order across the district,
// as they would have been written) and the escalation rows.
func (b *builder) storeHazardEvents(ctx context.Context, plans []*hzPlan) error {
	type ref struct {
		p *hzPlan
		e *hzEvent
	}
	var all []ref
	var escalations [][]any
	for _, p := range plans {
		for _, e := range p.events {
			all = append(all, ref{p, e})
		}
		for _, e := range p.escalations {
			escalations = append(escalations, []any{p.id, e.stage, p.deadline, e.at, len(e.to)})
		}
	}
	slices.SortStableFunc(all, func(a, c ref) int {
		if x := a.e.at.Compare(c.e.at); x != 0 {
			return x
		}
		if a.p.id != c.p.id {
			return int(a.p.id - c.p.id)
		}
		return a.e.seq - c.e.seq
	})
	rows := make([][]any, len(all))
	for i, r := range all {
		e := r.e
		data := "{}"
		if len(e.data) > 0 {
			js, err := json.Marshal(e.data)
			if err != nil {
				return err
			}
			data = string(js)
		}
		var actor any
		name := "系统"
		if e.actor != nil {
			actor, name = e.actor.ID, e.actor.DisplayName
		}
		rows[i] = []any{r.p.id, e.at, actor, name, e.action, string(e.from), string(e.to), e.comment, data}
	}
	err := b.insertRows(ctx, "hazard_events", []string{"hazard_id", "at", "actor_id", "actor_name", "action", "from_status",
		"to_status", "comment", "data"}, rows, "", nil)
	if err != nil {
		return err
	}
	return b.insertRows(ctx, "hazard_escalations", []string{"hazard_id", "stage", "deadline", "sent_at", "notices"}, escalations, "", nil)
}

// storeHazardNotices fills the inboxes: every escalation notice (read when the hazard has
// since been closed) and the latest step of each open hazard, all marked delivered so the
// delivery job does not replay a year of notices to the SMS gateway.
func (b *builder) storeHazardNotices(ctx context.Context, plans []*hzPlan) error {
	type ref struct {
		p *hzPlan
		n hzNotice
	}
	var all []ref
	for _, p := range plans {
		for _, n := range p.notices {
			all = append(all, ref{p, n})
		}
	}
	slices.SortStableFunc(all, func(a, c ref) int { return a.n.at.Compare(c.n.at) })
	rows := make([][]any, len(all))
	for i, r := range all {
		args := map[string]any{"code": r.p.code, "title": r.p.tpl.title}
		for k, v := range r.n.extra {
			args[k] = v
		}
		js, err := json.Marshal(args)
		if err != nil {
			return err
		}
		var read any
		if r.n.read {
			read = r.n.at.Add(3 * time.Hour)
			if read.(time.Time).After(b.now) {
				read = b.now
			}
		}
		id := r.p.id.String()
		rows[i] = []any{r.n.user.ID, r.n.at, "hazard." + r.n.kind, "hazard", id, "hazard.notice." + r.n.kind, string(js),
			"/hazards/" + id, read, r.n.at, 1}
	}
	return b.insertRows(ctx, "notifications", []string{"user_id", "created_at", "kind", "subject_type", "subject_id",
		"message_key", "args", "link", "read_at", "delivered_at", "attempts"}, rows, "", nil)
}
