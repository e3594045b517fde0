package enterprise

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// Enforcement kinds: the ladder of SPEC §3.3 (上限处罚 → 责令停产整改 → 提请关闭), with the
// rectification order (责令整改) and ordinary penalties that come before it.
var EnforcementKinds = []string{"rectification_order", "penalty", "max_penalty", "suspension", "closure_proposal"}

// Enforcement is one recorded step.
type Enforcement struct {
	ID             db.ID      `json:"id"`
	EnterpriseID   db.ID      `json:"enterprise_id"`
	EnterpriseName string     `json:"enterprise_name"`
	Kind           string     `json:"kind" jsonschema:"enum=rectification_order,enum=penalty,enum=max_penalty,enum=suspension,enum=closure_proposal"`
	DecidedAt      time.Time  `json:"decided_at"`
	DocNumber      string     `json:"doc_number"`
	AmountYuan     *int64     `json:"amount_yuan" jsonschema:"nullable"`
	Reason         string     `json:"reason"`
	Deadline       *time.Time `json:"deadline" jsonschema:"nullable"`
	Outcome        string     `json:"outcome" jsonschema:"enum=pending,enum=passed,enum=failed,enum=refused,enum=done"`
	OutcomeAt      *time.Time `json:"outcome_at" jsonschema:"nullable"`
	OutcomeNote    string     `json:"outcome_note"`
	OrgID          *db.ID     `json:"org_id" jsonschema:"nullable"`
	OrgName        string     `json:"org_name"`
	CreatedByName  string     `json:"created_by_name"`
	CreatedAt      time.Time  `json:"created_at"`
	Attachments    []db.ID    `json:"attachments"`
}

// EnforcementInput records a step.
type EnforcementInput struct {
	Kind        string  `json:"kind" jsonschema:"enum=rectification_order,enum=penalty,enum=max_penalty,enum=suspension,enum=closure_proposal"`
	DecidedAt   string  `json:"decided_at,omitempty" jsonschema:"description=date or RFC 3339; defaults to now"`
	DocNumber   string  `json:"doc_number,omitempty"`
	AmountYuan  *int64  `json:"amount_yuan,omitempty" jsonschema:"description=required for penalties"`
	Reason      string  `json:"reason"`
	Deadline    string  `json:"deadline,omitempty" jsonschema:"description=required for a rectification order and a suspension: a date (due by the end of that day, China time) or an RFC 3339 time"`
	Attachments []db.ID `json:"attachments,omitempty"`
}

// OutcomeInput closes a step: a suspension passed, failed or was refused; a rectification
// order passed or failed; a closure proposal was done.
type OutcomeInput struct {
	Outcome string `json:"outcome" jsonschema:"enum=passed,enum=failed,enum=refused,enum=done"`
	Note    string `json:"note,omitempty"`
}

// EnforcementFilter selects steps.
type EnforcementFilter struct {
	Kind         string `query:"kind" enum:"rectification_order,penalty,max_penalty,suspension,closure_proposal"`
	Outcome      string `query:"outcome" enum:"pending,passed,failed,refused,done"`
	EnterpriseID *db.ID `query:"enterprise_id"`
	TownID       *db.ID `query:"town_id"`
}

var enforcementSorting = api.Sorting{
	Columns:  map[string]string{"decided_at": "a.decided_at", "created_at": "a.created_at"},
	Default:  "-decided_at",
	Tiebreak: "a.id",
}

const selectEnforcement = `SELECT a.id, a.enterprise_id, e.name, a.kind, a.decided_at, a.doc_number, a.amount_yuan, a.reason, a.deadline,
	a.outcome, a.outcome_at, a.outcome_note, a.org_id, COALESCE(o.name, ''), COALESCE(u.display_name, ''), a.created_at
	FROM enforcement_actions a JOIN enterprises e ON e.id = a.enterprise_id
	LEFT JOIN orgs o ON o.id = a.org_id LEFT JOIN users u ON u.id = a.created_by`

func scanEnforcement(s scanner) (Enforcement, error) {
	var a Enforcement
	err := s.Scan(&a.ID, &a.EnterpriseID, &a.EnterpriseName, &a.Kind, &a.DecidedAt, &a.DocNumber, &a.AmountYuan, &a.Reason,
		&a.Deadline, &a.Outcome, &a.OutcomeAt, &a.OutcomeNote, db.NullID{P: &a.OrgID}, &a.OrgName, &a.CreatedByName, &a.CreatedAt)
	a.Attachments = []db.ID{}
	return a, err
}

