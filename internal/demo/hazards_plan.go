package demo

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/hazard"
	"github.com/safeduty/safeduty/internal/platform/clock"
)

// hzSpec says which hazard to plan: its kind (general, or open, overdue, reported,
// closed), its grade, and whether it is at an enterprise (a given one, or one drawn).
type hzSpec struct {
	kind  string
	major bool
	atEnt bool
	ent   *Enterprise
}

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

// open reports whether the hazard is open at the build (not closed).
func (p *hzPlan) open() bool { return p.status() != hazard.Closed }

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
