package enterprise

import (
	"net/http"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// enforceView is the data of the enforcement form: one step of the ladder (责令整改 →
// 行政处罚 → 上限处罚 → 责令停产整改 → 提请关闭) with its documents.
type enforceView struct {
	E     Enterprise
	Kinds []string
	Form  *formState
	Today string
}

// enforcePage shows the enforcement form, a rectification order by default.
func (m *Module) enforcePage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id", "enterprise")
		if err != nil {
			return err
		}
		e, err := m.Get(r.Context(), m.DB, auth.FromContext(r.Context()), id, false)
		if err != nil {
			return err
		}
		f := newForm()
		f.V.Set("kind", "rectification_order")
		if k := r.URL.Query().Get("kind"); k != "" {
			f.V.Set("kind", k)
		}
		return m.renderEnforce(w, r, s, t, http.StatusOK, e, f)
	}
}

// renderEnforce renders the enforcement form with status; decided_at defaults to today.
func (m *Module) renderEnforce(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, status int, e Enterprise, f *formState) error {
	today := clock.DateText(m.Clock.Now())
	if f.V.Get("decided_at") == "" {
		f.V.Set("decided_at", today)
	}
	return s.RenderStatus(w, r, status, t.enforce, enforceView{E: e, Kinds: EnforcementKinds, Form: f, Today: today})
}

// enforceSubmit records the step with the files sent along, and goes back to the file.
func (m *Module) enforceSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		id, err := pathID(r, "id", "enterprise")
		if err != nil {
			return err
		}
		e, err := m.Get(ctx, m.DB, p, id, false) // out of scope answers 404 before any file is stored
		if err != nil {
			return err
		}
		form, err := m.readForm(w, r)
		if err != nil {
			return err
		}
		f := newForm()
		f.V = form.Values
		f.Carried = form.Files["files"]
		loc := i18n.FromContext(ctx)
		in := EnforcementInput{Kind: strings.TrimSpace(f.V.Get("kind")), DecidedAt: strings.TrimSpace(f.V.Get("decided_at")),
			DocNumber: strings.TrimSpace(f.V.Get("doc_number")), Reason: f.V.Get("reason"), Deadline: strings.TrimSpace(f.V.Get("deadline")),
			Attachments: f.Carried}
		pre := map[string]string{}
		in.AmountYuan = optInt(f.V, "amount_yuan", pre, loc)
		if in.Kind != "penalty" && in.Kind != "max_penalty" {
			in.AmountYuan = nil // the amount field belongs to penalties only
		}
		if in.Kind != "rectification_order" && in.Kind != "suspension" {
			in.Deadline = ""
		}
		v := apperr.Validation{}
		for field := range pre {
			v.Add(field, "validate.int", nil)
		}
		if len(form.Refused) > 0 {
			v.Add(carriedField, "ent.files_refused", nil)
		}
		var aid db.ID
		if err = v.Err(); err == nil {
			aid, err = m.Enforce(ctx, p, id, in)
		}
		if err == nil {
			web.SetFlash(w, "flash.ent_enforced")
			http.Redirect(w, r, "/enterprises/"+id.String()+"#enf-"+aid.String(), http.StatusSeeOther)
			return nil
		}
		if _, ok := f.refuse(r, err); !ok {
			return err
		}
		if len(form.Refused) > 0 {
			f.Fields[carriedField] = strings.Join(form.Refused, loc.T("ent.list_sep"))
		}
		return m.renderEnforce(w, r, s, t, httpStatus(err), e, f)
	}
}

// orderView is the data of the printable rectification order (责令整改通知书).
type orderView struct {
	E        Enterprise
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
		id, err := pathID(r, "id", "enterprise")
		if err != nil {
			return err
		}
		eid, err := pathID(r, "eid", "enforcement")
		if err != nil {
			return err
		}
		e, err := m.Get(ctx, m.DB, p, id, false)
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
