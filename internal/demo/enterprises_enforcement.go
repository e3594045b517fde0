package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/safeduty/safeduty/internal/hazard"
	"github.com/safeduty/safeduty/internal/platform/clock"
)

// entAction is one enforcement step against an enterprise (enforcement_actions).
type entAction struct {
	ent       *Enterprise
	kind      string // rectification_order, penalty, max_penalty, suspension, closure_proposal
	decided   time.Time
	doc       string
	amount    int64 // yuan, penalties only
	reason    string
	deadline  time.Time // rectification orders and suspensions
	outcome   string    // pending, passed, failed, refused, done
	outcomeAt time.Time
	note      string
	org       *Unit
	by        *User
}

// Shares of the enforcement of the demo year.
const (
	penaltyShare  = 0.03 // enterprises fined in the last 12 months
	oldPenalties  = 20   // fines decided 12–13 months ago, which the rules no longer count
	suspFailed    = 3    // ordered suspensions failed (2) or refused (1): flagged for closure
	suspPassed    = 3    // ordered suspensions passed at re-inspection
	suspPending   = 2    // enterprises suspended now, until their major hazard is rectified
	secondPenalty = 0.15 // fined enterprises fined twice
)

// docAbbr abbreviates each department in its documents' numbers (临应急罚〔2026〕3号).
var docAbbr = map[string]string{
	safetyOffice: "应急", "construction": "建", "education": "教", "transport": "交", "market": "市监", "fire": "消",
	"traffic-police": "公交", "economy": "经信", "planning": "规资", "tourism": "文旅", "urban": "城管",
	"agriculture": "农", "water": "水", "commerce": "商务", "environment": "环",
}

// penaltyReasons are the offences of the Work Safety Law that district fines are for.
var penaltyReasons = []string{
	"未按照规定对从业人员进行安全生产教育和培训",
	"未如实记录安全生产教育和培训情况",
	"未采取措施消除事故隐患",
	"特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业",
	"未在有较大危险因素的生产经营场所和有关设施、设备上设置明显的安全警示标志",
	"未建立事故隐患排查治理制度，未如实记录事故隐患排查治理情况",
	"安全设备的安装、使用、检测、改造和报废不符合国家标准或者行业标准",
	"未对安全设备进行经常性维护、保养和定期检测",
}

// buildEnforcement records the enforcement of the demo year (执法), one rung of the
// ladder at a time: an order to rectify (责令限期整改) for every major hazard assigned at
// an enterprise, passed when it was accepted; the ladder of SPEC §3.3 for a few — the
// maximum penalty, an ordered suspension (责令停产整改) that passed, failed or was
// refused, and for one of the failures the closure proposal (提请关闭); two enterprises
// suspended now until their open major hazard is rectified; and fines for about 3% of
// the enterprises in the last 12 months, mostly those whose hazards were sent back, late
// or overdue, and a few older ones. Those that failed or refused are flagged for closure
// and stay suspended.
func buildEnforcement(ctx context.Context, b *builder) error {
	f := &enforcer{b: b, ix: indexPeople(b.d), busy: map[*Enterprise]bool{}}
	f.orders()
	if err := f.ladder(); err != nil {
		return err
	}
	f.fines()
	return f.store(ctx)
}

// enforcer plans the enforcement steps of the demo year and stores them.
type enforcer struct {
	b    *builder
	ix   *hzPeople
	all  []*entAction
	busy map[*Enterprise]bool // enterprises on the ladder, which are not fined besides
}

// add records a step, decided by the first department supervising the enterprise's
// industry unless it names its unit.
func (f *enforcer) add(a *entAction) {
	if a.org == nil {
		a.org = f.b.d.DepartmentsFor(a.ent.Industry)[0]
	}
	a.by = f.ix.dept[a.org]
	a.ent.actions = append(a.ent.actions, a)
	f.all = append(f.all, a)
}

