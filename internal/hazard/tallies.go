package hazard

import (
	"context"
	"time"

	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// Tallies (hazard_tallies, migration 00018) are exact counts of hazards per village and
// per every dimension the three clears are filtered or grouped by, kept in the
// transaction of each hazard write: Report adds the new hazard to its tally; a change
// moves the hazard out of its tally before the UPDATE and into its new one after it, so
// a change that fails (a conflict, an invalid field) rolls the tallies back with it.
// Stats reads them whenever every filter asked is a tally dimension.

// tallyColumns are the tally's key, in tallyDims' order.
const tallyColumns = `org_path, town_id, industry, grade, source, status, owned, scheduled, listed, on_time, deadline`

// noDeadline stands for "no open deadline" in a tally key (a key holds no NULL: NULLs
// never conflict in a unique index). Far in the future, so never overdue.
var noDeadline = map[db.Engine]string{
	db.SQLite:   `'9999-12-31 00:00:00+00:00'`,
	db.Postgres: `TIMESTAMPTZ '9999-12-31 00:00:00+00'`,
}

// tallyDims are the key of hazard h's tally, as in migration 00018.
func tallyDims(e db.Engine) string {
	return `h.org_path, h.town_id, h.industry, h.grade, h.source, h.status,
	CASE WHEN h.owner_id IS NOT NULL AND h.supervisor_org_id IS NOT NULL THEN 1 ELSE 0 END,
	CASE WHEN h.measures <> '' AND h.deadline IS NOT NULL THEN 1 ELSE 0 END,
	CASE WHEN h.listed THEN 1 ELSE 0 END,
	CASE WHEN h.closed_on_time THEN 1 ELSE 0 END,
	CASE WHEN h.status <> 'closed' AND h.deadline IS NOT NULL THEN h.deadline ELSE ` + noDeadline[e] + ` END`
}

// tally adds delta (+1 or -1) to the tally of hazard id as the hazard stands now in tx.
func tally(ctx context.Context, tx *db.Tx, id db.ID, delta int) error {
	_, err := tx.Exec(ctx, `INSERT INTO hazard_tallies (`+tallyColumns+`, n)
		SELECT `+tallyDims(tx.Engine())+`, ? FROM hazards h WHERE h.id = ?
		ON CONFLICT (`+tallyColumns+`) DO UPDATE SET n = hazard_tallies.n + excluded.n`, delta, id)
	return err
}

// retally runs change (which updates hazard id) with the hazard moved out of its tally
// before and into its new tally after: the tallies follow whatever change wrote.
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
	// A tally emptied by the move (the hazard was its last) goes: open hazards' deadlines
	// would otherwise leave a row behind each. The partial index finds them.
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
	_, err := q.Exec(ctx, `INSERT INTO hazard_tallies (`+tallyColumns+`, n)
		SELECT `+tallyDims(q.Engine())+`, COUNT(*) FROM hazards h
		GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11`)
	return err
}

// tallyClears are the aggregates of Clears over tallies t, in clearsExprs' order; "?"
// is now.
var tallyClears = []string{
	"COALESCE(SUM(t.n), 0)",
	"SUM(CASE WHEN t.status <> 'closed' THEN t.n ELSE 0 END)",
	"SUM(CASE WHEN t.status <> 'closed' AND t.owned = 1 THEN t.n ELSE 0 END)",
	"SUM(CASE WHEN t.status <> 'closed' AND t.scheduled = 1 THEN t.n ELSE 0 END)",
	"SUM(CASE WHEN t.status <> 'closed' AND t.deadline < ? THEN t.n ELSE 0 END)",
	"SUM(CASE WHEN t.status <> 'closed' AND t.grade = 'major' THEN t.n ELSE 0 END)",
	"SUM(CASE WHEN t.status <> 'closed' AND t.listed = 1 THEN t.n ELSE 0 END)",
	"SUM(CASE WHEN t.status = 'closed' THEN t.n ELSE 0 END)",
	"SUM(CASE WHEN t.status = 'closed' AND t.on_time = 1 THEN t.n ELSE 0 END)",
	"SUM(CASE WHEN t.status = 'reported' THEN t.n ELSE 0 END)",
	"SUM(CASE WHEN t.status = 'assigned' THEN t.n ELSE 0 END)",
	"SUM(CASE WHEN t.status = 'rectifying' THEN t.n ELSE 0 END)",
	"SUM(CASE WHEN t.status = 'submitted' THEN t.n ELSE 0 END)",
}

// tallyGroupBy is groupBy's key column on the tallies.
var tallyGroupBy = map[string]string{"town": "t.town_id", "industry": "t.industry", "grade": "t.grade", "source": "t.source"}

// tallyWhere is Stats' condition on the tallies, or ok false when the scope or a filter
// asks for something the tallies do not keep (an enterprise user's own records, a
// category, an owner, a grid, dates, a search…): Stats then reads the hazards.
func (m *Module) tallyWhere(ctx context.Context, p *auth.Principal, f Filter, now time.Time) (w db.Where, ok bool, err error) {
	sc := p.Scope
	if sc.OwnOnly || f.Category != "" || f.GridID != nil || f.EnterpriseID != nil || f.OwnerID != nil ||
		f.SupervisorID != nil || f.Listed != nil || f.ListingLeaderID != nil || f.Mine != nil || f.FoundBy != nil ||
		f.FoundFrom != nil || f.FoundTo != nil || f.DeadlineTo != nil || f.Q != "" {
		return w, false, nil
	}
	w.AddCond(sc.PathCond("t.org_path"))
	w.AddCond(sc.IndustryCond("t.industry"))
	w.AddCond(db.In("t.status", f.Status))
	w.Bool(f.Open, "t.status <> 'closed'", "t.status = 'closed'")
	w.Eq("t.grade", f.Grade)
	// Closed hazards and those without a deadline hold noDeadline: never before now.
	w.Bool(f.Overdue, "t.deadline < ?", "t.deadline >= ?", now)
	w.Eq("t.source", f.Source)
	w.Eq("t.industry", f.Industry)
	w.Eq("t.town_id", f.TownID)
	if f.VillageID != nil {
		var path string
		err := m.DB.QueryRow(ctx, `SELECT path FROM orgs WHERE id = ?`, *f.VillageID).Scan(&path)
		if err != nil && !db.IsNoRows(err) {
			return w, false, err
		}
		w.Add("t.org_path = ?", path)
	}
	return w, true, nil
}
