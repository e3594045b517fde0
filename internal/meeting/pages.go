package meeting

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/safeduty/safeduty/internal/duty"
	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// Dedicated study's pages: the meetings (list, record, detail, edit), the gaps against
// the frequency rules (a unit × period table; on a phone the list of gaps) and the rules.

// pageTemplates are the parsed templates of the meeting pages.
type pageTemplates struct {
	list, form, detail, gaps, rules *template.Template
}

// Pages registers the pages.
func (m *Module) Pages(s *web.Site) {
	s.AddStylesheet("meeting", files, "static/meeting.css")
	t := pageTemplates{
		list:   s.MustParse(files, "templates/meetings.html"),
		form:   s.MustParse(files, "templates/meeting_form.html"),
		detail: s.MustParse(files, "templates/meeting.html"),
		gaps:   s.MustParse(files, "templates/gaps.html"),
		rules:  s.MustParse(files, "templates/rules.html"),
	}
	s.Handle(web.Page{Path: "/meetings", Handler: m.listPage(s, t)})
	s.Handle(web.Page{Path: "/meetings/new", Perm: &PermWrite, Handler: m.newPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/meetings", Perm: &PermWrite, Handler: m.createSubmit(s, t)})
	s.Handle(web.Page{Path: "/meetings/gaps", Handler: m.gapsPage(s, t)})
	s.Handle(web.Page{Path: "/meetings/{id}", Object: "meeting", Handler: m.detailPage(s, t)})
	s.Handle(web.Page{Path: "/meetings/{id}/edit", Object: "meeting", Perm: &PermWrite, Handler: m.editPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/meetings/{id}", Object: "meeting", Perm: &PermWrite, Handler: m.editSubmit(s, t)})
	s.Handle(web.Page{Path: "/meeting-rules", Handler: m.rulesPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/meeting-rules", Perm: &PermRules, Handler: m.ruleSubmit(s, t)})
	notEnterprise := func(p *auth.Principal) bool { return p.Scope.EnterpriseID == nil && !p.Has(auth.Enterprise) }
	s.AddNav(web.NavItem{Key: "meeting.nav", Path: "/meetings", Icon: "people", Order: 18, Visible: notEnterprise})
	s.AddNav(web.NavItem{Key: "meeting.nav_gaps", Path: "/meetings/gaps", Icon: "clock", Order: 19, Visible: notEnterprise})
}

// choice is a record to pick.
type choice struct {
	ID   db.ID
	Name string
}

func mkChoice(id db.ID, name string) choice { return choice{id, name} }

// listView is the meeting list.
type listView struct {
	web.ListPage
	Items                          []Meeting
	Kinds                          []string
	Units                          []choice
	Kind, OrgID, Late, Year, QText string
	Years                          []string
	CanWrite                       bool
}

// units are the units in the caller's scope meetings may belong to.
func (m *Module) units(ctx context.Context, p *auth.Principal) ([]choice, error) {
	cond, args := p.Scope.PathCond("o.path")
	return web.NamedChoices(ctx, m.DB, mkChoice, `SELECT o.id, o.name FROM orgs o WHERE o.kind = 'unit' AND o.category <> 'other' AND `+cond+`
		ORDER BY CASE o.category WHEN 'party_committee' THEN 0 WHEN 'government' THEN 1 WHEN 'town_government' THEN 3 ELSE 2 END, o.path, o.id`, args...)
}

// recordable are the units whose meetings p may record.
func (m *Module) recordable(ctx context.Context, p *auth.Principal) ([]choice, error) {
	var out []choice
	cond, args := p.Scope.PathCond("o.path")
	err := db.Each(ctx, m.DB, `SELECT o.id, o.name, o.path FROM orgs o WHERE o.kind = 'unit' AND o.category <> 'other' AND `+cond+`
		ORDER BY CASE o.category WHEN 'party_committee' THEN 0 WHEN 'government' THEN 1 WHEN 'town_government' THEN 3 ELSE 2 END, o.path, o.id`, args,
		func(s db.Scanner) (choice, error) {
			var c choice
			var path string
			err := s.Scan(&c.ID, &c.Name, &path)
			if err == nil && !MayRecord(p, path) {
				c.ID = 0
			}
			return c, err
		}, func(c choice) error {
			if c.ID != 0 {
				out = append(out, c)
			}
			return nil
		})
	return out, err
}

// years offers this year and the four before it.
func (m *Module) years() []string {
	y := m.Clock.Now().In(clock.China).Year()
	out := make([]string, 5)
	for i := range out {
		out[i] = strconv.Itoa(y - i)
	}
	return out
}

// listPage is the meeting list (/meetings).
func (m *Module) listPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		var f MeetingFilter
		lp, l, err := web.ParseListPage(r, sorting, &f)
		if err != nil {
			return err
		}
		q := r.URL.Query()
		v := listView{ListPage: l, Kinds: Kinds, Kind: q.Get("kind"), OrgID: q.Get("org_id"), Late: q.Get("late"), Year: q.Get("year"),
			QText: f.Q, Years: m.years(), CanWrite: p.Can(PermWrite)}
		if v.Units, err = m.units(ctx, p); err != nil {
			return err
		}
		total, err := m.List(ctx, p, f, lp, web.Collect(&v.Items))
		if err != nil {
			return err
		}
		v.Finish(total)
		return s.Render(w, r, t.list, v)
	}
}

// formView is the form recording or changing a meeting.
type formView struct {
	Form       *web.Form
	M          *Meeting // the meeting changed; nil when recording one
	Unit       choice   // the unit chosen
	Units      []choice // the units the caller may choose
	People     []choice // who may chair or attend
	Kinds      []string
	Industries []string
	Now        string
}

// candidates are the people who may chair or attend a meeting of unit: its own people,
// those holding a post in it, and the district's leaders.
func (m *Module) candidates(ctx context.Context, p *auth.Principal, unit db.ID) ([]choice, error) {
	cond, args := p.Scope.PathCond("pe.org_path")
	return web.NamedChoices(ctx, m.DB, mkChoice, `SELECT pe.id, pe.name FROM people pe WHERE ((pe.org_id = ? AND `+cond+`)
		OR EXISTS (SELECT 1 FROM posts po JOIN orgs o ON o.id = po.org_id WHERE po.person_id = pe.id AND (po.org_id = ? OR o.category IN ('party_committee', 'government'))))
		ORDER BY CASE WHEN pe.org_id = ? THEN 0 ELSE 1 END, pe.name, pe.id LIMIT 300`, append(append([]any{unit}, args...), unit, unit)...)
}

// industries are the industry codes, in their order.
func (m *Module) industries(ctx context.Context) ([]string, error) {
	return db.All(ctx, m.DB, `SELECT code FROM industries ORDER BY sort_order, code`, nil, func(s db.Scanner) (string, error) {
		var c string
		return c, s.Scan(&c)
	})
}

// kindFor is the kind of meeting a unit usually holds.
func kindFor(category string, p *auth.Principal) string {
	switch category {
	case "party_committee":
		return "standing_committee"
	case "government":
		if p.Has(auth.Leader) && p.PersonID != nil {
			return "special"
		}
		return "executive"
	case "department":
		return "department"
	case "town_government":
		return "town"
	}
	return "other"
}

// renderForm renders the meeting form for unit (the first the caller may choose when
// none is named).
func (m *Module) renderForm(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, status int, f *web.Form, x *Meeting) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	v := formView{Form: f, M: x, Kinds: Kinds, Now: m.Clock.Now().In(clock.China).Format("2006-01-02T15:04")}
	var err error
	if v.Units, err = m.recordable(ctx, p); err != nil {
		return err
	}
	if x != nil {
		v.Unit = choice{x.OrgID, x.OrgName}
		if !slices.ContainsFunc(v.Units, func(c choice) bool { return c.ID == x.OrgID }) {
			v.Units = append(v.Units, v.Unit)
		}
	} else {
		id, _ := db.ParseID(f.Get("org_id"))
		for _, u := range v.Units {
			if u.ID == id || v.Unit.ID == 0 {
				v.Unit = u
			}
		}
		if v.Unit.ID == 0 {
			return apperr.Forbid() // no unit to record a meeting of
		}
		f.Values.Set("org_id", v.Unit.ID.String())
		if f.Get("kind") == "" {
			var cat string
			if err := m.DB.QueryRow(ctx, `SELECT category FROM orgs WHERE id = ?`, v.Unit.ID).Scan(&cat); err != nil {
				return err
			}
			f.Values.Set("kind", kindFor(cat, p))
			if p.PersonID != nil && f.Get("chair_id") == "" {
				f.Values.Set("chair_id", p.PersonID.String())
			}
		}
	}
	if v.People, err = m.candidates(ctx, p, v.Unit.ID); err != nil {
		return err
	}
	if v.Industries, err = m.industries(ctx); err != nil {
		return err
	}
	return s.RenderStatus(w, r, status, t.form, v)
}

// newPage is the form recording a meeting (?org_id= chooses the unit, ?kind= the kind).
func (m *Module) newPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		q := r.URL.Query()
		f := web.NewForm(url.Values{"org_id": {q.Get("org_id")}})
		if k := q.Get("kind"); slices.Contains(Kinds, k) {
			f.Values.Set("kind", k)
		}
		return m.renderForm(w, r, s, t, http.StatusOK, f, nil)
	}
}

// readForm reads a meeting form: multipart, its photos (input "files") streaming into
// the Uploader.
func (m *Module) readForm(w http.ResponseWriter, r *http.Request) (*web.Form, error) {
	return web.ReadForm(w, r, m.Uploader, func(input string) bool { return input == "files" })
}

// decodeForm reads a posted meeting form into the API's input: lists left empty clear
// them (an unticked box sends nothing).
func decodeForm(f *web.Form) (MeetingInput, error) {
	var in MeetingInput
	err := f.Decode(&in)
	empty := ""
	for _, p := range []**string{&in.Kind, &in.Title, &in.HeldAt} { // the form sends them: one missing is empty
		if *p == nil {
			*p = &empty
		}
	}
	if in.AttendeeIDs == nil {
		in.AttendeeIDs = &[]db.ID{}
	}
	if in.Industries == nil {
		in.Industries = &[]string{}
	}
	in.Attachments = f.Files["files"]
	return in, err
}

// createSubmit records a meeting and shows it.
func (m *Module) createSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		f, err := m.readForm(w, r)
		if err != nil {
			return err
		}
		in, err := decodeForm(f)
		var id db.ID
		if err == nil {
			id, err = m.Create(ctx, auth.FromContext(ctx), in)
		}
		return f.Done(w, r, err, "meeting.flash_created", "/meetings/"+id.String(), func() error {
			return m.renderForm(w, r, s, t, f.Status, f, nil)
		})
	}
}

