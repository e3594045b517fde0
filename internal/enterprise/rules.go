package enterprise

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// Facts the color rules look at. Windowed facts count events in the last Months months.
const (
	FactFatalAccident          = "fatal_accident"          // deaths in accidents (windowed; from the accident capability)
	FactOpenMajorHazard        = "open_major_hazard"       // open major hazards
	FactOverdueHazards         = "overdue_hazards"         // open hazards past their deadline
	FactRejectedRectifications = "rejected_rectifications" // rectifications sent back at acceptance (windowed)
	FactPenalties              = "penalties"               // administrative penalties decided (windowed)
	FactSuspensionFailed       = "suspension_failed"       // ordered suspensions failed or refused (windowed)
	FactMajorRiskUncontrolled  = "major_risk_uncontrolled" // major risk points whose controls do not work
	FactStandardGrade          = "standard_grade"          // the standardization grade is one of Grades
)

// Facts lists every fact a rule may use.
var Facts = []string{FactFatalAccident, FactOpenMajorHazard, FactOverdueHazards, FactRejectedRectifications,
	FactPenalties, FactSuspensionFailed, FactMajorRiskUncontrolled, FactStandardGrade}

func windowed(fact string) bool {
	return fact == FactFatalAccident || fact == FactRejectedRectifications || fact == FactPenalties || fact == FactSuspensionFailed
}

// Rule turns a fact into a color: it fires when the fact's count reaches Min (or, for
// the standardization grade, when the grade is one of Grades).
type Rule struct {
	ID      string   `json:"id"`
	Fact    string   `json:"fact" jsonschema:"enum=fatal_accident,enum=open_major_hazard,enum=overdue_hazards,enum=rejected_rectifications,enum=penalties,enum=suspension_failed,enum=major_risk_uncontrolled,enum=standard_grade"`
	Min     int      `json:"min,omitempty"`
	Months  int      `json:"months,omitempty"`
	Grades  []string `json:"grades,omitempty"`
	Color   string   `json:"color" jsonschema:"enum=yellow,enum=red"`
	Enabled bool     `json:"enabled"`
}

// RuleSet is one version of the rules, with the inspection frequency of each color.
type RuleSet struct {
	Version          int            `json:"version"`
	Rules            []Rule         `json:"rules"`
	InspectionMonths map[string]int `json:"inspection_months" jsonschema:"description=months between inspections per color (分类指导), e.g. red 1, yellow 3, green 12"`
	Note             string         `json:"note"`
	CreatedBy        *db.ID         `json:"created_by" jsonschema:"nullable"`
	CreatedAt        time.Time      `json:"created_at"`
}

// DefaultRules is the rule set in force until the safety office saves its own: the
// report's criteria for red (a fatal accident, an open major hazard, failing a suspension,
// an uncontrolled major risk) and for yellow (overdue hazards, repeated failed
// rectification, penalties, no standardization grade).
func DefaultRules() RuleSet {
	return RuleSet{
		Rules: []Rule{
			{ID: "R1", Fact: FactFatalAccident, Min: 1, Months: 12, Color: Red, Enabled: true},
			{ID: "R2", Fact: FactOpenMajorHazard, Min: 1, Color: Red, Enabled: true},
			{ID: "R3", Fact: FactSuspensionFailed, Min: 1, Months: 12, Color: Red, Enabled: true},
			{ID: "R4", Fact: FactMajorRiskUncontrolled, Min: 1, Color: Red, Enabled: true},
			{ID: "R5", Fact: FactOverdueHazards, Min: 3, Color: Red, Enabled: true},
			{ID: "Y1", Fact: FactOverdueHazards, Min: 1, Color: Yellow, Enabled: true},
			{ID: "Y2", Fact: FactRejectedRectifications, Min: 2, Months: 12, Color: Yellow, Enabled: true},
			{ID: "Y3", Fact: FactPenalties, Min: 1, Months: 12, Color: Yellow, Enabled: true},
			{ID: "Y4", Fact: FactStandardGrade, Grades: []string{"none"}, Color: Yellow, Enabled: true},
		},
		InspectionMonths: map[string]int{Red: 1, Yellow: 3, Green: 12},
		Note:             "默认规则",
	}
}

// Validate checks a rule set; field names point into the JSON body.
func (rs *RuleSet) Validate() error {
	v := apperr.Validation{}
	if len(rs.Rules) == 0 {
		v.Add("rules", "validate.required", nil)
	}
	seen := map[string]bool{}
	for i, r := range rs.Rules {
		f := fmt.Sprintf("rules[%d]", i)
		switch {
		case strings.TrimSpace(r.ID) == "" || len(r.ID) > 20:
			v.Add(f+".id", "validate.code", nil)
		case seen[r.ID]:
			v.Add(f+".id", "validate.taken", nil)
		}
		seen[r.ID] = true
		if !slices.Contains(Facts, r.Fact) {
			v.Add(f+".fact", "validate.one_of", apperr.E{"values": strings.Join(Facts, ", ")})
		}
		if r.Color != Red && r.Color != Yellow {
			v.Add(f+".color", "validate.one_of", apperr.E{"values": "yellow, red"})
		}
		if r.Fact == FactStandardGrade {
			if len(r.Grades) == 0 {
				v.Add(f+".grades", "validate.required", nil)
			}
			for _, g := range r.Grades {
				if !slices.Contains(StandardGrades, g) {
					v.Add(f+".grades", "validate.one_of", apperr.E{"values": strings.Join(StandardGrades, ", ")})
					break
				}
			}
		} else if r.Min < 1 || r.Min > 1000 {
			v.Add(f+".min", "validate.between", apperr.E{"min": 1, "max": 1000})
		}
		if windowed(r.Fact) && (r.Months < 1 || r.Months > 60) {
			v.Add(f+".months", "validate.between", apperr.E{"min": 1, "max": 60})
		}
	}
	for _, c := range []string{Red, Yellow, Green} {
		if n := rs.InspectionMonths[c]; n < 1 || n > 24 {
			v.Add("inspection_months."+c, "validate.between", apperr.E{"min": 1, "max": 24})
		}
	}
	if len([]rune(rs.Note)) > 500 {
		v.Add("note", "validate.max_len", apperr.E{"max": 500})
	}
	return v.Err()
}

