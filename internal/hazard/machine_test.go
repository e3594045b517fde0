package hazard

import (
	"slices"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// The hazard's people, as the product rules of docs/GUIDE.md ("Hazards: the closed
// loop") name them. Every one of them sees the hazard (the machine is asked only about
// hazards in the caller's scope): a construction hazard in a village of town /1/2/,
// owned by user 100 and supervised by unit 50.
const (
	supervisorOrg db.ID = 50
	ownerUser     db.ID = 100
)

var machineActors = map[string]*auth.Principal{
	"office":    {UserID: 1, OrgID: 10, Roles: []auth.Role{auth.SafetyOffice}, Scope: auth.Scope{Path: "/", Whole: true}},
	"admin":     {UserID: 2, OrgID: 10, Roles: []auth.Role{auth.Admin}, Scope: auth.Scope{Path: "/", Whole: true}},
	"town":      {UserID: 3, OrgID: 20, Roles: []auth.Role{auth.Town}, Scope: auth.Scope{Path: "/1/2/"}},
	"town-sup":  {UserID: 4, OrgID: supervisorOrg, Roles: []auth.Role{auth.Town}, Scope: auth.Scope{Path: "/1/2/"}},
	"dept":      {UserID: 5, OrgID: 30, Roles: []auth.Role{auth.Department}, Scope: auth.Scope{Path: "/", Industries: []string{"construction"}}},
	"dept-sup":  {UserID: 6, OrgID: supervisorOrg, Roles: []auth.Role{auth.Department}, Scope: auth.Scope{Path: "/", Industries: []string{"construction"}}},
	"owner":     {UserID: ownerUser, OrgID: 40, Roles: []auth.Role{auth.Village}, Scope: auth.Scope{Path: "/1/2/3/"}},
	"owner-ent": {UserID: ownerUser, OrgID: 40, Roles: []auth.Role{auth.Enterprise}, Scope: auth.Scope{Path: "/1/2/3/", OwnOnly: true}},
	"village":   {UserID: 7, OrgID: 40, Roles: []auth.Role{auth.Village}, Scope: auth.Scope{Path: "/1/2/3/"}},
	"patroller": {UserID: 8, OrgID: 40, Roles: []auth.Role{auth.Patroller}, Scope: auth.Scope{Path: "/1/2/3/"}},
	"ent":       {UserID: 9, OrgID: 40, Roles: []auth.Role{auth.Enterprise}, Scope: auth.Scope{Path: "/1/2/3/", OwnOnly: true}},
	"leader":    {UserID: 11, OrgID: 60, Roles: []auth.Role{auth.Leader}, Scope: auth.Scope{Path: "/", Whole: true}},
	"reader":    {UserID: 12, OrgID: 70, Roles: []auth.Role{auth.Reader}, Scope: auth.Scope{Path: "/", Whole: true}},
}

// TestMachine_EveryStatusActionAndActor checks the machine against the rules of the
// guide, written out here by hand: for every status and action, the status it leads to
// (none: illegal, whoever asks → 409) and who may take it (anyone else → 403). Every
// (status, action, actor) combination is asked, of step, of the rule it finds and of
// available, which the pages and the API's allowed_actions show.
func TestMachine_EveryStatusActionAndActor(t *testing.T) {
	const (
		// assign: the town of the place, a department supervising the industry, the
		// safety office.
		assigners = "office town town-sup dept dept-sup"
		// start and submit: the owner, or on the owner's behalf the supervising unit
		// or the safety office.
		rectifiers = "owner owner-ent town-sup dept-sup office"
		// accept and reject: the supervising unit, the safety office.
		acceptors = "town-sup dept-sup office"
		// comment: anyone in scope but readers and a platform administrator alone.
		commenters = "office town town-sup dept dept-sup owner owner-ent village patroller ent leader"
	)
	rules := []struct {
		from   Status
		action Action
		to     Status // "" when the action is illegal in from
		who    string
	}{
		{Reported, Assign, Assigned, assigners},
		{Reported, Start, "", ""},
		{Reported, Submit, "", ""},
		{Reported, Accept, "", ""},
		{Reported, Reject, "", ""},
		{Reported, Comment, Reported, commenters},

		{Assigned, Assign, Assigned, assigners}, // re-assign
		{Assigned, Start, Rectifying, rectifiers},
		{Assigned, Submit, "", ""},
		{Assigned, Accept, "", ""},
		{Assigned, Reject, "", ""},
		{Assigned, Comment, Assigned, commenters},

		{Rectifying, Assign, "", ""},
		{Rectifying, Start, "", ""},
		{Rectifying, Submit, Submitted, rectifiers},
		{Rectifying, Accept, "", ""},
		{Rectifying, Reject, "", ""},
		{Rectifying, Comment, Rectifying, commenters},

		{Submitted, Assign, "", ""},
		{Submitted, Start, "", ""},
		{Submitted, Submit, "", ""},
		{Submitted, Accept, Closed, acceptors},
		{Submitted, Reject, Rectifying, acceptors},
		{Submitted, Comment, Submitted, commenters},

		{Closed, Assign, "", ""},
		{Closed, Start, "", ""},
		{Closed, Submit, "", ""},
		{Closed, Accept, "", ""},
		{Closed, Reject, "", ""},
		{Closed, Comment, "", ""},
	}
	// The table names every status and action once: a status or action added to the
	// machine without a rule here fails.
	if len(rules) != len(Statuses)*len(Actions) {
		t.Fatalf("the table has %d rules for %d statuses × %d actions", len(rules), len(Statuses), len(Actions))
	}
	for _, s := range Statuses {
		for _, a := range Actions {
			n := 0
			for _, r := range rules {
				if r.from == s && r.action == a {
					n++
				}
			}
			if n != 1 {
				t.Errorf("the table has %d rules for (%s, %s), want 1", n, s, a)
			}
		}
	}
	for _, r := range rules {
		for name, p := range machineActors {
			h := &Hazard{Status: r.from, Path: "/1/2/3/", Industry: "construction", OwnerID: ptr(ownerUser), SupervisorOrgID: ptr(supervisorOrg)}
			tr, legal := step(r.from, r.action)
			allowed := legal && tr.Who(p, h)
			wantAllowed := slices.Contains(strings.Fields(r.who), name)
			switch {
			case legal != (r.to != ""):
				t.Errorf("(%s, %s): legal = %v, want %v", r.from, r.action, legal, r.to != "")
			case legal && tr.To != r.to:
				t.Errorf("(%s, %s) leads to %s, want %s", r.from, r.action, tr.To, r.to)
			case allowed != wantAllowed:
				t.Errorf("(%s, %s, %s): allowed = %v, want %v", r.from, r.action, name, allowed, wantAllowed)
			}
			if got := slices.Contains(available(p, h), r.action); got != wantAllowed {
				t.Errorf("(%s, %s, %s): available lists it = %v, want %v", r.from, r.action, name, got, wantAllowed)
			}
		}
		if got := slices.Contains(allowedIn(r.from), r.action); got != (r.to != "") {
			t.Errorf("(%s, %s): allowedIn lists it = %v, want %v", r.from, r.action, got, r.to != "")
		}
	}
}

func ptr[T any](v T) *T { return &v }