// editPage is the form changing a meeting.
func (m *Module) editPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		_, x, err := web.PathRecord(r, "meeting", func(id db.ID) (Meeting, error) { return m.Get(ctx, m.DB, p, id) })
		if err != nil {
			return err
		}
		if !MayRecord(p, x.path) {
			return apperr.Forbid()
		}
		vals := url.Values{"kind": {x.Kind}, "org_id": {x.OrgID.String()}, "title": {x.Title}, "held_at": {x.HeldAt.In(clock.China).Format("2006-01-02T15:04")},
			"place": {x.Place}, "topics": {x.Topics}, "decisions": {x.Decisions}, "minutes": {x.Minutes}, "industries": x.Industries}
		if x.ChairID != nil {
			vals.Set("chair_id", x.ChairID.String())
		}
		for _, a := range x.Attendees {
			vals.Add("attendee_ids", a.ID.String())
		}
		return m.renderForm(w, r, s, t, http.StatusOK, web.NewForm(vals), &x)
	}
}

// editSubmit changes a meeting and shows it.
func (m *Module) editSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		id, x, err := web.PathRecord(r, "meeting", func(id db.ID) (Meeting, error) { return m.Get(ctx, m.DB, p, id) }) // 404 before any file is stored
		if err != nil {
			return err
		}
		f, err := m.readForm(w, r)
		if err != nil {
			return err
		}
		in, err := decodeForm(f)
		if err == nil {
			err = m.Update(ctx, p, id, in)
		}
		return f.Done(w, r, err, "meeting.flash_saved", "/meetings/"+id.String(), func() error {
			return m.renderForm(w, r, s, t, f.Status, f, &x)
		})
	}
}

