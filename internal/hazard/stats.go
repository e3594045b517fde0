package hazard

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// Clears are the three "clears" (三清) of a scope, as data-completeness figures, plus the
// loop's headline numbers.
type Clears struct {
	// 底数清 — the baseline: every hazard registered in the scope.
	Registered int `json:"registered"`
	Open       int `json:"open"`
	// 责任清 — open hazards with an owner and a supervising unit, and their share of open.
	OpenOwned int     `json:"open_owned"`
	OwnedRate float64 `json:"owned_rate"`
	// 时限措施清 — open hazards with measures and a deadline, and their share of open.
	OpenScheduled int     `json:"open_scheduled"`
	ScheduledRate float64 `json:"scheduled_rate"`

	Overdue          int            `json:"overdue"`
	MajorOpen        int            `json:"major_open"`
	Listed           int            `json:"listed" jsonschema:"description=open major hazards listed for supervision (挂牌督办)"`
	Closed           int            `json:"closed"`
	ClosedOnTime     int            `json:"closed_on_time"`
	ClosedOnTimeRate float64        `json:"closed_on_time_rate"`
	ByStatus         map[string]int `json:"by_status"`
}

// GroupClears are the figures of one group (a town, an industry…).
type GroupClears struct {
	Key  string `json:"key"`
	Name string `json:"name"`
	Clears
}

// StatsResult answers GET /api/v1/hazards/stats.
type StatsResult struct {
	Clears
	Groups []GroupClears `json:"groups,omitempty"`
}

// StatsParams are the list filters plus an optional grouping.
type StatsParams struct {
	Filter
	Group string `query:"group" enum:"town,industry,grade,source" doc:"also give the figures per town, industry, grade or source"`
}

// clearsExprs are the aggregates of Clears over hazards h, in scanClears' order; "?" is
// now. tallyClears (tallies.go) are the same over the tallies.
var clearsExprs = []string{
	"COUNT(*)",
	"SUM(CASE WHEN h.status <> 'closed' THEN 1 ELSE 0 END)",
	"SUM(CASE WHEN h.status <> 'closed' AND h.owner_id IS NOT NULL AND h.supervisor_org_id IS NOT NULL THEN 1 ELSE 0 END)",
	"SUM(CASE WHEN h.status <> 'closed' AND h.measures <> '' AND h.deadline IS NOT NULL THEN 1 ELSE 0 END)",
	"SUM(CASE WHEN h.status <> 'closed' AND h.deadline < ? THEN 1 ELSE 0 END)",
	"SUM(CASE WHEN h.status <> 'closed' AND h.grade = 'major' THEN 1 ELSE 0 END)",
	"SUM(CASE WHEN h.status <> 'closed' AND h.listed THEN 1 ELSE 0 END)",
	"SUM(CASE WHEN h.status = 'closed' THEN 1 ELSE 0 END)",
	"SUM(CASE WHEN h.status = 'closed' AND h.closed_on_time THEN 1 ELSE 0 END)",
	"SUM(CASE WHEN h.status = 'reported' THEN 1 ELSE 0 END)",
	"SUM(CASE WHEN h.status = 'assigned' THEN 1 ELSE 0 END)",
	"SUM(CASE WHEN h.status = 'rectifying' THEN 1 ELSE 0 END)",
	"SUM(CASE WHEN h.status = 'submitted' THEN 1 ELSE 0 END)",
}

// aliased returns the aggregates exprs named c0, c1 … (for an aggregate-then-join query)
// and the outer list reading them back.
func aliased(exprs []string) (inner, outer string) {
	in := make([]string, len(exprs))
	out := make([]string, len(exprs))
	for i, e := range exprs {
		in[i] = fmt.Sprintf("%s AS c%d", e, i)
		out[i] = fmt.Sprintf("x.c%d", i)
	}
	return strings.Join(in, ", "), strings.Join(out, ", ")
}

func scanClears(s db.Scanner, extra ...any) (Clears, error) {
	var c Clears
	var n [12]*int64
	dest := append(extra, &c.Registered)
	for i := range n {
		dest = append(dest, &n[i])
	}
	if err := s.Scan(dest...); err != nil {
		return c, err
	}
	v := func(i int) int {
		if n[i] == nil {
			return 0
		}
		return int(*n[i])
	}
	c.Open, c.OpenOwned, c.OpenScheduled, c.Overdue, c.MajorOpen, c.Listed, c.Closed, c.ClosedOnTime =
		v(0), v(1), v(2), v(3), v(4), v(5), v(6), v(7)
	c.ByStatus = map[string]int{"reported": v(8), "assigned": v(9), "rectifying": v(10), "submitted": v(11), "closed": c.Closed}
	c.OwnedRate = rate(c.OpenOwned, c.Open)
	c.ScheduledRate = rate(c.OpenScheduled, c.Open)
	c.ClosedOnTimeRate = rate(c.ClosedOnTime, c.Closed)
	return c, nil
}

// rate is part/whole, and 1 when there is nothing to measure (nothing open is unowned).
func rate(part, whole int) float64 {
	if whole == 0 {
		return 1
	}
	return float64(part) / float64(whole)
}

// groupBy says, per grouping, how to name a group: a join on the group's key after
// aggregating (so names are looked up once per group, not once per hazard), and the
// name column per language. hazardGroupBy (and tallyGroupBy) is the column grouped on.
var groupBy = map[string]struct{ join, nameZh, nameEn string }{
	"town":     {" LEFT JOIN orgs n ON n.id = x.k", "n.name", "n.name"},
	"industry": {" LEFT JOIN industries n ON n.code = x.k", "n.name_zh", "n.name_en"},
	"grade":    {"", "x.k", "x.k"},
	"source":   {"", "x.k", "x.k"},
}

