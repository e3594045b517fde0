package hazard

import (
	"context"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// ActionInput is the body of POST /api/v1/hazards/{id}/actions. Which fields an action
// needs: assign — owner_id, supervisor_org_id, measures, deadline (and, for a major
// hazard, responsibility, funds_yuan, contingency_plan and listing_leader_id; and, to set
// or change where it was found, enterprise_id); submit —
// attachments (after-photos or a document); accept — on_site true and attachments
// (on-site photos), and for a major hazard participants and conclusion; reject and
// comment — comment.
type ActionInput struct {
	Action          Action  `json:"action" form:"action" jsonschema:"enum=assign,enum=start,enum=submit,enum=accept,enum=reject,enum=comment"`
	Comment         string  `json:"comment,omitempty" form:"comment"`
	Attachments     []db.ID `json:"attachments,omitempty"`
	OwnerID         *db.ID  `json:"owner_id,omitempty" form:"owner_id"`
	SupervisorOrgID *db.ID  `json:"supervisor_org_id,omitempty" form:"supervisor_org_id"`
	Measures        string  `json:"measures,omitempty" form:"measures"`
	Deadline        string  `json:"deadline,omitempty" form:"deadline" jsonschema:"description=a date (the end of that day, China time) or an RFC 3339 time"`
	Responsibility  string  `json:"responsibility,omitempty" form:"responsibility"`
	FundsYuan       *int64  `json:"funds_yuan,omitempty" form:"funds_yuan"`
	ContingencyPlan string  `json:"contingency_plan,omitempty" form:"contingency_plan"`
	ListingLeaderID *db.ID  `json:"listing_leader_id,omitempty" form:"listing_leader_id"`
	ListingDoc      string  `json:"listing_doc,omitempty" form:"listing_doc"`
	EnterpriseID    *db.ID  `json:"enterprise_id,omitempty" form:"enterprise_id" jsonschema:"nullable,description=assign: the enterprise where the hazard was found (in the caller's scope and the hazard's village or community); null removes it when the hazard names a place; absent leaves it"`
	OnSite          bool    `json:"on_site,omitempty" form:"on_site,checkbox" jsonschema:"description=accept: the acceptance was done on site (三进)"`
	Participants    string  `json:"participants,omitempty" form:"participants"`
	Conclusion      string  `json:"conclusion,omitempty" form:"conclusion"`
	// ClearEnterprise is an explicit "enterprise_id": null (or the form's "none").
	ClearEnterprise bool `json:"-"`
}

// UnmarshalJSON decodes like the plain struct (unknown fields refused) and reads an
// explicit "enterprise_id": null as ClearEnterprise.
func (in *ActionInput) UnmarshalJSON(b []byte) error {
	type plain ActionInput
	var err error
	in.ClearEnterprise, err = decodeWithNull(b, (*plain)(in), "enterprise_id")
	return err
}

// actionNames lists the message keys of actions (rendered as one localized list).
func actionNames(as []Action) i18n.Keys {
	out := make(i18n.Keys, len(as))
	for i, a := range as {
		out[i] = i18n.Key("hazard.action." + string(a))
	}
	return out
}

// Act applies an action to a hazard in the caller's scope.
//
// Errors: NotFound (out of scope), Conflict (illegal in the current status, or the
// hazard moved meanwhile — the message says what is allowed now), Forbidden (legal, but
// not for this caller), Invalid (the action's fields).
func (m *Module) Act(ctx context.Context, p *auth.Principal, id db.ID, in ActionInput) (Hazard, error) {
	known := false
	for _, a := range Actions {
		known = known || a == in.Action
	}
	if !known {
		v := apperr.Validation{}
		v.Add("action", "validate.one_of", apperr.E{"values": "assign, start, submit, accept, reject, comment"})
		return Hazard{}, v.Err()
	}
	var out Hazard
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		h, err := m.Get(ctx, tx, p, id)
		if err != nil {
			return err
		}
		t, ok := step(h.Status, in.Action)
		if !ok {
			return illegal(in.Action, h.Status, allowedIn(h.Status))
		}
		if !t.Who(p, &h) {
			return &apperr.Error{Code: apperr.Forbidden, Key: "hazard.not_your_action",
				Args: apperr.E{"action": i18n.Key("hazard.action." + string(in.Action))}}
		}
		now := m.Clock.Now()
		before := h // the enterprise and listing leader it had
		var apply func(set *db.Set) (data map[string]any, err error)
		kind := "evidence"
		switch in.Action {
		case Assign:
			apply = func(set *db.Set) (map[string]any, error) { return m.assign(ctx, tx, p, &h, in, now, set) }
		case Start:
			apply = func(*db.Set) (map[string]any, error) { return nil, nil }
		case Submit:
			apply = func(set *db.Set) (map[string]any, error) { return submit(in, now, set) }
		case Accept:
			kind = "acceptance"
			apply = func(set *db.Set) (map[string]any, error) { return accept(p, &h, in, now, set) }
		case Reject:
			apply = func(set *db.Set) (map[string]any, error) { return reject(in, set) }
		case Comment:
			apply = func(*db.Set) (map[string]any, error) { return nil, comment(in) }
		}
		set := db.NewSet("status", string(t.To))
		set.Also("updated_at", now)
		data, err := apply(set)
		if err != nil {
			return err
		}
		q, args := set.Update("hazards", "id = ? AND status = ?", id, string(h.Status))
		update := func() error {
			res, err := tx.Exec(ctx, q, args...)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return apperr.Conflictf("hazard.changed", nil)
			}
			return nil
		}
		if in.Action == Comment { // nothing tallied changes
			err = update()
		} else {
			err = retally(ctx, tx, id, update)
		}
		if err != nil {
			return err
		}
		if err := m.record(ctx, tx, p, &h, string(in.Action), h.Status, t.To, strings.TrimSpace(in.Comment), data, in.Attachments, kind); err != nil {
			return err
		}
		if err := m.Audit.Record(ctx, tx, audit.Entry{Action: "hazard." + string(in.Action), ObjectType: "hazard", ObjectID: id.String(),
			Detail: map[string]any{"from": h.Status, "to": t.To}}); err != nil {
			return err
		}
		if err := m.recolor(ctx, tx, before.EnterpriseID, h.EnterpriseID); err != nil {
			return err
		}
		if out, err = m.Get(ctx, tx, p, id); err != nil {
			return err
		}
		if err := m.announceListing(ctx, tx, p, &before, &out); err != nil {
			return err
		}
		return m.announce(ctx, tx, p, &out, in.Action, strings.TrimSpace(in.Comment))
	})
	return out, err
}

