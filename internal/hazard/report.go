package hazard

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/notify"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// defaultSource is the source a reporter reports from when they name none, from their
// place: an enterprise inspects itself; a patroller or a village official patrols the
// grids of the village (网格巡查); a district leader leads a supervision group (督查组);
// a supervising authority — a department (行业监管), a town (属地监管), the safety
// office — inspects ("department_inspection", shown as 监管检查).
func defaultSource(p *auth.Principal) string {
	switch {
	case onlyRoles(p, auth.Enterprise):
		return "self_inspection"
	case onlyRoles(p, auth.Patroller, auth.Village):
		return "grid_patrol"
	case onlyRoles(p, auth.Leader, auth.Reader):
		return "supervision_group"
	}
	return "department_inspection"
}

// onlyRoles reports whether p holds at least one role and none but roles.
func onlyRoles(p *auth.Principal, roles ...auth.Role) bool {
	return len(p.Roles) > 0 && !slices.ContainsFunc(p.Roles, func(r auth.Role) bool { return !slices.Contains(roles, r) })
}

// sourceAllowed: an enterprise reports its self-inspection, a patroller their patrol;
// others may register any source (a campaign, a supervision group, a tip-off by phone).
func sourceAllowed(p *auth.Principal, source string) bool {
	switch {
	case onlyRoles(p, auth.Enterprise):
		return source == "self_inspection"
	case onlyRoles(p, auth.Patroller):
		return source == "grid_patrol"
	}
	return slices.Contains(Sources, source)
}

func validText(v *apperr.Validation, field, s string, required bool, max int) {
	s = strings.TrimSpace(s)
	switch {
	case required && s == "":
		v.Add(field, "validate.required", nil)
	case len([]rune(s)) > max:
		v.Add(field, "validate.max_len", apperr.E{"max": max})
	}
}

