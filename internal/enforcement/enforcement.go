// Package enforcement is administrative enforcement against enterprises: the ladder
// (ladder.go: 责令整改 → 行政处罚 → 上限处罚 → 责令停产整改 → 提请关闭) whose steps a
// supervising unit records with their documents and closes with an outcome, the printed
// rectification order (责令整改通知书), the joint-constraint list of red enterprises
// other agencies read (联合惩戒名单, constraints.go) and the incentive list (激励名单). A
// step may suspend, flag or close its enterprise; every step and outcome tells the
// enterprise registry to recolor it (Registry), whose rules count penalties and failed
// suspensions among their facts.
package enforcement

import (
	"context"
	"embed"
	"net/http"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/enterprise"
	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
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

// Module is the enforcement capability.
type Module struct {
	kit.Deps
	Registry Registry
	// Attachments claims the documents and photos recorded with a step, and Uploader
	// stores the files the step's page form sends (nil: the form refuses files).
	Attachments web.Linker
	Uploader    web.Uploader
}

// Registry is what enforcement asks of the enterprise registry: the enterprise of a step
// in the caller's scope, its color after a step, the enterprises listed for incentives,
// the filters of the lists, and the steps' place on the enterprise's file.
type Registry interface {
	enterprise.Keeper
	ListWhere(ctx context.Context, p *auth.Principal, f enterprise.Filter, lp api.ListParams, each func(enterprise.Enterprise) error,
		extra func(w *db.Where)) (int, error)
	Towns(ctx context.Context, sc auth.Scope) ([]enterprise.Choice, error)
	Industries(ctx context.Context, sc auth.Scope) ([]string, error)
	RenderFile(w http.ResponseWriter, r *http.Request, status int, id db.ID, refused enterprise.Refused) error
}

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
	Kind        string  `json:"kind" form:"kind" jsonschema:"enum=rectification_order,enum=penalty,enum=max_penalty,enum=suspension,enum=closure_proposal"`
	DecidedAt   string  `json:"decided_at,omitempty" form:"decided_at" jsonschema:"description=date or RFC 3339; defaults to now"`
	DocNumber   string  `json:"doc_number,omitempty" form:"doc_number"`
	AmountYuan  *int64  `json:"amount_yuan,omitempty" form:"amount_yuan" jsonschema:"description=required for penalties"`
	Reason      string  `json:"reason" form:"reason"`
	Deadline    string  `json:"deadline,omitempty" form:"deadline" jsonschema:"description=required for a rectification order and a suspension: a date (due by the end of that day, China time) or an RFC 3339 time"`
	Attachments []db.ID `json:"attachments,omitempty"`
}

