package e2e_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/platform/clock"
)

// datesSeed gives town01's enterprise a hazard owned by its user and a rectification
// order, both due 2027-01-31, and returns the hazard's and the order's paths.
func datesSeed(t *testing.T, e *apptest.Env) (hazard, order string) {
	t.Helper()
	own := e.F.Enterprises[0].String()
	must := apptest.Must(t)
	h := must(e.As(apptest.UserPatrol1, "POST", "/api/v1/hazards", map[string]any{"title": "配电箱门未上锁", "category": "unsafe_condition",
		"industry": "construction", "grade": "general", "grid_id": e.F.Grids[0][2].String(), "enterprise_id": own}), http.StatusCreated, "hazard")
	id := h["id"].(string)
	must(e.As(apptest.UserTown1, "POST", "/api/v1/hazards/"+id+"/actions", map[string]any{"action": "assign",
		"owner_id": e.F.Users[apptest.UserEnt].String(), "supervisor_org_id": e.F.Units["construction"].String(),
		"measures": "配电箱加锁，专人管理", "deadline": "2027-01-31"}), http.StatusOK, "assign")
	o := must(e.As(apptest.UserTown1, "POST", "/api/v1/enterprises/"+own+"/enforcement", map[string]any{"kind": "rectification_order",
		"reason": "配电箱未上锁", "doc_number": "东湖应急责改〔2026〕7号", "deadline": "2027-01-31"}), http.StatusCreated, "order")
	return "/hazards/" + id, "/enterprises/" + own + "/enforcement/" + o["id"].(string) + "/order"
}

// noDayLate fails when the page's text shows the day after 2027-01-31.
func (s *session) noDayLate(what string) {
	s.t.Helper()
	body := s.bodyText()
	for _, late := range []string{"2027-02-01", "2027年2月1日", "1 February 2027"} {
		if strings.Contains(body, late) {
			s.t.Errorf("%s: shows %q, the day after the deadline\n%s", what, late, clip(body))
		}
	}
}

// (dates) A deadline reads the same day wherever a person meets it: the enterprise's
// user on a phone sees its home, its file and the reminder in its inbox say 2027-01-31;
// the town prints the rectification order with 2027年1月31日, and its hazard page agrees.
func TestBrowser_DueDayReadsTheSameEverywhere(t *testing.T) {
	s := newSession(t, 390, 844, true)
	hazard, order := datesSeed(t, s.e)
	// Two days before the deadline the escalation job reminds the owner.
	s.e.Clock.Set(time.Date(2027, 1, 29, 10, 17, 0, 0, clock.China))
	if err := s.e.App.Jobs.RunDue(t.Context()); err != nil {
		t.Fatal(err)
	}

	s.open("/login")
	s.signIn(apptest.UserEnt, apptest.Password)
	s.wantText("enterprise home", "期限 2027-01-31")
	s.noDayLate("enterprise home")
	s.shot("dates-1-home-enterprise-phone")

	s.open("/enterprises/" + s.e.F.Enterprises[0].String())
	s.wantText("enterprise file", "期限 2027-01-31", "整改期限")
	if got := s.text(".enf-step dl"); !strings.Contains(got, "2027-01-31") {
		t.Errorf("the order's deadline in the file reads %q", got)
	}
	s.noDayLate("enterprise file")
	s.shot("dates-2-file-enterprise-phone")

	s.open("/inbox")
	s.wantText("inbox", "将于 2027-01-31 到期")
	s.noDayLate("inbox")
	if strings.Contains(s.bodyText(), "00:00") {
		t.Errorf("the reminder gives a time of day")
	}
	s.shot("dates-3-inbox-phone")
	s.signOut()

	s.signIn(apptest.UserTown1, apptest.Password)
	s.open(hazard)
	s.wantText("hazard page", "2027-01-31")
	s.noDayLate("hazard page")
	s.open(order)
	if got := s.text(".doc-deadline"); got != "2027年1月31日" {
		t.Errorf("the printed order's deadline reads %q, want 2027年1月31日", got)
	}
	s.noDayLate("printed order")
	s.shot("dates-4-order-phone")
	s.noProblems()
}
