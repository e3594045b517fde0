package enterprise

import (
	"context"
	"math"
	"net/http"
	"time"

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
	Enforcement []enforcementRow
	Visits      []Visit

	Risk        riskCounts
	Inspections []SelfInspection
	InspTotal   int
	Documents   []Document
	Accounts    []Account

	// What the caller may do here.
	CanWrite, CanEnforce, CanContact, CanReport, CanKeep, CanAccounts, Self bool
	Revealed                                                                bool // the phone is shown in full (audited)

	InspectionDays int // whole days past the next inspection date, when overdue
	Today          string
	VisitKinds     []string
	DocumentKinds  []string

	// The forms kept on the page; a refused one shows open with its errors.
	Visit, Account, Document *formState
	Outcome                  map[string]*formState // by enforcement id
	Error                    string                // above the page, for a refusal not tied to a form
}

// historyStep is one change of the color history with its cause in words.
type historyStep struct {
	ColorChange
	CauseText string
}

// enforcementRow is one enforcement step with the outcomes the caller may record now.
type enforcementRow struct {
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

// riskCounts are an enterprise's risk points per grade.
type riskCounts struct {
	Major, Significant, General, Low, Total, Uncontrolled int
}

// detailLists is how many rows each section of the file shows.
const detailLists = 10

// detailPage shows an enterprise's file (/enterprises/{id}).
func (m *Module) detailPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id", "enterprise")
		if err != nil {
			return err
		}
		e, err := m.Get(r.Context(), m.DB, auth.FromContext(r.Context()), id, false)
		if err != nil {
			return err
		}
		return m.renderDetail(w, r, s, t, http.StatusOK, e, detailView{})
	}
}

// revealSubmit shows the safety manager's full phone to a role allowed to see it; the
// store audits every look. With htmx only the phone line is replaced.
func (m *Module) revealSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id", "enterprise")
		if err != nil {
			return err
		}
		e, err := m.RevealContact(r.Context(), auth.FromContext(r.Context()), id)
		if err != nil {
			return err
		}
		return m.renderDetail(w, r, s, t, http.StatusOK, e, detailView{Revealed: true})
	}
}

// renderDetail fills the file of e and renders it with status; v carries the refused
// form (if any) and whether the phone is revealed.
func (m *Module) renderDetail(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, status int, e Enterprise, v detailView) error {
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
	for _, f := range []**formState{&v.Visit, &v.Account, &v.Document} {
		if *f == nil {
			*f = newForm()
		}
	}
	if v.Outcome == nil {
		v.Outcome = map[string]*formState{}
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
	if err := m.fillRecords(ctx, p, &v, now); err != nil {
		return err
	}
	return s.RenderStatus(w, r, status, t.detail, v)
}

// fillRecords loads the sections of the file: a bounded number of queries whatever the
// enterprise's history.
func (m *Module) fillRecords(ctx context.Context, p *auth.Principal, v *detailView, now time.Time) error {
	id := v.E.ID
	var err error
	v.HazardTotal, err = m.Hazards.List(ctx, p, hazard.Filter{EnterpriseID: &id}, api.ListParams{Page: 1, PerPage: detailLists, Sort: "-found_at"},
		func(h hazard.Hazard) error { v.Hazards = append(v.Hazards, h); return nil })
	if err != nil {
		return err
	}
	_, err = m.ListEnforcement(ctx, p, EnforcementFilter{EnterpriseID: &id}, api.ListParams{Page: 1, PerPage: 100, Sort: "-decided_at"},
		func(a Enforcement) error {
			row := enforcementRow{Enforcement: a, Overdue: a.Outcome == "pending" && a.Deadline != nil && now.After(*a.Deadline)}
			if a.Outcome == "pending" && v.CanEnforce && v.E.Status != "closed" {
				row.Outcomes = allowedOutcomes[a.Kind]
			}
			v.Enforcement = append(v.Enforcement, row)
			return nil
		})
	if err != nil {
		return err
	}
	if err := m.stepFiles(ctx, id, v.Enforcement); err != nil {
		return err
	}
	if v.Visits, err = m.Visits(ctx, p, id); err != nil {
		return err
	}
	if len(v.Visits) > detailLists {
		v.Visits = v.Visits[:detailLists]
	}
	_, err = m.ListRiskPoints(ctx, p, RiskPointFilter{EnterpriseID: &id}, api.ListParams{Page: 1, PerPage: 0, Sort: "-grade"},
		func(rp RiskPoint) error {
			v.Risk.add(rp)
			return nil
		})
	if err != nil {
		return err
	}
	v.InspTotal, err = m.ListSelfInspections(ctx, p, id, SelfInspectionFilter{}, api.ListParams{Page: 1, PerPage: 5, Sort: "-done_at"},
		func(si SelfInspection) error { v.Inspections = append(v.Inspections, si); return nil })
	if err != nil {
		return err
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

// stepFiles attaches the files of an enterprise's enforcement steps, in one query (the
// enterprise is in scope: its file is being shown).
func (m *Module) stepFiles(ctx context.Context, ent db.ID, steps []enforcementRow) error {
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

// add counts one risk point.
func (c *riskCounts) add(rp RiskPoint) {
	switch rp.Grade {
	case "major":
		c.Major++
		if !rp.ControlsOK {
			c.Uncontrolled++
		}
	case "significant":
		c.Significant++
	case "general":
		c.General++
	default:
		c.Low++
	}
	c.Total++
}