// orders: an order to rectify every major hazard assigned at an enterprise, by its
// supervising unit, passed when the hazard was accepted.
func (f *enforcer) orders() {
	b, now := f.b, f.b.now
	for _, e := range b.d.Enterprises {
		for _, p := range e.hazards {
			as := p.last("assign")
			if p.grade != hazard.Major || as == nil {
				continue
			}
			a := &entAction{ent: e, kind: "rectification_order", org: p.supervisor, deadline: p.deadline, outcome: "pending",
				decided: minTime(as.at.Add(b.between(2*time.Hour, day)), now.Add(-time.Hour)),
				reason:  fmt.Sprintf("现场检查发现重大事故隐患：%s（隐患编号%s）。责令按交办措施限期整改：%s", p.tpl.title, p.code, p.tpl.measures)}
			if ac := p.last("accept"); ac != nil {
				a.outcome, a.outcomeAt, a.note = "passed", ac.at, "经现场验收，整改到位。"
			}
			f.add(a)
		}
	}
}

// ladder climbs the ladder for a few enterprises without an account. Failed and passed
// suspensions: enterprises whose major hazard, found 100–300 days ago, was rectified
// only after a suspension, each first fined (the maximum penalty before the failed ones);
// the first failure goes on to the closure proposal. Pending ones: enterprises whose
// open major hazard is being rectified now.
func (f *enforcer) ladder() error {
	b, now := f.b, f.b.now
	var pastMajor, openMajor []*hzPlan
	for _, e := range b.d.Enterprises {
		if e.Account != nil {
			continue
		}
		for _, p := range e.hazards {
			age := now.Sub(p.foundAt)
			switch {
			case p.grade != hazard.Major:
			case p.status() == hazard.Closed && age > 100*day && age < 300*day && !e.openMajor && !e.riskOut && !e.laggard:
				pastMajor = append(pastMajor, p)
			case e.openMajor && p.status() == hazard.Rectifying && p.last("assign").at.Before(now.Add(-3*day)):
				openMajor = append(openMajor, p)
			}
		}
	}
	for i := range suspFailed + suspPassed {
		p, err := f.draw(pastMajor)
		if err != nil {
			return err
		}
		failed := i < suspFailed
		s := f.suspend(p, f.penalize(p, failed), i)
		if failed {
			p.ent.Status, p.ent.ClosureFlagged = "suspended", true
			if i == 0 {
				f.proposeClosure(p.ent, s)
			}
		}
	}
	for range suspPending {
		p, err := f.draw(openMajor)
		if err != nil {
			return err
		}
		f.suspendNow(p)
	}
	return nil
}

// draw picks a hazard of ps at an enterprise not yet on the ladder.
func (f *enforcer) draw(ps []*hzPlan) (*hzPlan, error) {
	for range 10 * len(ps) {
		p := pick(f.b, ps)
		if !f.busy[p.ent] {
			f.busy[p.ent] = true
			return p, nil
		}
	}
	return nil, fmt.Errorf("too few major hazards at enterprises for the enforcement ladder (%d)", len(ps))
}

// penalize is the first rung for hazard p: the maximum penalty (上限处罚) when the
// suspension that follows fails, else a fine, 12–20 days after the hazard was found.
func (f *enforcer) penalize(p *hzPlan, maximum bool) *entAction {
	b := f.b
	a := &entAction{ent: p.ent, kind: "max_penalty", decided: p.foundAt.Add(b.between(12*day, 20*day)), amount: pick(b, []int64{200000, 300000, 500000}),
		reason: fmt.Sprintf("未采取措施消除重大事故隐患（%s），依法从重处以上限罚款", p.tpl.title), outcome: "done"}
	if !maximum {
		a.kind, a.amount = "penalty", pick(b, []int64{30000, 50000})
		a.reason = fmt.Sprintf("未采取措施消除重大事故隐患（%s）", p.tpl.title)
	}
	a.outcomeAt = a.decided.Add(b.between(10*day, 25*day))
	f.add(a)
	return a
}

