// Package selfinspect is self-inspection and self-reporting (自查自报): an enterprise's
// own accounts answer a checklist (checklist.go) item by item, on a phone, and each
// failed item becomes a hazard of the enterprise in the same transaction, so either the
// inspection and all its hazards are stored or nothing is. Supervisors read the results
// in scope; the enterprise's file lists the latest, and its account's home panel leads
// to the next one.
package selfinspect

import (
	"context"
	"embed"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/enterprise"
	"github.com/safeduty/safeduty/internal/hazard"
	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/kit"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// files are the capability's messages, page templates and stylesheet.
//
//go:embed messages/*.json templates/*.html static/*.css
var files embed.FS

func init() { i18n.MustRegister(files, "messages") }

// Module is the self-inspection capability.
type Module struct {
	kit.Deps
	Registry enterprise.Keeper // the enterprise inspected, in the caller's scope; a place on its pages
	Hazards  Hazards
	// Uploader stores the photos of failed items the page form sends (nil: the form
	// refuses files).
	Uploader web.Uploader
}

// Hazards is what self-inspection asks of the hazard capability: to report the hazard a
// failed item found, in the inspection's transaction.
type Hazards interface {
	ReportTx(ctx context.Context, tx *db.Tx, p *auth.Principal, in hazard.ReportInput) (db.ID, error)
}

// PermSelfInspect files self-inspections (自查自报): only an enterprise's own accounts
// inspect it; their scope (Scope.EnterpriseID) names the enterprise.
var PermSelfInspect = auth.NewPermission("enterprise.self_inspect", auth.Enterprise)

// SelfInspection is one self-inspection of an enterprise against a checklist.
type SelfInspection struct {
	ID             db.ID     `json:"id"`
	EnterpriseID   db.ID     `json:"enterprise_id"`
	EnterpriseName string    `json:"enterprise_name"`
	TemplateID     db.ID     `json:"template_id"`
	TemplateName   string    `json:"template_name"`
	DoneBy         string    `json:"done_by"`
	DoneAt         time.Time `json:"done_at"`
	Passed         int       `json:"passed"`
	Failed         int       `json:"failed" jsonschema:"description=failed items; each became a hazard"`
	NotApplicable  int       `json:"not_applicable"`
	Note           string    `json:"note"`
	// HazardIDs and Results come with one inspection (not in lists).
	HazardIDs []db.ID            `json:"hazard_ids,omitempty" jsonschema:"description=the hazards its failed items became (detail only)"`
	Results   []InspectionResult `json:"results,omitempty" jsonschema:"description=every item with its answer (detail only)"`

	path     string
	industry string
}

// InspectionResult is the answer to one item, with the hazard a failed one became.
type InspectionResult struct {
	ItemID       db.ID  `json:"item_id"`
	Position     int    `json:"position"`
	Text         string `json:"text"`
	Category     string `json:"category"`
	Grade        string `json:"grade" jsonschema:"enum=general,enum=major"`
	Result       string `json:"result" jsonschema:"enum=pass,enum=fail,enum=na"`
	Note         string `json:"note"`
	HazardID     *db.ID `json:"hazard_id" jsonschema:"nullable"`
	HazardCode   string `json:"hazard_code"`
	HazardStatus string `json:"hazard_status"`
}

// SelfInspectionInput files a self-inspection: every item of the template answered.
type SelfInspectionInput struct {
	TemplateID db.ID         `json:"template_id" form:"template_id" jsonschema:"description=the general checklist or the one of the enterprise's industry"`
	Results    []ResultInput `json:"results"`
	Note       string        `json:"note,omitempty" form:"note"`
}

// ResultInput answers one item.
type ResultInput struct {
	ItemID db.ID   `json:"item_id"`
	Result string  `json:"result" jsonschema:"enum=pass,enum=fail,enum=na"`
	Note   string  `json:"note,omitempty" jsonschema:"description=for a failed item: what was found (the hazard's description)"`
	Photos []db.ID `json:"photos,omitempty" jsonschema:"description=attachment ids of photos of a failed item (they go with its hazard)"`
}

// SelfInspectionFilter selects an enterprise's self-inspections.
type SelfInspectionFilter struct {
	From   *time.Time `query:"from" doc:"done on or after (date)"`
	To     *time.Time `query:"to" doc:"done before the end of this date"`
	Failed *bool      `query:"failed" doc:"true: with at least one failed item"`
}

var inspectionSorting = api.Sorting{
	Columns:  map[string]string{"done_at": "s.done_at", "failed": "s.failed"},
	Default:  "-done_at",
	Tiebreak: "s.id",
}

var inspectionExport = api.Export[SelfInspection]{Name: "enterprise.export_self_inspections", Columns: []api.Column[SelfInspection]{
	{Header: "enterprise.field.name", Value: func(s SelfInspection) any { return s.EnterpriseName }, Width: 30},
	{Header: "enterprise.inspection.field.done_at", Value: func(s SelfInspection) any { return s.DoneAt }, Width: 17},
	{Header: "enterprise.checklist.field.name", Value: func(s SelfInspection) any { return s.TemplateName }, Width: 24},
	{Header: "enterprise.inspection.field.done_by", Value: func(s SelfInspection) any { return s.DoneBy }, Width: 12},
	{Header: "enterprise.inspection.field.passed", Value: func(s SelfInspection) any { return s.Passed }, Width: 8},
	{Header: "enterprise.inspection.field.failed", Value: func(s SelfInspection) any { return s.Failed }, Width: 8},
	{Header: "enterprise.inspection.field.na", Value: func(s SelfInspection) any { return s.NotApplicable }, Width: 8},
	{Header: "enterprise.inspection.field.note", Value: func(s SelfInspection) any { return s.Note }, Width: 40},
}}

const selectInspection = `SELECT s.id, s.enterprise_id, e.name, s.template_id, c.name, COALESCE(u.display_name, ''), s.done_at,
	s.passed, s.failed, (SELECT COUNT(*) FROM self_inspection_results x WHERE x.inspection_id = s.id AND x.result = 'na'),
	s.note, e.org_path, e.industry
	FROM self_inspections s
	JOIN enterprises e ON e.id = s.enterprise_id
	JOIN checklist_templates c ON c.id = s.template_id
	LEFT JOIN users u ON u.id = s.done_by`

func scanInspection(sc db.Scanner) (SelfInspection, error) {
	var s SelfInspection
	err := sc.Scan(&s.ID, &s.EnterpriseID, &s.EnterpriseName, &s.TemplateID, &s.TemplateName, &s.DoneBy, &s.DoneAt,
		&s.Passed, &s.Failed, &s.NotApplicable, &s.Note, &s.path, &s.industry)
	return s, err
}

// ListSelfInspections calls each for the self-inspections of an enterprise in the
// caller's scope, newest first. Errors: NotFound (the enterprise).
func (m *Module) ListSelfInspections(ctx context.Context, p *auth.Principal, entID db.ID, f SelfInspectionFilter, lp api.ListParams,
	each func(SelfInspection) error) (int, error) {
	if _, err := m.Registry.Get(ctx, m.DB, p, entID, false); err != nil {
		return 0, err
	}
	var w db.Where
	enterprise.ScopeWhere(&w, p.Scope)
	w.Add("s.enterprise_id = ?", entID)
	if f.From != nil {
		w.Add("s.done_at >= ?", *f.From)
	}
	if f.To != nil {
		w.Add("s.done_at < ?", f.To.AddDate(0, 0, 1))
	}
	w.Bool(f.Failed, "s.failed > 0", "s.failed = 0")
	lq := api.ListQuery{Select: selectInspection, Count: `FROM self_inspections s JOIN enterprises e ON e.id = s.enterprise_id`,
		Where: w, Sorting: inspectionSorting}
	return api.QueryList(ctx, m.DB, lq, lp, scanInspection, each)
}

// GetSelfInspection returns a self-inspection of an enterprise in the caller's scope
// with every item's answer and the hazards its failed items became. Errors: NotFound.
func (m *Module) GetSelfInspection(ctx context.Context, q db.Querier, p *auth.Principal, id db.ID) (SelfInspection, error) {
	s, err := scanInspection(q.QueryRow(ctx, selectInspection+` WHERE s.id = ?`, id))
	if db.IsNoRows(err) || (err == nil && !enterprise.InScope(p.Scope, s.EnterpriseID, s.path, s.industry)) {
		return SelfInspection{}, apperr.NotFoundf("self_inspection")
	}
	if err != nil {
		return s, err
	}
	rows, err := q.Query(ctx, `SELECT x.item_id, i.position, i.text, i.category, i.grade, x.result, x.note, x.hazard_id,
		COALESCE(h.code, ''), COALESCE(h.status, '')
		FROM self_inspection_results x
		JOIN checklist_items i ON i.id = x.item_id
		LEFT JOIN hazards h ON h.id = x.hazard_id
		WHERE x.inspection_id = ? ORDER BY i.position, i.id`, id)
	if err != nil {
		return s, err
	}
	defer rows.Close()
	s.HazardIDs, s.Results = []db.ID{}, []InspectionResult{}
	for rows.Next() {
		var r InspectionResult
		if err := rows.Scan(&r.ItemID, &r.Position, &r.Text, &r.Category, &r.Grade, &r.Result, &r.Note, db.NullID{P: &r.HazardID},
			&r.HazardCode, &r.HazardStatus); err != nil {
			return s, err
		}
		if r.HazardID != nil {
			s.HazardIDs = append(s.HazardIDs, *r.HazardID)
		}
		s.Results = append(s.Results, r)
	}
	return s, rows.Err()
}

// SelfInspect files a self-inspection of the caller's own enterprise. Every item of the
// template must be answered; each failed item becomes a hazard (source self_inspection,
// at the enterprise's grid, titled with the item's finding, of its category and grade, with its
// photos) in the same transaction, so either the inspection and all its hazards are
// stored or nothing is. Errors: Forbidden (not an enterprise account), NotFound
// (another enterprise), Conflict (a closed enterprise), Invalid.
func (m *Module) SelfInspect(ctx context.Context, p *auth.Principal, entID db.ID, in SelfInspectionInput) (db.ID, error) {
	if p.Scope.EnterpriseID == nil {
		return 0, apperr.Forbid()
	}
	var id db.ID
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		e, err := m.Registry.Get(ctx, tx, p, entID, false)
		if err != nil {
			return err
		}
		if e.Status == "closed" {
			return apperr.Conflictf("enterprise.closed", nil)
		}
		items, v, err := m.checkInspection(ctx, tx, &e, &in)
		if err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		answers := map[db.ID]ResultInput{}
		passed, failed := 0, 0
		for _, r := range in.Results {
			answers[r.ItemID] = r
			switch r.Result {
			case "pass":
				passed++
			case "fail":
				failed++
			}
		}
		now := m.Clock.Now()
		if err := tx.QueryRow(ctx, `INSERT INTO self_inspections (enterprise_id, template_id, done_by, done_at, passed, failed, note)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, entID, in.TemplateID, p.UserID, now, passed, failed, strings.TrimSpace(in.Note)).Scan(&id); err != nil {
			return err
		}
		index := map[db.ID]int{}
		for i, r := range in.Results {
			index[r.ItemID] = i
		}
		hazards := []string{}
		for _, it := range items {
			a := answers[it.ID]
			var hid *db.ID
			if a.Result == "fail" {
				h, err := m.Hazards.ReportTx(ctx, tx, p, hazard.ReportInput{Title: it.FindingTitle(), Description: findingDescription(it, a.Note),
					Category: it.Category, Industry: e.Industry, Grade: it.Grade, Source: "self_inspection", GridID: e.GridID,
					EnterpriseID: &e.ID, Photos: a.Photos})
				if err != nil {
					return resultErr(err, index[it.ID])
				}
				hid = &h
				hazards = append(hazards, h.String())
			}
			if _, err := tx.Exec(ctx, `INSERT INTO self_inspection_results (inspection_id, item_id, result, note, hazard_id) VALUES (?, ?, ?, ?, ?)`,
				id, it.ID, a.Result, strings.TrimSpace(a.Note), hid); err != nil {
				return err
			}
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "enterprise.self_inspect", ObjectType: "self_inspection", ObjectID: id.String(),
			Detail: map[string]any{"enterprise_id": entID.String(), "template_id": in.TemplateID.String(), "passed": passed, "failed": failed,
				"hazards": hazards}})
	})
	return id, err
}

// checkInspection validates a self-inspection against its template and returns the
// template's items.
func (m *Module) checkInspection(ctx context.Context, tx *db.Tx, e *enterprise.Enterprise, in *SelfInspectionInput) ([]ChecklistItem, *apperr.Validation, error) {
	v := &apperr.Validation{}
	if len([]rune(in.Note)) > 2000 {
		v.Add("note", "validate.max_len", apperr.E{"max": 2000})
	}
	if in.TemplateID == 0 {
		v.Add("template_id", "validate.required", nil)
		return nil, v, nil
	}
	var industry *string
	err := tx.QueryRow(ctx, `SELECT industry FROM checklist_templates WHERE id = ?`, in.TemplateID).Scan(&industry)
	switch {
	case db.IsNoRows(err):
		v.Add("template_id", "validate.unknown_ref", nil)
		return nil, v, nil
	case err != nil:
		return nil, v, err
	case industry != nil && *industry != e.Industry:
		v.Add("template_id", "enterprise.checklist_other_industry", nil)
		return nil, v, nil
	}
	items, err := m.checklistItems(ctx, tx, in.TemplateID)
	if err != nil {
		return nil, v, err
	}
	known := map[db.ID]bool{}
	for _, it := range items {
		known[it.ID] = true
	}
	seen := map[db.ID]bool{}
	for i, r := range in.Results {
		f := fmt.Sprintf("results[%d]", i)
		switch {
		case !known[r.ItemID]:
			v.Add(f+".item_id", "enterprise.item_not_in_checklist", nil)
		case seen[r.ItemID]:
			v.Add(f+".item_id", "enterprise.item_repeated", nil)
		}
		seen[r.ItemID] = true
		if !slices.Contains(ItemResults, r.Result) {
			v.Add(f+".result", "validate.one_of", apperr.E{"values": strings.Join(ItemResults, ", ")})
		}
		if len([]rune(r.Note)) > 2000 {
			v.Add(f+".note", "validate.max_len", apperr.E{"max": 2000})
		}
		if len(r.Photos) > 0 && r.Result != "fail" {
			v.Add(f+".photos", "enterprise.photos_fail_only", nil)
		}
	}
	var missing []string
	for _, it := range items {
		if !seen[it.ID] {
			missing = append(missing, fmt.Sprint(it.Position))
		}
	}
	if len(missing) > 0 {
		v.Add("results", "enterprise.items_unanswered", apperr.E{"n": len(missing), "items": strings.Join(missing, ", ")})
	}
	return items, v, nil
}

// resultErr places the field errors of a failed item's hazard under that item's
// answer (its photos, chiefly), so the client knows which answer to fix.
func resultErr(err error, i int) error {
	return apperr.RenameFields(err, func(field string) string {
		switch field {
		case "attachments", "photos":
			field = "photos"
		case "description":
			field = "note"
		}
		return fmt.Sprintf("results[%d].%s", i, field)
	})
}

// findingDescription is the hazard's description: the enterprise's note, then the
// checklist item it failed, so the question asked stays with the finding.
func findingDescription(it ChecklistItem, note string) string {
	item := fmt.Sprintf("自查项 %d：%s", it.Position, strings.TrimSpace(it.Text))
	note = strings.TrimSpace(note)
	if note == "" {
		return item
	}
	if r, room := []rune(note), maxDescription-len([]rune(item))-1; len(r) > room { // the note is checked against 2,000 alone
		note = string(r[:room-1]) + "…"
	}
	return note + "\n" + item
}

// maxDescription is the longest hazard description (the hazard capability's rule).
const maxDescription = 2000
