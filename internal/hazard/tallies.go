package hazard

import (
	"context"
	"time"

	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// Tallies (hazard_tallies, migration 00018) are exact counts of hazards per town and
// per every dimension the three clears are filtered or grouped by, kept in the
// transaction of each hazard write: Report adds the new hazard to its tallies; a change
// moves the hazard out of its tallies before the UPDATE and into its new ones after it,
// so a change that fails (a conflict, an invalid field) rolls the tallies back with it.
// Each hazard counts under three dimensions: 'all', 'industry' and 'source' (the value
// being its industry or source), so a figure reads one dimension's rows. Stats reads
// them whenever the scope is a district or a town and every filter asked is a tally
// dimension; overdue hazards (a deadline passes without a write) are counted from the
// open-hazard indexes.

// tallyColumns are the tally's key; tallyInsert's SELECT gives them in this order.
const tallyKey = `dim, value, town_path, grade, status, owned, scheduled, listed, on_time`

// tallySelect is the tallies of the hazards h (and the town tw) as rows of
// (dim, value, town_path, town_id, grade, status, owned, scheduled, listed, on_time),
// as migration 00018 builds them.
const tallySelect = `SELECT d.dim, CASE d.dim WHEN 'industry' THEN h.industry WHEN 'source' THEN h.source ELSE '' END,
	tw.path, h.town_id, h.grade, h.status,
	CASE WHEN h.status <> 'closed' AND h.owner_id IS NOT NULL AND h.supervisor_org_id IS NOT NULL THEN 1 ELSE 0 END,
	CASE WHEN h.status <> 'closed' AND h.measures <> '' AND h.deadline IS NOT NULL THEN 1 ELSE 0 END,
	CASE WHEN h.status <> 'closed' AND h.listed THEN 1 ELSE 0 END,
	CASE WHEN h.status = 'closed' AND h.closed_on_time THEN 1 ELSE 0 END`

const tallyFrom = ` FROM hazards h
	JOIN orgs tw ON tw.id = h.town_id
	CROSS JOIN (SELECT 'all' AS dim UNION ALL SELECT 'industry' UNION ALL SELECT 'source') d`

const tallyInsert = `INSERT INTO hazard_tallies (dim, value, town_path, town_id, grade, status, owned, scheduled, listed, on_time, n) `

// tally adds delta (+1 or -1) to the tallies of hazard id as the hazard stands now in
// tx: one statement.
func tally(ctx context.Context, tx *db.Tx, id db.ID, delta int) error {
	_, err := tx.Exec(ctx, tallyInsert+tallySelect+`, ?`+tallyFrom+` WHERE h.id = ?
		ON CONFLICT (`+tallyKey+`) DO UPDATE SET n = hazard_tallies.n + excluded.n`, delta, id)
	return err
}

// retally runs change (which updates hazard id) with the hazard moved out of its
// tallies before and into its new tallies after: the tallies follow whatever change
// wrote.
func retally(ctx context.Context, tx *db.Tx, id db.ID, change func() error) error {
	if err := tally(ctx, tx, id, -1); err != nil {
		return err
	}
	if err := change(); err != nil {
		return err
	}
	if err := tally(ctx, tx, id, 1); err != nil {
		return err
	}
	// A tally emptied by the move goes (the partial index finds it), so the rows stay
	// the combinations that exist.
	_, err := tx.Exec(ctx, `DELETE FROM hazard_tallies WHERE n = 0`)
	return err
}

// RebuildTallies recomputes every tally from the hazards table, in one grouped
// statement: for whoever inserts hazards in bulk without Report (the demo district, the
// benchmarks' and the city dataset's loaders), at the end of the load and in its
// transaction when it has one.
func RebuildTallies(ctx context.Context, q db.Querier) error {
	if _, err := q.Exec(ctx, `DELETE FROM hazard_tallies`); err != nil {
		return err
	}
	_, err := q.Exec(ctx, tallyInsert+tallySelect+`, COUNT(*)`+tallyFrom+` GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10`)
	return err
}

// tallyClears are the aggregates of Clears over tallies t, in clearsExprs' order, but
// overdue (counted from the hazards: overdueCount).
var tallyClears = []string{
	"COALESCE(SUM(t.n), 0)",
	"SUM(CASE WHEN t.status <> 'closed' THEN t.n ELSE 0 END)",
	"SUM(t.owned * t.n)",
	"SUM(t.scheduled * t.n)",
	"0",
	"SUM(CASE WHEN t.status <> 'closed' AND t.grade = 'major' THEN t.n ELSE 0 END)",
	"SUM(t.listed * t.n)",
	"SUM(CASE WHEN t.status = 'closed' THEN t.n ELSE 0 END)",
	"SUM(t.on_time * t.n)",
	"SUM(CASE WHEN t.status = 'reported' THEN t.n ELSE 0 END)",
	"SUM(CASE WHEN t.status = 'assigned' THEN t.n ELSE 0 END)",
	"SUM(CASE WHEN t.status = 'rectifying' THEN t.n ELSE 0 END)",
	"SUM(CASE WHEN t.status = 'submitted' THEN t.n ELSE 0 END)",
}

// tallyGroupBy is the tallies' column per grouping and the dimension it needs ("" any).
var tallyGroupBy = map[string]struct{ key, dim string }{
	"town": {"t.town_id", ""}, "grade": {"t.grade", ""}, "industry": {"t.value", "industry"}, "source": {"t.value", "source"},
}

// tallyWhere is Stats' condition on the tallies, or ok false when the scope or a filter
// asks for something the tallies do not keep (a village's scope, an enterprise user's
// own records, a category, an owner, a grid, dates, overdue, a search, both an industry
// and a source…): Stats then reads the hazards.
func (m *Module) tallyWhere(ctx context.Context, p *auth.Principal, f Filter, group string, now time.Time) (w db.Where, ok bool, err error) {
	sc := p.Scope
	if sc.OwnOnly || f.Category != "" || f.VillageID != nil || f.GridID != nil || f.EnterpriseID != nil || f.OwnerID != nil ||
		f.SupervisorID != nil || f.Listed != nil || f.ListingLeaderID != nil || f.Mine != nil || f.FoundBy != nil ||
		f.FoundFrom != nil || f.FoundTo != nil || f.DeadlineTo != nil || f.Overdue != nil || f.Q != "" {
		return w, false, nil
	}
	// The dimension read: the one the filter or the grouping needs; two different ones
	// are not kept together.
	dim := tallyGroupBy[group].dim
	need := func(d string) bool {
		if dim != "" && dim != d {
			return false
		}
		dim = d
		return true
	}
	if (f.Industry != "" || sc.Industries != nil) && !need("industry") {
		return w, false, nil
	}
	if f.Source != "" && !need("source") {
		return w, false, nil
	}
	if dim == "" {
		dim = "all"
	}
	if !sc.Whole && sc.Path != "" {
		// Tallies are per town: a village's scope is finer than they are.
		var kind string
		err := m.DB.QueryRow(ctx, `SELECT kind FROM orgs WHERE path = ?`, sc.Path).Scan(&kind)
		if err != nil && !db.IsNoRows(err) {
			return w, false, err
		}
		if kind != "district" && kind != "town" {
			return w, false, nil
		}
	}
	w.Add("t.dim = ?", dim)
	w.AddCond(sc.PathCond("t.town_path"))
	if dim == "industry" {
		w.AddCond(sc.IndustryCond("t.value"))
		w.Eq("t.value", f.Industry)
	}
	if dim == "source" {
		w.Eq("t.value", f.Source)
	}
	w.AddCond(db.In("t.status", f.Status))
	w.Bool(f.Open, "t.status <> 'closed'", "t.status = 'closed'")
	w.Eq("t.grade", f.Grade)
	w.Eq("t.town_id", f.TownID)
	return w, true, nil
}