// suspend is the ordered suspension (责令停产整改) after penalty, for 30 days: the i-th
// of the ladder is refused (the last of the failures), failed (the other failures) or
// passed at re-inspection.
func (f *enforcer) suspend(p *hzPlan, penalty *entAction, i int) *entAction {
	b := f.b
	s := &entAction{ent: p.ent, kind: "suspension", decided: penalty.decided.Add(b.between(2*day, 6*day)),
		reason: fmt.Sprintf("存在重大事故隐患（%s）且逾期未整改，责令停产停业整改", p.tpl.title)}
	s.deadline = clock.EndOfDay(s.decided.Add(30 * day)).UTC()
	s.outcomeAt = s.deadline.Add(b.between(day, 4*day))
	switch {
	case i == suspFailed-1:
		s.outcome, s.note = "refused", "拒不执行停产整改指令，擅自恢复生产。"
		s.outcomeAt = s.decided.Add(b.between(5*day, 12*day))
	case i < suspFailed:
		s.outcome, s.note = "failed", "复查发现整改措施未落实到位，仍不具备安全生产条件。"
	default:
		s.outcome, s.note = "passed", "复查合格，同意恢复生产。"
	}
	f.add(s)
	return s
}

// proposeClosure is the last rung (提请关闭), by the safety office after the suspension
// s failed, still pending.
func (f *enforcer) proposeClosure(e *Enterprise, s *entAction) {
	b := f.b
	f.add(&entAction{ent: e, kind: "closure_proposal", org: b.d.SafetyOffice(), outcome: "pending",
		decided: minTime(s.outcomeAt.Add(b.between(7*day, 20*day)), b.now.Add(-day)),
		reason:  "经责令停产整改仍不具备安全生产条件，依法提请区人民政府予以关闭。"})
}

// suspendNow suspends the enterprise of the open major hazard p until it is rectified.
func (f *enforcer) suspendNow(p *hzPlan) {
	b := f.b
	f.add(&entAction{ent: p.ent, kind: "suspension", decided: p.last("assign").at.Add(b.between(day, 2*day)), deadline: p.deadline,
		outcome: "pending", reason: fmt.Sprintf("存在重大事故隐患（%s），责令停产停业整改，整改验收合格前不得恢复生产", p.tpl.title)})
	p.ent.Status = "suspended"
}

// fines: about 3% of the enterprises in the last 12 months, most of them after their
// hazards were sent back, closed late or left overdue (some fined twice), and a few
// fined 12–13 months ago, which the rules no longer count.
func (f *enforcer) fines() {
	b, now := f.b, f.b.now
	var pool []*Enterprise
	var weights []int
	trigger := map[*Enterprise]time.Time{}
	for _, e := range b.d.Enterprises {
		if f.busy[e] {
			continue
		}
		w := 1
		if len(e.hazards) == 0 {
			w = 0
			if b.rng.IntN(5) == 0 {
				w = 1
			}
		}
		for _, p := range e.hazards {
			if r := p.last("reject"); r != nil {
				w, trigger[e] = max(w, 8), r.at
			}
			if ac := p.last("accept"); ac != nil && ac.at.After(p.deadline) {
				w, trigger[e] = max(w, 6), ac.at
			}
			if p.open() && p.last("assign") != nil && p.deadline.Before(now) {
				w, trigger[e] = max(w, 6), p.deadline
			}
		}
		pool = append(pool, e)
		weights = append(weights, w)
	}
	for range int(float64(len(b.d.Enterprises)) * penaltyShare) {
		i := b.weighted(weights)
		weights[i] = 0
		e := pool[i]
		at, ok := trigger[e]
		if ok {
			at = at.Add(b.between(3*day, 20*day))
		}
		if !ok || at.After(now.Add(-day)) || at.Before(now.AddDate(0, 0, -360)) {
			at = now.Add(-b.between(5*day, 350*day))
		}
		if at.Before(e.Created) {
			at = e.Created.Add(b.between(5*day, 30*day))
		}
		f.fine(e, workHours(b, at))
		if b.rng.Float64() < secondPenalty {
			if second := at.Add(b.between(20*day, 90*day)); second.Before(now.Add(-day)) {
				f.fine(e, workHours(b, second))
			}
		}
	}
	for range oldPenalties {
		i := b.weighted(weights)
		weights[i] = 0
		e := pool[i]
		if at := now.Add(-b.between(370*day, importAgo-5*day)); at.After(e.Created) {
			f.fine(e, workHours(b, at))
		}
	}
}

