package enforcement

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/safeduty/safeduty/internal/enterprise"
	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// pageTemplates are the parsed templates of the enforcement pages.
type pageTemplates struct {
	enforce, order, constraints, incentives *template.Template
}

// Pages registers the enforcement pages and adds the steps to the enterprise's file. It
// uses the registry's page parts, so the wiring calls it after the enterprise's Pages.
func (m *Module) Pages(s *web.Site) {
	s.AddStylesheet("enforcement", files, "static/enforcement.css")
	t := pageTemplates{
		enforce:     s.MustParse(files, "templates/enforcement_new.html"),
		order:       s.MustParse(files, "templates/order.html"),
		constraints: s.MustParse(files, "templates/lists.html", "templates/constraints.html"),
		incentives:  s.MustParse(files, "templates/lists.html", "templates/incentives.html"),
	}
	perm := &enterprise.PermEnforce
	s.Handle(web.Page{Path: "/enterprises/{id}/enforcement/new", Object: "enterprise", Perm: perm, Handler: m.enforcePage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/enterprises/{id}/enforcement", Object: "enterprise", Perm: perm, Handler: m.enforceSubmit(s, t)})
	s.Handle(web.Page{Path: "/enterprises/{id}/enforcement/{eid}/order", Object: "enterprise", Handler: m.orderPage(s, t)})
	s.Handle(web.Page{Method: "POST", Path: "/enforcement/{id}/outcome", Object: "enforcement", Perm: perm, Handler: m.outcomeSubmit})
	s.Handle(web.Page{Path: "/constraints", Handler: m.constraintsPage(s, t)})
	s.Handle(web.Page{Path: "/incentives", Handler: m.incentivesPage(s, t)})

	m.Registry.AddPart(enterprise.Part{Slot: enterprise.SlotFile, Order: 20, Template: s.MustParse(files, "templates/parts.html"),
		Name: "enforcement-file-section", Data: m.fileSection})
}

// fileSectionData is the enforcement steps' section of an enterprise's file.
type fileSectionData struct {
	E           enterprise.Enterprise
	CanEnforce  bool
	Enforcement []stepRow
	Outcome     map[string]*web.Form // a refused outcome form, by step id
}

// stepRow is one enforcement step with the outcomes the caller may record now.
type stepRow struct {
	Enforcement
	Outcomes []string
	Overdue  bool       // pending and past its deadline
	Files    []stepFile // the documents and photos recorded with it
}

// stepFile is one file of an enforcement step.
type stepFile struct {
	ID   db.ID
	Name string
}

// outcomePart names the outcome forms on the enterprise's file (enterprise.Refused).
const outcomePart = "enforcement-file-section"

// fileSection lists an enterprise's steps for its file, newest first, with their files
// (a bounded number of queries whatever the history) and the form of a refused outcome.
func (m *Module) fileSection(r *http.Request, pv enterprise.PartView) (any, error) {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	now := m.Clock.Now()
	d := fileSectionData{E: pv.E, CanEnforce: p.Can(enterprise.PermEnforce), Outcome: map[string]*web.Form{}}
	if pv.Refused != nil && pv.Refused.Part == outcomePart {
		d.Outcome = pv.Refused.Form.(map[string]*web.Form)
	}
	id := pv.E.ID
	_, err := m.ListEnforcement(ctx, p, EnforcementFilter{EnterpriseID: &id}, api.ListParams{Page: 1, PerPage: 100, Sort: "-decided_at"},
		func(a Enforcement) error {
			row := stepRow{Enforcement: a, Overdue: a.Outcome == "pending" && a.Deadline != nil && now.After(*a.Deadline)}
			if r, ok := rungOf(a.Kind); ok && a.Outcome == "pending" && d.CanEnforce && pv.E.Status != "closed" {
				row.Outcomes = r.outcomeNames()
			}
			d.Enforcement = append(d.Enforcement, row)
			return nil
		})
	if err != nil {
		return nil, err
	}
	return d, m.stepFiles(ctx, id, d.Enforcement)
}

// stepFiles attaches the files of an enterprise's enforcement steps, in one query (the
// enterprise is in scope: its file is being shown).
func (m *Module) stepFiles(ctx context.Context, ent db.ID, steps []stepRow) error {
	if len(steps) == 0 {
		return nil
	}
	index := map[db.ID]int{}
	for i, s := range steps {
		index[s.ID] = i
	}
	rows, err := m.DB.Query(ctx, `SELECT x.action_id, a.id, a.original_name FROM enforcement_attachments x
		JOIN enforcement_actions s ON s.id = x.action_id JOIN attachments a ON a.id = x.attachment_id
		WHERE s.enterprise_id = ? ORDER BY a.id`, ent)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var step db.ID
		var f stepFile
		if err := rows.Scan(&step, &f.ID, &f.Name); err != nil {
			return err
		}
		if i, ok := index[step]; ok {
			steps[i].Files = append(steps[i].Files, f)
		}
	}
	return rows.Err()
}

// outcomeSubmit closes a pending enforcement step from the enterprise's file; a refused
// outcome comes back on the file with its form open (422), or with the refusal above
// the page when the step's state refused it (409).
func (m *Module) outcomeSubmit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	id, a, f, err := web.RecordForm(r, "enforcement", func(id db.ID) (Enforcement, error) { return m.GetEnforcement(ctx, m.DB, p, id) })
	if err != nil {
		return err
	}
	var in OutcomeInput
	if err = f.Decode(&in); err == nil {
		err = m.SetOutcome(ctx, p, id, in)
	}
	if err != nil {
		if !f.Refuse(r, err) {
			return err
		}
		refused := enterprise.Refused{Part: outcomePart, Form: map[string]*web.Form{id.String(): f}}
		if len(f.Fields) == 0 { // the step's state refused it: say so above the page
			refused.Message = f.Message
		}
		return m.Registry.RenderFile(w, r, f.Status, a.EnterpriseID, refused)
	}
	return enterprise.BackToFile(w, r, a.EnterpriseID, "enf-"+id.String(), "flash.ent_outcome")
}

