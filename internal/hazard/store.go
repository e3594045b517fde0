package hazard

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
)

var sorting = api.Sorting{
	Columns: map[string]string{
		"found_at": "h.found_at", "deadline": "h.deadline", "created_at": "h.created_at", "updated_at": "h.updated_at",
		"code": "h.code", "status": "h.status", "grade": "h.grade", "title": "h.title",
	},
	Default:  "-found_at",
	Tiebreak: "h.id",
	Nullable: []string{"deadline"},
}

// selectHazard reads a hazard with the names of everything it points to: one query for
// any number of rows (joins on primary keys).
const selectHazard = `SELECT h.id, h.code, h.title, h.description, h.category, h.industry, h.grade, h.source, h.status,
	h.enterprise_id, COALESCE(en.name, ''), h.risk_point_id, COALESCE(rp.name, ''), h.place, h.grid_id, g.code, v.name, h.town_id, t.name, h.address, h.found_by, fu.display_name, h.found_at,
	h.owner_id, COALESCE(ou.display_name, ''), h.supervisor_org_id, COALESCE(so.name, ''), h.measures, h.deadline,
	h.responsibility, h.funds_yuan, h.contingency_plan, h.listed, h.listing_leader_id, COALESCE(lp.name, ''), h.listed_at,
	h.listing_doc, h.submitted_at, h.closed_at, h.closed_on_time, h.rejections, h.created_at, h.updated_at, h.org_path
	FROM hazards h
	JOIN grids g ON g.id = h.grid_id
	JOIN orgs v ON v.id = g.village_id
	JOIN orgs t ON t.id = h.town_id
	JOIN users fu ON fu.id = h.found_by
	LEFT JOIN users ou ON ou.id = h.owner_id
	LEFT JOIN orgs so ON so.id = h.supervisor_org_id
	LEFT JOIN people lp ON lp.id = h.listing_leader_id
	LEFT JOIN risk_points rp ON rp.id = h.risk_point_id
	LEFT JOIN enterprises en ON en.id = h.enterprise_id`

func (m *Module) scan(s db.Scanner, now time.Time) (Hazard, error) {
	var h Hazard
	var status string
	err := s.Scan(&h.ID, &h.Code, &h.Title, &h.Description, &h.Category, &h.Industry, &h.Grade, &h.Source, &status,
		db.NullID{P: &h.EnterpriseID}, &h.EnterpriseName, db.NullID{P: &h.RiskPointID}, &h.RiskPointName, &h.Place, &h.GridID, &h.GridCode, &h.VillageName, &h.TownID, &h.TownName, &h.Address,
		&h.FoundBy, &h.FoundByName, &h.FoundAt, db.NullID{P: &h.OwnerID}, &h.OwnerName, db.NullID{P: &h.SupervisorOrgID},
		&h.SupervisorName, &h.Measures, &h.Deadline, &h.Responsibility, &h.FundsYuan, &h.ContingencyPlan, &h.Listed,
		db.NullID{P: &h.ListingLeaderID}, &h.ListingLeader, &h.ListedAt, &h.ListingDoc, &h.SubmittedAt, &h.ClosedAt,
		&h.ClosedOnTime, &h.Rejections, &h.CreatedAt, &h.UpdatedAt, &h.Path)
	h.Status = Status(status)
	h.Overdue = h.Status != Closed && h.Deadline != nil && now.After(*h.Deadline)
	return h, err
}

// scopeWhere limits a query to the hazards of the caller's scope: territory, industries
// (departments) and, for enterprise users, their own.
func scopeWhere(w *db.Where, sc auth.Scope) {
	if sc.TownID != nil {
		// A town's scope: its hazards are exactly those of its town_id (a hazard's path is
		// its village's, under its town). Said this way, and not as the path's range, the
		// planner walks hazards_town_found_at for a page newest first; with statistics
		// SQLite preferred the path range and sorted every hazard of the town (7 s at the
		// city's 1,000,000 under load).
		w.Add("h.town_id = ?", *sc.TownID)
	} else {
		w.AddCond(sc.PathCond("h.org_path"))
	}
	w.AddCond(sc.IndustryCond("h.industry"))
	w.AddCond(sc.RecordCond("h.enterprise_id", "h.owner_id", "h.found_by"))
}

