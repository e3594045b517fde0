package demo

import (
	"context"
	"slices"
	"time"

	"github.com/safeduty/safeduty/internal/hazard"
	"github.com/safeduty/safeduty/internal/platform/auth"
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