func illegal(a Action, s Status, allowed []Action) error {
	args := apperr.E{"action": i18n.Key("hazard.action." + string(a)), "status": i18n.Key("hazard.status." + string(s))}
	key := "hazard.illegal_action"
	if len(allowed) == 0 {
		key = "hazard.illegal_action_none"
	} else {
		args["allowed"] = actionNames(allowed)
	}
	return &apperr.Error{Code: apperr.Conflict, Key: key, Args: args,
		Extra: map[string]any{"hazard_status": s, "allowed_actions": allowed}}
}

func (m *Module) assign(ctx context.Context, tx *db.Tx, p *auth.Principal, h *Hazard, in ActionInput, now time.Time, set *db.Set) (map[string]any, error) {
	v := &apperr.Validation{}
	validText(v, "measures", in.Measures, true, 2000)
	deadline, _ := api.Due(v, "deadline", in.Deadline, now, "hazard.deadline_past")
	// The enterprise first: the owner may be one of its accounts.
	ec, entChanged, err := m.checkEnterpriseChange(ctx, tx, p, h, in.EnterpriseID, in.ClearEnterprise, v)
	if err != nil {
		return nil, err
	}
	if entChanged {
		h.EnterpriseID = ec.to
	}
	if in.OwnerID == nil {
		v.Add("owner_id", "validate.required", nil)
	} else if err := ownerOK(ctx, tx, h, *in.OwnerID, v); err != nil {
		return nil, err
	}
	if in.SupervisorOrgID == nil {
		v.Add("supervisor_org_id", "validate.required", nil)
	} else if err := supervisorOK(ctx, tx, h, *in.SupervisorOrgID, v); err != nil {
		return nil, err
	}
	major := h.Grade == Major
	if major { // 五落实 and 挂牌督办
		validText(v, "responsibility", in.Responsibility, true, 500)
		validText(v, "contingency_plan", in.ContingencyPlan, true, 2000)
		if in.FundsYuan == nil {
			v.Add("funds_yuan", "validate.required", nil)
		} else if *in.FundsYuan < 0 {
			v.Add("funds_yuan", "validate.min", apperr.E{"min": 0})
		}
		if in.ListingLeaderID == nil {
			v.Add("listing_leader_id", "hazard.listing_leader_required", nil)
		} else if err := leaderOK(ctx, tx, *in.ListingLeaderID, v); err != nil {
			return nil, err
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	set.Also("owner_id", *in.OwnerID)
	set.Also("supervisor_org_id", *in.SupervisorOrgID)
	set.Also("measures", strings.TrimSpace(in.Measures))
	set.Also("deadline", deadline)
	data := map[string]any{"owner_id": in.OwnerID.String(), "supervisor_org_id": in.SupervisorOrgID.String(),
		"measures": strings.TrimSpace(in.Measures), "deadline": deadline.UTC().Format(time.RFC3339)}
	if entChanged {
		ec.apply(set, data)
	}
	if major {
		set.Also("responsibility", strings.TrimSpace(in.Responsibility))
		set.Also("funds_yuan", *in.FundsYuan)
		set.Also("contingency_plan", strings.TrimSpace(in.ContingencyPlan))
		set.Expr("listed = TRUE")
		set.Also("listing_leader_id", *in.ListingLeaderID)
		set.Also("listing_doc", strings.TrimSpace(in.ListingDoc))
		set.Expr("listed_at = COALESCE(listed_at, ?)", now)
		data["responsibility"] = strings.TrimSpace(in.Responsibility)
		data["funds_yuan"] = *in.FundsYuan
		data["contingency_plan"] = strings.TrimSpace(in.ContingencyPlan)
		data["listing_leader_id"] = in.ListingLeaderID.String()
	}
	return data, nil
}

// ownerOK: the owner is an enabled user who can see the hazard (so they can act on it).
func ownerOK(ctx context.Context, tx *db.Tx, h *Hazard, owner db.ID, v *apperr.Validation) error {
	sc, disabled, err := auth.ScopeOfUser(ctx, tx, owner)
	if apperr.Is(err, apperr.NotFound) || (err == nil && (disabled || !sc.Contains(h.Path) || !sc.AllowsIndustry(h.Industry))) {
		v.Add("owner_id", "hazard.owner_out_of_reach", nil)
		return nil
	}
	return err
}

// supervisorOK: the supervising unit is a department supervising the hazard's industry,
// the government of the hazard's town, or the safety office.
func supervisorOK(ctx context.Context, tx *db.Tx, h *Hazard, orgID db.ID, v *apperr.Validation) error {
	var kind, category, path string
	var parent *db.ID
	err := tx.QueryRow(ctx, `SELECT kind, category, path, parent_id FROM orgs WHERE id = ?`, orgID).Scan(&kind, &category, &path, db.NullID{P: &parent})
	if db.IsNoRows(err) {
		v.Add("supervisor_org_id", "validate.unknown_ref", nil)
		return nil
	}
	if err != nil {
		return err
	}
	switch {
	case kind == "unit" && category == "department":
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM unit_industries WHERE org_id = ? AND industry = ?`, orgID, h.Industry).Scan(&n); err != nil {
			return err
		}
		var office int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'safety_office' WHERE u.org_id = ?`, orgID).Scan(&office); err != nil {
			return err
		}
		if n == 0 && office == 0 {
			v.Add("supervisor_org_id", "hazard.supervisor_wrong_industry", nil)
		}
	case kind == "unit" && category == "town_government":
		if parent == nil || *parent != h.TownID {
			v.Add("supervisor_org_id", "hazard.supervisor_wrong_town", nil)
		}
	default:
		v.Add("supervisor_org_id", "hazard.supervisor_kind", nil)
	}
	return nil
}

// leaderOK: the listing leader is a district leader: in charge of an industry, or
// holding a post in the party committee or the government.
func leaderOK(ctx context.Context, tx *db.Tx, person db.ID, v *apperr.Validation) error {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM people pe WHERE pe.id = ? AND (
		EXISTS (SELECT 1 FROM in_charge ic WHERE ic.person_id = pe.id)
		OR EXISTS (SELECT 1 FROM posts ps JOIN orgs o ON o.id = ps.org_id WHERE ps.person_id = pe.id AND o.category IN ('party_committee', 'government')))`,
		person).Scan(&n)
	if err != nil {
		return err
	}
	if n == 0 {
		v.Add("listing_leader_id", "hazard.not_a_leader", nil)
	}
	return nil
}

func submit(in ActionInput, now time.Time, set *db.Set) (map[string]any, error) {
	v := &apperr.Validation{}
	if len(in.Attachments) == 0 {
		v.Add("attachments", "hazard.evidence_required", nil)
	}
	validText(v, "comment", in.Comment, false, 2000)
	if err := v.Err(); err != nil {
		return nil, err
	}
	set.Also("submitted_at", now)
	return nil, nil
}

// accept closes the hazard (销号). 三进: the acceptance is on site, with photos; a major
// hazard also needs its acceptance record (participants and conclusion).
func accept(p *auth.Principal, h *Hazard, in ActionInput, now time.Time, set *db.Set) (map[string]any, error) {
	v := &apperr.Validation{}
	if !in.OnSite {
		v.Add("on_site", "hazard.on_site_required", nil)
	}
	if len(in.Attachments) == 0 {
		v.Add("attachments", "hazard.on_site_photos_required", nil)
	}
	data := map[string]any{"on_site": in.OnSite}
	if h.Grade == Major {
		validText(v, "participants", in.Participants, true, 500)
		validText(v, "conclusion", in.Conclusion, true, 2000)
		data["participants"] = strings.TrimSpace(in.Participants)
		data["conclusion"] = strings.TrimSpace(in.Conclusion)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	onTime := h.Deadline == nil || !now.After(*h.Deadline)
	data["on_time"] = onTime
	set.Also("closed_at", now)
	set.Also("closed_by", p.UserID)
	set.Also("closed_on_time", onTime)
	return data, nil
}

func reject(in ActionInput, set *db.Set) (map[string]any, error) {
	if err := comment(in); err != nil {
		return nil, err
	}
	set.Expr("rejections = rejections + 1")
	set.Expr("submitted_at = NULL")
	return nil, nil
}

// comment checks a step's comment, which it needs.
func comment(in ActionInput) error {
	v := &apperr.Validation{}
	validText(v, "comment", in.Comment, true, 2000)
	return v.Err()
}

// announce tells the next people in the loop what happened; comment is the step's
// comment (a rejection's reason).
func (m *Module) announce(ctx context.Context, tx *db.Tx, p *auth.Principal, h *Hazard, a Action, comment string) error {
	var to []db.ID
	var err error
	var extra map[string]any
	switch a {
	case Assign, Reject:
		if h.OwnerID != nil {
			to = []db.ID{*h.OwnerID}
		}
		if a == Reject {
			extra = map[string]any{"reason": clip(comment, maxReasonInNotice)}
		}
	case Submit:
		if h.SupervisorOrgID != nil {
			to, err = unitMembers(ctx, tx, *h.SupervisorOrgID)
		}
	case Accept:
		to = []db.ID{h.FoundBy}
		if h.OwnerID != nil {
			to = append(to, *h.OwnerID)
		}
	default:
		return nil
	}
	if err != nil {
		return err
	}
	return m.Notify.Send(ctx, tx, notices(to, p.UserID, "hazard."+string(a), h, "hazard.notice."+string(a), extra)...)
}

// maxReasonInNotice is how much of a rejection's reason a notice quotes (an SMS is
// short; the hazard's page has it all).
const maxReasonInNotice = 200

// clip cuts s to at most n characters, marking the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// announceListing tells the listing leader (挂牌督办) that a major hazard was listed
// for their supervision, when it was just listed or its leader changed: every enabled
// account linked to the leader's person record hears it.
func (m *Module) announceListing(ctx context.Context, tx *db.Tx, p *auth.Principal, before, after *Hazard) error {
	if !after.Listed || after.ListingLeaderID == nil {
		return nil
	}
	if before.Listed && before.ListingLeaderID != nil && *before.ListingLeaderID == *after.ListingLeaderID {
		return nil
	}
	to, err := personAccounts(ctx, tx, *after.ListingLeaderID)
	if err != nil {
		return err
	}
	return m.Notify.Send(ctx, tx, notices(to, p.UserID, "hazard.listed", after, "hazard.notice.listed",
		map[string]any{"town": after.TownName})...)
}
