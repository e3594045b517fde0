package hazard

import (
	"net/http"
	"slices"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// actionForm is the form of one action on the hazard page.
type actionForm struct {
	Action Action
	Open   bool // shown unfolded: the next step, or a refused form
	// The values shown (the hazard's current ones, or as typed) and a refused form's
	// errors.
	*web.Form
	// Carried are the files a refused form had already stored; the form sends them
	// again, so nobody picks the same photos twice.
	Carried []db.ID
}

// Files reports whether the form takes files (and so posts multipart).
func (f actionForm) Files() bool { return f.Action == Submit || f.Action == Accept }

// forms builds one form per action p may take on h, in the order of the machine. The
// first action other than a comment is the next step and shows unfolded; a refused form
// replaces its action's form, unfolded, and the others fold.
func forms(p *auth.Principal, h *Hazard, refused *actionForm) []actionForm {
	var out []actionForm
	for _, a := range h.Actions {
		f := actionForm{Action: a, Form: web.NewForm(nil)}
		if a == Assign {
			f.Values.Set("enterprise_id", idText(h.EnterpriseID))
		}
		if a == Assign && h.OwnerID != nil { // a re-assignment starts from the current one
			f.Values.Set("owner_id", h.OwnerID.String())
			f.Values.Set("supervisor_org_id", idText(h.SupervisorOrgID))
			f.Values.Set("measures", h.Measures)
			if h.Deadline != nil {
				f.Values.Set("deadline", clock.DueText(*h.Deadline))
			}
			f.Values.Set("responsibility", h.Responsibility)
			f.Values.Set("funds_yuan", fundsText(h.FundsYuan))
			f.Values.Set("contingency_plan", h.ContingencyPlan)
			f.Values.Set("listing_leader_id", idText(h.ListingLeaderID))
			f.Values.Set("listing_doc", h.ListingDoc)
		}
		if refused != nil && refused.Action == a {
			f = *refused
			f.Open = true
		}
		out = append(out, f)
	}
	if refused == nil || !slices.ContainsFunc(out, func(f actionForm) bool { return f.Open }) {
		if i := nextStep(out, p, h); i >= 0 {
			out[i].Open = true
		}
	}
	return out
}

// nextStep is the index of the form that belongs to the viewer's role, shown open: on a
// reported hazard, assigning it; on a submitted one, accepting it (the supervisor); in
// between, starting and submitting, when the viewer owns the rectification (a supervisor
// may record them for an owner without an account, but that is not its next step).
// Re-assigning (改派) opens only when it is the viewer's one action besides a comment;
// -1 for none.
func nextStep(fs []actionForm, p *auth.Principal, h *Hazard) int {
	owner := h.OwnerID != nil && *h.OwnerID == p.UserID
	reassign, others := -1, 0
	for i, f := range fs {
		switch {
		case f.Action == Comment:
		case f.Action == Assign && h.Status != Reported:
			reassign = i
		case (f.Action == Start || f.Action == Submit) && !owner:
			others++
		default:
			return i
		}
	}
	if others == 0 {
		return reassign
	}
	return -1
}

// flashKeys are the messages shown after each action.
var flashKeys = map[Action]string{
	Assign: "flash.hazard_assign", Start: "flash.hazard_start", Submit: "flash.hazard_submit",
	Accept: "flash.hazard_accept", Reject: "flash.hazard_reject", Comment: "flash.hazard_comment",
}

// actionSubmit takes an action's form: it stores the form's files, moves the hazard
// (Act) and goes back to the hazard with a flash; a refused form comes back as typed with
// its errors — 422 for its fields, 409 when the hazard's state does not allow it (any
// more), 403 when the caller may not take it.
func (m *Module) actionSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		id, err := api.PathID(r, "id", "hazard")
		if err != nil {
			return err
		}
		// Out of scope answers 404 before anything is read or stored.
		if _, err := m.Get(ctx, m.DB, p, id); err != nil {
			return err
		}
		form, err := m.readForm(w, r)
		if err != nil {
			return err
		}
		in, err := actionInput(form)
		if !slices.Contains(Actions, in.Action) {
			return apperr.New(apperr.BadRequest, "error.bad_request", nil)
		}
		if err == nil {
			if _, err = m.Act(ctx, p, id, in); err == nil {
				web.SetFlash(w, flashKeys[in.Action])
				http.Redirect(w, r, "/hazards/"+id.String(), http.StatusSeeOther)
				return nil
			}
		}
		return m.refuseAction(w, r, s, t, id, in.Action, form, err)
	}
}

// refuseAction shows the hazard again with the refused form.
func (m *Module) refuseAction(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, id db.ID, a Action, form *web.Form, err error) error {
	p := auth.FromContext(r.Context())
	h, gerr := m.Get(r.Context(), m.DB, p, id)
	if gerr != nil {
		return gerr
	}
	f := &actionForm{Action: a, Form: form, Carried: form.Files[fileField]}
	e := apperr.As(err)
	status := apperr.Status(e.Code)
	var msg string
	switch {
	case form.Refuse(r, err):
		msg = form.Message
	case e.Code == apperr.Forbidden:
		msg = i18n.FromContext(r.Context()).TArgs(e.Key, e.Args)
	default:
		return err
	}
	return m.renderDetail(w, r, s, t, status, h, f, msg)
}

// actionInput reads an action form into the API's input (its `form` tags). The assign
// form's enterprise field sent as "none" removes the enterprise; the other actions
// have none.
func actionInput(form *web.Form) (ActionInput, error) {
	var in ActionInput
	err := form.Decode(&in)
	in.Attachments = form.Files[fileField]
	if _, sent := form.Values["enterprise_id"]; in.Action != Assign || !sent {
		in.EnterpriseID = nil
	} else if strings.TrimSpace(form.Get("enterprise_id")) == "" {
		in.ClearEnterprise = true
	}
	return in, err
}

// ownerChoicesPage answers the assign form's owner options for the enterprise just
// picked in its enterprise field (htmx): GET /hazards/{id}/owner-choices?enterprise_id=
// &owner_id=. The enterprise's accounts join the choices; an enterprise that may not be
// the hazard's is ignored (the form's check refuses it).
func (m *Module) ownerChoicesPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		_, h, err := web.PathRecord(r, "hazard", func(id db.ID) (Hazard, error) { return m.Get(ctx, m.DB, p, id) })
		if err != nil {
			return err
		}
		if !canAssign(p, &h) {
			return apperr.Forbid()
		}
		q := r.URL.Query()
		h.EnterpriseID = nil
		if eid, err := db.ParseID(q.Get("enterprise_id")); err == nil {
			v := apperr.Validation{}
			ent, err := m.enterpriseAt(ctx, m.DB, p, eid, h.Path, &v)
			if err != nil {
				return err
			}
			if ent != nil {
				h.EnterpriseID = &ent.ID
			}
		}
		owners, err := m.OwnerCandidates(ctx, &h)
		if err != nil {
			return err
		}
		return s.Render(w, r, t.ownerChoices, map[string]any{"Owners": owners, "Selected": q.Get("owner_id")})
	}
}
