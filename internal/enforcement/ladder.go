package enforcement

// The enforcement ladder of SPEC §3.3 (上限处罚 → 责令停产整改 → 提请关闭), with the
// rectification order (责令整改) and the ordinary penalty that come before it. Each rung
// is one function below saying, in one place, what a step of its kind needs, when it may
// be taken, what recording it does to the enterprise, and which outcomes close it and
// what each of those does. Enforce and SetOutcome read the rungs; they hold no rule of
// their own beyond what every step shares (a reason, a decision not in the future, an
// enterprise that is not closed, an outcome recorded once).

// standing is what the ladder reads and changes of an enterprise.
type standing struct {
	Status  string // operating, suspended, closed
	Flagged bool   // flagged for a closure proposal (a failed or refused suspension)
}

// A change is what a step or an outcome does to an enterprise's standing; nil changes
// nothing.
type change func(standing) standing

// A rung is one kind of step of the ladder.
type rung struct {
	kind string
	// What a step needs besides a reason: an amount of yuan, a day it is due by.
	needsAmount, needsDeadline bool
	// mayTake, when set, says why a step may not be taken on an enterprise standing so
	// (the message key of the Conflict), or "" when it may.
	mayTake func(standing) string
	// taken is what recording the step does to the enterprise.
	taken change
	// outcomes close a pending step, in the order they are offered.
	outcomes []outcome
}

// An outcome closes a step, with what it does to the enterprise.
type outcome struct {
	name string
	then change
}

// rectificationOrder is 责令限期整改: the findings and the day by which they must be put
// right (a later day than the decision), printed as the order (责令整改通知书). It may be
// given to any enterprise that is not closed and changes nothing by itself; the
// re-inspection closes it, passed or failed (a failure the next rungs answer).
func rectificationOrder() rung {
	return rung{kind: "rectification_order", needsDeadline: true,
		outcomes: []outcome{{"passed", nil}, {"failed", nil}}}
}

// penalty is an administrative penalty (行政处罚): an amount of yuan. It changes nothing by
// itself, but the color rules count the penalties of the last months (FactPenalties),
// and a penalty keeps an enterprise off the incentive list for a year. Recording that
// it was carried out (done) closes it.
func penalty() rung {
	return rung{kind: "penalty", needsAmount: true, outcomes: []outcome{{"done", nil}}}
}

// maxPenalty is the maximum penalty (上限处罚), the ladder's first rung: a penalty at the
// top of the legal range, counted like any penalty.
func maxPenalty() rung {
	return rung{kind: "max_penalty", needsAmount: true, outcomes: []outcome{{"done", nil}}}
}

// suspension is ordered suspension for rectification (责令停产整改), the second rung: the
// day it must be put right by. Recording it suspends the enterprise. The re-inspection
// closes it: passed lifts the suspension; failed, or refused (拒不整改), leaves the
// enterprise suspended and flags it for a closure proposal — and the color rules count
// it (FactSuspensionFailed).
func suspension() rung {
	return rung{kind: "suspension", needsDeadline: true, taken: suspend,
		outcomes: []outcome{{"passed", resume}, {"failed", flagForClosure}, {"refused", flagForClosure}}}
}

// closureProposal is the proposal to close (提请关闭), the top rung: only an enterprise
// flagged by a failed or refused suspension may be proposed for closure. When the
// government has decided (done), the enterprise is closed.
func closureProposal() rung {
	return rung{kind: "closure_proposal", mayTake: needsFlag, outcomes: []outcome{{"done", closeDown}}}
}

// ladder is every rung, in the order of the ladder.
var ladder = []rung{rectificationOrder(), penalty(), maxPenalty(), suspension(), closureProposal()}

// EnforcementKinds are the kinds of step, in the order of the ladder.
var EnforcementKinds = func() []string {
	out := make([]string, len(ladder))
	for i, r := range ladder {
		out[i] = r.kind
	}
	return out
}()

// rungOf returns the rung of a kind of step.
func rungOf(kind string) (rung, bool) {
	for _, r := range ladder {
		if r.kind == kind {
			return r, true
		}
	}
	return rung{}, false
}

// refusal says why a step of rung r may not be taken on an enterprise standing so (the
// message key of the Conflict), or "": nothing is taken against a closed enterprise,
// then the rung's own rule.
func (r rung) refusal(st standing) string {
	if st.Status == "closed" {
		return "enterprise.closed"
	}
	if r.mayTake != nil {
		return r.mayTake(st)
	}
	return ""
}

// outcomeNames lists the outcomes that close a step of rung r.
func (r rung) outcomeNames() []string {
	out := make([]string, len(r.outcomes))
	for i, o := range r.outcomes {
		out[i] = o.name
	}
	return out
}

// outcome returns the outcome called name of rung r.
func (r rung) outcome(name string) (outcome, bool) {
	for _, o := range r.outcomes {
		if o.name == name {
			return o, true
		}
	}
	return outcome{}, false
}

// needsFlag lets only an enterprise flagged for a closure proposal be proposed.
func needsFlag(st standing) string {
	if !st.Flagged {
		return "enterprise.closure_needs_flag"
	}
	return ""
}

func suspend(st standing) standing        { st.Status = "suspended"; return st }
func resume(st standing) standing         { st.Status = "operating"; return st }
func flagForClosure(st standing) standing { st.Flagged = true; return st }
func closeDown(st standing) standing      { st.Status = "closed"; return st }
