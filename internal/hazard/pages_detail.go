package hazard

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// detailView is the hazard page's data.
type detailView struct {
	H           Hazard
	Events      []eventView
	FoundPhotos []EventAttachent // the photos taken when the hazard was found
	// Latest is the latest submission for acceptance (its comment, photos and files),
	// shown beside the found photos before the actions: the evidence an acceptor judges.
	Latest      *eventView
	Forms       []actionForm  // one per action the caller may take now
	Owners      []ChoiceGroup // the assign form's choices
	Supervisors []Choice
	Leaders     []ChoiceGroup
	EntChoices  enterpriseChoices // the assign form's enterprise field
	Error       string            // why the last form was refused, when not about its fields
	DaysOverdue int               // whole days past the deadline (rounded up), when overdue
	DueSoon     bool              // the deadline is less than 3 days away
	DaysLeft    int               // whole days to the deadline, when DueSoon
	Funds       string            // 五落实: the funds, in yuan
	// ClosedOnTime is "yes" or "no" once the hazard is closed.
	ClosedOnTime string
	DeadlineMin  string // the earliest deadline the assign form accepts (tomorrow)
}

// eventView is one step of the timeline, with its data as labelled facts and its
// attachments split into photos (shown) and documents (linked).
type eventView struct {
	Event
	Label  string // message key of the step's name
	Facts  []fact
	Photos []EventAttachent
	Docs   []EventAttachent
}

// fact is a labelled value of a step; Industry marks an industry code (the template
// shows its name) and Wide a long text.
type fact struct {
	Label, Value   string
	Industry, Wide bool
}

func (m *Module) detailPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		_, h, err := web.PathRecord(r, "hazard", func(id db.ID) (Hazard, error) { return m.Get(r.Context(), m.DB, auth.FromContext(r.Context()), id) })
		if err != nil {
			return err
		}
		return m.renderDetail(w, r, s, t, http.StatusOK, h, nil, "")
	}
}

// renderDetail renders the hazard page with status. refused, when set, is the form the
// person just sent and had refused: it shows open, as typed, with its errors; errMsg is
// shown above the forms.
func (m *Module) renderDetail(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, status int, h Hazard, refused *actionForm, errMsg string) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	events, err := m.History(ctx, p, h.ID)
	if err != nil {
		return err
	}
	now := m.Clock.Now()
	v := detailView{H: h, Error: errMsg, DeadlineMin: clock.DateText(now.AddDate(0, 0, 1))}
	if h.Deadline != nil && h.Status != Closed {
		left := h.Deadline.Sub(now)
		switch {
		case left < 0:
			v.DaysOverdue = int(math.Ceil(-left.Hours() / 24))
		case left < 72*time.Hour:
			v.DueSoon, v.DaysLeft = true, int(left.Hours()/24)
		}
	}
	if h.FundsYuan != nil {
		v.Funds = web.GroupDigits(*h.FundsYuan)
	}
	if h.ClosedOnTime != nil {
		v.ClosedOnTime = map[bool]string{true: "yes", false: "no"}[*h.ClosedOnTime]
	}
	if v.Events, err = m.timeline(ctx, i18n.FromContext(ctx), events); err != nil {
		return err
	}
	if len(v.Events) > 0 && v.Events[0].Action == "report" {
		v.FoundPhotos = v.Events[0].Photos
	}
	for i := range v.Events {
		if v.Events[i].Action == string(Submit) {
			v.Latest = &v.Events[i]
		}
	}
	v.Forms = forms(p, &h, refused)
	for _, f := range v.Forms {
		if f.Action == Assign {
			if err := m.assignChoices(ctx, p, &h, &v); err != nil {
				return err
			}
		}
	}
	return s.RenderStatus(w, r, status, t.detail, v)
}

// assignChoices loads the assign form's selects.
func (m *Module) assignChoices(ctx context.Context, p *auth.Principal, h *Hazard, v *detailView) error {
	var err error
	if v.Owners, err = m.OwnerCandidates(ctx, h); err != nil {
		return err
	}
	if h.OwnerID != nil && !inGroups(v.Owners, *h.OwnerID) { // an owner from elsewhere stays selectable
		v.Owners = append([]ChoiceGroup{{Label: "hazard.owner_group.current", Choices: []Choice{{ID: *h.OwnerID, Name: h.OwnerName}}}}, v.Owners...)
	}
	if v.Supervisors, err = m.SupervisorCandidates(ctx, h); err != nil {
		return err
	}
	for _, f := range v.Forms {
		if f.Action == Assign {
			if v.EntChoices, err = m.enterpriseChoicesFor(ctx, p, &h.GridID, f.Get("ent_q"), f.Get("enterprise_id")); err != nil {
				return err
			}
		}
	}
	if h.Grade == Major {
		if v.Leaders, err = m.LeaderCandidates(ctx, h); err != nil {
			return err
		}
	}
	// A new assignment suggests the caller's own unit when it may supervise.
	for i := range v.Forms {
		f := &v.Forms[i]
		if f.Action == Assign && f.Get("supervisor_org_id") == "" {
			for _, c := range v.Supervisors {
				if c.ID == p.OrgID {
					f.Values.Set("supervisor_org_id", c.ID.String())
				}
			}
		}
	}
	return nil
}

func inGroups(gs []ChoiceGroup, id db.ID) bool {
	for _, g := range gs {
		for _, c := range g.Choices {
			if c.ID == id {
				return true
			}
		}
	}
	return false
}