// ListEnforcement calls each for the steps on enterprises in the caller's scope.
func (m *Module) ListEnforcement(ctx context.Context, p *auth.Principal, f EnforcementFilter, lp api.ListParams, each func(Enforcement) error) (int, error) {
	var w db.Where
	m.scopeWhere(&w, p.Scope)
	if f.Kind != "" {
		w.Add("a.kind = ?", f.Kind)
	}
	if f.Outcome != "" {
		w.Add("a.outcome = ?", f.Outcome)
	}
	if f.EnterpriseID != nil {
		w.Add("a.enterprise_id = ?", *f.EnterpriseID)
	}
	if f.TownID != nil {
		w.Add("e.town_id = ?", *f.TownID)
	}
	total := 0
	if lp.Paged() {
		if err := m.DB.QueryRow(ctx, `SELECT COUNT(*) FROM enforcement_actions a JOIN enterprises e ON e.id = a.enterprise_id`+w.SQL(), w.Args()...).Scan(&total); err != nil {
			return 0, err
		}
	}
	limit, largs := lp.Limit()
	rows, err := m.DB.Query(ctx, selectEnforcement+w.SQL()+lp.OrderBy(enforcementSorting)+limit, append(w.Args(), largs...)...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanEnforcement(rows)
		if err != nil {
			return 0, err
		}
		if err := each(a); err != nil {
			return 0, err
		}
	}
	return total, rows.Err()
}

// GetEnforcement returns one step of an enterprise in scope, with its attachments.
func (m *Module) GetEnforcement(ctx context.Context, q db.Querier, p *auth.Principal, id db.ID) (Enforcement, error) {
	a, err := scanEnforcement(q.QueryRow(ctx, selectEnforcement+` WHERE a.id = ?`, id))
	if db.IsNoRows(err) {
		return a, apperr.NotFoundf("enforcement")
	}
	if err != nil {
		return a, err
	}
	if _, err := m.Get(ctx, q, p, a.EnterpriseID, false); err != nil {
		return Enforcement{}, apperr.NotFoundf("enforcement")
	}
	rows, err := q.Query(ctx, `SELECT attachment_id FROM enforcement_attachments WHERE action_id = ? ORDER BY attachment_id`, id)
	if err != nil {
		return a, err
	}
	defer rows.Close()
	for rows.Next() {
		var aid db.ID
		if err := rows.Scan(&aid); err != nil {
			return a, err
		}
		a.Attachments = append(a.Attachments, aid)
	}
	return a, rows.Err()
}

// Enforce records an enforcement step on an enterprise in scope. A suspension suspends
// the enterprise; a closure proposal needs the enterprise to be flagged (it failed or
// refused a suspension). Errors: NotFound, Forbidden, Conflict, Invalid.
func (m *Module) Enforce(ctx context.Context, p *auth.Principal, entID db.ID, in EnforcementInput) (db.ID, error) {
	now := m.Clock.Now()
	v := apperr.Validation{}
	if !slices.Contains(EnforcementKinds, in.Kind) {
		v.Add("kind", "validate.one_of", apperr.E{"values": strings.Join(EnforcementKinds, ", ")})
	}
	decided := now
	if in.DecidedAt != "" {
		t, err := api.ParseTime(in.DecidedAt)
		if err != nil {
			v.Add("decided_at", "validate.date", nil)
		} else if t.After(now.Add(time.Minute)) {
			v.Add("decided_at", "enterprise.not_future", nil)
		} else {
			decided = t
		}
	}
	if strings.TrimSpace(in.Reason) == "" {
		v.Add("reason", "validate.required", nil)
	} else if len([]rune(in.Reason)) > 2000 {
		v.Add("reason", "validate.max_len", apperr.E{"max": 2000})
	}
	if len([]rune(in.DocNumber)) > 60 {
		v.Add("doc_number", "validate.max_len", apperr.E{"max": 60})
	}
	if in.Kind == "penalty" || in.Kind == "max_penalty" {
		if in.AmountYuan == nil || *in.AmountYuan <= 0 {
			v.Add("amount_yuan", "enterprise.amount_required", nil)
		}
	}
	var deadline *time.Time
	if in.Kind == "rectification_order" || in.Kind == "suspension" {
		// A due day, like a hazard's: a date is due by the end of that day, China time.
		t, err := api.ParseDue(strings.TrimSpace(in.Deadline))
		switch {
		case in.Deadline == "":
			v.Add("deadline", "validate.required", nil)
		case err != nil:
			v.Add("deadline", "validate.date", nil)
		case !t.After(clock.EndOfDay(decided)): // due on a later day than the decision
			v.Add("deadline", "enterprise.deadline_after_decision", nil)
		default:
			deadline = &t
		}
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	var id db.ID
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		e, err := m.Get(ctx, tx, p, entID, false)
		if err != nil {
			return err
		}
		if e.Status == "closed" {
			return apperr.Conflictf("enterprise.closed", nil)
		}
		if in.Kind == "closure_proposal" && !e.ClosureFlagged {
			return apperr.Conflictf("enterprise.closure_needs_flag", nil)
		}
		if err := tx.QueryRow(ctx, `INSERT INTO enforcement_actions (enterprise_id, kind, decided_at, doc_number, amount_yuan, reason, deadline,
			outcome, org_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?) RETURNING id`,
			entID, in.Kind, decided, strings.TrimSpace(in.DocNumber), in.AmountYuan, strings.TrimSpace(in.Reason), deadline,
			nullID(p.OrgID), nullID(p.UserID), now).Scan(&id); err != nil {
			return err
		}
		if err := m.linkEnforcement(ctx, tx, p, &e, id, in.Attachments); err != nil {
			return err
		}
		if in.Kind == "suspension" {
			if _, err := tx.Exec(ctx, `UPDATE enterprises SET status = 'suspended', updated_at = ? WHERE id = ?`, now, entID); err != nil {
				return err
			}
		}
		if _, err := m.Recolor(ctx, tx, "enforcement", entID); err != nil {
			return err
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "enterprise.enforce", ObjectType: "enterprise", ObjectID: entID.String(),
			Detail: map[string]any{"kind": in.Kind, "enforcement_id": id.String(), "doc_number": in.DocNumber}})
	})
	return id, err
}

