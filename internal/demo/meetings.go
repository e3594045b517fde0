package demo

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/duty"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/kit"
)

// Demo meetings: what the build leaves out on purpose, so the gaps page has something to
// show (the government's executive meeting of the third quarter, two months of one
// department, one quarter of one town), and how many are recorded late.
const (
	mtSkipExecutiveQuarter = 3 // no 区政府常务会议 on safety in Q3
	mtSkipDepartment       = 3 // the fourth department misses two months
	mtSkipTown             = 5 // the sixth town misses the second quarter
	mtLateEvery            = 12
)

// mtIndustryNames are the industries' Chinese names, for the demo's titles.
var mtIndustryNames = map[string]string{"road_traffic": "道路交通", "construction": "建设施工", "hazardous_chemicals": "危险化学品",
	"industry_trade": "工商贸", "fire": "消防", "special_equipment": "特种设备", "mines": "非煤矿山", "education": "学校安全", "tourism": "旅游",
	"gas": "城镇燃气", "agriculture": "农业机械", "water": "水利水上"}

var mtQuarterNames = []string{"一", "二", "三", "四"}

// mtPlan is one demo meeting before it is stored.
type mtPlan struct {
	kind, title, place, topics, decisions, minutes string
	org                                            *Node
	chair                                          *Person
	attendees                                      []*Person
	industries                                     []string
	held, recorded                                 time.Time
	late                                           bool
	id                                             db.ID
}

// buildMeetings builds the dedicated-study meetings of the build day's year (and the
// year before when the build day falls in its first quarter) up to the build day: the
// party standing committee and the government's executive meeting each quarter (no
// executive meeting in the third: the gap the leaders see), each deputy head's special
// meeting on the industries in their charge each quarter, every department monthly (one
// misses two months) and every town quarterly (one misses a quarter); one in twelve is
// recorded late (补录). Each meeting proves the duty tasks it covers.
func buildMeetings(ctx context.Context, b *builder) error {
	d := b.d
	now := b.now
	year := now.In(clock.China).Year()
	from := year
	if now.In(clock.China).Month() <= 3 {
		from = year - 1
	}
	var plans []*mtPlan
	add := func(pd duty.Period, p *mtPlan) {
		last := pd.Due
		if now.Before(last) {
			last = now.Add(-24 * time.Hour)
		}
		days := int(last.Sub(pd.Start).Hours() / 24)
		if days < 1 {
			return
		}
		day := pd.Start.AddDate(0, 0, b.rng.IntN(days))
		hour := []int{9, 9, 10, 14, 15}[b.rng.IntN(5)]
		p.held = time.Date(day.Year(), day.Month(), day.Day(), hour, []int{0, 30}[b.rng.IntN(2)], 0, 0, clock.China)
		if !p.held.Before(now) {
			return
		}
		p.recorded = p.held.Add(time.Duration(2+b.rng.IntN(60)) * time.Hour)
		if len(plans)%mtLateEvery == mtLateEvery-1 {
			p.recorded, p.late = p.held.AddDate(0, 0, 9+b.rng.IntN(20)), true
		}
		if p.recorded.After(now) {
			p.recorded, p.late = now, now.Sub(p.held) > 7*24*time.Hour
		}
		plans = append(plans, p)
	}
	party, gov := d.Body("party_committee"), d.Body("government")
	standing := peopleOf(d, &party.Node)
	for y := from; y <= year; y++ {
		for qi, pd := range duty.PeriodsOfYear("quarterly", y) {
			if !pd.Start.Before(now) {
				break
			}
			qn := mtQuarterNames[qi]
			add(pd, &mtPlan{kind: "standing_committee", org: &party.Node, chair: d.Secretary, attendees: standing, place: "区委常委会议室",
				title:     fmt.Sprintf("区委常委会%d年第%s季度安全生产专题研究", y, qn),
				topics:    "传达学习习近平总书记关于安全生产的重要论述和重要指示精神\n听取区安委办关于本季度全区安全生产形势的汇报\n研究部署下阶段安全生产重点工作",
				decisions: "压紧压实党政领导责任、部门监管责任和企业主体责任\n开展重点行业领域安全隐患排查整治\n对重大隐患实行挂牌督办、销号管理",
				minutes:   "会议认为，本季度全区安全生产形势总体平稳。会议强调，要坚持人民至上、生命至上，统筹发展和安全。"})
			if qi+1 != mtSkipExecutiveQuarter {
				add(pd, &mtPlan{kind: "executive", org: &gov.Node, chair: d.Mayor, attendees: d.Deputies, place: "区政府第一会议室",
					title:     fmt.Sprintf("区政府%d年第%s季度常务会议（安全生产专题）", y, qn),
					topics:    "听取全区安全生产工作情况汇报\n研究安全生产专项整治经费保障\n部署节假日及重要时段安全防范工作",
					decisions: "各分管副区长牵头督导分管行业领域隐患整改\n区财政保障专项整治经费\n区安委办每月通报重大隐患整改进展",
					minutes:   "会议听取了区应急管理局关于安全生产工作的汇报，研究部署了下一阶段重点工作。"})
			}
			for _, dep := range d.Deputies {
				inds := dep.InCharge
				if len(inds) > 2 {
					inds = inds[:1+b.rng.IntN(2)]
				}
				names := make([]string, len(inds))
				var att []*Person
				for i, ind := range inds {
					names[i] = mtIndustryNames[ind]
					for _, u := range d.DepartmentsFor(ind) {
						if u.Head != nil {
							att = appendPerson(att, u.Head)
						}
					}
				}
				add(pd, &mtPlan{kind: "special", org: &gov.Node, chair: dep, attendees: att, industries: inds, place: "区政府第三会议室",
					title:     fmt.Sprintf("%s领域安全生产专题会议（%d年第%s季度）", strings.Join(names, "、"), y, qn),
					topics:    fmt.Sprintf("分析%s领域安全生产形势\n研究重大隐患整改和打非治违工作", strings.Join(names, "、")),
					decisions: "行业主管部门本季度完成辖区重点企业全覆盖检查\n对逾期未整改隐患依法从严查处",
					minutes:   "会议由分管副区长主持，相关部门主要负责人参加。"})
			}
			for ti, t := range d.Towns {
				if ti == mtSkipTown && qi == 1 {
					continue
				}
				add(pd, &mtPlan{kind: "town", org: &t.Gov.Node, chair: t.Head, attendees: []*Person{t.Secretary, t.SafetyDeputy}, place: "党政办会议室",
					title:     fmt.Sprintf("%s%d年第%s季度安全生产工作会议", t.Name, y, qn),
					topics:    "通报本季度辖区隐患排查整治情况\n部署村（社区）网格化巡查工作",
					decisions: "镇（街道）班子成员包村包企开展检查\n对巡查发现的隐患建立台账、限期整改"})
			}
		}
		for mi, pd := range duty.PeriodsOfYear("monthly", y) {
			if !pd.Start.Before(now) {
				break
			}
			for di, u := range d.Departments {
				if di == mtSkipDepartment && (mi == 4 || mi == 7) {
					continue
				}
				var att []*Person
				if u.SafetyChief != nil {
					att = append(att, u.SafetyChief)
				}
				add(pd, &mtPlan{kind: "department", org: &u.Node, chair: u.Head, attendees: att, industries: u.Industries, place: "局会议室",
					title:     fmt.Sprintf("%s%d年%d月安全生产工作例会", u.Name, y, mi+1),
					topics:    "研判本月行业领域安全生产形势\n督办重点企业隐患整改",
					decisions: "按期完成本月监督检查计划\n对重大隐患实行挂牌督办"})
			}
		}
	}
	return b.storeMeetings(ctx, plans)
}

