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

// factSQL is the correlated subquery counting a fact for enterprise e; "?" is the time
// bound (now, or the start of the window).
var factSQL = map[string]string{
	FactOpenMajorHazard: `(SELECT COUNT(*) FROM hazards h WHERE h.enterprise_id = e.id AND h.status <> 'closed' AND h.grade = 'major')`,
	FactOverdueHazards:  `(SELECT COUNT(*) FROM hazards h WHERE h.enterprise_id = e.id AND h.status <> 'closed' AND h.deadline < ?)`,
	FactRejectedRectifications: `(SELECT COUNT(*) FROM hazards h JOIN hazard_events ev ON ev.hazard_id = h.id
		WHERE h.enterprise_id = e.id AND ev.action = 'reject' AND ev.at >= ?)`,
	FactPenalties: `(SELECT COUNT(*) FROM enforcement_actions a WHERE a.enterprise_id = e.id
		AND a.kind IN ('penalty', 'max_penalty') AND a.decided_at >= ?)`,
	FactSuspensionFailed: `(SELECT COUNT(*) FROM enforcement_actions a WHERE a.enterprise_id = e.id
		AND a.kind = 'suspension' AND a.outcome IN ('failed', 'refused') AND a.outcome_at >= ?)`,
	FactMajorRiskUncontrolled: `(SELECT COUNT(*) FROM risk_points r WHERE r.enterprise_id = e.id AND r.grade = 'major' AND r.controls_ok = FALSE)`,
}

// loadFacts gathers, in one query (plus one per external fact source), the facts the
// rule set needs for the enterprises ids.
func (m *Module) loadFacts(ctx context.Context, q db.Querier, rs RuleSet, ids []db.ID, now time.Time) (map[db.ID]facts, error) {
	out := make(map[db.ID]facts, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	type col struct {
		key    string
		expr   string
		bound  *time.Time
		source FactSource
		since  time.Time
	}
	var cols []col
	seen := map[string]bool{}
	for _, r := range rs.Rules {
		if !r.Enabled || r.Fact == FactStandardGrade {
			continue
		}
		k := factKey(r.Fact, r.Months)
		if seen[k] {
			continue
		}
		seen[k] = true
		since := now.AddDate(0, -r.Months, 0)
		c := col{key: k}
		switch {
		case factSQL[r.Fact] != "":
			c.expr = factSQL[r.Fact]
			if r.Fact == FactOverdueHazards {
				c.bound = &now
			} else if windowed(r.Fact) {
				c.bound = &since
			}
		case m.Facts[r.Fact] != nil:
			c.source, c.since = m.Facts[r.Fact], since
		default:
			continue // no source for this fact yet: it counts 0
		}
		cols = append(cols, c)
	}
	var sel []string
	var args []any
	for _, c := range cols {
		if c.expr != "" {
			sel = append(sel, c.expr)
			if c.bound != nil {
				args = append(args, *c.bound)
			}
		}
	}
	idArgs := make([]any, len(ids))
	for i, id := range ids {
		idArgs[i] = id
	}
	query := `SELECT e.id, e.standard_grade`
	for _, s := range sel {
		query += ", " + s
	}
	query += ` FROM enterprises e WHERE e.id IN (` + db.Placeholders(len(ids)) + `)`
	rows, err := q.Query(ctx, query, append(args, idArgs...)...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id db.ID
		f := facts{count: map[string]int{}}
		vals := make([]int, len(sel))
		dest := []any{&id, &f.grade}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return nil, err
		}
		i := 0
		for _, c := range cols {
			if c.expr != "" {
				f.count[c.key] = vals[i]
				i++
			}
		}
		out[id] = f
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, c := range cols {
		if c.source == nil {
			continue
		}
		counts, err := c.source.Count(ctx, q, ids, c.since)
		if err != nil {
			return nil, fmt.Errorf("fact %s: %w", strings.Split(c.key, "/")[0], err)
		}
		for id, n := range counts {
			if f, ok := out[id]; ok {
				f.count[c.key] = n
			}
		}
	}
	return out, nil
}