// detailView is one meeting's page.
type detailView struct {
	M         Meeting
	Images    []Photo
	Docs      []Photo
	History   []audit.Change
	CanWrite  bool
	LateDays  int
	Recorded  time.Time
	Recorder  string
	HeldLocal string
}

// detailPage shows a meeting.
func (m *Module) detailPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		_, x, err := web.PathRecord(r, "meeting", func(id db.ID) (Meeting, error) { return m.Get(ctx, m.DB, p, id) })
		if err != nil {
			return err
		}
		v := detailView{M: x, CanWrite: MayRecord(p, x.path)}
		v.LateDays = int(x.CreatedAt.Sub(x.HeldAt).Hours() / 24)
		for _, ph := range x.Photos {
			if ph.ContentType == "application/pdf" {
				v.Docs = append(v.Docs, ph)
			} else {
				v.Images = append(v.Images, ph)
			}
		}
		v.History, err = audit.Changes(ctx, m.DB, "meeting", x.ID.String())
		if err != nil {
			return err
		}
		return s.Render(w, r, t.detail, v)
	}
}

// gapsView is the gaps page: each obligation of the year by unit or leader and period.
type gapsView struct {
	Year    int
	Years   []string
	Summary GapSummary
	Gaps    []Gap // the gaps, for the phone's list
	Tables  []gapTable
}