func (m *Module) linkEnforcement(ctx context.Context, tx *db.Tx, p *auth.Principal, e *Enterprise, id db.ID, ids []db.ID) error {
	if len(ids) == 0 {
		return nil
	}
	industry := e.Industry
	if err := m.Attachments.Link(ctx, tx, p, ids, e.Path, &industry, &e.ID); err != nil {
		return err
	}
	for _, a := range ids {
		if _, err := tx.Exec(ctx, `INSERT INTO enforcement_attachments (action_id, attachment_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, id, a); err != nil {
			return err
		}
	}
	return nil
}

// allowedOutcomes says which outcomes close each kind of step.
var allowedOutcomes = map[string][]string{
	"rectification_order": {"passed", "failed"},
	"suspension":          {"passed", "failed", "refused"},
	"closure_proposal":    {"done"},
	"penalty":             {"done"},
	"max_penalty":         {"done"},
}

// SetOutcome closes a pending step. A suspension passed lifts the suspension; failed or
// refused flags the enterprise for a closure proposal; a closure done closes it.
// Errors: NotFound, Conflict (already closed), Invalid.
func (m *Module) SetOutcome(ctx context.Context, p *auth.Principal, id db.ID, in OutcomeInput) error {
	now := m.Clock.Now()
	return m.DB.Tx(ctx, func(tx *db.Tx) error {
		a, err := m.GetEnforcement(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if a.Outcome != "pending" {
			return apperr.Conflictf("enterprise.outcome_set", nil)
		}
		if !slices.Contains(allowedOutcomes[a.Kind], in.Outcome) {
			v := apperr.Validation{}
			v.Add("outcome", "validate.one_of", apperr.E{"values": strings.Join(allowedOutcomes[a.Kind], ", ")})
			return v.Err()
		}
		if _, err := tx.Exec(ctx, `UPDATE enforcement_actions SET outcome = ?, outcome_at = ?, outcome_note = ? WHERE id = ?`,
			in.Outcome, now, strings.TrimSpace(in.Note), id); err != nil {
			return err
		}
		switch {
		case a.Kind == "suspension" && in.Outcome == "passed":
			_, err = tx.Exec(ctx, `UPDATE enterprises SET status = 'operating', updated_at = ? WHERE id = ?`, now, a.EnterpriseID)
		case a.Kind == "suspension":
			_, err = tx.Exec(ctx, `UPDATE enterprises SET closure_flagged = TRUE, updated_at = ? WHERE id = ?`, now, a.EnterpriseID)
		case a.Kind == "closure_proposal":
			_, err = tx.Exec(ctx, `UPDATE enterprises SET status = 'closed', updated_at = ? WHERE id = ?`, now, a.EnterpriseID)
		}
		if err != nil {
			return err
		}
		if _, err := m.Recolor(ctx, tx, "enforcement", a.EnterpriseID); err != nil {
			return err
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "enterprise.enforcement_outcome", ObjectType: "enforcement", ObjectID: id.String(),
			Detail: map[string]any{"kind": a.Kind, "outcome": in.Outcome}})
	})
}

// nullID is nil for the zero id (work done by the system principal).
func nullID(id db.ID) *db.ID {
	if id == 0 {
		return nil
	}
	return &id
}
