package meeting

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// Rule is how often a kind of meeting must study work safety: each unit of a category
// (or one unit) holds one (subject unit), or each leader in charge of industries chairs
// a special meeting on them (subject in_charge), at least MinCount times a period.
type Rule struct {
	ID          db.ID  `json:"id" jsonschema:"description=0 for a default rule not saved yet"`
	Name        string `json:"name"`
	MeetingKind string `json:"meeting_kind" jsonschema:"enum=standing_committee,enum=executive,enum=special,enum=department,enum=town,enum=other"`
	Subject     string `json:"subject" jsonschema:"enum=unit,enum=in_charge"`
	OrgCategory string `json:"org_category" jsonschema:"description=the units it applies to (subject unit): party_committee, government, department, town_government…"`
	OrgID       *db.ID `json:"org_id" jsonschema:"nullable,description=the one unit it applies to, instead of a category"`
	OrgName     string `json:"org_name"`
	Frequency   string `json:"frequency" jsonschema:"enum=monthly,enum=quarterly,enum=half_yearly,enum=yearly"`
	MinCount    int    `json:"min_count"`
	LateDays    int    `json:"late_days" jsonschema:"description=days after a meeting within which recording it is not late (补录)"`
	Active      bool   `json:"active"`
}

// RuleFrequencies are the periods a rule counts meetings in.
var RuleFrequencies = []string{"monthly", "quarterly", "half_yearly", "yearly"}

// RuleSubjects are whom a rule applies to.
var RuleSubjects = []string{"unit", "in_charge"}

// DefaultRules are the frequency rules in force while the safety office has saved none
// (the table meeting_rules is empty): the government's executive meeting and the party
// standing committee study safety at least quarterly, each deputy head holds a special
// meeting on the industries in their charge at least quarterly, each department monthly
// and each town quarterly. Saving the rules (POST /api/v1/meeting-rules or the page)
// writes them to the table.
var DefaultRules = []Rule{
	{Name: "区政府常务会议每季度至少研究一次安全生产", MeetingKind: "executive", Subject: "unit", OrgCategory: "government", Frequency: "quarterly", MinCount: 1, LateDays: DefaultLateDays, Active: true},
	{Name: "区委常委会会议每季度至少研究一次安全生产", MeetingKind: "standing_committee", Subject: "unit", OrgCategory: "party_committee", Frequency: "quarterly", MinCount: 1, LateDays: DefaultLateDays, Active: true},
	{Name: "分管领导每季度至少召开一次分管行业领域安全生产专题会议", MeetingKind: "special", Subject: "in_charge", Frequency: "quarterly", MinCount: 1, LateDays: DefaultLateDays, Active: true},
	{Name: "行业部门每月至少召开一次安全生产会议", MeetingKind: "department", Subject: "unit", OrgCategory: "department", Frequency: "monthly", MinCount: 1, LateDays: DefaultLateDays, Active: true},
	{Name: "镇（街道）每季度至少召开一次安全生产会议", MeetingKind: "town", Subject: "unit", OrgCategory: "town_government", Frequency: "quarterly", MinCount: 1, LateDays: DefaultLateDays, Active: true},
}

// Rules returns the frequency rules: those saved, or DefaultRules while none is.
func (m *Module) Rules(ctx context.Context, q db.Querier) ([]Rule, error) {
	rules, err := db.All(ctx, q, `SELECT r.id, r.name, r.meeting_kind, r.subject, r.org_category, r.org_id, COALESCE(o.name, ''), r.frequency,
		r.min_count, r.late_days, r.active FROM meeting_rules r LEFT JOIN orgs o ON o.id = r.org_id ORDER BY r.id`, nil, func(s db.Scanner) (Rule, error) {
		var r Rule
		err := s.Scan(&r.ID, &r.Name, &r.MeetingKind, &r.Subject, &r.OrgCategory, &r.OrgID, &r.OrgName, &r.Frequency, &r.MinCount, &r.LateDays, &r.Active)
		return r, err
	})
	if err != nil || len(rules) > 0 {
		return rules, err
	}
	return slices.Clone(DefaultRules), nil
}

// RulesView answers GET /api/v1/meeting-rules.
type RulesView struct {
	Rules []Rule `json:"rules"`
	// Defaults is true while no rule has been saved: the rules are DefaultRules.
	Defaults bool `json:"defaults"`
}

// rulesView reads the rules (any signed-in user may read them).
func (m *Module) rulesView(ctx context.Context, _ *auth.Principal, _ struct{}) (RulesView, error) {
	rules, err := m.Rules(ctx, m.DB)
	return RulesView{Rules: rules, Defaults: len(rules) > 0 && rules[0].ID == 0}, err
}

// RuleInput is one rule of a RulesInput; without an id it is a new rule.
type RuleInput struct {
	ID          *db.ID  `json:"id,omitempty" form:"id"`
	Name        *string `json:"name,omitempty" form:"name"`
	MeetingKind *string `json:"meeting_kind,omitempty" form:"meeting_kind"`
	Subject     *string `json:"subject,omitempty" form:"subject"`
	OrgCategory *string `json:"org_category,omitempty" form:"org_category"`
	OrgID       *db.ID  `json:"org_id,omitempty" form:"org_id"`
	Frequency   *string `json:"frequency,omitempty" form:"frequency"`
	MinCount    *int    `json:"min_count,omitempty" form:"min_count"`
	LateDays    *int    `json:"late_days,omitempty" form:"late_days"`
	Active      *bool   `json:"active,omitempty" form:"active,checkbox"`
}

