package hazard

import (
	"slices"

	"github.com/safeduty/safeduty/internal/platform/auth"
)

// Action moves a hazard through the loop (or, for comment, adds a note).
type Action string

// The actions of API.md, plus comment.
const (
	Assign  Action = "assign"  // 交办: owner, measures, deadline, supervising unit
	Start   Action = "start"   // 开始整改
	Submit  Action = "submit"  // 提交验收: after-photos or a document
	Accept  Action = "accept"  // 验收销号: on-site evidence
	Reject  Action = "reject"  // 退回整改
	Comment Action = "comment" // 督办意见: a note, no status change
)

// Actions lists every action.
var Actions = []Action{Assign, Start, Submit, Accept, Reject, Comment}

// who decides whether a principal may take an action on a hazard (already in scope).
type who func(p *auth.Principal, h *Hazard) bool

// transition is one row of the state machine: in status From, action Action by someone
// Who allows leads to status To.
type transition struct {
	From   Status
	Action Action
	To     Status
	Who    who
}

// machine is the whole loop as a table. Anything not listed is illegal.
var machine = []transition{
	{Reported, Assign, Assigned, canAssign},
	{Assigned, Assign, Assigned, canAssign}, // re-assign: another owner, unit or deadline
	{Assigned, Start, Rectifying, isOwnerOrSupervisor},
	{Rectifying, Submit, Submitted, isOwnerOrSupervisor},
	{Submitted, Accept, Closed, isSupervisor},
	{Submitted, Reject, Rectifying, isSupervisor},
	{Reported, Comment, Reported, canComment},
	{Assigned, Comment, Assigned, canComment},
	{Rectifying, Comment, Rectifying, canComment},
	{Submitted, Comment, Submitted, canComment},
}

// step finds the transition for action from status; ok is false when the action is
// illegal in that status (whoever asks).
func step(from Status, a Action) (transition, bool) {
	for _, t := range machine {
		if t.From == from && t.Action == a {
			return t, true
		}
	}
	return transition{}, false
}

// allowedIn lists the actions legal in a status, whoever asks.
func allowedIn(s Status) []Action {
	var out []Action
	for _, t := range machine {
		if t.From == s && !slices.Contains(out, t.Action) {
			out = append(out, t.Action)
		}
	}
	return out
}

// available lists the actions p may take now on h.
func available(p *auth.Principal, h *Hazard) []Action {
	out := []Action{}
	for _, t := range machine {
		if t.From == h.Status && t.Who(p, h) && !slices.Contains(out, t.Action) {
			out = append(out, t.Action)
		}
	}
	return out
}

// canAssign: the safety office; the town where the hazard lies (a town or village
// official's scope contains it); a department supervising its industry.
func canAssign(p *auth.Principal, h *Hazard) bool {
	switch {
	case p.Has(auth.SafetyOffice):
		return true
	case p.Has(auth.Town):
		return p.Scope.Contains(h.Path)
	case p.Has(auth.Department):
		return p.Scope.Industries != nil && p.Scope.AllowsIndustry(h.Industry)
	}
	return false
}

// isSupervisor: a member of the supervising unit, or the safety office.
func isSupervisor(p *auth.Principal, h *Hazard) bool {
	if p.Has(auth.SafetyOffice) {
		return true
	}
	return h.SupervisorOrgID != nil && p.OrgID == *h.SupervisorOrgID &&
		(p.Has(auth.Town) || p.Has(auth.Department))
}

// isOwnerOrSupervisor: the owner rectifies; the supervising unit may record it for an
// owner without an account.
func isOwnerOrSupervisor(p *auth.Principal, h *Hazard) bool {
	return (h.OwnerID != nil && *h.OwnerID == p.UserID) || isSupervisor(p, h)
}

// canComment: anyone in scope except readers (人大/政协 members read only).
func canComment(p *auth.Principal, h *Hazard) bool {
	return p.Can(PermReport) || isOwnerOrSupervisor(p, h)
}
