package letter

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// The letters' pages: the list by year (/letters) with the safety office's "generate
// this year's letters", a new draft (/letters/new), a letter (/letters/{id}) with its
// targets, duty items and history, edited in place while a draft and signed there, and
// the printable A4 letter (/letters/{id}/print).

// pageTemplates are the parsed templates of the letter pages.
type pageTemplates struct {
	list, detail, create, print *template.Template
}

// blankRows are the empty rows the edit form offers after a letter's targets and items.
const blankRows = 3

// Pages registers the letter pages and their navigation entry.
func (m *Module) Pages(s *web.Site) {
	s.AddStylesheet("letter", files, "static/letter.css")
	t := pageTemplates{
		list:   s.MustParse(files, "templates/letters.html", "templates/parts.html"),
		detail: s.MustParse(files, "templates/letter.html", "templates/parts.html"),
		create: s.MustParse(files, "templates/letter_new.html"),
		print:  s.MustParse(files, "templates/letter_print.html"),
	}
	s.AddNav(web.NavItem{Key: "letter.nav", Path: "/letters", Icon: "edit", Order: 17, Visible: reads})
	s.Handle(web.Page{Path: "/letters", Handler: m.listPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/letters/generate", Perm: &PermWrite, Handler: m.generateSubmit(s, t)})
	s.Handle(web.Page{Path: "/letters/new", Perm: &PermWrite, Handler: m.newPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/letters/new", Perm: &PermWrite, Handler: m.createSubmit(s, t)})
	s.Handle(web.Page{Path: "/letters/{id}", Object: "letter", Handler: m.detailPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/letters/{id}", Perm: &PermWrite, Object: "letter", Handler: m.editSubmit(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/letters/{id}/sign", Perm: &PermWrite, Object: "letter", Handler: m.signSubmit(s, t)})
	s.Handle(web.Page{Path: "/letters/{id}/print", Object: "letter", Handler: m.printPage(s, t)})
}

// reads is who sees the letters in the navigation: the district's and the towns'
// accounts (not villages, patrollers or enterprises, whose scope holds no letter).
func reads(p *auth.Principal) bool {
	return !p.Scope.OwnOnly && len(auth.PathIDs(p.Scope.Path)) <= 2
}

// choice is a unit or a year in a select.
type choice struct {
	ID   string
	Name string
}

// listView is the letters list page.
type listView struct {
	web.ListPage
	Items    []Letter
	Years    []choice
	Filtered bool
	CanWrite bool
	Gen      *web.Form // the generate form

	Year, Status, Kind, QText string
}

// listPage lists the letters in scope (/letters), the newest year first.
func (m *Module) listPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		gen := web.NewForm(url.Values{"year": {strconv.Itoa(m.Clock.Now().In(clock.China).Year())}})
		return m.renderList(w, r, s, t, http.StatusOK, gen)
	}
}

// renderList renders the list with the generate form gen.
func (m *Module) renderList(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, status int, gen *web.Form) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	var f LetterFilter
	lp, l, err := web.ParseListPage(r, letterSorting, &f)
	if err != nil {
		return err
	}
	v := listView{ListPage: l, Filtered: l.Filtered(), CanWrite: p.Can(PermWrite), Gen: gen, Status: f.Status, Kind: f.Kind, QText: f.Q}
	if f.Year != nil {
		v.Year = strconv.Itoa(*f.Year)
	}
	if v.Years, err = m.years(ctx, p); err != nil {
		return err
	}
	total, err := m.List(ctx, p, f, lp, web.Collect(&v.Items))
	if err != nil {
		return err
	}
	v.Finish(total)
	return s.RenderStatus(w, r, status, t.list, v)
}

// years are the years of the letters in scope, newest first, and this year.
func (m *Module) years(ctx context.Context, p *auth.Principal) ([]choice, error) {
	var w db.Where
	scopeWhere(&w, p.Scope)
	ys, err := db.All(ctx, m.DB, `SELECT DISTINCT l.year FROM letters l`+w.SQL()+` ORDER BY l.year DESC`, w.Args(), func(s db.Scanner) (int, error) {
		var y int
		err := s.Scan(&y)
		return y, err
	})
	this := m.Clock.Now().In(clock.China).Year()
	out := []choice{}
	seen := false
	for _, y := range ys {
		if y < this && !seen {
			out = append(out, choice{strconv.Itoa(this), strconv.Itoa(this)})
		}
		seen = seen || y <= this
		out = append(out, choice{strconv.Itoa(y), strconv.Itoa(y)})
	}
	if !seen {
		out = append(out, choice{strconv.Itoa(this), strconv.Itoa(this)})
	}
	return out, err
}

// generateSubmit drafts the year's letters of every unit without one and lists them.
func (m *Module) generateSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		f, err := web.PostedForm(r)
		if err != nil {
			return err
		}
		var in GenerateInput
		var g Generated
		if err = f.Decode(&in); err == nil {
			g, err = m.Generate(r.Context(), auth.FromContext(r.Context()), in)
		}
		flash := "flash.letter_generated"
		if err == nil && g.Created == 0 {
			flash = "flash.letter_generated_none"
		}
		return f.Done(w, r, err, flash, "/letters?year="+strconv.Itoa(in.Year), func() error {
			return m.renderList(w, r, s, t, f.Status, f)
		})
	}
}