func inScope(sc auth.Scope, h *Hazard) bool {
	return sc.Contains(h.Path) && sc.AllowsIndustry(h.Industry) && sc.OwnsRecord(h.EnterpriseID, h.OwnerID, &h.FoundBy)
}

func (m *Module) where(ctx context.Context, p *auth.Principal, f Filter, now time.Time) (db.Where, error) {
	var w db.Where
	scopeWhere(&w, p.Scope)
	w.AddCond(db.In("h.status", f.Status))
	w.Bool(f.Open, "h.status <> 'closed'", "h.status = 'closed'")
	w.Eq("h.grade", f.Grade)
	w.Bool(f.Overdue, "h.status <> 'closed' AND h.deadline < ?", "(h.status = 'closed' OR h.deadline IS NULL OR h.deadline >= ?)", now)
	w.Eq("h.source", f.Source)
	w.Eq("h.category", f.Category)
	w.Eq("h.industry", f.Industry)
	w.Eq("h.town_id", f.TownID)
	if f.VillageID != nil {
		var path string
		err := m.DB.QueryRow(ctx, `SELECT path FROM orgs WHERE id = ?`, *f.VillageID).Scan(&path)
		if err != nil && !db.IsNoRows(err) {
			return w, err
		}
		w.Add("h.org_path = ?", path)
	}
	w.Eq("h.grid_id", f.GridID)
	w.Eq("h.enterprise_id", f.EnterpriseID)
	w.Eq("h.owner_id", f.OwnerID)
	w.Eq("h.supervisor_org_id", f.SupervisorID)
	w.Eq("h.listed", f.Listed)
	w.Eq("h.listing_leader_id", f.ListingLeaderID)
	if f.Mine != nil && *f.Mine {
		w.Add("(h.owner_id = ? OR h.found_by = ? OR h.supervisor_org_id = ?)", p.UserID, p.UserID, p.OrgID)
	}
	if f.FoundBy != nil {
		w.Add("h.found_by = ?", *f.FoundBy)
	}
	if f.FoundFrom != nil {
		w.Add("h.found_at >= ?", *f.FoundFrom)
	}
	if f.FoundTo != nil {
		w.Add("h.found_at < ?", clock.ThroughDay(*f.FoundTo))
	}
	if f.DeadlineTo != nil {
		w.Add("h.deadline < ?", clock.ThroughDay(*f.DeadlineTo))
	}
	w.AddCond(m.DB.Engine().Search(f.Q, "h.id", "hazards_fts", "h.code", "h.title", "h.place"))
	return w, nil
}

// List calls each for the hazards in the caller's scope matching f, and returns how many
// match (when lp is paged).
func (m *Module) List(ctx context.Context, p *auth.Principal, f Filter, lp api.ListParams, each func(Hazard) error) (int, error) {
	now := m.Clock.Now()
	w, err := m.where(ctx, p, f, now)
	if err != nil {
		return 0, err
	}
	lq := api.ListQuery{Select: selectHazard, Count: `FROM hazards h`, Where: w, Sorting: sorting, ID: "h.id"}
	return api.QueryList(ctx, m.DB, lq, lp, func(s db.Scanner) (Hazard, error) { return m.scan(s, now) }, each)
}