// peopleOf are the people holding a post in org.
func peopleOf(d *District, org *Node) []*Person {
	var out []*Person
	for _, p := range d.People {
		for _, po := range p.Posts {
			if po.Org == org {
				out = appendPerson(out, p)
			}
		}
	}
	return out
}

func appendPerson(ps []*Person, p *Person) []*Person {
	for _, x := range ps {
		if x == p {
			return ps
		}
	}
	return append(ps, p)
}

// storeMeetings inserts the meetings, their attendees and industries in bulk, then has
// each prove the duty tasks it covers (in the build's transaction).
func (b *builder) storeMeetings(ctx context.Context, plans []*mtPlan) error {
	if len(plans) == 0 {
		return nil
	}
	byTitle := map[string]*mtPlan{}
	rows := make([][]any, len(plans))
	for i, p := range plans {
		byTitle[p.title] = p
		var chair *db.ID
		if p.chair != nil {
			chair = &p.chair.ID
		}
		rows[i] = []any{p.kind, p.org.ID, p.org.Path, p.title, p.held, p.place, chair, p.topics, p.decisions, p.minutes, p.late, p.recorded, p.recorded}
	}
	if len(byTitle) != len(plans) {
		return fmt.Errorf("demo meetings: titles are not unique")
	}
	err := b.insertRows(ctx, "meetings", []string{"kind", "org_id", "org_path", "title", "held_at", "place", "chair_id", "topics", "decisions", "minutes",
		"late", "created_at", "updated_at"}, rows, "id, title", func(r *sql.Rows) error {
		var id db.ID
		var title string
		if err := r.Scan(&id, &title); err != nil {
			return err
		}
		byTitle[title].id = id
		return nil
	})
	if err != nil {
		return err
	}
	var att, ind [][]any
	for _, p := range plans {
		for _, a := range p.attendees {
			att = append(att, []any{p.id, a.ID})
		}
		for _, c := range p.industries {
			ind = append(ind, []any{p.id, c})
		}
	}
	if err := b.insertRows(ctx, "meeting_attendees", []string{"meeting_id", "person_id"}, att, "", nil); err != nil {
		return err
	}
	if err := b.insertRows(ctx, "meeting_industries", []string{"meeting_id", "industry"}, ind, "", nil); err != nil {
		return err
	}
	logs := make([][]any, len(plans))
	for i, p := range plans {
		logs[i] = []any{p.recorded, "system", "meeting.create", "meeting", p.id.String(), "ok",
			fmt.Sprintf(`{"kind":%q,"late":%t,"org_id":%q}`, p.kind, p.late, p.org.ID.String())}
	}
	if err := b.insertRows(ctx, "audit_log", []string{"at", "username", "action", "object_type", "object_id", "result", "detail"}, logs, "", nil); err != nil {
		return err
	}
	clk := fixedClock(b.now)
	duties := &duty.Module{Deps: kit.Deps{DB: b.db, Audit: &audit.Log{Clock: clk}, Clock: clk}}
	sys := auth.System()
	for _, p := range plans {
		ev := duty.Evidence{Kind: "meeting", RefID: &p.id, Title: p.title, At: p.held, OrgID: p.org.ID, OrgPath: p.org.Path, MeetingKind: p.kind}
		if p.chair != nil {
			ev.People = append(ev.People, p.chair.ID)
		}
		for _, a := range p.attendees {
			ev.People = append(ev.People, a.ID)
		}
		if _, _, err := duties.Prove(ctx, b.tx, sys, ev); err != nil {
			return fmt.Errorf("demo meeting %q proves: %w", p.title, err)
		}
	}
	return nil
}