// OutcomeInput closes a step: a suspension passed, failed or was refused; a rectification
// order passed or failed; a closure proposal was done.
type OutcomeInput struct {
	Outcome string `json:"outcome" form:"outcome" jsonschema:"enum=passed,enum=failed,enum=refused,enum=done"`
	Note    string `json:"note,omitempty" form:"note"`
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

func scanEnforcement(s db.Scanner) (Enforcement, error) {
	var a Enforcement
	err := s.Scan(&a.ID, &a.EnterpriseID, &a.EnterpriseName, &a.Kind, &a.DecidedAt, &a.DocNumber, &a.AmountYuan, &a.Reason,
		&a.Deadline, &a.Outcome, &a.OutcomeAt, &a.OutcomeNote, db.NullID{P: &a.OrgID}, &a.OrgName, &a.CreatedByName, &a.CreatedAt)
	a.Attachments = []db.ID{}
	return a, err
}

// ListEnforcement calls each for the steps on enterprises in the caller's scope.
func (m *Module) ListEnforcement(ctx context.Context, p *auth.Principal, f EnforcementFilter, lp api.ListParams, each func(Enforcement) error) (int, error) {
	var w db.Where
	enterprise.ScopeWhere(&w, p.Scope)
	w.Eq("a.kind", f.Kind)
	w.Eq("a.outcome", f.Outcome)
	w.Eq("a.enterprise_id", f.EnterpriseID)
	w.Eq("e.town_id", f.TownID)
	lq := api.ListQuery{Select: selectEnforcement, Count: `FROM enforcement_actions a JOIN enterprises e ON e.id = a.enterprise_id`,
		Where: w, Sorting: enforcementSorting}
	return api.QueryList(ctx, m.DB, lq, lp, scanEnforcement, each)
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
	if _, err := m.Registry.Get(ctx, q, p, a.EnterpriseID, false); err != nil {
		return Enforcement{}, apperr.NotFoundf("enforcement")
	}
	a.Attachments, err = db.All(ctx, q, `SELECT attachment_id FROM enforcement_attachments WHERE action_id = ? ORDER BY attachment_id`,
		[]any{id}, db.ScanID)
	return a, err
}

// Enforce records a step of the ladder on an enterprise in scope, with what its rung
// needs and does (ladder.go): a suspension suspends the enterprise; a closure proposal
// needs the enterprise to be flagged (it failed or refused a suspension). Errors:
// NotFound, Forbidden, Conflict (a closed enterprise, a closure proposal without the
// flag), Invalid.
func (m *Module) Enforce(ctx context.Context, p *auth.Principal, entID db.ID, in EnforcementInput) (db.ID, error) {
	now := m.Clock.Now()
	v := apperr.Validation{}
	r, known := rungOf(in.Kind)
	if !known {
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
	if r.needsAmount && (in.AmountYuan == nil || *in.AmountYuan <= 0) {
		v.Add("amount_yuan", "enterprise.amount_required", nil)
	}
	var deadline *time.Time
	if r.needsDeadline {
		// A due day, like a hazard's: a date is due by the end of that day, China time.
		// Due on a later day than the decision.
		if t, ok := api.Due(&v, "deadline", in.Deadline, clock.EndOfDay(decided), "enterprise.deadline_after_decision"); ok {
			deadline = &t
		}
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	var id db.ID
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		e, err := m.Registry.Get(ctx, tx, p, entID, false)
		if err != nil {
			return err
		}
		st := standing{Status: e.Status, Flagged: e.ClosureFlagged}
		if key := r.refusal(st); key != "" {
			return apperr.Conflictf(key, nil)
		}
		if err := tx.QueryRow(ctx, `INSERT INTO enforcement_actions (enterprise_id, kind, decided_at, doc_number, amount_yuan, reason, deadline,
			outcome, org_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?) RETURNING id`,
			entID, in.Kind, decided, strings.TrimSpace(in.DocNumber), in.AmountYuan, strings.TrimSpace(in.Reason), deadline,
			db.NullIfZero(p.OrgID), db.NullIfZero(p.UserID), now).Scan(&id); err != nil {
			return err
		}
		if err := m.linkEnforcement(ctx, tx, p, &e, id, in.Attachments); err != nil {
			return err
		}
		if err := m.change(ctx, tx, entID, st, r.taken, now); err != nil {
			return err
		}
		if _, err := m.Registry.Recolor(ctx, tx, "enforcement", entID); err != nil {
			return err
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "enterprise.enforce", ObjectType: "enterprise", ObjectID: entID.String(),
			Detail: map[string]any{"kind": in.Kind, "enforcement_id": id.String(), "doc_number": in.DocNumber}})
	})
	return id, err
}

// change applies what a step or an outcome does to an enterprise standing st (nothing
// for a nil change).
func (m *Module) change(ctx context.Context, tx *db.Tx, entID db.ID, st standing, c change, now time.Time) error {
	if c == nil {
		return nil
	}
	next := c(st)
	_, err := tx.Exec(ctx, `UPDATE enterprises SET status = ?, closure_flagged = ?, updated_at = ? WHERE id = ?`, next.Status, next.Flagged, now, entID)
	return err
}

func (m *Module) linkEnforcement(ctx context.Context, tx *db.Tx, p *auth.Principal, e *enterprise.Enterprise, id db.ID, ids []db.ID) error {
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

// SetOutcome closes a pending step with one of the outcomes its rung allows, and does
// what that outcome does to the enterprise (ladder.go): a suspension passed lifts the
// suspension; failed or refused flags the enterprise for a closure proposal; a closure
// done closes it. Errors: NotFound, Conflict (already closed), Invalid.
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
		r, _ := rungOf(a.Kind)
		o, ok := r.outcome(in.Outcome)
		v := apperr.Validation{}
		if !ok {
			v.Add("outcome", "validate.one_of", apperr.E{"values": strings.Join(r.outcomeNames(), ", ")})
		}
		v.Text("note", &in.Note, false, false, 500)
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE enforcement_actions SET outcome = ?, outcome_at = ?, outcome_note = ? WHERE id = ?`,
			in.Outcome, now, strings.TrimSpace(in.Note), id); err != nil {
			return err
		}
		e, err := m.Registry.Get(ctx, tx, p, a.EnterpriseID, false)
		if err != nil {
			return err
		}
		if err := m.change(ctx, tx, a.EnterpriseID, standing{Status: e.Status, Flagged: e.ClosureFlagged}, o.then, now); err != nil {
			return err
		}
		if _, err := m.Registry.Recolor(ctx, tx, "enforcement", a.EnterpriseID); err != nil {
			return err
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "enterprise.enforcement_outcome", ObjectType: "enforcement", ObjectID: id.String(),
			Detail: map[string]any{"kind": a.Kind, "outcome": in.Outcome}})
	})
}