// Get returns a hazard in the caller's scope with the actions the caller may take.
// Errors: NotFound.
func (m *Module) Get(ctx context.Context, q db.Querier, p *auth.Principal, id db.ID) (Hazard, error) {
	h, err := m.scan(q.QueryRow(ctx, selectHazard+` WHERE h.id = ?`, id), m.Clock.Now())
	if db.IsNoRows(err) || (err == nil && !inScope(p.Scope, &h)) {
		return Hazard{}, apperr.NotFoundf("hazard")
	}
	if err != nil {
		return Hazard{}, err
	}
	h.Actions = available(p, &h)
	return h, nil
}

// History returns every step of a hazard in the caller's scope, oldest first, with the
// attachments each step added. Errors: NotFound.
func (m *Module) History(ctx context.Context, p *auth.Principal, id db.ID) ([]Event, error) {
	if _, err := m.Get(ctx, m.DB, p, id); err != nil {
		return nil, err
	}
	rows, err := m.DB.Query(ctx, `SELECT e.id, e.at, e.actor_id, e.actor_name, e.action, e.from_status, e.to_status, e.comment, e.data
		FROM hazard_events e WHERE e.hazard_id = ? ORDER BY e.id`, id)
	if err != nil {
		return nil, err
	}
	var events []Event
	idx := map[db.ID]int{}
	for rows.Next() {
		var e Event
		var data string
		if err := rows.Scan(&e.ID, &e.At, db.NullID{P: &e.ActorID}, &e.ActorName, &e.Action, &e.From, &e.To, &e.Comment, &data); err != nil {
			rows.Close()
			return nil, err
		}
		e.Data = map[string]any{}
		_ = json.Unmarshal([]byte(data), &e.Data)
		e.Attachments = []EventAttachent{}
		idx[e.ID] = len(events)
		events = append(events, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	arows, err := m.DB.Query(ctx, `SELECT ha.event_id, a.id, ha.kind, a.content_type, a.original_name
		FROM hazard_attachments ha JOIN attachments a ON a.id = ha.attachment_id WHERE ha.hazard_id = ? ORDER BY a.id`, id)
	if err != nil {
		return nil, err
	}
	defer arows.Close()
	for arows.Next() {
		var eid db.ID
		var a EventAttachent
		if err := arows.Scan(&eid, &a.ID, &a.Kind, &a.ContentType, &a.Name); err != nil {
			return nil, err
		}
		a.URL = fmt.Sprintf("/api/v1/attachments/%s/content", a.ID)
		if i, ok := idx[eid]; ok {
			events[i].Attachments = append(events[i].Attachments, a)
		}
	}
	return events, arows.Err()
}

// record appends a step to a hazard's history and links the step's attachments.
func (m *Module) record(ctx context.Context, tx *db.Tx, p *auth.Principal, h *Hazard, action string, from, to Status,
	comment string, data map[string]any, attachments []db.ID, kind string) error {
	if data == nil {
		data = map[string]any{}
	}
	js, err := json.Marshal(data)
	if err != nil {
		return err
	}
	var actor *db.ID
	if p.UserID != 0 {
		actor = &p.UserID
	}
	var eid db.ID
	if err := tx.QueryRow(ctx, `INSERT INTO hazard_events (hazard_id, at, actor_id, actor_name, action, from_status, to_status, comment, data)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, h.ID, m.Clock.Now(), actor, p.DisplayName, action, string(from), string(to),
		comment, string(js)).Scan(&eid); err != nil {
		return err
	}
	if len(attachments) == 0 {
		return nil
	}
	industry := h.Industry
	if err := m.Attachments.Link(ctx, tx, p, attachments, h.Path, &industry, h.EnterpriseID); err != nil {
		return err
	}
	for _, a := range attachments {
		if _, err := tx.Exec(ctx, `INSERT INTO hazard_attachments (hazard_id, attachment_id, event_id, kind) VALUES (?, ?, ?, ?)`,
			h.ID, a, eid, kind); err != nil {
			if db.IsUnique(err) {
				v := apperr.Validation{}
				v.Add("attachments", "hazard.attachment_reused", nil)
				return v.Err()
			}
			return err
		}
	}
	return nil
}
