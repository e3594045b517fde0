package enterprise

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/platform/db"
)

// FactSource counts a fact kept by another capability (e.g. fatal accidents) for a set
// of enterprises since a time. The accident capability registers FactFatalAccident.
type FactSource interface {
	Count(ctx context.Context, q db.Querier, ids []db.ID, since time.Time) (map[db.ID]int, error)
}

// facts are one enterprise's inputs to the rules.
type facts struct {
	grade string
	count map[string]int // by factKey
}

// factKey names a fact with its window, so two rules over different windows differ.
func factKey(fact string, months int) string {
	if windowed(fact) {
		return fmt.Sprintf("%s/%d", fact, months)
	}
	return fact
}

// sqlFact counts a built-in fact with one grouped query per batch of enterprises: the
// query's %s takes the id placeholders and its ? (if any) the time bound. Grouped
// queries on the enterprise_id indexes keep their plans simple on both engines.
type sqlFact struct {
	query string
	bound bool
}

// Count implements FactSource.
func (f sqlFact) Count(ctx context.Context, q db.Querier, ids []db.ID, since time.Time) (map[db.ID]int, error) {
	args := make([]any, 0, len(ids)+1)
	for _, id := range ids {
		args = append(args, id)
	}
	if f.bound {
		args = append(args, since)
	}
	return db.Map[db.ID, int](ctx, q, fmt.Sprintf(f.query, db.Placeholders(len(ids))), args)
}

// builtinFacts are the facts kept by SafeDuty's own tables.
var builtinFacts = map[string]sqlFact{
	FactOpenMajorHazard: {query: `SELECT h.enterprise_id, COUNT(*) FROM hazards h
		WHERE h.enterprise_id IN (%s) AND h.status <> 'closed' AND h.grade = 'major' GROUP BY h.enterprise_id`},
	FactOverdueHazards: {bound: true, query: `SELECT h.enterprise_id, COUNT(*) FROM hazards h
		WHERE h.enterprise_id IN (%s) AND h.status <> 'closed' AND h.deadline < ? GROUP BY h.enterprise_id`},
	FactRejectedRectifications: {bound: true, query: `SELECT h.enterprise_id, COUNT(*) FROM hazards h JOIN hazard_events ev ON ev.hazard_id = h.id
		WHERE h.enterprise_id IN (%s) AND ev.action = 'reject' AND ev.at >= ? GROUP BY h.enterprise_id`},
	FactPenalties: {bound: true, query: `SELECT a.enterprise_id, COUNT(*) FROM enforcement_actions a
		WHERE a.enterprise_id IN (%s) AND a.kind IN ('penalty', 'max_penalty') AND a.decided_at >= ? GROUP BY a.enterprise_id`},
	FactSuspensionFailed: {bound: true, query: `SELECT a.enterprise_id, COUNT(*) FROM enforcement_actions a
		WHERE a.enterprise_id IN (%s) AND a.kind = 'suspension' AND a.outcome IN ('failed', 'refused') AND a.outcome_at >= ? GROUP BY a.enterprise_id`},
	FactMajorRiskUncontrolled: {query: `SELECT r.enterprise_id, COUNT(*) FROM risk_points r
		WHERE r.enterprise_id IN (%s) AND r.grade = 'major' AND r.controls_ok = FALSE GROUP BY r.enterprise_id`},
}

// loadFacts gathers the facts the rule set needs for the enterprises ids: their grades
// in one query, then one grouped query per fact the enabled rules use (built-in, or from
// another capability's FactSource). Facts with no source yet count 0.
func (m *Module) loadFacts(ctx context.Context, q db.Querier, rs RuleSet, ids []db.ID, now time.Time) (map[db.ID]facts, error) {
	out := make(map[db.ID]facts, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	in, args := db.In("id", ids)
	rows, err := q.Query(ctx, `SELECT id, standard_grade FROM enterprises WHERE `+in, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id db.ID
		f := facts{count: map[string]int{}}
		if err := rows.Scan(&id, &f.grade); err != nil {
			rows.Close()
			return nil, err
		}
		out[id] = f
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	done := map[string]bool{}
	for _, r := range rs.Rules {
		if !r.Enabled || r.Fact == FactStandardGrade {
			continue
		}
		key := factKey(r.Fact, r.Months)
		if done[key] {
			continue
		}
		done[key] = true
		var src FactSource
		if f, ok := builtinFacts[r.Fact]; ok {
			src = f
		} else if m.Facts[r.Fact] != nil {
			src = m.Facts[r.Fact]
		} else {
			continue
		}
		since := now
		if windowed(r.Fact) {
			since = now.AddDate(0, -r.Months, 0)
		}
		counts, err := src.Count(ctx, q, ids, since)
		if err != nil {
			return nil, fmt.Errorf("fact %s: %w", strings.Split(key, "/")[0], err)
		}
		for id, n := range counts {
			if f, ok := out[id]; ok {
				f.count[key] = n
			}
		}
	}
	return out, nil
}
