package demo

import (
	"time"

	"github.com/safeduty/safeduty/internal/hazard"
	"github.com/safeduty/safeduty/internal/platform/clock"
)

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