// gapTable is one rule's unit × period table.
type gapTable struct {
	Rule    string
	Kind    string
	Periods []gapPeriod
	Rows    []gapRow
}

// gapPeriod is a table's column: the period without its year, and in full.
type gapPeriod struct{ Short, Full string }

// gapRow is one unit's or leader's periods.
type gapRow struct {
	Name, Post string
	Cells      []Gap
}

// gapsPage shows the obligations of the frequency rules (/meetings/gaps?year=).
func (m *Module) gapsPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		var q SummaryParams
		if err := api.DecodeQuery(r, &q, false); err != nil {
			return err
		}
		year, err := m.yearOf(q.Year)
		if err != nil {
			return err
		}
		all, err := m.Obligations(ctx, p, year)
		if err != nil {
			return err
		}
		v := gapsView{Year: year, Years: m.years()}
		loc := i18n.FromContext(ctx)
		if v.Summary, err = m.Summary(ctx, p, q); err != nil {
			return err
		}
		v.Gaps = filterGaps(all, GapFilter{})
		index := map[string]int{} // rule name → table
		rows := map[string]int{}  // rule name / subject → row
		for _, g := range all {
			ti, ok := index[g.RuleName]
			if !ok {
				ti = len(v.Tables)
				index[g.RuleName] = ti
				v.Tables = append(v.Tables, gapTable{Rule: g.RuleName, Kind: g.MeetingKind})
			}
			tb := &v.Tables[ti]
			if !slices.ContainsFunc(tb.Periods, func(p gapPeriod) bool { return p.Full == g.PeriodText }) {
				tb.Periods = append(tb.Periods, gapPeriod{Short: PeriodShort(loc, g.Frequency, duty.Period{Key: g.Period, Start: g.Start, Due: g.Due}), Full: g.PeriodText})
			}
			key := g.RuleName + "/" + g.Subject()
			ri, ok := rows[key]
			if !ok {
				ri = len(tb.Rows)
				rows[key] = ri
				tb.Rows = append(tb.Rows, gapRow{Name: g.Subject(), Post: g.PostTitle})
			}
			tb.Rows[ri].Cells = append(tb.Rows[ri].Cells, g)
		}
		return s.Render(w, r, t.gaps, v)
	}
}