func industryExists(ctx context.Context, q db.Querier, code string) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM industries WHERE code = ?`, code).Scan(&n)
	return n > 0, err
}

// Report registers a hazard found in the reporter's scope and tells the town that
// assigns it. Errors: Invalid.
func (m *Module) Report(ctx context.Context, p *auth.Principal, in ReportInput) (db.ID, error) {
	var id db.ID
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = m.ReportTx(ctx, tx, p, in)
		return err
	})
	return id, err
}

// ReportTx is Report inside the caller's transaction (a self-inspection files the
// hazards of its failed items together with the inspection).
func (m *Module) ReportTx(ctx context.Context, tx *db.Tx, p *auth.Principal, in ReportInput) (db.ID, error) {
	now := m.Clock.Now()
	v := &apperr.Validation{}
	validText(v, "title", in.Title, true, 100)
	validText(v, "description", in.Description, false, 2000)
	validText(v, "place", in.Place, false, 100)
	validText(v, "address", in.Address, false, 200)
	if !slices.Contains(Categories, in.Category) {
		v.Add("category", "validate.one_of", apperr.E{"values": strings.Join(Categories, ", ")})
	}
	if in.Grade != General && in.Grade != Major {
		v.Add("grade", "validate.one_of", apperr.E{"values": "general, major"})
	}
	if in.Source == "" {
		in.Source = defaultSource(p)
	}
	if !sourceAllowed(p, in.Source) {
		v.Add("source", "hazard.source_not_yours", nil)
	}
	foundAt := now
	if in.FoundAt != nil {
		foundAt = *in.FoundAt
		if foundAt.After(now.Add(5*time.Minute)) || foundAt.Before(now.AddDate(-1, 0, 0)) {
			v.Add("found_at", "hazard.found_at_range", nil)
		}
	}
	if in.EnterpriseID == nil && strings.TrimSpace(in.Place) == "" {
		v.Add("place", "hazard.where_required", nil)
	}
	var id db.ID
	err := func() error {
		var gridPath string
		var townID db.ID
		err := tx.QueryRow(ctx, `SELECT g.org_path, v.parent_id FROM grids g JOIN orgs v ON v.id = g.village_id WHERE g.id = ?`, in.GridID).Scan(&gridPath, &townID)
		if db.IsNoRows(err) || (err == nil && !p.Scope.Contains(gridPath)) {
			v.Add("grid_id", "validate.unknown_ref", nil)
			gridPath = ""
		} else if err != nil {
			return err
		}
		var entName string
		if in.EnterpriseID != nil {
			ent, err := m.enterpriseAt(ctx, tx, p, *in.EnterpriseID, gridPath, v)
			if err != nil {
				return err
			}
			if ent != nil {
				entName = ent.Name
				if in.Industry == "" { // found at an enterprise: its industry unless said otherwise
					in.Industry = ent.Industry
				}
			}
		}
		if in.Industry == "" {
			v.Add("industry", "validate.required", nil)
		} else if ok, err := industryExists(ctx, tx, in.Industry); err != nil {
			return err
		} else if !ok {
			v.Add("industry", "validate.unknown_ref", nil)
		}
		if in.RiskPointID != nil {
			// A risk point belongs to one enterprise: the hazard must be at that enterprise.
			var owner db.ID
			err := tx.QueryRow(ctx, `SELECT enterprise_id FROM risk_points WHERE id = ?`, *in.RiskPointID).Scan(&owner)
			switch {
			case err != nil && !db.IsNoRows(err):
				return err
			case in.EnterpriseID == nil:
				v.Add("enterprise_id", "validate.required", nil)
			case db.IsNoRows(err) || owner != *in.EnterpriseID:
				v.Add("risk_point_id", "validate.unknown_ref", nil)
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		// The code holds the id (Code): the id is drawn and the code made in the INSERT
		// itself, so nothing is written twice.
		var code string
		err = tx.QueryRow(ctx, `INSERT INTO hazards (id, code, title, description, category, industry, grade, source, status, enterprise_id,
			risk_point_id, place, grid_id, org_path, town_id, address, found_by, found_at, created_at, updated_at)
			SELECT n.id, `+codeSQL[tx.Engine()]+`, ?, ?, ?, ?, ?, ?, 'reported', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
			FROM (SELECT `+nextIDSQL[tx.Engine()]+` AS id) n WHERE TRUE RETURNING id, code`,
			codePrefix(foundAt), strings.TrimSpace(in.Title), strings.TrimSpace(in.Description), in.Category, in.Industry,
			in.Grade, in.Source, in.EnterpriseID, in.RiskPointID, strings.TrimSpace(in.Place), in.GridID, gridPath, townID, strings.TrimSpace(in.Address),
			p.UserID, foundAt, now, now).Scan(&id, &code)
		if err != nil {
			return err
		}
		if err := tally(ctx, tx, id, 1); err != nil {
			return err
		}
		h := &Hazard{ID: id, Code: code, Title: in.Title, Path: gridPath, Industry: in.Industry, Status: Reported, TownID: townID, EnterpriseID: in.EnterpriseID}
		if err := m.record(ctx, tx, p, h, "report", "", Reported, "", map[string]any{"grade": in.Grade, "source": in.Source, "enterprise": entName},
			in.Photos, "found"); err != nil {
			return err
		}
		if err := m.Audit.Record(ctx, tx, audit.Entry{Action: "hazard.report", ObjectType: "hazard", ObjectID: id.String(),
			Detail: map[string]any{"code": code, "grade": in.Grade, "grid_id": in.GridID.String()}}); err != nil {
			return err
		}
		recipients, err := reportRecipients(ctx, tx, townID, in.Grade == Major)
		if err != nil {
			return err
		}
		if err := m.Notify.Send(ctx, tx, notices(recipients, p.UserID, "hazard.reported", h, "hazard.notice.reported", nil)...); err != nil {
			return err
		}
		return m.changed(ctx, tx, in.EnterpriseID)
	}()
	return id, err
}

// changed tells the enterprise capability that a hazard of an enterprise changed, so
// its color follows at once.
func (m *Module) changed(ctx context.Context, tx *db.Tx, enterprise *db.ID) error {
	if enterprise == nil || m.OnChange == nil {
		return nil
	}
	return m.OnChange(ctx, tx, *enterprise)
}

// Code is a hazard's human number: YH, the year it was found, and the id.
func Code(found time.Time, id db.ID) string {
	return codePrefix(found) + fmt.Sprintf("%06d", id)
}

// codePrefix is the part of Code before the id.
func codePrefix(found time.Time) string {
	return fmt.Sprintf("YH%d", found.In(clock.China).Year())
}

// nextIDSQL draws the next hazard id: SQLite's next rowid (its one writer holds the
// table), PostgreSQL's identity sequence.
var nextIDSQL = map[db.Engine]string{
	db.SQLite:   `(SELECT COALESCE(MAX(id), 0) + 1 FROM hazards)`,
	db.Postgres: `nextval(pg_get_serial_sequence('hazards', 'id'))`,
}

// codeSQL is Code in SQL, from the prefix (a parameter) and n.id.
var codeSQL = map[db.Engine]string{
	db.SQLite:   `? || printf('%06d', n.id)`,
	db.Postgres: `? || CASE WHEN n.id < 1000000 THEN lpad(n.id::text, 6, '0') ELSE n.id::text END`,
}

// Update corrects a hazard that is still reported; the reporter or whoever may assign it
// may do so. Errors: NotFound, Conflict (no longer reported), Forbidden, Invalid.
func (m *Module) Update(ctx context.Context, p *auth.Principal, id db.ID, in UpdateInput) error {
	return m.DB.Tx(ctx, func(tx *db.Tx) error {
		h, err := m.Get(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if h.Status != Reported {
			return apperr.Conflictf("hazard.edit_only_reported", nil)
		}
		if h.FoundBy != p.UserID && !canAssign(p, &h) {
			return apperr.Forbid()
		}
		v := &apperr.Validation{}
		set := db.NewSet("updated_at", m.Clock.Now())
		text := func(col string, val *string, required bool, max int) {
			if set.Text(col, val) {
				validText(v, col, *val, required, max)
			}
		}
		text("title", in.Title, true, 100)
		text("description", in.Description, false, 2000)
		text("place", in.Place, false, 100)
		text("address", in.Address, false, 200)
		if in.Category != nil {
			if !slices.Contains(Categories, *in.Category) {
				v.Add("category", "validate.one_of", apperr.E{"values": strings.Join(Categories, ", ")})
			}
			set.Add("category", *in.Category)
		}
		if in.Grade != nil {
			if *in.Grade != General && *in.Grade != Major {
				v.Add("grade", "validate.one_of", apperr.E{"values": "general, major"})
			}
			set.Add("grade", *in.Grade)
		}
		if in.Industry != nil {
			if ok, err := industryExists(ctx, tx, *in.Industry); err != nil {
				return err
			} else if !ok {
				v.Add("industry", "validate.unknown_ref", nil)
			}
			set.Add("industry", *in.Industry)
		}
		if in.Place != nil {
			h.Place = strings.TrimSpace(*in.Place) // removing the enterprise needs a place
		}
		ec, entChanged, err := m.checkEnterpriseChange(ctx, tx, p, &h, in.EnterpriseID, in.ClearEnterprise, v)
		if err != nil {
			return err
		}
		if entChanged {
			ec.apply(set, set.Changed)
		} else if in.EnterpriseID == nil && h.EnterpriseID == nil && h.Place == "" {
			v.Add("place", "hazard.where_required", nil)
		}
		if err := v.Err(); err != nil {
			return err
		}
		q, args := set.Update("hazards", "id = ?", id)
		update := func() error { _, err := tx.Exec(ctx, q, args...); return err }
		if in.Industry != nil || in.Grade != nil { // tallied fields
			err = retally(ctx, tx, id, update)
		} else {
			err = update()
		}
		if err != nil {
			return err
		}
		if err := m.record(ctx, tx, p, &h, "edit", h.Status, h.Status, "", set.Changed, nil, ""); err != nil {
			return err
		}
		if err := m.recolor(ctx, tx, h.EnterpriseID, ec.to); err != nil {
			return err
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "hazard.update", ObjectType: "hazard", ObjectID: id.String(), Detail: set.Changed})
	})
}

// notices addresses one notice to each recipient but the actor.
func notices(users []db.ID, actor db.ID, kind string, h *Hazard, key string, extra map[string]any) []notify.Notice {
	args := map[string]any{"code": h.Code, "title": h.Title}
	for k, v := range extra {
		args[k] = v
	}
	seen := map[db.ID]bool{actor: true}
	var out []notify.Notice
	for _, u := range users {
		if seen[u] {
			continue
		}
		seen[u] = true
		out = append(out, notify.Notice{UserID: u, Kind: kind, SubjectType: "hazard", SubjectID: h.ID.String(), Key: key, Args: args,
			Link: "/hazards/" + h.ID.String()})
	}
	return out
}
