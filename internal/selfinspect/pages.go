package selfinspect

import (
	"html/template"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/safeduty/safeduty/internal/enterprise"
	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// The enterprise portal's self-inspection (自查自报), made for the safety manager's
// phone: pick a checklist, answer every item (pass, fail or not applicable, with a note
// and photos for a failure), submit; each failed item becomes a hazard in the same
// transaction, and the result page lists them.

// pageTemplates are the parsed templates of the self-inspection pages.
type pageTemplates struct {
	selfInspect, inspection *template.Template
}

// Pages registers the self-inspection pages and adds self-inspection to the
// enterprise's pages (its file's section, its account's home panel). It uses the
// registry's page parts, so the wiring calls it after the enterprise's Pages.
func (m *Module) Pages(s *web.Site) {
	s.AddStylesheet("selfinspect", files, "static/selfinspect.css")
	t := pageTemplates{
		selfInspect: s.MustParse(files, "templates/self_inspection.html"),
		inspection:  s.MustParse(files, "templates/inspection.html"),
	}
	s.Handle(web.Page{Path: "/enterprises/{id}/self-inspection", Object: "enterprise", Perm: &PermSelfInspect, Handler: m.selfInspectPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/enterprises/{id}/self-inspection", Object: "enterprise", Perm: &PermSelfInspect, Handler: m.selfInspectSubmit(s, t)})
	s.Handle(web.Page{Path: "/self-inspections/{id}", Object: "self_inspection", Handler: m.inspectionPage(s, t)})

	parts := s.MustParse(files, "templates/parts.html")
	m.Registry.AddPart(enterprise.Part{Slot: enterprise.SlotFile, Order: 50, Template: parts, Name: "self-file-section", Data: m.fileSection})
	m.Registry.AddPart(enterprise.Part{Slot: enterprise.SlotPortalAction, Order: 10, Template: parts, Name: "self-portal-action", Data: m.portalAction})
}

// fileSectionData is the self-inspections' section of an enterprise's file.
type fileSectionData struct {
	E           enterprise.Enterprise
	Self        bool
	Inspections []SelfInspection // the latest ones
	InspTotal   int
}

// fileSection lists an enterprise's latest self-inspections for its file.
func (m *Module) fileSection(r *http.Request, pv enterprise.PartView) (any, error) {
	d := fileSectionData{E: pv.E, Self: pv.Self}
	var err error
	d.InspTotal, err = m.ListSelfInspections(r.Context(), auth.FromContext(r.Context()), pv.E.ID, SelfInspectionFilter{},
		api.ListParams{Page: 1, PerPage: 5, Sort: "-done_at"}, func(si SelfInspection) error { d.Inspections = append(d.Inspections, si); return nil })
	return d, err
}

// portalActionData is the way to the next self-inspection on an enterprise account's
// home panel.
type portalActionData struct {
	E        enterprise.Enterprise
	CanSelf  bool
	LastSelf *SelfInspection
}

// portalAction finds the enterprise's last self-inspection for its account's home panel.
func (m *Module) portalAction(r *http.Request, pv enterprise.PartView) (any, error) {
	p := auth.FromContext(r.Context())
	d := portalActionData{E: pv.E, CanSelf: p.Can(PermSelfInspect) && pv.E.Status != "closed"}
	_, err := m.ListSelfInspections(r.Context(), p, pv.E.ID, SelfInspectionFilter{}, api.ListParams{Page: 1, PerPage: 1, Sort: "-done_at"},
		func(si SelfInspection) error { d.LastSelf = &si; return nil })
	return d, err
}

// selfInspectView is the self-inspection page's data.
type selfInspectView struct {
	E          enterprise.Enterprise
	Checklists []Checklist // to pick from: the general one and the industry's
	Checklist  *Checklist  // the one being answered
	Answers    map[string]answer
	ItemErrors map[string]string // by item id
	Form       *web.Form         // as typed; a refusal's message and errors (an item's under its result, res_<id>)
	Past       []SelfInspection
	PastTotal  int
}

// answer is one item as typed.
type answer struct {
	Result, Note string
	Photos       []db.ID // photos a refused submission had already stored
}

// ownEnterprise returns the caller's own enterprise named by the path: an enterprise's
// account inspects only itself (another id answers 404).
func (m *Module) ownEnterprise(r *http.Request) (enterprise.Enterprise, error) {
	id, err := api.PathID(r, "id", "enterprise")
	if err != nil {
		return enterprise.Enterprise{}, err
	}
	p := auth.FromContext(r.Context())
	e, err := m.Registry.Get(r.Context(), m.DB, p, id, false)
	if err != nil {
		return e, err
	}
	if p.Scope.EnterpriseID == nil || *p.Scope.EnterpriseID != id {
		return e, apperr.Forbid()
	}
	return e, nil
}

// selfInspectPage shows the checklists to pick from, or the picked one to answer.
func (m *Module) selfInspectPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		e, err := m.ownEnterprise(r)
		if err != nil {
			return err
		}
		v := selfInspectView{E: e, Answers: map[string]answer{}, ItemErrors: map[string]string{}, Form: web.NewForm(nil)}
		var pick *db.ID
		if id, err := db.ParseID(r.URL.Query().Get("template_id")); err == nil {
			pick = &id // an unknown one shows the choice of checklists
		}
		return m.renderSelfInspect(w, r, s, t, http.StatusOK, v, pick)
	}
}

// renderSelfInspect loads the checklists (and the picked one) and renders the page.
func (m *Module) renderSelfInspect(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, status int, v selfInspectView, pick *db.ID) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	_, err := m.ListChecklists(ctx, ChecklistFilter{Industry: v.E.Industry}, api.ListParams{Page: 1, PerPage: 0, Sort: "industry"},
		func(c Checklist) error { v.Checklists = append(v.Checklists, c); return nil })
	if err != nil {
		return err
	}
	if pick == nil && len(v.Checklists) == 1 {
		pick = &v.Checklists[0].ID
	}
	if pick != nil {
		for i := range v.Checklists {
			if v.Checklists[i].ID == *pick {
				v.Checklist = &v.Checklists[i]
			}
		}
	}
	v.PastTotal, err = m.ListSelfInspections(ctx, p, v.E.ID, SelfInspectionFilter{}, api.ListParams{Page: 1, PerPage: 5, Sort: "-done_at"},
		func(si SelfInspection) error { v.Past = append(v.Past, si); return nil })
	if err != nil {
		return err
	}
	return s.RenderStatus(w, r, status, t.selfInspect, v)
}

