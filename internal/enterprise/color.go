package enterprise

import (
	"context"
	"encoding/json"
	"sort"
	"time"

	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// storedReason is a reason as kept in the database: rule, message key and arguments, so
// it renders in each reader's language.
type storedReason struct {
	Rule string         `json:"rule"`
	Key  string         `json:"key"`
	Args map[string]any `json:"args,omitempty"`
}

func encodeReasons(rs []Reason) string {
	out := make([]storedReason, len(rs))
	for i, r := range rs {
		out[i] = storedReason{Rule: r.Rule, Key: r.Key, Args: r.Args}
	}
	b, _ := json.Marshal(out)
	return string(b)
}

func decodeReasons(s string) []Reason {
	var in []storedReason
	_ = json.Unmarshal([]byte(s), &in)
	out := make([]Reason, len(in))
	for i, r := range in {
		out[i] = Reason{Rule: r.Rule, Key: r.Key, Args: r.Args}
	}
	return out
}

// localize fills each reason's text in the reader's language.
func localize(loc i18n.Localizer, rs []Reason) []Reason {
	for i := range rs {
		args := map[string]any{}
		for k, v := range rs[i].Args {
			args[k] = v
		}
		if g, ok := args["grade"].(string); ok {
			args["grade"] = i18n.Key(g)
		}
		rs[i].Text = loc.TArgs(rs[i].Key, args)
	}
	return rs
}

// ReadReasons is the reasons of a color as stored (in enterprises.color_reasons and the
// history), each with its text in the reader's language.
func ReadReasons(loc i18n.Localizer, stored string) []Reason {
	return localize(loc, decodeReasons(stored))
}

// current is what the database holds of an enterprise's color.
type current struct {
	color       string
	reasons     string
	inspected   *time.Time
	created     time.Time
	nextInspect *time.Time
}

// recolorBatch is how many enterprises one fact query covers.
const recolorBatch = 500

// Recolor recomputes the color of the enterprises ids under the rules in force and, in
// tx, applies what changed: color, reasons, the history, the joint constraints (opened
// on turning red, ended on leaving red) and the next inspection date. cause says why
// (a hazard changed, a penalty was recorded, the nightly run, a new rule version).
// It returns how many enterprises changed color.
func (m *Module) Recolor(ctx context.Context, tx *db.Tx, cause string, ids ...db.ID) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	rs, err := m.CurrentRules(ctx, tx)
	if err != nil {
		return 0, err
	}
	now := m.Clock.Now()
	changed := 0
	for start := 0; start < len(ids); start += recolorBatch {
		batch := ids[start:min(start+recolorBatch, len(ids))]
		fs, err := m.loadFacts(ctx, tx, rs, batch, now)
		if err != nil {
			return changed, err
		}
		cur, err := m.loadCurrent(ctx, tx, batch)
		if err != nil {
			return changed, err
		}
		for _, id := range batch {
			f, ok := fs[id]
			c, ok2 := cur[id]
			if !ok || !ok2 {
				continue
			}
			color, reasons := evaluate(rs, f)
			n, err := m.apply(ctx, tx, rs, id, c, color, reasons, cause, now)
			if err != nil {
				return changed, err
			}
			changed += n
		}
	}
	return changed, nil
}

func (m *Module) loadCurrent(ctx context.Context, q db.Querier, ids []db.ID) (map[db.ID]current, error) {
	in, args := db.In("id", ids)
	rows, err := q.Query(ctx, `SELECT id, color, color_reasons, last_inspected_at, created_at, next_inspection_at
		FROM enterprises WHERE `+in, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[db.ID]current{}
	for rows.Next() {
		var id db.ID
		var c current
		if err := rows.Scan(&id, &c.color, &c.reasons, &c.inspected, &c.created, &c.nextInspect); err != nil {
			return nil, err
		}
		out[id] = c
	}
	return out, rows.Err()
}

// nextInspection is the date the next inspection is due under color.
func nextInspection(rs RuleSet, color string, last *time.Time, created time.Time) time.Time {
	months := rs.InspectionMonths[color]
	if months == 0 {
		months = DefaultRules().InspectionMonths[color]
	}
	base := created
	if last != nil {
		base = *last
	}
	return base.AddDate(0, months, 0)
}

func (m *Module) apply(ctx context.Context, tx *db.Tx, rs RuleSet, id db.ID, c current, color string, reasons []Reason,
	cause string, now time.Time) (int, error) {
	enc := encodeReasons(reasons)
	next := nextInspection(rs, color, c.inspected, c.created)
	sameNext := c.nextInspect != nil && c.nextInspect.Equal(next.UTC().Truncate(time.Microsecond))
	if color == c.color && enc == c.reasons && sameNext {
		return 0, nil
	}
	if color == c.color {
		_, err := tx.Exec(ctx, `UPDATE enterprises SET color_reasons = ?, color_rule_version = ?, next_inspection_at = ? WHERE id = ?`,
			enc, rs.Version, next, id)
		return 0, err
	}
	if _, err := tx.Exec(ctx, `UPDATE enterprises SET color = ?, color_since = ?, color_reasons = ?, color_rule_version = ?,
		next_inspection_at = ?, updated_at = ? WHERE id = ?`, color, now, enc, rs.Version, next, now, id); err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO enterprise_colors (enterprise_id, at, from_color, to_color, reasons, rule_version, cause)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, id, now, c.color, color, enc, rs.Version, cause); err != nil {
		return 0, err
	}
	switch {
	case color == Red:
		for _, measure := range Measures {
			if _, err := tx.Exec(ctx, `INSERT INTO enterprise_constraints (enterprise_id, measure, began_at, reason) VALUES (?, ?, ?, ?)`,
				id, measure, now, enc); err != nil {
				return 0, err
			}
		}
	case c.color == Red:
		if _, err := tx.Exec(ctx, `UPDATE enterprise_constraints SET ended_at = ? WHERE enterprise_id = ? AND ended_at IS NULL`, now, id); err != nil {
			return 0, err
		}
	}
	return 1, nil
}