// fine is a penalty (罚款) for one of the common offences, paid within a month (pending
// when that is still ahead).
func (f *enforcer) fine(e *Enterprise, at time.Time) {
	b := f.b
	a := &entAction{ent: e, kind: "penalty", decided: at, amount: pick(b, []int64{10000, 20000, 20000, 30000, 30000, 50000}),
		reason: pick(b, penaltyReasons), outcome: "done"}
	a.outcomeAt = at.Add(b.between(7*day, 30*day))
	if a.outcomeAt.After(b.now) {
		a.outcome, a.outcomeAt = "pending", time.Time{}
	}
	f.add(a)
}

// store numbers the documents, per department, kind and year in the order of decision,
// inserts the steps and sets the status of the enterprises they suspended or flagged.
func (f *enforcer) store(ctx context.Context) error {
	b, all := f.b, f.all
	slices.SortStableFunc(all, func(a, c *entAction) int { return a.decided.Compare(c.decided) })
	word := map[string]string{"rectification_order": "责改", "penalty": "罚", "max_penalty": "罚", "suspension": "停", "closure_proposal": "提"}
	seq := map[string]int{}
	rows := make([][]any, len(all))
	for i, a := range all {
		y := a.decided.In(clock.China).Year()
		k := fmt.Sprintf("%s|%s|%d", a.org.Slug, word[a.kind], y)
		seq[k]++
		a.doc = fmt.Sprintf("临%s%s〔%d〕%d号", docAbbr[a.org.Slug], word[a.kind], y, seq[k])
		var amount, deadline, outcomeAt, by any
		if a.amount > 0 {
			amount = a.amount
		}
		if !a.deadline.IsZero() {
			deadline = a.deadline
		}
		if !a.outcomeAt.IsZero() {
			outcomeAt = a.outcomeAt
		}
		if a.by != nil {
			by = a.by.ID
		}
		rows[i] = []any{a.ent.ID, a.kind, a.decided, a.doc, amount, a.reason, deadline, a.outcome, outcomeAt, a.note,
			a.org.ID, by, a.decided}
	}
	err := b.insertRows(ctx, "enforcement_actions", []string{"enterprise_id", "kind", "decided_at", "doc_number", "amount_yuan",
		"reason", "deadline", "outcome", "outcome_at", "outcome_note", "org_id", "created_by", "created_at"}, rows, "", nil)
	if err != nil {
		return err
	}
	for _, e := range b.d.Enterprises {
		if e.Status != "operating" || e.ClosureFlagged {
			var at time.Time
			for _, a := range e.actions {
				at = maxTime(at, maxTime(a.decided, a.outcomeAt))
			}
			if _, err := b.tx.Exec(ctx, `UPDATE enterprises SET status = ?, closure_flagged = ?, updated_at = ? WHERE id = ?`,
				e.Status, e.ClosureFlagged, at, e.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// maxTime is the later of a and c.
func maxTime(a, c time.Time) time.Time {
	if c.After(a) {
		return c
	}
	return a
}

// minTime is the earlier of a and c.
func minTime(a, c time.Time) time.Time {
	if c.Before(a) {
		return c
	}
	return a
}

// workHours moves t to a time in the working hours of its day, China time, not after the
// build.
func workHours(b *builder, t time.Time) time.Time {
	c := t.In(clock.China)
	w := time.Date(c.Year(), c.Month(), c.Day(), 9, 0, 0, 0, clock.China).Add(b.between(0, 8*time.Hour)).UTC().Truncate(time.Second)
	if w.After(b.now) {
		w = b.now.Add(-b.between(time.Minute, time.Hour)).Truncate(time.Second)
	}
	return w
}