// CurrentRules returns the rule set in force: the newest saved version, or the defaults
// (version 0) when none was saved.
func (m *Module) CurrentRules(ctx context.Context, q db.Querier) (RuleSet, error) {
	var rs RuleSet
	var raw string
	err := q.QueryRow(ctx, `SELECT version, rules, note, created_by, created_at FROM color_rule_sets ORDER BY version DESC LIMIT 1`).
		Scan(&rs.Version, &raw, &rs.Note, db.NullID{P: &rs.CreatedBy}, &rs.CreatedAt)
	if db.IsNoRows(err) {
		return DefaultRules(), nil
	}
	if err != nil {
		return rs, err
	}
	var body struct {
		Rules            []Rule         `json:"rules"`
		InspectionMonths map[string]int `json:"inspection_months"`
	}
	if err := json.Unmarshal([]byte(raw), &body); err != nil {
		return rs, err
	}
	rs.Rules, rs.InspectionMonths = body.Rules, body.InspectionMonths
	return rs, nil
}

// RuleVersions lists every saved version, newest first.
func (m *Module) RuleVersions(ctx context.Context) ([]RuleSet, error) {
	rows, err := m.DB.Query(ctx, `SELECT version, rules, note, created_by, created_at FROM color_rule_sets ORDER BY version DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []RuleSet{}
	for rows.Next() {
		var rs RuleSet
		var raw string
		if err := rows.Scan(&rs.Version, &raw, &rs.Note, db.NullID{P: &rs.CreatedBy}, &rs.CreatedAt); err != nil {
			return nil, err
		}
		var body struct {
			Rules            []Rule         `json:"rules"`
			InspectionMonths map[string]int `json:"inspection_months"`
		}
		if err := json.Unmarshal([]byte(raw), &body); err != nil {
			return nil, err
		}
		rs.Rules, rs.InspectionMonths = body.Rules, body.InspectionMonths
		out = append(out, rs)
	}
	return out, rows.Err()
}

// SaveRules stores rs as the next version and recolors every enterprise under it.
// Errors: Invalid.
func (m *Module) SaveRules(ctx context.Context, p *auth.Principal, rs RuleSet) (RuleSet, error) {
	if err := rs.Validate(); err != nil {
		return rs, err
	}
	body, err := json.Marshal(map[string]any{"rules": rs.Rules, "inspection_months": rs.InspectionMonths})
	if err != nil {
		return rs, err
	}
	err = m.DB.Tx(ctx, func(tx *db.Tx) error {
		cur, err := m.CurrentRules(ctx, tx)
		if err != nil {
			return err
		}
		rs.Version = cur.Version + 1
		rs.CreatedAt = m.Clock.Now()
		rs.CreatedBy = &p.UserID
		if _, err := tx.Exec(ctx, `INSERT INTO color_rule_sets (version, rules, note, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
			rs.Version, string(body), strings.TrimSpace(rs.Note), db.NullIfZero(p.UserID), rs.CreatedAt); err != nil {
			return err
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "enterprise.rules_save", ObjectType: "color_rule_set",
			ObjectID: fmt.Sprint(rs.Version), Detail: map[string]any{"rules": len(rs.Rules), "note": rs.Note}})
	})
	if err != nil {
		return rs, err
	}
	_, err = m.RecolorAll(ctx, fmt.Sprintf("rules v%d", rs.Version))
	return rs, err
}

// evaluate applies rs to one enterprise's facts: the worst color of the rules that fire,
// and a reason for each.
func evaluate(rs RuleSet, f facts) (string, []Reason) {
	color := Green
	reasons := []Reason{}
	for _, r := range rs.Rules {
		if !r.Enabled {
			continue
		}
		var fired bool
		args := map[string]any{"min": r.Min, "months": r.Months}
		if r.Fact == FactStandardGrade {
			fired = slices.Contains(r.Grades, f.grade)
			args["grade"] = "enterprise.grade." + f.grade
		} else {
			n := f.count[factKey(r.Fact, r.Months)]
			fired = n >= max(r.Min, 1)
			args["n"] = n
		}
		if !fired {
			continue
		}
		if rank(r.Color) > rank(color) {
			color = r.Color
		}
		reasons = append(reasons, Reason{Rule: r.ID, Key: "enterprise.reason." + r.Fact, Args: args})
	}
	return color, reasons
}