// RecolorAll recomputes every enterprise that is not closed, one batch per transaction
// (the nightly job, and after a rule change). It returns how many changed color.
func (m *Module) RecolorAll(ctx context.Context, cause string) (int, error) {
	changed := 0
	var after db.ID
	for {
		ids, err := db.All(ctx, m.DB, `SELECT id FROM enterprises WHERE id > ? AND status <> 'closed' ORDER BY id LIMIT ?`,
			[]any{after, recolorBatch}, db.ScanID)
		if err != nil {
			return changed, err
		}
		if len(ids) == 0 {
			return changed, nil
		}
		after = ids[len(ids)-1]
		err = m.DB.Tx(ctx, func(tx *db.Tx) error {
			n, err := m.Recolor(ctx, tx, cause, ids...)
			changed += n
			return err
		})
		if err != nil {
			return changed, err
		}
	}
}

// ColorChange is one entry of an enterprise's color history.
type ColorChange struct {
	At          time.Time `json:"at"`
	From        string    `json:"from"`
	To          string    `json:"to"`
	Reasons     []Reason  `json:"reasons"`
	RuleVersion int       `json:"rule_version"`
	Cause       string    `json:"cause"`
}

// ColorDetail answers GET /api/v1/enterprises/{id}/color.
type ColorDetail struct {
	EnterpriseID db.ID         `json:"enterprise_id"`
	Color        string        `json:"color" jsonschema:"enum=green,enum=yellow,enum=red"`
	Since        time.Time     `json:"since"`
	Reasons      []Reason      `json:"reasons"`
	RuleVersion  int           `json:"rule_version"`
	Measures     []Constraint  `json:"measures" jsonschema:"description=the joint constraints in force (red only)"`
	History      []ColorChange `json:"history"`
}

// Color returns an enterprise's color with the rules that fired and its history.
// Errors: NotFound.
func (m *Module) Color(ctx context.Context, p *auth.Principal, id db.ID) (ColorDetail, error) {
	e, err := m.Get(ctx, m.DB, p, id, false)
	if err != nil {
		return ColorDetail{}, err
	}
	var rv int
	if err := m.DB.QueryRow(ctx, `SELECT color_rule_version FROM enterprises WHERE id = ?`, id).Scan(&rv); err != nil {
		return ColorDetail{}, err
	}
	d := ColorDetail{EnterpriseID: id, Color: e.Color, Since: e.ColorSince, Reasons: e.Reasons, RuleVersion: rv, History: []ColorChange{}}
	loc := i18n.FromContext(ctx)
	rows, err := m.DB.Query(ctx, `SELECT at, from_color, to_color, reasons, rule_version, cause FROM enterprise_colors
		WHERE enterprise_id = ? ORDER BY id DESC`, id)
	if err != nil {
		return d, err
	}
	for rows.Next() {
		var ch ColorChange
		var reasons string
		if err := rows.Scan(&ch.At, &ch.From, &ch.To, &reasons, &ch.RuleVersion, &ch.Cause); err != nil {
			rows.Close()
			return d, err
		}
		ch.Reasons = localize(loc, decodeReasons(reasons))
		d.History = append(d.History, ch)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return d, err
	}
	d.Measures, err = m.activeConstraints(ctx, m.DB, id)
	return d, err
}

