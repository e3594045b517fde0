package riskpoint

import (
	"context"
	"time"

	"github.com/safeduty/safeduty/internal/enterprise"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
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
	in, args := db.In("risk_point_id", ids)
	rows, err := q.Query(ctx, `SELECT risk_point_id, at, controls_ok, reason, by_name FROM risk_point_checks
		WHERE `+in+` ORDER BY risk_point_id, at DESC, id DESC`, args...)
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

// failConsequence is what marking rp's controls failed would do to its enterprise
// under the rules in force: only a major risk point whose controls work now feeds the
// rules (FactMajorRiskUncontrolled), one more of them.
func (m *Module) failConsequence(ctx context.Context, rp RiskPoint) (enterprise.WhatIf, error) {
	more := 0
	if rp.Grade == "major" && rp.ControlsOK {
		more = 1
	}
	return m.Registry.WhatIf(ctx, rp.EnterpriseID, enterprise.FactMajorRiskUncontrolled, more)
}
