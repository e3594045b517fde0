package enterprise

import (
	"context"
	"html/template"
	"math"
	"net/http"

	"github.com/safeduty/safeduty/internal/hazard"
	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// detailView is the data of an enterprise's one-page file (一企一档): who it is, its
// color with the rules that fired, and every record kept about it.
type detailView struct {
	E       Enterprise
	Color   ColorDetail
	History []historyStep

	Hazards     []hazard.Hazard // the latest ones
	HazardTotal int
	Visits      []Visit
	Documents   []Document
	Accounts    []Account

	// Sections is the main column: the file's own sections and the parts other
	// capabilities keep on it (Part, SlotFile), in order.
	Sections []template.HTML

	// What the caller may do here.
	CanWrite, CanEnforce, CanContact, CanReport, CanKeep, CanAccounts, Self bool
	Revealed                                                                bool // the phone is shown in full (audited)

	InspectionDays int // whole days past the next inspection date, when overdue
	Today          string
	VisitKinds     []string
	DocumentKinds  []string

	// The forms kept on the page; a refused one shows open with its errors.
	Visit, Account, Document *web.Form
	Error                    string // above the page, for a refusal not tied to a form
}

// historyStep is one change of the color history with its cause in words.
type historyStep struct {
	ColorChange
	CauseText string
}

// ownSections are the file's own sections of the main column (templates in
// enterprise_sections.html) with their places among the parts of other capabilities.
var ownSections = []struct {
	order int
	name  string
}{{10, "ent-sec-hazards"}, {30, "ent-sec-visits"}, {60, "ent-sec-documents"}, {70, "ent-sec-history"}}

// detailLists is how many rows each section of the file shows.
const detailLists = 10

// detailPage shows an enterprise's file (/enterprises/{id}).
func (m *Module) detailPage(w http.ResponseWriter, r *http.Request) error {
	_, e, err := web.PathRecord(r, "enterprise", func(id db.ID) (Enterprise, error) {
		return m.Get(r.Context(), m.DB, auth.FromContext(r.Context()), id, false)
	})
	if err != nil {
		return err
	}
	return m.renderDetail(w, r, http.StatusOK, e, detailView{}, nil)
}

// revealSubmit shows the safety manager's full phone to a role allowed to see it; the
// store audits every look. With htmx only the phone line is replaced.
func (m *Module) revealSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id", "enterprise")
	if err != nil {
		return err
	}
	if _, err := web.PostedForm(r); err != nil { // a confirm button: its token and body checked as every form's
		return err
	}
	e, err := m.RevealContact(r.Context(), auth.FromContext(r.Context()), id)
	if err != nil {
		return err
	}
	return m.renderDetail(w, r, http.StatusOK, e, detailView{Revealed: true}, nil)
}

// RenderFile shows the file of the enterprise id again with a refused form of a part
// (its handler's answer to a form posted from the file: 422, 409) at the address the
// form was sent to. Errors: NotFound (the enterprise), and a failing store.
func (m *Module) RenderFile(w http.ResponseWriter, r *http.Request, status int, id db.ID, refused Refused) error {
	e, err := m.Get(r.Context(), m.DB, auth.FromContext(r.Context()), id, false)
	if err != nil {
		return err
	}
	return m.renderDetail(w, r, status, e, detailView{Error: refused.Message}, &refused)
}

// renderDetail fills the file of e and renders it with status; v carries the refused
// form of the file's own (if any) and whether the phone is revealed, refused one of a
// part's.
func (m *Module) renderDetail(w http.ResponseWriter, r *http.Request, status int, e Enterprise, v detailView, refused *Refused) error {
	ctx := r.Context()
	p := auth.FromContext(ctx)
	v.E = e
	now := m.Clock.Now()
	v.Today = clock.DateText(now)
	v.VisitKinds, v.DocumentKinds = VisitKinds, DocumentKinds
	v.CanWrite, v.CanEnforce, v.CanContact = p.Can(PermWrite), p.Can(PermEnforce), p.Can(PermContact)
	v.CanReport = p.Can(hazard.PermReport) && e.Status != "closed"
	v.Self = p.Scope.EnterpriseID != nil && *p.Scope.EnterpriseID == e.ID
	v.CanKeep = v.Self || v.CanWrite
	v.CanAccounts = canManageAccounts(p)
	for _, f := range []**web.Form{&v.Visit, &v.Account, &v.Document} {
		if *f == nil {
			*f = web.NewForm(nil)
		}
	}
	if e.InspectionOverdue && e.NextInspectionAt != nil {
		v.InspectionDays = int(math.Ceil(now.Sub(*e.NextInspectionAt).Hours() / 24))
	}
	var err error
	if v.Color, err = m.Color(ctx, p, e.ID); err != nil {
		return err
	}
	loc := i18n.FromContext(ctx)
	for _, h := range v.Color.History {
		v.History = append(v.History, historyStep{ColorChange: h, CauseText: causeText(loc, h.Cause)})
	}
	if err := m.fillRecords(ctx, p, &v); err != nil {
		return err
	}
	if v.Sections, err = m.fileSections(r, &v, refused); err != nil {
		return err
	}
	return m.site.RenderStatus(w, r, status, m.pages.detail, v)
}

// fileSections renders the main column: the file's own sections among the parts of
// other capabilities, by their order.
func (m *Module) fileSections(r *http.Request, v *detailView, refused *Refused) ([]template.HTML, error) {
	pv := PartView{E: v.E, Self: v.Self, Refused: refused}
	var out []template.HTML
	own := ownSections
	ownUntil := func(order int) error {
		for ; len(own) > 0 && own[0].order <= order; own = own[1:] {
			h, err := m.site.RenderPart(r, m.pages.detail, own[0].name, v)
			if err != nil {
				return err
			}
			out = append(out, h)
		}
		return nil
	}
	for _, p := range m.parts {
		if p.Slot != SlotFile {
			continue
		}
		if err := ownUntil(p.Order); err != nil {
			return nil, err
		}
		h, err := m.renderPart(r, p, pv)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	if err := ownUntil(math.MaxInt); err != nil {
		return nil, err
	}
	return out, nil
}

// fillRecords loads the file's own sections: a bounded number of queries whatever the
// enterprise's history.
func (m *Module) fillRecords(ctx context.Context, p *auth.Principal, v *detailView) error {
	id := v.E.ID
	var err error
	v.HazardTotal, err = m.Hazards.List(ctx, p, hazard.Filter{EnterpriseID: &id}, api.ListParams{Page: 1, PerPage: detailLists, Sort: "-found_at"},
		func(h hazard.Hazard) error { v.Hazards = append(v.Hazards, h); return nil })
	if err != nil {
		return err
	}
	if v.Visits, err = m.Visits(ctx, p, id); err != nil {
		return err
	}
	if len(v.Visits) > detailLists {
		v.Visits = v.Visits[:detailLists]
	}
	_, err = m.ListDocuments(ctx, p, id, DocumentFilter{}, api.ListParams{Page: 1, PerPage: 50, Sort: "-added_at"},
		func(d Document) error { v.Documents = append(v.Documents, d); return nil })
	if err != nil {
		return err
	}
	if v.CanAccounts {
		_, err = m.ListAccounts(ctx, p, id, api.ListParams{Page: 1, PerPage: 50, Sort: "username"},
			func(a Account) error { v.Accounts = append(v.Accounts, a); return nil })
	}
	return err
}