// RulesInput replaces the whole set of rules: rules left out are removed.
type RulesInput struct {
	Rules *[]RuleInput `json:"rules"`
}

// SaveRules replaces the frequency rules. Errors: Forbidden, Invalid (fields named
// rules.N.field).
func (m *Module) SaveRules(ctx context.Context, p *auth.Principal, in RulesInput) (RulesView, error) {
	if !p.Can(PermRules) {
		return RulesView{}, apperr.Forbid()
	}
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		v := &apperr.Validation{}
		if in.Rules == nil {
			v.Add("rules", "validate.required", nil)
			return v.Err()
		}
		cur, err := m.Rules(ctx, tx)
		if err != nil {
			return err
		}
		var rules []Rule
		for i, ri := range *in.Rules {
			r := Rule{LateDays: DefaultLateDays, MinCount: 1, Active: true}
			if ri.ID != nil {
				j := slices.IndexFunc(cur, func(c Rule) bool { return c.ID == *ri.ID && c.ID != 0 })
				if j < 0 {
					v.Add(field(i, "id"), "validate.unknown_ref", nil)
					continue
				}
				r = cur[j]
			}
			r.apply(ri)
			r.check(ctx, tx, v, i)
			rules = append(rules, r)
		}
		if err := v.Err(); err != nil {
			return err
		}
		now := m.Clock.Now()
		var keep []db.ID
		for i := range rules {
			r := &rules[i]
			if r.ID == 0 {
				if err := tx.QueryRow(ctx, `INSERT INTO meeting_rules (name, meeting_kind, subject, org_category, org_id, frequency, min_count, late_days,
					active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, r.Name, r.MeetingKind, r.Subject, r.OrgCategory,
					r.OrgID, r.Frequency, r.MinCount, r.LateDays, r.Active, now, now).Scan(&r.ID); err != nil {
					return err
				}
			} else if _, err := tx.Exec(ctx, `UPDATE meeting_rules SET name = ?, meeting_kind = ?, subject = ?, org_category = ?, org_id = ?, frequency = ?,
				min_count = ?, late_days = ?, active = ?, updated_at = ? WHERE id = ?`, r.Name, r.MeetingKind, r.Subject, r.OrgCategory, r.OrgID, r.Frequency,
				r.MinCount, r.LateDays, r.Active, now, r.ID); err != nil {
				return err
			}
			keep = append(keep, r.ID)
		}
		del := `DELETE FROM meeting_rules`
		var args []any
		if len(keep) > 0 {
			cond, a := db.In("id", keep)
			del, args = del+` WHERE NOT `+cond, a
		}
		if _, err := tx.Exec(ctx, del, args...); err != nil {
			return err
		}
		detail := map[string]any{"rules": len(rules)}
		for _, r := range rules {
			detail[r.ID.String()] = r.Name + " · " + r.Frequency + " ≥" + strconv.Itoa(r.MinCount) + map[bool]string{true: "", false: " (off)"}[r.Active]
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "meeting.rules_save", ObjectType: "meeting_rules", Detail: detail})
	})
	if err != nil {
		return RulesView{}, err
	}
	return m.rulesView(ctx, p, struct{}{})
}

func field(i int, name string) string { return "rules." + strconv.Itoa(i) + "." + name }

// apply sets the fields given.
func (r *Rule) apply(in RuleInput) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
		}
	}
	set(&r.Name, in.Name)
	set(&r.MeetingKind, in.MeetingKind)
	set(&r.Subject, in.Subject)
	set(&r.OrgCategory, in.OrgCategory)
	set(&r.Frequency, in.Frequency)
	if in.OrgID != nil {
		r.OrgID = in.OrgID
	}
	if in.MinCount != nil {
		r.MinCount = *in.MinCount
	}
	if in.LateDays != nil {
		r.LateDays = *in.LateDays
	}
	if in.Active != nil {
		r.Active = *in.Active
	}
}

// check validates rule i.
func (r *Rule) check(ctx context.Context, q db.Querier, v *apperr.Validation, i int) {
	if r.Name == "" {
		v.Add(field(i, "name"), "validate.required", nil)
	} else if len([]rune(r.Name)) > 100 {
		v.Add(field(i, "name"), "validate.max_len", apperr.E{"max": 100})
	}
	if !slices.Contains(Kinds, r.MeetingKind) {
		v.Add(field(i, "meeting_kind"), "validate.one_of", apperr.E{"values": strings.Join(Kinds, ", ")})
	}
	if !slices.Contains(RuleSubjects, r.Subject) {
		v.Add(field(i, "subject"), "validate.one_of", apperr.E{"values": strings.Join(RuleSubjects, ", ")})
	}
	if !slices.Contains(RuleFrequencies, r.Frequency) {
		v.Add(field(i, "frequency"), "validate.one_of", apperr.E{"values": strings.Join(RuleFrequencies, ", ")})
	}
	if r.MinCount < 1 || r.MinCount > 100 {
		v.Add(field(i, "min_count"), "validate.between", apperr.E{"min": 1, "max": 100})
	}
	if r.LateDays < 0 || r.LateDays > 365 {
		v.Add(field(i, "late_days"), "validate.between", apperr.E{"min": 0, "max": 365})
	}
	if r.Subject == "unit" && r.OrgID == nil && r.OrgCategory == "" {
		v.Add(field(i, "org_category"), "validate.required", nil)
	}
	if r.OrgID != nil {
		var n int
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM orgs WHERE id = ?`, *r.OrgID).Scan(&n); err != nil || n == 0 {
			v.Add(field(i, "org_id"), "validate.unknown_ref", nil)
		}
	}
}