// newView is the form of a new draft.
type newView struct {
	Units []choice
	Form  *web.Form
}

// newPage shows the form of a new draft: the year, the unit, the title and signatories.
func (m *Module) newPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		f := web.NewForm(url.Values{"year": {strconv.Itoa(m.Clock.Now().In(clock.China).Year())}})
		if id := r.URL.Query().Get("org_id"); id != "" {
			f.Values.Set("org_id", id)
		}
		return m.renderNew(w, r, s, t, http.StatusOK, f)
	}
}

// renderNew renders the new draft's form f.
func (m *Module) renderNew(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, status int, f *web.Form) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	v := newView{Form: f}
	var w2 db.Where
	w2.Add("o.kind = 'unit'")
	w2.Add("o.category IN ('town_government', 'department')")
	w2.AddCond(p.Scope.PathCond("o.path"))
	err := web.EachNamed(ctx, m.DB, func(id db.ID, name string) { v.Units = append(v.Units, choice{id.String(), name}) },
		`SELECT o.id, o.name FROM orgs o`+w2.SQL()+` ORDER BY o.category DESC, o.sort_order, o.id`, w2.Args()...)
	if err != nil {
		return err
	}
	return s.RenderStatus(w, r, status, t.create, v)
}

// createSubmit drafts a letter with the standard content of its unit's kind, then
// shows it to be edited.
func (m *Module) createSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		f, err := web.PostedForm(r)
		if err != nil {
			return err
		}
		var in LetterInput
		var id db.ID
		if err = f.Decode(&in); err == nil {
			blankIsDefault(&in)
			id, err = m.Create(r.Context(), auth.FromContext(r.Context()), in)
		}
		return f.Done(w, r, err, "flash.letter_created", "/letters/"+id.String(), func() error {
			return m.renderNew(w, r, s, t, f.Status, f)
		})
	}
}

// blankIsDefault makes the blank title and signatories of a page form absent, so they
// take their defaults.
func blankIsDefault(in *LetterInput) {
	for _, p := range []**string{&in.Title, &in.DistrictSignatory, &in.UnitSignatory} {
		if *p != nil && strings.TrimSpace(**p) == "" {
			*p = nil
		}
	}
}

// detailView is a letter's page.
type detailView struct {
	L       Letter
	CanEdit bool
	Edit    *web.Form // the draft's edit form
	Sign    *web.Form // the sign form
	Targets []int     // the edit form's target rows
	Items   []int     // its item rows
	Kinds   []string
}

// detailPage shows a letter; a draft offers its edit and sign forms to the safety office.
func (m *Module) detailPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		_, l, err := web.PathRecord(r, "letter", func(id db.ID) (Letter, error) { return m.Get(r.Context(), m.DB, auth.FromContext(r.Context()), id) })
		if err != nil {
			return err
		}
		return m.renderDetail(w, r, s, t, http.StatusOK, l, nil, nil)
	}
}

