package demo

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/safeduty/safeduty/internal/hazard"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// storeHazards inserts the hazards with their final codes. A code holds the id
// (hazard.Code), so the ids are given here rather than drawn by the database: they follow
// the largest id present (none, in a fresh database), and PostgreSQL's identity sequence
// is moved past them so that hazards reported later get the next ids.
func (b *builder) storeHazards(ctx context.Context, plans []*hzPlan) error {
	var last int64
	if err := b.tx.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM hazards`).Scan(&last); err != nil {
		return err
	}
	rows := make([][]any, len(plans))
	for i, p := range plans {
		p.id = db.ID(last + int64(i) + 1)
		p.code = hazard.Code(p.foundAt, p.id)
		rows[i] = append([]any{p.id, p.code}, p.row()...)
	}
	if err := b.insertRows(ctx, "hazards", append([]string{"id", "code"}, hazardColumns...), rows, "", nil); err != nil {
		return err
	}
	if err := hazard.RebuildTallies(ctx, b.tx); err != nil { // the figures' counts (tallies.go)
		return err
	}
	if b.tx.Engine() == db.Postgres {
		_, err := b.tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('hazards', 'id'), (SELECT MAX(id) FROM hazards))`)
		return err
	}
	return nil
}

// hazardColumns are the columns of row, after id and code.
var hazardColumns = []string{"title", "description", "category", "industry", "grade", "source", "status",
	"place", "grid_id", "org_path", "town_id", "address", "found_by", "found_at",
	"owner_id", "supervisor_org_id", "measures", "deadline", "responsibility", "funds_yuan", "contingency_plan",
	"listed", "listing_leader_id", "listed_at", "listing_doc", "submitted_at", "closed_at", "closed_by", "closed_on_time",
	"rejections", "created_at", "updated_at", "enterprise_id", "risk_point_id"}

// row is the hazard's row as the loop would have left it at the build time.
func (p *hzPlan) row() []any {
	status := p.status()
	var owner, supervisor, deadline, funds, leader, listedAt, submitted, closedAt, closedBy, onTime any
	var measures, responsibility, contingency, doc string
	listed := false
	if a := p.last("assign"); a != nil {
		owner, supervisor, deadline, measures = p.owner.ID, p.supervisor.ID, p.deadline, p.tpl.measures
		if p.grade == hazard.Major {
			responsibility, contingency, doc = a.data["responsibility"].(string), p.contingency(), p.listingDoc
			funds, leader, listedAt, listed = p.funds, p.leader.ID, a.at, true
		}
	}
	if s := p.last("submit"); s != nil && (status == hazard.Submitted || status == hazard.Closed) {
		submitted = s.at
	}
	if a := p.last("accept"); a != nil {
		closedAt, closedBy, onTime = a.at, a.actor.ID, a.data["on_time"]
	}
	rejections := 0
	updated := p.events[0].at
	for _, e := range p.events {
		if e.action == "reject" {
			rejections++
		}
		if e.action != "escalate" {
			updated = e.at
		}
	}
	var ent, risk any
	if p.ent != nil {
		ent = p.ent.ID
	}
	if p.risk != nil {
		risk = p.risk.id
	}
	return []any{p.tpl.title, p.tpl.desc, p.tpl.category, p.content.code, p.grade, p.source, string(status),
		p.place, p.grid.ID, p.village.Path, p.village.Town.ID, p.address, p.foundBy.ID, p.foundAt,
		owner, supervisor, measures, deadline, responsibility, funds, contingency,
		listed, leader, listedAt, doc, submitted, closedAt, closedBy, onTime,
		rejections, p.events[0].at, updated, ent, risk}
}

// storeHazardEvents writes every history step (ids in time order across the district,
// as they would have been written) and the escalation rows.
func (b *builder) storeHazardEvents(ctx context.Context, plans []*hzPlan) error {
	type ref struct {
		p *hzPlan
		e *hzEvent
	}
	var all []ref
	var escalations [][]any
	for _, p := range plans {
		for _, e := range p.events {
			all = append(all, ref{p, e})
		}
		for _, e := range p.escalations {
			escalations = append(escalations, []any{p.id, e.stage, p.deadline, e.at, len(e.to)})
		}
	}
	slices.SortStableFunc(all, func(a, c ref) int {
		if x := a.e.at.Compare(c.e.at); x != 0 {
			return x
		}
		if a.p.id != c.p.id {
			return int(a.p.id - c.p.id)
		}
		return a.e.seq - c.e.seq
	})
	rows := make([][]any, len(all))
	for i, r := range all {
		e := r.e
		data := "{}"
		if len(e.data) > 0 {
			js, err := json.Marshal(e.data)
			if err != nil {
				return err
			}
			data = string(js)
		}
		var actor any
		name := "系统"
		if e.actor != nil {
			actor, name = e.actor.ID, e.actor.DisplayName
		}
		rows[i] = []any{r.p.id, e.at, actor, name, e.action, string(e.from), string(e.to), e.comment, data}
	}
	err := b.insertRows(ctx, "hazard_events", []string{"hazard_id", "at", "actor_id", "actor_name", "action", "from_status",
		"to_status", "comment", "data"}, rows, "", nil)
	if err != nil {
		return err
	}
	return b.insertRows(ctx, "hazard_escalations", []string{"hazard_id", "stage", "deadline", "sent_at", "notices"}, escalations, "", nil)
}

// storeHazardNotices fills the inboxes: every escalation notice (read when the hazard has
// since been closed) and the latest step of each open hazard, all marked delivered so the
// delivery job does not replay a year of notices to the SMS gateway.
func (b *builder) storeHazardNotices(ctx context.Context, plans []*hzPlan) error {
	type ref struct {
		p *hzPlan
		n hzNotice
	}
	var all []ref
	for _, p := range plans {
		for _, n := range p.notices {
			all = append(all, ref{p, n})
		}
	}
	slices.SortStableFunc(all, func(a, c ref) int { return a.n.at.Compare(c.n.at) })
	rows := make([][]any, len(all))
	for i, r := range all {
		args := map[string]any{"code": r.p.code, "title": r.p.tpl.title}
		for k, v := range r.n.extra {
			args[k] = v
		}
		js, err := json.Marshal(args)
		if err != nil {
			return err
		}
		var read any
		if r.n.read {
			read = r.n.at.Add(3 * time.Hour)
			if read.(time.Time).After(b.now) {
				read = b.now
			}
		}
		id := r.p.id.String()
		rows[i] = []any{r.n.user.ID, r.n.at, "hazard." + r.n.kind, "hazard", id, "hazard.notice." + r.n.kind, string(js),
			"/hazards/" + id, read, r.n.at, 1}
	}
	return b.insertRows(ctx, "notifications", []string{"user_id", "created_at", "kind", "subject_type", "subject_id",
		"message_key", "args", "link", "read_at", "delivered_at", "attempts"}, rows, "", nil)
}
