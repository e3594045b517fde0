package org

import (
	"context"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/privacy"
)

var gridSorting = api.Sorting{
	Columns: map[string]string{
		"code": "g.code", "name": "g.name", "village": "v.name", "town": "t.name",
		"patroller": "pe.name", "created_at": "g.created_at", "updated_at": "g.updated_at",
	},
	Default:  "code",
	Tiebreak: "g.id",
}

const gridSelect = `SELECT g.id, g.code, g.name, g.village_id, v.name, t.id, t.name, g.patroller_id,
	COALESCE(pe.name, ''), COALESCE(pe.phone, ''), g.description, g.org_path, g.created_at, g.updated_at
	FROM grids g
	JOIN orgs v ON v.id = g.village_id
	JOIN orgs t ON t.id = v.parent_id
	LEFT JOIN people pe ON pe.id = g.patroller_id`

func scanGrid(s db.Scanner) (Grid, error) {
	var g Grid
	err := s.Scan(&g.ID, &g.Code, &g.Name, &g.VillageID, &g.VillageName, &g.TownID, &g.TownName, db.NullID{P: &g.PatrollerID},
		&g.PatrollerName, &g.PatrollerPhone, &g.Description, &g.Path, &g.CreatedAt, &g.UpdatedAt)
	g.PatrollerPhone = privacy.Phone(g.PatrollerPhone)
	return g, err
}

func (m *Module) gridWhere(ctx context.Context, sc auth.Scope, f GridFilter) (db.Where, error) {
	var w db.Where
	w.AddCond(sc.PathCond("g.org_path"))
	if f.TownID != nil {
		cond, args, err := subtreeCond(ctx, m.DB, sc, *f.TownID, "g.org_path")
		if err != nil {
			return w, err
		}
		w.Add(cond, args...)
	}
	w.Eq("g.village_id", f.VillageID)
	w.Eq("g.patroller_id", f.PatrollerID)
	w.Bool(f.HasPatroller, "g.patroller_id IS NOT NULL", "g.patroller_id IS NULL")
	w.AddCond(m.DB.Engine().ContainsAny(f.Q, "g.code", "g.name"))
	return w, nil
}

// ListGrids calls each for the grids in scope matching f, in the order and page of lp,
// and returns how many match (when lp is paged).
func (m *Module) ListGrids(ctx context.Context, sc auth.Scope, f GridFilter, lp api.ListParams, each func(Grid) error) (int, error) {
	w, err := m.gridWhere(ctx, sc, f)
	if err != nil {
		return 0, err
	}
	lq := api.ListQuery{Select: gridSelect, Count: `FROM grids g`, Where: w, Sorting: gridSorting}
	return api.QueryList(ctx, m.DB, lq, lp, scanGrid, each)
}

// GetGrid returns the grid id in scope. Errors: NotFound.
func (m *Module) GetGrid(ctx context.Context, q db.Querier, sc auth.Scope, id db.ID) (Grid, error) {
	g, err := scanGrid(q.QueryRow(ctx, gridSelect+` WHERE g.id = ?`, id))
	if db.IsNoRows(err) || (err == nil && !sc.Contains(g.Path)) {
		return Grid{}, apperr.NotFoundf("grid")
	}
	return g, err
}

// patrollerIn checks that person id exists in scope and returns nil, or records a field
// error.
func (m *Module) patrollerIn(ctx context.Context, q db.Querier, sc auth.Scope, id *db.ID, v *apperr.Validation) error {
	if id == nil {
		return nil
	}
	var path string
	err := q.QueryRow(ctx, `SELECT org_path FROM people WHERE id = ?`, *id).Scan(&path)
	if db.IsNoRows(err) || (err == nil && !sc.Contains(path)) {
		v.Add("patroller_id", "validate.unknown_ref", nil)
		return nil
	}
	return err
}