// renderDetail renders a letter with its edit form (nil: as stored) and sign form (nil:
// today).
func (m *Module) renderDetail(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, status int, l Letter, edit, sign *web.Form) error {
	p := auth.FromContext(r.Context())
	v := detailView{L: l, CanEdit: l.Status == Draft && p.Can(PermWrite), Edit: edit, Sign: sign, Kinds: TargetKinds}
	if v.Edit == nil {
		v.Edit = editForm(l)
	}
	if v.Sign == nil {
		v.Sign = web.NewForm(url.Values{"signed_at": {m.Clock.Now().In(clock.China).Format("2006-01-02")}})
	}
	v.Targets, v.Items = rows(rowCount(v.Edit.Values, "targets", len(l.Targets))), rows(rowCount(v.Edit.Values, "items", len(l.Items)))
	return s.RenderStatus(w, r, status, t.detail, v)
}

// editForm is the edit form filled with a letter as stored.
func editForm(l Letter) *web.Form {
	vals := url.Values{"title": {l.Title}, "district_signatory": {l.DistrictSignatory}, "unit_signatory": {l.UnitSignatory}}
	for i, tg := range l.Targets {
		vals.Set(fmt.Sprintf("targets[%d].indicator", i), tg.Indicator)
		vals.Set(fmt.Sprintf("targets[%d].kind", i), tg.Kind)
		if tg.Value != nil && tg.Kind != "zero" {
			vals.Set(fmt.Sprintf("targets[%d].value", i), FormatValue(*tg.Value))
		}
		vals.Set(fmt.Sprintf("targets[%d].unit", i), tg.Unit)
		vals.Set(fmt.Sprintf("targets[%d].limit_text", i), tg.LimitText)
	}
	for i, it := range l.Items {
		vals.Set(fmt.Sprintf("items[%d]", i), it)
	}
	return web.NewForm(vals)
}

// rows are the indexes 0 … n-1.
func rows(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// rowIndexRE reads the row of a target's or an item's field name.
var rowIndexRE = regexp.MustCompile(`^(targets|items)\[(\d+)\]`)

// rowCount is how many rows of list the form shows: those it holds (at least n) and
// blankRows more, within the list's limit.
func rowCount(vals url.Values, list string, n int) int {
	for k := range vals {
		if mm := rowIndexRE.FindStringSubmatch(k); mm != nil && mm[1] == list {
			if i, _ := strconv.Atoi(mm[2]); i+1 > n && i < 100 {
				n = i + 1
			}
		}
	}
	limit := maxTargets
	if list == "items" {
		limit = maxItems
	}
	return min(max(n, 0)+blankRows, max(limit, n))
}

// readRows reads the edit form's target and item rows, leaving out the blank ones; the
// maps give each kept row's place in the form, so the service's messages about
// targets[i] reach the row the person filled in. A value that is not a number is
// refused here, by its row.
func readRows(vals url.Values) (targets []TargetInput, items []string, tRows, iRows []int, bad *apperr.Validation) {
	bad = &apperr.Validation{}
	targets, items = []TargetInput{}, []string{}
	nt, ni := rowCount(vals, "targets", 0), rowCount(vals, "items", 0)
	for i := range nt {
		get := func(f string) string { return strings.TrimSpace(vals.Get(fmt.Sprintf("targets[%d].%s", i, f))) }
		ind, val, unit, limit := get("indicator"), get("value"), get("unit"), get("limit_text")
		if ind == "" && val == "" && unit == "" && limit == "" {
			continue
		}
		tg := TargetInput{Indicator: ind, Kind: get("kind"), Unit: unit, LimitText: limit}
		if val != "" {
			x, err := strconv.ParseFloat(strings.ReplaceAll(val, ",", ""), 64)
			if err != nil {
				bad.Add(fmt.Sprintf("targets[%d].value", i), "letter.value_number", nil)
			} else {
				tg.Value = &x
			}
		}
		targets, tRows = append(targets, tg), append(tRows, i)
	}
	for i := range ni {
		if s := strings.TrimSpace(vals.Get(fmt.Sprintf("items[%d]", i))); s != "" {
			items, iRows = append(items, s), append(iRows, i)
		}
	}
	return targets, items, tRows, iRows, bad
}

// editSubmit saves a draft from its page: title, signatories, and the rows of targets
// and items (blank rows left out).
func (m *Module) editSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		id, l, f, err := web.RecordForm(r, "letter", func(id db.ID) (Letter, error) { return m.Get(ctx, m.DB, p, id) })
		if err != nil {
			return err
		}
		var in LetterInput
		targets, items, tRows, iRows, bad := readRows(f.Values)
		if err = f.Decode(&in); err == nil {
			err = bad.Err()
		}
		if err == nil {
			in.Targets, in.Items = &targets, &items
			err = m.Update(ctx, p, id, in)
		}
		if err == nil {
			web.SetFlash(w, "flash.letter_saved")
			http.Redirect(w, r, "/letters/"+id.String(), http.StatusSeeOther)
			return nil
		}
		if !f.Refuse(r, err) {
			return err
		}
		if bad.Err() == nil { // the service's messages name kept rows: put them on the form's
			fields := map[string]string{}
			for k, msg := range f.Fields {
				fields[formRow(k, tRows, iRows)] = msg
			}
			f.Fields = fields
		}
		return m.renderDetail(w, r, s, t, f.Status, l, f, nil)
	}
}

