package enterprise

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// rulesView is the color-rules page (分色规则): the rules in force in words, the
// inspection frequency per color, the version history and, for the safety office, an
// editor whose "preview" shows what a candidate set would recolor without saving it and
// whose "save" stores it as a new version and recolors every enterprise.
type rulesView struct {
	Current  RuleSet
	Rows     []ruleRow
	Versions []versionRow
	CanEdit  bool
	Form     *rulesForm
	Preview  *previewView
	Facts    []string
	Grades   []string
}

// ruleRow is a rule with its meaning in words.
type ruleRow struct {
	Rule
	Text string
}

// versionRow is one saved version with who saved it.
type versionRow struct {
	RuleSet
	By      string
	Rows    []ruleRow
	Enabled int
}

// rulesForm is the editor: one row per rule (as typed), the months per color, the note.
type rulesForm struct {
	Rows   []editRow
	Months map[string]string
	Note   string
	// The editor's form state: a refusal's message and field errors, a row's under the
	// name of its fact control (r<Index>.fact), so the summary links to the row.
	*web.Form
}

// editRow is one rule of the editor; Index names its fields (r<Index>.fact …).
type editRow struct {
	Index                        int
	ID, Fact, Min, Months, Color string
	Grades                       []string
	Enabled                      bool
	Errors                       []string
}

// previewView is a preview with its moves in a stable order.
type previewView struct {
	PreviewResult
	Moves []move
}

type move struct {
	From, To string
	N        int
}

// rulesPage shows the color rules to the safety office (with the editor) and leaders.
func (m *Module) rulesPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := auth.FromContext(r.Context())
		if !canSeeRules(p) {
			return apperr.Forbid()
		}
		return m.renderRules(w, r, s, t, http.StatusOK, nil, nil)
	}
}

// renderRules renders the page; form is the editor as typed (nil: the rules in force)
// and preview the result of a preview.
func (m *Module) renderRules(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, status int, form *rulesForm, preview *previewView) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	loc := i18n.FromContext(ctx)
	cur, err := m.CurrentRules(ctx, m.DB)
	if err != nil {
		return err
	}
	v := rulesView{Current: cur, CanEdit: p.Can(PermRules), Preview: preview, Facts: Facts, Grades: StandardGrades}
	v.Rows = ruleRows(loc, cur.Rules)
	versions, err := m.RuleVersions(ctx)
	if err != nil {
		return err
	}
	names, err := m.userNames(ctx, versions)
	if err != nil {
		return err
	}
	for _, rs := range versions {
		vr := versionRow{RuleSet: rs, Rows: ruleRows(loc, rs.Rules)}
		if rs.CreatedBy != nil {
			vr.By = names[*rs.CreatedBy]
		}
		for _, r := range rs.Rules {
			if r.Enabled {
				vr.Enabled++
			}
		}
		v.Versions = append(v.Versions, vr)
	}
	if v.CanEdit {
		if form == nil {
			form = formOf(cur)
		}
		v.Form = form
	}
	return s.RenderStatus(w, r, status, t.rules, v)
}

// ruleRows says each rule in words.
func ruleRows(loc i18n.Localizer, rules []Rule) []ruleRow {
	out := make([]ruleRow, len(rules))
	for i, r := range rules {
		out[i] = ruleRow{Rule: r, Text: ruleText(loc, r)}
	}
	return out
}

// userNames reads the display names of the users who saved versions, in one query.
func (m *Module) userNames(ctx context.Context, versions []RuleSet) (map[db.ID]string, error) {
	var args []any
	for _, v := range versions {
		if v.CreatedBy != nil {
			args = append(args, *v.CreatedBy)
		}
	}
	out := map[db.ID]string{}
	if len(args) == 0 {
		return out, nil
	}
	err := web.EachNamed(ctx, m.DB, func(id db.ID, name string) { out[id] = name },
		`SELECT id, display_name FROM users WHERE id IN (`+db.Placeholders(len(args))+`)`, args...)
	return out, err
}

// formOf fills the editor with a rule set and one empty row for a new rule.
func formOf(rs RuleSet) *rulesForm {
	f := &rulesForm{Months: map[string]string{}, Form: web.NewForm(nil)}
	for i, r := range rs.Rules {
		row := editRow{Index: i, ID: r.ID, Fact: r.Fact, Color: r.Color, Grades: r.Grades, Enabled: r.Enabled}
		if r.Fact != FactStandardGrade {
			row.Min = strconv.Itoa(r.Min)
		}
		if windowed(r.Fact) {
			row.Months = strconv.Itoa(r.Months)
		}
		f.Rows = append(f.Rows, row)
	}
	f.Rows = append(f.Rows, editRow{Index: len(rs.Rules), Color: Yellow, Enabled: true})
	for _, c := range []string{Red, Yellow, Green} {
		f.Months[c] = strconv.Itoa(rs.InspectionMonths[c])
	}
	return f
}

