package hazard

import (
	"testing"

	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// The form shown open is the viewer's own next step, never a comment, a re-assignment
// while another step is there, nor a step of the owner's for someone else.
func TestNextStep(t *testing.T) {
	owner, other := db.ID(7), db.ID(8)
	for _, c := range []struct {
		name    string
		status  Status
		viewer  db.ID
		actions []Action
		want    Action // "" for none
	}{
		{"assigner on a reported hazard", Reported, other, []Action{Assign, Comment}, Assign},
		{"owner on an assigned hazard", Assigned, owner, []Action{Start, Comment}, Start},
		{"safety office on an assigned hazard", Assigned, other, []Action{Assign, Start, Comment}, ""},
		{"town on an assigned hazard it only re-assigns", Assigned, other, []Action{Assign, Comment}, Assign},
		{"owner rectifying", Rectifying, owner, []Action{Submit, Comment}, Submit},
		{"supervisor on a submitted hazard", Submitted, other, []Action{Accept, Reject, Comment}, Accept},
		{"commenter only", Rectifying, other, []Action{Comment}, ""},
	} {
		var fs []actionForm
		for _, a := range c.actions {
			fs = append(fs, actionForm{Action: a})
		}
		h := &Hazard{Status: c.status, OwnerID: &owner}
		got := Action("")
		if i := nextStep(fs, &auth.Principal{UserID: c.viewer}, h); i >= 0 {
			got = fs[i].Action
		}
		if got != c.want {
			t.Errorf("%s: open %q, want %q", c.name, got, c.want)
		}
	}
}