// PreviewResult tells what a candidate rule set would recolor in the caller's scope.
type PreviewResult struct {
	Enterprises int             `json:"enterprises"`
	Before      map[string]int  `json:"before"`
	After       map[string]int  `json:"after"`
	Moves       map[string]int  `json:"moves" jsonschema:"description=counts per change, e.g. green→red"`
	Changes     []PreviewChange `json:"changes" jsonschema:"description=the enterprises that would change (at most 200)"`
}

// PreviewChange is one enterprise a candidate rule set would recolor.
type PreviewChange struct {
	ID      db.ID    `json:"id"`
	Name    string   `json:"name"`
	From    string   `json:"from"`
	To      string   `json:"to"`
	Reasons []Reason `json:"reasons"`
}

// Preview evaluates a candidate rule set over the enterprises in the caller's scope
// without saving anything. Errors: Invalid (the rule set).
func (m *Module) Preview(ctx context.Context, p *auth.Principal, rs RuleSet) (PreviewResult, error) {
	res := PreviewResult{Before: map[string]int{}, After: map[string]int{}, Moves: map[string]int{}, Changes: []PreviewChange{}}
	if err := rs.Validate(); err != nil {
		return res, err
	}
	loc := i18n.FromContext(ctx)
	now := m.Clock.Now()
	var w db.Where
	ScopeWhere(&w, p.Scope)
	w.Add("e.status <> 'closed'")
	var after db.ID
	for {
		var ids []db.ID
		names := map[db.ID]string{}
		colors := map[db.ID]string{}
		rows, err := m.DB.Query(ctx, `SELECT e.id, e.name, e.color FROM enterprises e`+w.SQL()+` AND e.id > ? ORDER BY e.id LIMIT ?`,
			append(w.Args(), after, recolorBatch)...)
		if err != nil {
			return res, err
		}
		for rows.Next() {
			var id db.ID
			var name, color string
			if err := rows.Scan(&id, &name, &color); err != nil {
				rows.Close()
				return res, err
			}
			ids = append(ids, id)
			names[id], colors[id] = name, color
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return res, err
		}
		if len(ids) == 0 {
			break
		}
		after = ids[len(ids)-1]
		fs, err := m.loadFacts(ctx, m.DB, rs, ids, now)
		if err != nil {
			return res, err
		}
		for _, id := range ids {
			to, reasons := evaluate(rs, fs[id])
			from := colors[id]
			res.Enterprises++
			res.Before[from]++
			res.After[to]++
			if to != from {
				res.Moves[from+"→"+to]++
				if len(res.Changes) < 200 {
					res.Changes = append(res.Changes, PreviewChange{ID: id, Name: names[id], From: from, To: to, Reasons: localize(loc, reasons)})
				}
			}
		}
	}
	sort.SliceStable(res.Changes, func(i, j int) bool { return rank(res.Changes[i].To) > rank(res.Changes[j].To) })
	return res, nil
}

// WhatIf is what more occurrences of a fact would do to an enterprise under the rules in
// force: its color now and then, the reasons they would add (in the reader's language),
// and whether it would newly meet the joint constraints (联合惩戒).
type WhatIf struct {
	Now, Then string
	Added     []Reason
	Listed    bool
}

// WhatIf evaluates the enterprise id's facts under the rules in force, and again with
// more occurrences of fact counted (0: Then is Now), without changing anything: a page
// says what a step would do before the person takes it. An enterprise that does not
// exist has no colors.
func (m *Module) WhatIf(ctx context.Context, id db.ID, fact string, more int) (WhatIf, error) {
	var w WhatIf
	rs, err := m.CurrentRules(ctx, m.DB)
	if err != nil {
		return w, err
	}
	fs, err := m.loadFacts(ctx, m.DB, rs, []db.ID{id}, m.Clock.Now())
	if err != nil {
		return w, err
	}
	f, ok := fs[id]
	if !ok {
		return w, nil
	}
	now, before := evaluate(rs, f)
	w.Now, w.Then = now, now
	if more == 0 {
		return w, nil
	}
	after := facts{grade: f.grade, count: map[string]int{}}
	for k, n := range f.count {
		after.count[k] = n
	}
	counted := map[string]bool{factKey(fact, 0): true}
	after.count[factKey(fact, 0)] += more
	for _, r := range rs.Rules {
		if k := factKey(r.Fact, r.Months); r.Fact == fact && !counted[k] {
			counted[k] = true
			after.count[k] += more
		}
	}
	var reasons []Reason
	w.Then, reasons = evaluate(rs, after)
	fired := map[string]bool{}
	for _, r := range before {
		fired[r.Rule] = true
	}
	for _, r := range reasons {
		if !fired[r.Rule] {
			w.Added = append(w.Added, r)
		}
	}
	w.Added = localize(i18n.FromContext(ctx), w.Added)
	w.Listed = w.Then == Red && w.Now != Red
	return w, nil
}
