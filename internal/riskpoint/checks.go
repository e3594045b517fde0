package enterprise

import (
	"context"
	"time"

	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// RiskCheck is one check of a risk point's controls (管控措施核查): whether they work, why
// (required when they are marked failing) and who recorded it.
type RiskCheck struct {
	At         time.Time `json:"at"`
	ControlsOK bool      `json:"controls_ok"`
	Reason     string    `json:"reason"`
	By         string    `json:"by" jsonschema:"description=the display name of who recorded it"`
}

// recordCheck adds a check to a risk point's history, in tx.
func recordCheck(ctx context.Context, tx *db.Tx, p *auth.Principal, id db.ID, ok bool, reason string, at time.Time) error {
	var user *db.ID
	by := ""
	if p != nil {
		by = p.DisplayName
		if p.UserID != 0 {
			user = &p.UserID
		}
	}
	_, err := tx.Exec(ctx, `INSERT INTO risk_point_checks (risk_point_id, at, controls_ok, reason, user_id, by_name) VALUES (?, ?, ?, ?, ?, ?)`,
		id, at, ok, reason, user, by)
	return err
}

// riskChecks returns the histories of the risk points ids, newest first, in one query.
func riskChecks(ctx context.Context, q db.Querier, ids []db.ID) (map[db.ID][]RiskCheck, error) {
	out := map[db.ID][]RiskCheck{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.Query(ctx, `SELECT risk_point_id, at, controls_ok, reason, by_name FROM risk_point_checks
		WHERE risk_point_id IN (`+db.Placeholders(len(ids))+`) ORDER BY risk_point_id, at DESC, id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id db.ID
		var c RiskCheck
		if err := rows.Scan(&id, &c.At, &c.ControlsOK, &c.Reason, &c.By); err != nil {
			return nil, err
		}
		out[id] = append(out[id], c)
	}
	return out, rows.Err()
}

// riskPointWithHistory returns a risk point in the caller's scope with its checks.
// Errors: NotFound.
func (m *Module) riskPointWithHistory(ctx context.Context, p *auth.Principal, id db.ID) (RiskPoint, error) {
	rp, err := m.GetRiskPoint(ctx, m.DB, p, id)
	if err != nil {
		return rp, err
	}
	checks, err := riskChecks(ctx, m.DB, []db.ID{id})
	rp.History = checks[id]
	return rp, err
}

// FailConsequence is what marking a risk point's controls failed would do to its
// enterprise under the rules in force: its color now and then, and the reasons the
// marking adds (in the reader's language).
type FailConsequence struct {
	Now, Then string   // colors
	Added     []Reason // rules the marking makes fire
	Listed    bool     // the enterprise would newly meet the joint constraints (联合惩戒)
}

// failConsequence computes FailConsequence for rp from the enterprise's facts, counting
// rp among the uncontrolled major risk points when it is major and working now.
func (m *Module) failConsequence(ctx context.Context, loc i18n.Localizer, rp RiskPoint) (FailConsequence, error) {
	var c FailConsequence
	rs, err := m.CurrentRules(ctx, m.DB)
	if err != nil {
		return c, err
	}
	fs, err := m.loadFacts(ctx, m.DB, rs, []db.ID{rp.EnterpriseID}, m.Clock.Now())
	if err != nil {
		return c, err
	}
	f, ok := fs[rp.EnterpriseID]
	if !ok {
		return c, nil
	}
	now, before := evaluate(rs, f)
	c.Now, c.Then = now, now
	if rp.Grade != "major" || !rp.ControlsOK {
		return c, nil // only a major risk point feeds the rules, and only once
	}
	after := facts{grade: f.grade, count: map[string]int{}}
	for k, n := range f.count {
		after.count[k] = n
	}
	after.count[factKey(FactMajorRiskUncontrolled, 0)]++
	var reasons []Reason
	c.Then, reasons = evaluate(rs, after)
	fired := map[string]bool{}
	for _, r := range before {
		fired[r.Rule] = true
	}
	for _, r := range reasons {
		if !fired[r.Rule] {
			c.Added = append(c.Added, r)
		}
	}
	c.Added = localize(loc, c.Added)
	c.Listed = c.Then == Red && c.Now != Red
	return c, nil
}