var resultFieldRE = regexp.MustCompile(`^results\[(\d+)\]\.(\w+)$`)

// selfInspectSubmit files the self-inspection and shows its result.
func (m *Module) selfInspectSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		e, err := m.ownEnterprise(r) // before any photo is stored
		if err != nil {
			return err
		}
		form, err := web.ReadForm(w, r, m.Uploader, func(input string) bool { return strings.HasPrefix(input, "photo_") })
		if err != nil {
			return err
		}
		vals := form.Values
		loc := i18n.FromContext(ctx)
		v := selfInspectView{E: e, Answers: map[string]answer{}, ItemErrors: map[string]string{}, Form: form}
		tid, err := db.ParseID(vals.Get("template_id"))
		if err != nil {
			return apperr.New(apperr.BadRequest, "error.bad_request", nil)
		}
		in := SelfInspectionInput{TemplateID: tid, Note: vals.Get("note")}
		// The items in the form's order; an item left unanswered is left out, so the
		// service names it.
		for _, raw := range vals["item"] {
			item, err := db.ParseID(raw)
			if err != nil {
				return apperr.New(apperr.BadRequest, "error.bad_request", nil)
			}
			key := item.String()
			a := answer{Result: vals.Get("res_" + key), Note: vals.Get("note_" + key), Photos: form.Files["photo_"+key]}
			v.Answers[key] = a
			if a.Result == "" {
				v.ItemErrors[key] = loc.T("ent.self.answer_required")
				continue
			}
			photos := a.Photos
			if a.Result != "fail" {
				photos = nil // photos belong to failed items only
			}
			in.Results = append(in.Results, ResultInput{ItemID: item, Result: a.Result, Note: a.Note, Photos: photos})
		}
		err = form.Decode(&in) // the note, and the files the Uploader refused
		var id db.ID
		if err == nil {
			id, err = m.SelfInspect(ctx, p, e.ID, in)
		}
		if err == nil {
			web.SetFlash(w, "flash.ent_self_inspected")
			http.Redirect(w, r, "/self-inspections/"+id.String(), http.StatusSeeOther)
			return nil
		}
		if !form.Refuse(r, err) {
			return err
		}
		for _, fe := range apperr.As(err).Fields {
			if mm := resultFieldRE.FindStringSubmatch(fe.Field); mm != nil {
				if i, _ := strconv.Atoi(mm[1]); i < len(in.Results) {
					item := in.Results[i].ItemID.String()
					v.ItemErrors[item] = loc.TArgs(fe.Key, fe.Args)
					form.Fields["res_"+item] = v.ItemErrors[item]
					delete(form.Fields, fe.Field)
				}
			}
		}
		for item, msg := range v.ItemErrors { // unanswered items
			form.Fields["res_"+item] = msg
		}
		return m.renderSelfInspect(w, r, s, t, form.Status, v, &tid)
	}
}

// inspectionView is the result of one self-inspection.
type inspectionView struct {
	S    SelfInspection
	E    enterprise.Enterprise
	Self bool
}

// inspectionPage shows a self-inspection's result to whoever sees its enterprise.
func (m *Module) inspectionPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		id, err := api.PathID(r, "id", "self_inspection")
		if err != nil {
			return err
		}
		si, err := m.GetSelfInspection(ctx, m.DB, p, id)
		if err != nil {
			return err
		}
		e, err := m.Registry.Get(ctx, m.DB, p, si.EnterpriseID, false)
		if err != nil {
			return err
		}
		self := p.Scope.EnterpriseID != nil && *p.Scope.EnterpriseID == e.ID
		return s.Render(w, r, t.inspection, inspectionView{S: si, E: e, Self: self})
	}
}
