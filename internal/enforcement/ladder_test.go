package enforcement

import (
	"slices"
	"testing"
)

// The ladder as the guide states it, written out by hand for every kind of step: what
// it needs, on which enterprises it may be taken and what taking it does, and which
// outcomes close it with what each does. Every (kind, standing) and (kind, outcome)
// pair is listed, not a sample.
func TestLadder(t *testing.T) {
	operating := standing{Status: "operating"}
	suspended := standing{Status: "suspended"}
	flagged := standing{Status: "suspended", Flagged: true}
	closed := standing{Status: "closed"}
	standings := []standing{operating, suspended, flagged, closed}

	type take struct {
		on      standing
		refused string   // the Conflict's key, "" when it may be taken
		then    standing // the enterprise after it (when taken)
	}
	type closing struct {
		outcome string
		ok      bool
		on      standing
		then    standing
	}
	type row struct {
		kind                       string
		needsAmount, needsDeadline bool
		takes                      []take
		outcomes                   []string // offered, in this order
		closes                     []closing
	}
	// A penalty and the maximum penalty are taken on any enterprise that is not closed,
	// change nothing, and are closed by being carried out.
	penalty := func(kind string) row {
		return row{kind: kind, needsAmount: true,
			takes: []take{
				{operating, "", operating}, {suspended, "", suspended}, {flagged, "", flagged}, {closed, "enterprise.closed", closed},
			},
			outcomes: []string{"done"},
			closes: []closing{
				{"done", true, operating, operating},
				{"passed", false, operating, operating}, {"failed", false, operating, operating}, {"refused", false, operating, operating},
			}}
	}
	for _, c := range []row{
		{kind: "rectification_order", needsDeadline: true,
			takes: []take{
				{operating, "", operating}, {suspended, "", suspended}, {flagged, "", flagged}, {closed, "enterprise.closed", closed},
			},
			outcomes: []string{"passed", "failed"},
			closes: []closing{
				{"passed", true, operating, operating}, {"failed", true, operating, operating},
				{"refused", false, operating, operating}, {"done", false, operating, operating},
			}},
		penalty("penalty"),
		penalty("max_penalty"),
		{kind: "suspension", needsDeadline: true,
			takes: []take{
				{operating, "", suspended}, {suspended, "", suspended}, {flagged, "", flagged}, {closed, "enterprise.closed", closed},
			},
			outcomes: []string{"passed", "failed", "refused"},
			closes: []closing{
				{"passed", true, suspended, operating}, {"failed", true, suspended, flagged}, {"refused", true, suspended, flagged},
				{"done", false, suspended, suspended},
			}},
		{kind: "closure_proposal",
			takes: []take{
				{operating, "enterprise.closure_needs_flag", operating}, {suspended, "enterprise.closure_needs_flag", suspended},
				{flagged, "", flagged}, {closed, "enterprise.closed", closed},
			},
			outcomes: []string{"done"},
			closes: []closing{
				{"done", true, flagged, standing{Status: "closed", Flagged: true}},
				{"passed", false, flagged, flagged}, {"failed", false, flagged, flagged}, {"refused", false, flagged, flagged},
			}},
	} {
		t.Run(c.kind, func(t *testing.T) {
			r, ok := rungOf(c.kind)
			if !ok {
				t.Fatal("not a rung of the ladder")
			}
			if r.needsAmount != c.needsAmount || r.needsDeadline != c.needsDeadline {
				t.Errorf("needs an amount %v and a deadline %v, want %v and %v", r.needsAmount, r.needsDeadline, c.needsAmount, c.needsDeadline)
			}
			if len(c.takes) != len(standings) {
				t.Fatalf("the table lists %d standings, want all %d", len(c.takes), len(standings))
			}
			for _, tk := range c.takes {
				if got := r.refusal(tk.on); got != tk.refused {
					t.Errorf("on %+v: refused %q, want %q", tk.on, got, tk.refused)
				}
				if tk.refused != "" {
					continue
				}
				got := tk.on
				if r.taken != nil {
					got = r.taken(tk.on)
				}
				if got != tk.then {
					t.Errorf("taken on %+v: the enterprise becomes %+v, want %+v", tk.on, got, tk.then)
				}
			}
			if got := r.outcomeNames(); !slices.Equal(got, c.outcomes) {
				t.Errorf("outcomes %v, want %v", got, c.outcomes)
			}
			for _, cl := range c.closes {
				o, ok := r.outcome(cl.outcome)
				if ok != cl.ok {
					t.Errorf("outcome %s allowed %v, want %v", cl.outcome, ok, cl.ok)
					continue
				}
				if !ok {
					continue
				}
				got := cl.on
				if o.then != nil {
					got = o.then(cl.on)
				}
				if got != cl.then {
					t.Errorf("%s on %+v: the enterprise becomes %+v, want %+v", cl.outcome, cl.on, got, cl.then)
				}
			}
		})
	}
	if !slices.Equal(EnforcementKinds, []string{"rectification_order", "penalty", "max_penalty", "suspension", "closure_proposal"}) {
		t.Errorf("the kinds in the ladder's order: %v", EnforcementKinds)
	}
	if _, ok := rungOf("warning"); ok {
		t.Error("a kind off the ladder has a rung")
	}
}
