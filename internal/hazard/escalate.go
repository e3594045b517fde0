package hazard

import (
	"context"
	"strconv"
	"time"

	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// Escalation stages, in the order they come.
const (
	StageReminder = "reminder" // before the deadline: to the owner
	StageOverdue  = "overdue"  // past the deadline: to the supervising unit (and the owner)
	StageLeader   = "leader"   // LeaderAfter past it: to the leaders in charge
)

// Escalate sends every reminder and escalation notice due at now, each exactly once per
// hazard, stage and deadline: the row in hazard_escalations is inserted in the same
// transaction as the notices, under a unique key, so a second run (or a second server)
// finds it and sends nothing. A new deadline (re-assignment) starts a new cycle. It is
// the body of the "hazard.escalate" job and returns how many hazards it escalated.
func (m *Module) Escalate(ctx context.Context, now time.Time) (int, error) {
	stages := []struct {
		stage    string
		statuses string
		cond     string
		args     []any
	}{
		{StageReminder, "'assigned', 'rectifying'", "h.deadline > ? AND h.deadline <= ?", []any{now, now.Add(m.Cfg.RemindBefore)}},
		{StageOverdue, "'assigned', 'rectifying', 'submitted'", "h.deadline <= ?", []any{now}},
		{StageLeader, "'assigned', 'rectifying', 'submitted'", "h.deadline <= ?", []any{now.Add(-m.Cfg.LeaderAfter)}},
	}
	total := 0
	for _, st := range stages {
		for {
			n, more, err := m.escalateBatch(ctx, now, st.stage, st.statuses, st.cond, st.args)
			if err != nil {
				return total, err
			}
			total += n
			if !more {
				break
			}
		}
	}
	return total, nil
}

const escalationBatch = 100

// escalateBatch handles up to escalationBatch hazards of one stage in one transaction.
func (m *Module) escalateBatch(ctx context.Context, now time.Time, stage, statuses, cond string, condArgs []any) (int, bool, error) {
	sent := 0
	found := 0
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		args := append(append([]any{}, condArgs...), stage)
		rows, err := tx.Query(ctx, selectHazard+` WHERE h.status IN (`+statuses+`) AND h.deadline IS NOT NULL AND `+cond+`
			AND NOT EXISTS (SELECT 1 FROM hazard_escalations e WHERE e.hazard_id = h.id AND e.stage = ? AND e.deadline = h.deadline)
			ORDER BY h.id LIMIT `+strconv.Itoa(escalationBatch), args...)
		if err != nil {
			return err
		}
		var list []Hazard
		for rows.Next() {
			h, err := m.scan(rows, now)
			if err != nil {
				rows.Close()
				return err
			}
			list = append(list, h)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		found = len(list)
		sys := auth.System()
		sys.DisplayName = "系统"
		for _, h := range list {
			var claimed db.ID
			err := tx.QueryRow(ctx, `INSERT INTO hazard_escalations (hazard_id, stage, deadline, sent_at, notices) VALUES (?, ?, ?, ?, 0)
				ON CONFLICT (hazard_id, stage, deadline) DO NOTHING RETURNING hazard_id`, h.ID, stage, *h.Deadline, now).Scan(&claimed)
			if db.IsNoRows(err) {
				continue // another run got there first
			}
			if err != nil {
				return err
			}
			to, err := m.recipients(ctx, tx, &h, stage)
			if err != nil {
				return err
			}
			ns := notices(to, 0, "hazard."+stage, &h, "hazard.notice."+stage,
				map[string]any{"deadline": clock.DueText(*h.Deadline)})
			if err := m.Notify.Send(ctx, tx, ns...); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE hazard_escalations SET notices = ? WHERE hazard_id = ? AND stage = ? AND deadline = ?`,
				len(ns), h.ID, stage, *h.Deadline); err != nil {
				return err
			}
			if err := m.record(ctx, tx, sys, &h, "escalate", h.Status, h.Status, "", map[string]any{"stage": stage, "notices": len(ns)}, nil, ""); err != nil {
				return err
			}
			if stage == StageOverdue {
				if err := m.changed(ctx, tx, h.EnterpriseID); err != nil { // overdue counts in the enterprise's color
					return err
				}
			}
			sent++
		}
		return nil
	})
	return sent, found == escalationBatch, err
}

// recipients of each stage: the owner is reminded; an overdue hazard is reported to the
// supervising unit and its owner; then to the leaders in charge of its industry and its
// listing leader. Nobody to tell falls back to the safety office, so no notice vanishes.
func (m *Module) recipients(ctx context.Context, tx *db.Tx, h *Hazard, stage string) ([]db.ID, error) {
	var to []db.ID
	var err error
	switch stage {
	case StageReminder:
		if h.OwnerID != nil {
			to = []db.ID{*h.OwnerID}
		}
	case StageOverdue:
		if h.SupervisorOrgID != nil {
			to, err = unitMembers(ctx, tx, *h.SupervisorOrgID)
		}
		if h.OwnerID != nil {
			to = append(to, *h.OwnerID)
		}
	case StageLeader:
		to, err = leadersInCharge(ctx, tx, h.Industry, h.ListingLeaderID)
	}
	if err != nil {
		return nil, err
	}
	if len(to) == 0 && stage != StageReminder {
		return safetyOffice(ctx, tx)
	}
	return to, nil
}