// readRulesForm reads the editor into a rule set; ruleRow maps each rule of the set to
// its row of the form, so the service's errors land on the right row.
func readRulesForm(form *web.Form, loc i18n.Localizer) (*rulesForm, RuleSet, []int) {
	vals := form.Values
	f := &rulesForm{Months: map[string]string{}, Form: form, Note: strings.TrimSpace(vals.Get("note"))}
	n, _ := strconv.Atoi(vals.Get("rows"))
	n = min(max(n, 0), 100)
	rs := RuleSet{InspectionMonths: map[string]int{}, Note: f.Note}
	var index []int
	for i := range n {
		key := func(k string) string { return fmt.Sprintf("r%d.%s", i, k) }
		row := editRow{Index: len(f.Rows), ID: strings.TrimSpace(vals.Get(key("id"))), Fact: vals.Get(key("fact")),
			Min: strings.TrimSpace(vals.Get(key("min"))), Months: strings.TrimSpace(vals.Get(key("months"))),
			Color: vals.Get(key("color")), Grades: vals[key("grades")], Enabled: vals.Get(key("enabled")) != ""}
		if vals.Get(key("remove")) != "" || (row.ID == "" && row.Fact == "") {
			continue // removed, or the empty row left empty
		}
		rule := Rule{ID: row.ID, Fact: row.Fact, Color: row.Color, Enabled: row.Enabled}
		if row.Fact == FactStandardGrade {
			rule.Grades = row.Grades
		} else if row.Min != "" {
			n, err := strconv.Atoi(row.Min)
			if err != nil {
				row.Errors = append(row.Errors, loc.T("ent.rules.min")+": "+loc.T("validate.int"))
			}
			rule.Min = n
		}
		if windowed(row.Fact) && row.Months != "" {
			n, err := strconv.Atoi(row.Months)
			if err != nil {
				row.Errors = append(row.Errors, loc.T("ent.rules.months")+": "+loc.T("validate.int"))
			}
			rule.Months = n
		}
		index = append(index, len(f.Rows))
		f.Rows = append(f.Rows, row)
		rs.Rules = append(rs.Rules, rule)
	}
	for _, c := range []string{Red, Yellow, Green} {
		f.Months[c] = strings.TrimSpace(vals.Get("months_" + c))
		rs.InspectionMonths[c], _ = strconv.Atoi(f.Months[c])
	}
	return f, rs, index
}

var ruleFieldRE = regexp.MustCompile(`^rules\[(\d+)\]\.(\w+)$`)

// placeErrors puts the service's field errors on the rows and fields of the editor.
func placeErrors(r *http.Request, f *rulesForm, index []int, err error) (int, bool) {
	e := apperr.As(err)
	if e.Code != apperr.Invalid {
		return 0, false
	}
	loc := i18n.FromContext(r.Context())
	f.Fields = map[string]string{}
	for _, fe := range e.Fields {
		msg := loc.TArgs(fe.Key, fe.Args)
		if m := ruleFieldRE.FindStringSubmatch(fe.Field); m != nil {
			i, _ := strconv.Atoi(m[1])
			if i < len(index) {
				row := &f.Rows[index[i]]
				row.Errors = append(row.Errors, loc.T("ent.rules."+m[2])+": "+msg)
				continue
			}
		}
		f.Fields[fe.Field] = msg
	}
	f.rowErrors(loc.T("error.invalid_fields", "n", len(e.Fields)))
	return http.StatusUnprocessableEntity, true
}

// rowErrors lists each row's errors under its fact control and sets the summary's
// message; it reports whether any row has errors.
func (f *rulesForm) rowErrors(message string) bool {
	found := false
	for _, row := range f.Rows {
		if len(row.Errors) > 0 {
			f.Fields[fmt.Sprintf("r%d.fact", row.Index)] = strings.Join(row.Errors, "; ")
			found = true
		}
	}
	if found || len(f.Fields) > 0 {
		f.Message, f.Status = message, http.StatusUnprocessableEntity
	}
	return found
}

// rulesSubmit handles the editor's three buttons: add a row, preview, save.
func (m *Module) rulesSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		form, err := web.PostedForm(r)
		if err != nil {
			return err
		}
		loc := i18n.FromContext(ctx)
		f, rs, index := readRulesForm(form, loc)
		// again shows the editor with one more row (and a preview), answering status.
		again := func(status int, pv *previewView) error {
			f.Rows = append(f.Rows, editRow{Index: len(f.Rows), Color: Yellow, Enabled: true})
			return m.renderRules(w, r, s, t, status, f, pv)
		}
		// refused shows the editor with the service's errors on its rows and fields.
		refused := func(err error) error {
			status, ok := placeErrors(r, f, index, err)
			if !ok {
				return err
			}
			return again(status, nil)
		}
		do := form.Get("do")
		if f.rowErrors(loc.T("ent.rules.fix_rows")) && slices.Contains([]string{"add", "preview", "save"}, do) {
			return again(http.StatusUnprocessableEntity, nil)
		}
		switch do {
		case "add": // the editor again with one more row, and what is wrong so far
			if err := rs.Validate(); err != nil {
				return refused(err)
			}
			return again(http.StatusOK, nil)
		case "preview":
			res, err := m.Preview(ctx, p, rs)
			if err != nil {
				return refused(err)
			}
			return again(http.StatusOK, previewOf(res))
		case "save":
			saved, err := m.SaveRules(ctx, p, rs)
			if err != nil {
				return refused(err)
			}
			web.SetFlash(w, "flash.ent_rules_saved")
			http.Redirect(w, r, "/color-rules#v"+strconv.Itoa(saved.Version), http.StatusSeeOther)
			return nil
		}
		return apperr.New(apperr.BadRequest, "error.bad_request", nil)
	}
}

// previewOf orders a preview's moves: towards red first.
func previewOf(res PreviewResult) *previewView {
	v := &previewView{PreviewResult: res}
	for k, n := range res.Moves {
		from, to, _ := strings.Cut(k, "→")
		v.Moves = append(v.Moves, move{From: from, To: to, N: n})
	}
	slices.SortFunc(v.Moves, func(a, b move) int {
		if d := rank(b.To) - rank(a.To); d != 0 {
			return d
		}
		return rank(b.From) - rank(a.From)
	})
	return v
}