var hazardGroupBy = map[string]string{"town": "h.town_id", "industry": "h.industry", "grade": "h.grade", "source": "h.source"}

// statsSource is where Stats reads: the table, its aggregates (and the arguments they
// take), the column of the grouping asked, and the condition.
type statsSource struct {
	from  string
	exprs []string
	args  []any
	key   string
	where db.Where
}

// Stats computes the three clears for the hazards in the caller's scope matching f,
// optionally per group: a few aggregate queries, whatever the number of hazards. It
// reads the tallies (tallies.go) when the scope and every filter asked are tally
// dimensions, and the overdue hazards from the open-hazard indexes; else the hazards
// themselves. Both give the same figures (TestTallies_MatchScan).
func (m *Module) Stats(ctx context.Context, p *auth.Principal, sp StatsParams) (StatsResult, error) {
	now := m.Clock.Now()
	tw, ok, err := m.tallyWhere(ctx, p, sp.Filter, sp.Group, now)
	if err != nil || !ok {
		if err != nil {
			return StatsResult{}, err
		}
		return m.scanStats(ctx, p, sp)
	}
	res, err := m.stats(ctx, statsSource{from: "hazard_tallies t", exprs: tallyClears, key: tallyGroupBy[sp.Group].key, where: tw}, sp.Group)
	if err != nil {
		return res, err
	}
	return res, m.addOverdue(ctx, p, sp, now, &res)
}

// scanStats is Stats from the hazards whatever the filter.
func (m *Module) scanStats(ctx context.Context, p *auth.Principal, sp StatsParams) (StatsResult, error) {
	now := m.Clock.Now()
	w, err := m.where(ctx, p, sp.Filter, now)
	if err != nil {
		return StatsResult{}, err
	}
	return m.stats(ctx, statsSource{from: "hazards h", exprs: clearsExprs, args: []any{now}, key: hazardGroupBy[sp.Group], where: w}, sp.Group)
}

// addOverdue counts the overdue hazards of res (the figures from the tallies), per
// group too: open hazards past their deadline, read from the partial index
// hazards_open_overdue alone (it holds every column a tally filter names). The
// materialized CTE makes the planners read that index first: left to itself, SQLite's
// prefers an index on the filter's column (a town, an industry) and reads all of its
// hazards, closed ones included.
func (m *Module) addOverdue(ctx context.Context, p *auth.Principal, sp StatsParams, now time.Time, res *StatsResult) error {
	f, sc := sp.Filter, p.Scope
	var w db.Where
	w.AddCond(sc.PathCond("o.org_path"))
	w.AddCond(sc.IndustryCond("o.industry"))
	w.AddCond(db.In("o.status", f.Status))
	w.Bool(f.Open, "o.status <> 'closed'", "o.status = 'closed'")
	w.Eq("o.grade", f.Grade)
	w.Eq("o.source", f.Source)
	w.Eq("o.industry", f.Industry)
	w.Eq("o.town_id", f.TownID)
	with := `WITH o AS MATERIALIZED (SELECT org_path, town_id, industry, source, grade, status FROM hazards
		WHERE status <> 'closed' AND deadline < ?) SELECT `
	args := append([]any{now}, w.Args()...)
	key, grouped := overdueGroupBy[sp.Group]
	if !grouped {
		return m.DB.QueryRow(ctx, with+`COUNT(*) FROM o`+w.SQL(), args...).Scan(&res.Overdue)
	}
	rows, err := m.DB.Query(ctx, with+key+`, COUNT(*) FROM o`+w.SQL()+` GROUP BY `+key, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	byKey := map[string]int{}
	for rows.Next() {
		var k any
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return err
		}
		byKey[keyString(k)] += n
		res.Overdue += n
	}
	for i := range res.Groups {
		res.Groups[i].Overdue = byKey[res.Groups[i].Key]
	}
	return rows.Err()
}

var overdueGroupBy = map[string]string{"town": "o.town_id", "industry": "o.industry", "grade": "o.grade", "source": "o.source"}

func (m *Module) stats(ctx context.Context, src statsSource, group string) (StatsResult, error) {
	w := src.where
	args := append(append([]any{}, src.args...), w.Args()...)
	var res StatsResult
	var err error
	res.Clears, err = scanClears(m.DB.QueryRow(ctx, `SELECT `+strings.Join(src.exprs, ",\n\t")+` FROM `+src.from+w.SQL(), args...))
	if err != nil {
		return res, err
	}
	g, ok := groupBy[group]
	if !ok {
		return res, nil
	}
	name := g.nameZh
	if i18n.FromContext(ctx).Lang == i18n.En {
		name = g.nameEn
	}
	inner, outer := aliased(src.exprs)
	rows, err := m.DB.Query(ctx, `SELECT x.k, COALESCE(`+name+`, ''), `+outer+` FROM (SELECT `+src.key+` AS k, `+inner+
		` FROM `+src.from+w.SQL()+` GROUP BY `+src.key+`) x`+g.join+` ORDER BY x.c0 DESC, x.k`, args...)
	if err != nil {
		return res, err
	}
	defer rows.Close()
	res.Groups = []GroupClears{}
	for rows.Next() {
		var gc GroupClears
		var key any
		c, err := scanClears(rows, &key, &gc.Name)
		if err != nil {
			return res, err
		}
		gc.Clears = c
		gc.Key = keyString(key)
		res.Groups = append(res.Groups, gc)
	}
	return res, rows.Err()
}

func keyString(v any) string {
	switch k := v.(type) {
	case int64:
		return db.ID(k).String()
	case []byte:
		return string(k)
	case string:
		return k
	}
	return ""
}