// formRow maps a field of the kept rows (targets[1].value) to the form's row.
func formRow(field string, tRows, iRows []int) string {
	mm := rowIndexRE.FindStringSubmatch(field)
	if mm == nil {
		return field
	}
	i, _ := strconv.Atoi(mm[2])
	rows := tRows
	if mm[1] == "items" {
		rows = iRows
	}
	if i >= len(rows) {
		return field
	}
	return fmt.Sprintf("%s[%d]", mm[1], rows[i]) + field[len(mm[0]):]
}

// signSubmit marks a draft signed on the day given.
func (m *Module) signSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		id, l, f, err := web.RecordForm(r, "letter", func(id db.ID) (Letter, error) { return m.Get(ctx, m.DB, p, id) })
		if err != nil {
			return err
		}
		var in SignInput
		if err = f.Decode(&in); err == nil {
			_, err = m.Sign(ctx, p, id, in)
		}
		return f.Done(w, r, err, "flash.letter_signed", "/letters/"+id.String(), func() error {
			return m.renderDetail(w, r, s, t, f.Status, l, nil, f)
		})
	}
}

// printView is the printable letter.
type printView struct {
	L        Letter
	District string // the district's name: 甲方 is its people's government
	Title    string
	Targets  []printTarget
	Items    []string
}

// printTarget is a target as printed.
type printTarget struct {
	Indicator, Limit string
}

// printPage renders a letter as an A4 document to print, sign and seal.
func (m *Module) printPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		_, l, err := web.PathRecord(r, "letter", func(id db.ID) (Letter, error) { return m.Get(ctx, m.DB, auth.FromContext(ctx), id) })
		if err != nil {
			return err
		}
		loc := i18n.FromContext(ctx)
		v := printView{L: l, Title: l.Title}
		if s.District != nil {
			v.District = s.District(ctx)
		}
		en := loc.Lang == i18n.En
		if en && l.Title == DefaultTitle(l.Year) {
			v.Title = loc.T("letter.default_title", "year", l.Year)
		}
		for _, tg := range l.Targets {
			pt := printTarget{Indicator: tg.Indicator, Limit: tg.LimitText}
			if en {
				pt.Indicator = englishOf(loc, tg.Indicator)
			}
			v.Targets = append(v.Targets, pt)
		}
		for _, it := range l.Items {
			if en {
				it = englishOf(loc, it)
			}
			v.Items = append(v.Items, it)
		}
		return s.Render(w, r, t.print, v)
	}
}
