package tackling

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// formRows is how many measure (or action) rows a form offers.
const formRows = 5

// Rows numbers the measure rows of a form (0 … formRows-1).
var Rows = []int{0, 1, 2, 3, 4}

// problemNewView is the new problem's form.
type problemNewView struct {
	Form         *web.Form
	SourceKinds  []string
	Units        []Choice
	Leaders      []Choice
	Rows         []int
	FromMeeting  bool
	DeadlineHint string
}

func (m *Module) renderProblemNew(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, status int, f *web.Form) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	v := problemNewView{Form: f, SourceKinds: SourceKinds, Rows: Rows, FromMeeting: f.Get("source_kind") == "meeting" && f.Get("source_id") != ""}
	var err error
	if v.Units, err = m.unitChoices(ctx, p); err != nil {
		return err
	}
	if v.Leaders, err = m.leaderChoices(ctx, p); err != nil {
		return err
	}
	return s.RenderStatus(w, r, status, t.problemNew, v)
}

// problemNewPage is the form of a new problem; ?source_kind=meeting&source_id=…&title=…
// (a meeting's decision) and ?org_id= come filled in.
func (m *Module) problemNewPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		q := r.URL.Query()
		vals := url.Values{"year": {strconv.Itoa(m.Clock.Now().In(clock.China).Year())}}
		for _, k := range []string{"source_kind", "source_id", "source", "title", "org_id", "code", "description"} {
			if v := strings.TrimSpace(q.Get(k)); v != "" && len(v) <= 400 {
				vals.Set(k, v)
			}
		}
		if _, err := db.ParseID(vals.Get("source_id")); err != nil {
			vals.Del("source_id")
		}
		if vals.Get("org_id") == "" {
			vals.Set("org_id", auth.FromContext(r.Context()).OrgID.String())
		}
		return m.renderProblemNew(w, r, s, t, http.StatusOK, web.NewForm(vals))
	}
}

// measureRows reads the filled rows of a form's measures ("m0_text" …) and maps each
// measure's index to its row, for the errors.
func measureRows(f *web.Form, prefix string) ([]MeasureInput, []int) {
	var out []MeasureInput
	var rows []int
	for i := range formRows {
		get := func(k string) string { return strings.TrimSpace(f.Get(fmt.Sprintf("%s%d_%s", prefix, i, k))) }
		text, leader, dept, deadline := get("text"), get("leader_id"), get("department_id"), get("deadline")
		if text == "" && dept == "" && deadline == "" {
			continue
		}
		in := MeasureInput{Text: &text, Deadline: &deadline}
		if id, err := db.ParseID(leader); err == nil {
			in.LeaderID = &id
		}
		if id, err := db.ParseID(dept); err == nil {
			in.DepartmentID = &id
		}
		out = append(out, in)
		rows = append(rows, i)
	}
	return out, rows
}

var rowField = regexp.MustCompile(`^(measures|actions)\[(\d+)\]\.(.+)$`)

// rowFields renames "measures[1].text" to the form's "m<row>_text".
func rowFields(err error, prefix string, rows []int) error {
	return apperr.RenameFields(err, func(f string) string {
		mm := rowField.FindStringSubmatch(f)
		if mm == nil {
			return f
		}
		i, _ := strconv.Atoi(mm[2])
		if i < len(rows) {
			return fmt.Sprintf("%s%d_%s", prefix, rows[i], mm[3])
		}
		return f
	})
}

// problemSubmit lists the problem of the form with its measures.
func (m *Module) problemSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		f, err := web.PostedForm(r)
		if err != nil {
			return err
		}
		var in ProblemInput
		var id db.ID
		if err = f.Decode(&in); err == nil {
			var rows []int
			in.Measures, rows = measureRows(f, "m")
			id, err = m.NewProblem(ctx, auth.FromContext(ctx), in)
			err = rowFields(err, "m", rows)
		}
		return f.Done(w, r, err, "flash.tackling_problem", "/problems/"+id.String(), func() error {
			return m.renderProblemNew(w, r, s, t, f.Status, f)
		})
	}
}

// reflectionsView is the list of 五个反思.
type reflectionsView struct {
	web.ListPage
	Items    []Reflection
	CanWrite bool
}

func (m *Module) reflectionsPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		var f ReflectionFilter
		lp, l, err := web.ParseListPage(r, reflectionSorting, &f)
		if err != nil {
			return err
		}
		v := reflectionsView{ListPage: l, CanWrite: p.Can(PermWrite)}
		total, err := m.ListReflections(ctx, p, f, lp, web.Collect(&v.Items))
		if err != nil {
			return err
		}
		v.Finish(total)
		return s.Render(w, r, t.reflections, v)
	}
}