// enforceView is the data of the enforcement form: one step of the ladder (责令整改 →
// 行政处罚 → 上限处罚 → 责令停产整改 → 提请关闭) with its documents.
type enforceView struct {
	E     enterprise.Enterprise
	Kinds []string
	Form  *web.Form
	Today string
}

// enforcePage shows the enforcement form, a rectification order by default.
func (m *Module) enforcePage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		_, e, err := web.PathRecord(r, "enterprise", func(id db.ID) (enterprise.Enterprise, error) {
			return m.Registry.Get(r.Context(), m.DB, auth.FromContext(r.Context()), id, false)
		})
		if err != nil {
			return err
		}
		f := web.NewForm(url.Values{"kind": {"rectification_order"}})
		if k := r.URL.Query().Get("kind"); k != "" {
			f.Values.Set("kind", k)
		}
		return m.renderEnforce(w, r, s, t, http.StatusOK, e, f)
	}
}

// renderEnforce renders the enforcement form with status; decided_at defaults to today.
func (m *Module) renderEnforce(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, status int, e enterprise.Enterprise, f *web.Form) error {
	today := clock.DateText(m.Clock.Now())
	if f.Get("decided_at") == "" {
		f.Values.Set("decided_at", today)
	}
	return s.RenderStatus(w, r, status, t.enforce, enforceView{E: e, Kinds: EnforcementKinds, Form: f, Today: today})
}

// enforceSubmit records the step with the files sent along, and goes back to the file.
func (m *Module) enforceSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		id, e, err := web.PathRecord(r, "enterprise", func(id db.ID) (enterprise.Enterprise, error) { return m.Registry.Get(ctx, m.DB, p, id, false) }) // out of scope answers 404 before any file is stored
		if err != nil {
			return err
		}
		f, err := m.readForm(w, r)
		if err != nil {
			return err
		}
		var in EnforcementInput
		err = f.Decode(&in)
		in.Attachments = f.Files["files"]
		rung, _ := rungOf(in.Kind)
		if !rung.needsAmount {
			in.AmountYuan = nil // the amount field belongs to penalties only
		}
		if !rung.needsDeadline {
			in.Deadline = ""
		}
		var aid db.ID
		if err == nil {
			aid, err = m.Enforce(ctx, p, id, in)
		}
		return f.Done(w, r, err, "flash.ent_enforced", "/enterprises/"+id.String()+"#enf-"+aid.String(), func() error {
			return m.renderEnforce(w, r, s, t, f.Status, e, f)
		})
	}
}

// orderView is the data of the printable rectification order (责令整改通知书).
type orderView struct {
	E        enterprise.Enterprise
	A        Enforcement
	District string
	Issuer   string   // the issuing unit: the unit that recorded the step, else the district
	Findings []string // the reason, one finding per line
}

// orderPage renders a rectification order as an A4 document to print and sign.
func (m *Module) orderPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		id, err := api.PathID(r, "id", "enterprise")
		if err != nil {
			return err
		}
		eid, err := api.PathID(r, "eid", "enforcement")
		if err != nil {
			return err
		}
		e, err := m.Registry.Get(ctx, m.DB, p, id, false)
		if err != nil {
			return err
		}
		a, err := m.GetEnforcement(ctx, m.DB, p, eid)
		if err != nil {
			return err
		}
		if a.EnterpriseID != e.ID || a.Kind != "rectification_order" {
			return apperr.NotFoundf("enforcement")
		}
		v := orderView{E: e, A: a, Issuer: a.OrgName}
		if s.District != nil {
			v.District = s.District(ctx)
		}
		v.Issuer = issuer(v.Issuer, v.District)
		for _, line := range strings.Split(a.Reason, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				v.Findings = append(v.Findings, line)
			}
		}
		return s.Render(w, r, t.order, v)
	}
}

// issuer names the issuing unit in full: a district unit kept as "区应急管理局" is
// printed "临江区应急管理局"; no unit (a step the platform recorded) is the district.
func issuer(unit, district string) string {
	if unit == "" {
		return district
	}
	if r := []rune(district); len(r) > 1 && !strings.HasPrefix(unit, district) {
		if rest, ok := strings.CutPrefix(unit, string(r[len(r)-1])); ok {
			return district + rest
		}
	}
	return unit
}

// readForm reads the step's form: multipart, the CSRF token in its first part, its
// documents (input "files") streaming into the Uploader as they arrive; a file the
// Uploader refuses is reported beside the form, so the person keeps what they typed.
func (m *Module) readForm(w http.ResponseWriter, r *http.Request) (*web.Form, error) {
	return web.ReadForm(w, r, m.Uploader, func(input string) bool { return input == "files" })
}