// CreateGrid adds a grid to a village in scope. Errors: Invalid.
func (m *Module) CreateGrid(ctx context.Context, actor *auth.Principal, in GridInput) (db.ID, error) {
	v := &apperr.Validation{}
	if in.Code == nil || !codeRE.MatchString(strings.TrimSpace(*in.Code)) {
		v.Add("code", "validate.code", nil)
	}
	if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
		v.Add("name", "validate.required", nil)
	} else if len([]rune(*in.Name)) > 60 {
		v.Add("name", "validate.max_len", apperr.E{"max": 60})
	}
	if in.VillageID == nil {
		v.Add("village_id", "validate.required", nil)
	}
	var id db.ID
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		var village Org
		if in.VillageID != nil {
			o, err := m.GetOrg(ctx, tx, actor.Scope, *in.VillageID)
			switch {
			case apperr.Is(err, apperr.NotFound):
				v.Add("village_id", "validate.unknown_ref", nil)
			case err != nil:
				return err
			case o.Kind != KindVillage:
				v.Add("village_id", "org.not_a_village", nil)
			}
			village = o
		}
		if err := m.patrollerIn(ctx, tx, actor.Scope, in.PatrollerID, v); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		now := m.Clock.Now()
		err := tx.QueryRow(ctx, `INSERT INTO grids (code, name, village_id, org_path, patroller_id, description, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			strings.TrimSpace(*in.Code), strings.TrimSpace(*in.Name), village.ID, village.Path, in.PatrollerID, db.Text(in.Description), now, now).Scan(&id)
		if err != nil {
			return db.Taken(err, v, "code")
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "grid.create", ObjectType: "grid", ObjectID: id.String(),
			Detail: map[string]any{"code": *in.Code, "village_id": village.ID.String()}})
	})
	return id, err
}

// UpdateGrid changes a grid's code, name or description. Errors: NotFound, Invalid.
func (m *Module) UpdateGrid(ctx context.Context, actor *auth.Principal, id db.ID, in GridInput) error {
	v := &apperr.Validation{}
	if in.Code != nil && !codeRE.MatchString(strings.TrimSpace(*in.Code)) {
		v.Add("code", "validate.code", nil)
	}
	if in.Name != nil && strings.TrimSpace(*in.Name) == "" {
		v.Add("name", "validate.required", nil)
	}
	if in.VillageID != nil {
		v.Add("village_id", "org.no_move", nil)
	}
	if in.PatrollerID != nil {
		v.Add("patroller_id", "org.use_patroller_endpoint", nil)
	}
	if err := v.Err(); err != nil {
		return err
	}
	return m.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := m.GetGrid(ctx, tx, actor.Scope, id); err != nil {
			return err
		}
		set := db.NewSet("updated_at", m.Clock.Now())
		for col, val := range map[string]*string{"code": in.Code, "name": in.Name, "description": in.Description} {
			set.Text(col, val)
		}
		q, args := set.Update("grids", "id = ?", id)
		_, err := tx.Exec(ctx, q, args...)
		if err != nil {
			return db.Taken(err, v, "code")
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "grid.update", ObjectType: "grid", ObjectID: id.String(), Detail: set.Changed})
	})
}

// SetPatroller sets or clears the patroller of a grid in scope. Errors: NotFound, Invalid.
func (m *Module) SetPatroller(ctx context.Context, actor *auth.Principal, id db.ID, person *db.ID) error {
	return m.DB.Tx(ctx, func(tx *db.Tx) error {
		g, err := m.GetGrid(ctx, tx, actor.Scope, id)
		if err != nil {
			return err
		}
		v := &apperr.Validation{}
		if err := m.patrollerIn(ctx, tx, actor.Scope, person, v); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE grids SET patroller_id = ?, updated_at = ? WHERE id = ?`, person, m.Clock.Now(), id); err != nil {
			return err
		}
		detail := map[string]any{"from": g.PatrollerID, "to": person}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "grid.set_patroller", ObjectType: "grid", ObjectID: id.String(), Detail: detail})
	})
}