// reflectionView is one 五个反思's page.
type reflectionView struct {
	R         Reflection
	Changes   []audit.Change
	CanSubmit bool
}

func (m *Module) reflectionPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		_, rf, err := web.PathRecord(r, "reflection", func(id db.ID) (Reflection, error) { return m.GetReflection(ctx, m.DB, p, id) })
		if err != nil {
			return err
		}
		changes, err := m.changes(ctx, "reflection", rf.ID)
		if err != nil {
			return err
		}
		return s.Render(w, r, t.reflection, reflectionView{R: rf, Changes: changes, CanSubmit: rf.Status == "draft" && p.Can(PermWrite)})
	}
}

// reflectionSubmitDraft submits a draft from its page.
func (m *Module) reflectionSubmitDraft(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	id, rf, f, err := web.RecordForm(r, "reflection", func(id db.ID) (Reflection, error) { return m.GetReflection(ctx, m.DB, p, id) })
	if err != nil {
		return err
	}
	if rf.Status == "submitted" { // submitted already (twice clicked, another tab): nothing more to do
		web.SetFlash(w, "flash.tackling_reflection_already")
		http.Redirect(w, r, "/reflections/"+id.String(), http.StatusSeeOther)
		return nil
	}
	_, err = m.SubmitReflection(ctx, p, id, SubmitInput{})
	return f.Done(w, r, err, "flash.tackling_reflection_submitted", "/reflections/"+id.String(), func() error {
		return err // a draft that cannot be submitted (its actions refused) is an error page with the reasons
	})
}

// reflectionNewView is the form of a 五个反思: the body's five aspects on one page.
type reflectionNewView struct {
	Form    *web.Form
	Body    string
	Aspects []string
	Units   []Choice
	Leaders []Choice
	Rows    []int
	Years   []string
}

func (m *Module) renderReflectionNew(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, status int, f *web.Form) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	body := f.Get("body")
	if _, ok := Aspects[body]; !ok {
		body = "government"
		f.Values.Set("body", body)
	}
	v := reflectionNewView{Form: f, Body: body, Aspects: Aspects[body], Rows: Rows, Years: m.years()}
	var err error
	if v.Units, err = m.unitChoices(ctx, p); err != nil {
		return err
	}
	if v.Leaders, err = m.leaderChoices(ctx, p); err != nil {
		return err
	}
	return s.RenderStatus(w, r, status, t.reflectionNew, v)
}

// reflectionNewPage is the form of a new 五个反思 (?body=party_committee or government).
func (m *Module) reflectionNewPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := auth.FromContext(r.Context())
		vals := url.Values{"year": {strconv.Itoa(m.Clock.Now().In(clock.China).Year())}, "body": {r.URL.Query().Get("body")},
			"org_id": {p.OrgID.String()}}
		return m.renderReflectionNew(w, r, s, t, http.StatusOK, web.NewForm(vals))
	}
}

// reflectionSubmit writes the form's 五个反思: a draft, or submitted (its actions become
// the measures of a problem).
func (m *Module) reflectionSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		f, err := web.PostedForm(r)
		if err != nil {
			return err
		}
		var in ReflectionInput
		var id db.ID
		var rows []int
		if err = f.Decode(&in); err == nil {
			body := db.Text(in.Body)
			for _, a := range Aspects[body] {
				score, serr := strconv.Atoi(strings.TrimSpace(f.Get("score_" + a)))
				if serr != nil {
					score = -1
				}
				in.Answers = append(in.Answers, Answer{Aspect: a, Score: score, Findings: f.Get("findings_" + a)})
			}
			in.Actions, rows = measureRows(f, "a")
			id, err = m.CreateReflection(ctx, auth.FromContext(ctx), in)
			aspects := Aspects[body]
			err = apperr.RenameFields(rowFields(err, "a", rows), func(fl string) string {
				var i int
				var rest string
				if n, _ := fmt.Sscanf(fl, "answers[%d].%s", &i, &rest); n == 2 && i < len(aspects) {
					return rest + "_" + aspects[i]
				}
				return fl
			})
		}
		flash := "flash.tackling_reflection_saved"
		if in.Submit {
			flash = "flash.tackling_reflection_submitted"
		}
		return f.Done(w, r, err, flash, "/reflections/"+id.String(), func() error {
			return m.renderReflectionNew(w, r, s, t, f.Status, f)
		})
	}
}