// timeline turns the history into the page's steps: names for the ids a step's data
// holds (looked up in one query per kind), dates in China time, labels in the reader's
// language.
func (m *Module) timeline(ctx context.Context, loc i18n.Localizer, events []Event) ([]eventView, error) {
	want := map[string][]string{}
	for _, e := range events {
		for key, kind := range map[string]string{"owner_id": "users", "supervisor_org_id": "orgs", "listing_leader_id": "people"} {
			if s, ok := e.Data[key].(string); ok && s != "" {
				want[kind] = append(want[kind], s)
			}
		}
	}
	names := map[string]map[string]string{}
	for kind, ids := range want {
		n, err := m.names(ctx, kind, ids)
		if err != nil {
			return nil, err
		}
		names[kind] = n
	}
	out := make([]eventView, len(events))
	for i, e := range events {
		ev := eventView{Event: e, Label: "hazard.action." + e.Action}
		if st, ok := e.Data["stage"].(string); ok && e.Action == "escalate" && st != "" {
			ev.Label = "hazard.stage." + st // a reminder is not an escalation
		}
		for _, a := range e.Attachments {
			if strings.HasPrefix(a.ContentType, "image/") {
				ev.Photos = append(ev.Photos, a)
			} else {
				ev.Docs = append(ev.Docs, a)
			}
		}
		ev.Facts = describe(loc, e, names)
		out[i] = ev
	}
	// In the order things happened (steps recorded later for an earlier time, such as
	// imported history, fall into place).
	slices.SortStableFunc(out, func(a, b eventView) int { return a.At.Compare(b.At) })
	return out, nil
}

// names reads the display names of ids in one of the tables users, orgs or people.
func (m *Module) names(ctx context.Context, table string, ids []string) (map[string]string, error) {
	col := map[string]string{"users": "display_name", "orgs": "name", "people": "name"}[table]
	args := make([]any, 0, len(ids))
	for _, s := range ids {
		if id, err := db.ParseID(s); err == nil {
			args = append(args, id)
		}
	}
	out := map[string]string{}
	if len(args) == 0 {
		return out, nil
	}
	err := web.EachNamed(ctx, m.DB, func(id db.ID, name string) { out[id.String()] = name },
		`SELECT id, `+col+` FROM `+table+` WHERE id IN (`+db.Placeholders(len(args))+`)`, args...)
	return out, err
}

// describe lists the data of a step as labelled facts.
func describe(loc i18n.Localizer, e Event, names map[string]map[string]string) []fact {
	var out []fact
	str := func(key string) string {
		s, _ := e.Data[key].(string)
		return strings.TrimSpace(s)
	}
	add := func(label, value string) {
		if value != "" {
			out = append(out, fact{Label: loc.T(label), Value: value})
		}
	}
	wide := func(label, value string) {
		if value != "" {
			out = append(out, fact{Label: loc.T(label), Value: value, Wide: true})
		}
	}
	yesNo := func(b bool) string {
		if b {
			return loc.T("common.yes")
		}
		return loc.T("common.no")
	}
	// enterprise shows a change of the hazard's enterprise (a step's "enterprise": its
	// name, "" when removed).
	enterprise := func() {
		if name, ok := e.Data["enterprise"].(string); ok && e.Action != "report" {
			if name == "" {
				name = loc.T("hazard.enterprise_none")
			}
			add("hazard.field.enterprise", name)
		}
	}
	named := func(kind, key string) string {
		id := str(key)
		if n := names[kind][id]; n != "" {
			return n
		}
		return id
	}
	switch e.Action {
	case "report":
		if g := str("grade"); g != "" {
			add("hazard.field.grade", loc.T("hazard.grade."+g))
		}
		if src := str("source"); src != "" {
			add("hazard.field.source", loc.T("hazard.source."+src))
		}
		add("hazard.field.enterprise", str("enterprise"))
	case "assign":
		enterprise()
		add("hazard.field.owner", named("users", "owner_id"))
		add("hazard.field.supervisor", named("orgs", "supervisor_org_id"))
		if d, err := time.Parse(time.RFC3339, str("deadline")); err == nil {
			add("hazard.field.deadline", clock.DueText(d))
		}
		wide("hazard.field.measures", str("measures"))
		wide("hazard.field.responsibility", str("responsibility"))
		if f, ok := e.Data["funds_yuan"].(float64); ok {
			add("hazard.field.funds", loc.T("hazard.yuan", "n", web.GroupDigits(int64(f))))
		}
		wide("hazard.field.contingency_plan", str("contingency_plan"))
		add("hazard.field.listing_leader", named("people", "listing_leader_id"))
	case "accept":
		if b, ok := e.Data["on_site"].(bool); ok {
			add("hazard.field.on_site", yesNo(b))
		}
		if b, ok := e.Data["on_time"].(bool); ok {
			add("hazard.field.closed_on_time", yesNo(b))
		}
		wide("hazard.field.participants", str("participants"))
		wide("hazard.field.conclusion", str("conclusion"))
	case "escalate": // the stage is the step's name
		if n, ok := e.Data["notices"].(float64); ok {
			add("hazard.field.notices", strconv.Itoa(int(n)))
		}
	case "edit":
		enterprise()
		for _, k := range []string{"title", "category", "grade", "industry", "place", "address", "description"} {
			val := str(k)
			if _, ok := e.Data[k]; !ok {
				continue
			}
			switch k {
			case "category":
				val = loc.T("hazard.category." + val)
			case "grade":
				val = loc.T("hazard.grade." + val)
			case "industry":
				out = append(out, fact{Label: loc.T("hazard.field.industry"), Value: val, Industry: true})
				continue
			}
			out = append(out, fact{Label: loc.T("hazard.field." + k), Value: val, Wide: k == "description"})
		}
	}
	return out
}

// fundsText is an amount of yuan for a form field.
func fundsText(n *int64) string {
	if n == nil {
		return ""
	}
	return fmt.Sprint(*n)
}