// rulesView is the rules page: one form per rule.
type rulesPageView struct {
	Rules    []Rule
	Defaults bool
	CanEdit  bool
	Forms    map[int]*web.Form // a refused rule's form, by position
	Freqs    []string
	Kinds    []string
}

// rulesPage shows the frequency rules; the safety office changes them.
func (m *Module) rulesPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		return m.renderRules(w, r, s, t, http.StatusOK, -1, nil)
	}
}

// renderRules renders the rules with the form of rule at (when refused).
func (m *Module) renderRules(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, status, at int, f *web.Form) error {
	ctx := r.Context()
	rules, err := m.Rules(ctx, m.DB)
	if err != nil {
		return err
	}
	v := rulesPageView{Rules: rules, Defaults: len(rules) > 0 && rules[0].ID == 0, CanEdit: auth.FromContext(ctx).Can(PermRules),
		Forms: map[int]*web.Form{}, Freqs: RuleFrequencies, Kinds: Kinds}
	for i, rl := range rules {
		if i == at && f != nil {
			v.Forms[i] = f
			continue
		}
		v.Forms[i] = web.NewForm(url.Values{"position": {strconv.Itoa(i)}, "name": {rl.Name}, "frequency": {rl.Frequency},
			"min_count": {strconv.Itoa(rl.MinCount)}, "late_days": {strconv.Itoa(rl.LateDays)}, "active": {strconv.FormatBool(rl.Active)}})
	}
	return s.RenderStatus(w, r, status, t.rules, v)
}

// ruleSubmit changes one rule (its position in the list) and saves the set.
func (m *Module) ruleSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		f, err := web.PostedForm(r)
		if err != nil {
			return err
		}
		rules, err := m.Rules(ctx, m.DB)
		if err != nil {
			return err
		}
		at, perr := strconv.Atoi(f.Get("position"))
		if perr != nil || at < 0 || at >= len(rules) {
			return apperr.NotFoundf("meeting_rule")
		}
		var one RuleInput
		err = f.Decode(&one)
		if err == nil { // the page's form sends every field: one missing is empty
			v := &apperr.Validation{}
			for name, missing := range map[string]bool{"name": one.Name == nil, "frequency": one.Frequency == nil, "min_count": one.MinCount == nil,
				"late_days": one.LateDays == nil} {
				if missing {
					v.Add(name, "validate.required", nil)
				}
			}
			err = v.Err()
		}
		if err == nil {
			in := make([]RuleInput, len(rules))
			for i, rl := range rules {
				in[i] = ruleInputOf(rl)
			}
			base := in[at]
			base.Name, base.Frequency, base.MinCount, base.LateDays, base.Active = one.Name, one.Frequency, one.MinCount, one.LateDays, one.Active
			in[at] = base
			_, err = m.SaveRules(ctx, p, RulesInput{Rules: &in})
			err = apperr.RenameFields(err, func(field string) string {
				if prefix := "rules." + strconv.Itoa(at) + "."; len(field) > len(prefix) && field[:len(prefix)] == prefix {
					return field[len(prefix):]
				}
				return field
			})
		}
		return f.Done(w, r, err, "meeting.flash_rules", "/meeting-rules", func() error {
			return m.renderRules(w, r, s, t, f.Status, at, f)
		})
	}
}

// ruleInputOf is a rule as saved, to save again.
func ruleInputOf(r Rule) RuleInput {
	in := RuleInput{Name: &r.Name, MeetingKind: &r.MeetingKind, Subject: &r.Subject, OrgCategory: &r.OrgCategory, OrgID: r.OrgID,
		Frequency: &r.Frequency, MinCount: &r.MinCount, LateDays: &r.LateDays, Active: &r.Active}
	if r.ID != 0 {
		in.ID = &r.ID
	}
	return in
}
