// Package letter is the target responsibility letters (安全生产目标责任书) the district
// signs each year with each town and department: the targets (indicators and their
// limits) that feed the later assessment, the duty items, the signatories, and the
// printable A4 letter. A letter is drafted (by hand or generated for every unit that has
// none for the year, with the standard targets and items of its kind of unit), edited
// while a draft, then signed; a signed letter is read-only.
package letter

import (
	"context"
	"embed"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/kit"
)

// files are the capability's messages, page templates and stylesheet.
//
//go:embed messages/*.json templates/*.html static/*.css
var files embed.FS

func init() { i18n.MustRegister(files, "messages") }

// Module is the letters capability.
type Module struct {
	kit.Deps
}

// PermWrite drafts, edits, generates and signs letters: the safety office (安委办).
var PermWrite = auth.NewPermission("letter.write", auth.Admin, auth.SafetyOffice)

// Statuses of a letter: 草拟 → 已签订.
const (
	Draft  = "draft"
	Signed = "signed"
)

// Statuses are the statuses in their order.
var Statuses = []string{Draft, Signed}

// UnitKinds are the kinds of unit a letter is signed with: a town's government (属地管理)
// or a district department (行业监管).
var UnitKinds = []string{"town", "department"}

// unitCategory is the org category of each kind of unit.
var unitCategory = map[string]string{"town": "town_government", "department": "department"}

// TargetKinds: max (≤ value), min (≥ value), zero (none at all), text (a limit in words).
var TargetKinds = []string{"max", "min", "zero", "text"}

// Limits of a letter's content.
const (
	maxTargets = 30
	maxItems   = 30
)

// Letter is one year's letter with one unit.
type Letter struct {
	ID                db.ID      `json:"id"`
	Year              int        `json:"year"`
	OrgID             db.ID      `json:"org_id" jsonschema:"description=the unit: a town's government or a district department"`
	OrgName           string     `json:"org_name"`
	UnitKind          string     `json:"unit_kind" jsonschema:"enum=town,enum=department"`
	Title             string     `json:"title"`
	DistrictSignatory string     `json:"district_signatory" jsonschema:"description=the district's signatory (the district head) for 区人民政府"`
	UnitSignatory     string     `json:"unit_signatory" jsonschema:"description=the unit's main leader"`
	Status            string     `json:"status" jsonschema:"enum=draft,enum=signed"`
	SignedAt          *time.Time `json:"signed_at" jsonschema:"nullable,description=the day it was signed"`
	TargetCount       int        `json:"target_count"`
	ItemCount         int        `json:"item_count"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
	// Targets, Items and History come with one letter only.
	Targets []Target `json:"targets,omitempty"`
	Items   []string `json:"items,omitempty"`
	History []Event  `json:"history,omitempty"`

	path string
}

// Target is one indicator of a letter with its limit.
type Target struct {
	Indicator string   `json:"indicator" jsonschema:"description=e.g. 生产安全事故死亡人数"`
	Kind      string   `json:"kind" jsonschema:"enum=max,enum=min,enum=zero,enum=text,description=max: at most value; min: at least value; zero: none; text: the limit in words"`
	Value     *float64 `json:"value" jsonschema:"nullable,description=the limit as a number (0 for zero; null for text)"`
	Unit      string   `json:"unit" jsonschema:"description=the unit of measure: 人, 起, %"`
	LimitText string   `json:"limit_text" jsonschema:"description=the limit as printed: ≤ 2 人, ≥ 95%, 0 起"`
}

// Event is one entry of a letter's history (its audit log).
type Event struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Action string    `json:"action" jsonschema:"enum=letter.create,enum=letter.update,enum=letter.sign,enum=letter.generate"`
}

// LetterInput drafts a letter (year and org_id required; the title, signatories, targets
// and items default to the standard ones of the unit's kind) or changes a draft (nil
// fields unchanged; targets and items replaced as a whole).
type LetterInput struct {
	Year              *int           `json:"year,omitempty" form:"year" jsonschema:"description=required when drafting; read-only afterwards"`
	OrgID             *db.ID         `json:"org_id,omitempty" form:"org_id" jsonschema:"description=a town's government unit or a district department; required when drafting, read-only afterwards"`
	Title             *string        `json:"title,omitempty" form:"title" jsonschema:"description=defaults to {year}年度安全生产目标责任书"`
	DistrictSignatory *string        `json:"district_signatory,omitempty" form:"district_signatory" jsonschema:"description=defaults to the district head"`
	UnitSignatory     *string        `json:"unit_signatory,omitempty" form:"unit_signatory" jsonschema:"description=defaults to the unit's main leader"`
	Targets           *[]TargetInput `json:"targets,omitempty" jsonschema:"description=the whole list of targets (at most 30); defaults to the standard targets when drafting"`
	Items             *[]string      `json:"items,omitempty" jsonschema:"description=the whole list of duty items (at most 30); defaults to the standard items when drafting"`
}

// TargetInput is one target as written: for max and min a value is required, and the
// limit_text is written from it (≤ 2 人, ≥ 95%; zero: 0 起); a text target needs its
// limit_text.
type TargetInput struct {
	Indicator string   `json:"indicator"`
	Kind      string   `json:"kind" jsonschema:"enum=max,enum=min,enum=zero,enum=text"`
	Value     *float64 `json:"value,omitempty"`
	Unit      string   `json:"unit,omitempty"`
	LimitText string   `json:"limit_text,omitempty" jsonschema:"description=the limit in words: required for a text target, written from the value for the others"`
}

// SignInput signs a draft.
type SignInput struct {
	SignedAt string `json:"signed_at" form:"signed_at" jsonschema:"description=the day it was signed (a date or RFC 3339 time), not in the future"`
}

// GenerateInput asks for the drafts of a year.
type GenerateInput struct {
	Year int `json:"year" form:"year" jsonschema:"description=the year of the letters (2000–2100)"`
}

// Generated is what generating created.
type Generated struct {
	Year    int     `json:"year"`
	Created int     `json:"created" jsonschema:"description=letters drafted now (0 when every unit had one)"`
	IDs     []db.ID `json:"ids"`
}

// LetterFilter selects letters.
type LetterFilter struct {
	Year   *int   `query:"year"`
	Status string `query:"status" enum:"draft,signed"`
	OrgID  *db.ID `query:"org_id"`
	Kind   string `query:"kind" enum:"town,department" doc:"the kind of unit"`
	Q      string `query:"q" doc:"title, unit or signatory contains"`
}

// letterOrder orders letters the newest year first, then the towns in code order,
// then the departments in the tree's order.
const letterOrder = "l.year DESC, CASE WHEN o.category = 'department' THEN 1 ELSE 0 END, o.sort_order, o.code"

var letterSorting = api.Sorting{
	// letter (the default): the newest year first, then the towns in code order, then
	// the departments in the tree's order.
	Columns: map[string]string{"letter": letterOrder, "year": "l.year", "unit": "o.code", "status": "l.status", "signed_at": "l.signed_at",
		"updated_at": "l.updated_at", "created_at": "l.created_at"},
	Default:  "letter",
	Tiebreak: "l.id",
}

var letterExport = api.Export[Letter]{Name: "letter.export", Columns: []api.Column[Letter]{
	{Header: "letter.field.year", Value: func(l Letter) any { return l.Year }, Width: 8},
	{Header: "letter.field.unit", Value: func(l Letter) any { return l.OrgName }, Width: 24},
	{Header: "letter.field.unit_kind", Value: func(l Letter) any { return i18n.Key("letter.unit_kind." + l.UnitKind) }, Width: 10},
	{Header: "letter.field.title", Value: func(l Letter) any { return l.Title }, Width: 34},
	{Header: "letter.field.status", Value: func(l Letter) any { return i18n.Key("letter.status." + l.Status) }, Width: 10},
	{Header: "letter.field.signed_at", Value: func(l Letter) any { return api.Day(l.SignedAt) }, Width: 12},
	{Header: "letter.field.district_signatory", Value: func(l Letter) any { return l.DistrictSignatory }, Width: 12},
	{Header: "letter.field.unit_signatory", Value: func(l Letter) any { return l.UnitSignatory }, Width: 12},
	{Header: "letter.field.targets", Value: func(l Letter) any { return l.TargetCount }, Width: 8},
	{Header: "letter.field.items", Value: func(l Letter) any { return l.ItemCount }, Width: 8},
}}

// unitKindSQL is the kind of unit of the org o.
const unitKindSQL = `CASE WHEN o.category = 'department' THEN 'department' ELSE 'town' END`

const selectLetter = `SELECT l.id, l.year, l.org_id, o.name, ` + unitKindSQL + `, l.title, l.district_signatory, l.unit_signatory,
	l.status, l.signed_at, l.created_at, l.updated_at, l.org_path,
	(SELECT COUNT(*) FROM letter_targets lt WHERE lt.letter_id = l.id), (SELECT COUNT(*) FROM letter_items li WHERE li.letter_id = l.id)
	FROM letters l JOIN orgs o ON o.id = l.org_id`

func scanLetter(s db.Scanner) (Letter, error) {
	var l Letter
	err := s.Scan(&l.ID, &l.Year, &l.OrgID, &l.OrgName, &l.UnitKind, &l.Title, &l.DistrictSignatory, &l.UnitSignatory,
		&l.Status, &l.SignedAt, &l.CreatedAt, &l.UpdatedAt, &l.path, &l.TargetCount, &l.ItemCount)
	return l, err
}

// scopeWhere adds the caller's scope: the letters of units in the caller's territory;
// none for an enterprise's account.
func scopeWhere(w *db.Where, sc auth.Scope) {
	w.AddCond(sc.PathCond("l.org_path"))
	w.AddCond(sc.RecordCond("", "l.created_by"))
}

// where is the scope and the filter of a letter query.
func (m *Module) where(p *auth.Principal, f LetterFilter) db.Where {
	var w db.Where
	scopeWhere(&w, p.Scope)
	w.Eq("l.year", f.Year)
	w.Eq("l.status", f.Status)
	w.Eq("l.org_id", f.OrgID)
	if c, ok := unitCategory[f.Kind]; ok {
		w.Add("o.category = ?", c)
	}
	w.AddCond(m.DB.Engine().ContainsAny(f.Q, "l.title", "o.name", "l.unit_signatory"))
	return w
}

// List calls each for the letters in the caller's scope matching f, and returns how
// many match (when lp is paged).
func (m *Module) List(ctx context.Context, p *auth.Principal, f LetterFilter, lp api.ListParams, each func(Letter) error) (int, error) {
	lq := api.ListQuery{Select: selectLetter, Count: `FROM letters l JOIN orgs o ON o.id = l.org_id`, Where: m.where(p, f), Sorting: letterSorting}
	return api.QueryList(ctx, m.DB, lq, lp, scanLetter, each)
}

// Get returns a letter in the caller's scope with its targets, items and history.
// Errors: NotFound.
func (m *Module) Get(ctx context.Context, q db.Querier, p *auth.Principal, id db.ID) (Letter, error) {
	l, err := scanLetter(q.QueryRow(ctx, selectLetter+` WHERE l.id = ?`, id))
	if db.IsNoRows(err) || (err == nil && (!p.Scope.Contains(l.path) || p.Scope.OwnOnly)) {
		return Letter{}, apperr.NotFoundf("letter")
	}
	if err != nil {
		return Letter{}, err
	}
	if l.Targets, err = db.All(ctx, q, `SELECT indicator, kind, value, unit, limit_text FROM letter_targets WHERE letter_id = ? ORDER BY position`,
		[]any{id}, func(s db.Scanner) (Target, error) {
			var t Target
			err := s.Scan(&t.Indicator, &t.Kind, &t.Value, &t.Unit, &t.LimitText)
			return t, err
		}); err != nil {
		return Letter{}, err
	}
	if l.Items, err = db.All(ctx, q, `SELECT text FROM letter_items WHERE letter_id = ? ORDER BY position`, []any{id},
		func(s db.Scanner) (string, error) {
			var t string
			err := s.Scan(&t)
			return t, err
		}); err != nil {
		return Letter{}, err
	}
	changes, err := audit.Changes(ctx, q, "letter", id.String())
	for _, c := range changes {
		if strings.HasPrefix(c.Action, "letter.") {
			l.History = append(l.History, Event(c))
		}
	}
	if l.Targets == nil {
		l.Targets = []Target{}
	}
	if l.Items == nil {
		l.Items = []string{}
	}
	return l, err
}

// get reads a letter in the caller's scope (api.Reader).
func (m *Module) get(ctx context.Context, p *auth.Principal, id db.ID) (Letter, error) {
	return m.Get(ctx, m.DB, p, id)
}

// unit is a unit a letter may be signed with.
type unit struct {
	ID   db.ID
	Name string
	Kind string
	Path string
}

// unitOf returns the town government or department id in the caller's scope.
func unitOf(ctx context.Context, q db.Querier, p *auth.Principal, id db.ID) (unit, bool, error) {
	var u unit
	var cat string
	err := q.QueryRow(ctx, `SELECT id, name, category, path FROM orgs WHERE id = ? AND kind = 'unit'`, id).Scan(&u.ID, &u.Name, &cat, &u.Path)
	if db.IsNoRows(err) {
		return u, false, nil
	}
	if err != nil {
		return u, false, err
	}
	switch cat {
	case "town_government":
		u.Kind = "town"
	case "department":
		u.Kind = "department"
	default:
		return u, false, nil
	}
	return u, p.Scope.Contains(u.Path), nil
}

// districtHead is the name of the district head (区长): the person in a post of kind
// district_head, else the main leader of the district government.
func districtHead(ctx context.Context, q db.Querier) (string, error) {
	var name string
	err := q.QueryRow(ctx, `SELECT pe.name FROM posts po JOIN people pe ON pe.id = po.person_id JOIN orgs o ON o.id = po.org_id
		WHERE po.kind = 'district_head' OR (o.category = 'government' AND o.kind = 'unit' AND po.is_main_leader = TRUE)
		ORDER BY CASE WHEN po.kind = 'district_head' THEN 0 ELSE 1 END, po.rank, po.id LIMIT 1`).Scan(&name)
	if db.IsNoRows(err) {
		return "", nil
	}
	return name, err
}

// mainLeader is the name of a unit's main leader (主要负责人): its main-leader post, else
// its town head or department head.
func mainLeader(ctx context.Context, q db.Querier, orgID db.ID) (string, error) {
	var name string
	err := q.QueryRow(ctx, `SELECT pe.name FROM posts po JOIN people pe ON pe.id = po.person_id
		WHERE po.org_id = ? AND (po.is_main_leader = TRUE OR po.kind IN ('town_head', 'department_head'))
		ORDER BY CASE WHEN po.is_main_leader = TRUE THEN 0 ELSE 1 END, po.rank, po.id LIMIT 1`, orgID).Scan(&name)
	if db.IsNoRows(err) {
		return "", nil
	}
	return name, err
}

// DefaultTitle is the title of a year's letter.
func DefaultTitle(year int) string { return fmt.Sprintf("%d年度安全生产目标责任书", year) }

// FormatValue writes a limit's number the short way: 2, 95, 0.5.
func FormatValue(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// limitText is the printed limit of a target: ≤ 2 人, ≥ 95%, 0 起.
func limitText(kind string, value *float64, unit string) string {
	sep := " "
	if unit == "%" || unit == "" {
		sep = ""
	}
	switch {
	case kind == "zero":
		return strings.TrimSpace("0" + sep + unit)
	case value == nil:
		return ""
	case kind == "max":
		return "≤ " + FormatValue(*value) + sep + unit
	case kind == "min":
		return "≥ " + FormatValue(*value) + sep + unit
	}
	return ""
}

// validateTargets checks the targets and returns them as stored.
func validateTargets(v *apperr.Validation, in []TargetInput) []Target {
	if len(in) > maxTargets {
		v.Add("targets", "letter.too_many", apperr.E{"max": maxTargets})
		return nil
	}
	out := make([]Target, 0, len(in))
	for i, t := range in {
		f := func(name string) string { return fmt.Sprintf("targets[%d].%s", i, name) }
		ind, unit, limit := strings.TrimSpace(t.Indicator), strings.TrimSpace(t.Unit), strings.TrimSpace(t.LimitText)
		v.Text(f("indicator"), &ind, true, true, 100)
		v.Text(f("unit"), &unit, false, false, 20)
		v.Text(f("limit_text"), &limit, false, false, 200)
		if !slices.Contains(TargetKinds, t.Kind) {
			if t.Kind == "" {
				v.Add(f("kind"), "validate.required", nil)
			} else {
				v.Add(f("kind"), "validate.one_of", apperr.E{"values": strings.Join(TargetKinds, ", ")})
			}
		}
		value := t.Value
		switch t.Kind {
		case "max", "min":
			if value == nil {
				v.Add(f("value"), "validate.required", nil)
			} else if math.IsNaN(*value) || math.IsInf(*value, 0) || *value < 0 || *value > 1e9 {
				v.Add(f("value"), "validate.between", apperr.E{"min": 0, "max": 1000000000})
			}
		case "zero":
			zero := 0.0
			value = &zero
		case "text":
			value = nil
			if limit == "" {
				v.Add(f("limit_text"), "validate.required", nil)
			}
		}
		if t.Kind != "text" { // a number's limit is written from it, so the two agree
			limit = limitText(t.Kind, value, unit)
		}
		out = append(out, Target{Indicator: ind, Kind: t.Kind, Value: value, Unit: unit, LimitText: limit})
	}
	return out
}

// validateItems checks the duty items and returns them trimmed.
func validateItems(v *apperr.Validation, in []string) []string {
	if len(in) > maxItems {
		v.Add("items", "letter.too_many", apperr.E{"max": maxItems})
		return nil
	}
	out := make([]string, len(in))
	for i, s := range in {
		s = strings.TrimSpace(s)
		v.Text(fmt.Sprintf("items[%d]", i), &s, true, true, 500)
		out[i] = s
	}
	return out
}

// writeContent inserts a letter's targets and items.
func writeContent(ctx context.Context, tx *db.Tx, id db.ID, targets []Target, items []string) error {
	for i, t := range targets {
		if _, err := tx.Exec(ctx, `INSERT INTO letter_targets (letter_id, position, indicator, kind, value, unit, limit_text) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			id, i+1, t.Indicator, t.Kind, t.Value, t.Unit, t.LimitText); err != nil {
			return err
		}
	}
	for i, s := range items {
		if _, err := tx.Exec(ctx, `INSERT INTO letter_items (letter_id, position, text) VALUES (?, ?, ?)`, id, i+1, s); err != nil {
			return err
		}
	}
	return nil
}

// Create drafts a letter with a unit for a year. Errors: Forbidden (the route's
// permission), Invalid, Conflict (the unit has a letter for the year).
func (m *Module) Create(ctx context.Context, p *auth.Principal, in LetterInput) (db.ID, error) {
	var id db.ID
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		v := &apperr.Validation{}
		year := 0
		switch {
		case in.Year == nil:
			v.Add("year", "validate.required", nil)
		case *in.Year < 2000 || *in.Year > 2100:
			v.Add("year", "validate.between", apperr.E{"min": 2000, "max": 2100})
		default:
			year = *in.Year
		}
		var u unit
		if in.OrgID == nil {
			v.Add("org_id", "validate.required", nil)
		} else {
			var ok bool
			var err error
			if u, ok, err = unitOf(ctx, tx, p, *in.OrgID); err != nil {
				return err
			} else if !ok {
				v.Add("org_id", "validate.unknown_ref", nil)
			}
		}
		v.Text("title", in.Title, true, false, 100)
		v.Text("district_signatory", in.DistrictSignatory, true, false, 50)
		v.Text("unit_signatory", in.UnitSignatory, true, false, 50)
		var targets []Target
		var items []string
		if in.Targets != nil {
			targets = validateTargets(v, *in.Targets)
		}
		if in.Items != nil {
			items = validateItems(v, *in.Items)
		}
		if err := v.Err(); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM letters WHERE year = ? AND org_id = ?`, year, u.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return apperr.Conflictf("letter.exists", apperr.E{"unit": u.Name, "year": year})
		}
		if in.Targets == nil {
			targets = StandardTargets(u.Kind)
		}
		if in.Items == nil {
			items = StandardItems(u.Kind)
		}
		var err error
		id, err = m.insert(ctx, tx, p, year, u, db.Text(in.Title), in.DistrictSignatory, in.UnitSignatory, targets, items)
		if err != nil {
			return err
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "letter.create", ObjectType: "letter", ObjectID: id.String(),
			Detail: map[string]any{"year": year, "org_id": u.ID.String(), "targets": len(targets), "items": len(items)}})
	})
	return id, err
}

// insert stores a draft; an empty title and absent signatories take their defaults.
func (m *Module) insert(ctx context.Context, tx *db.Tx, p *auth.Principal, year int, u unit, title string, districtSig, unitSig *string,
	targets []Target, items []string) (db.ID, error) {
	if title == "" {
		title = DefaultTitle(year)
	}
	var err error
	ds, us := db.Text(districtSig), db.Text(unitSig)
	if districtSig == nil {
		if ds, err = districtHead(ctx, tx); err != nil {
			return 0, err
		}
	}
	if unitSig == nil {
		if us, err = mainLeader(ctx, tx, u.ID); err != nil {
			return 0, err
		}
	}
	now := m.Clock.Now()
	var id db.ID
	if err := tx.QueryRow(ctx, `INSERT INTO letters (year, org_id, org_path, title, district_signatory, unit_signatory, status, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?) RETURNING id`, year, u.ID, u.Path, title, ds, us, p.UserRef(), now, now).Scan(&id); err != nil {
		return 0, err
	}
	return id, writeContent(ctx, tx, id, targets, items)
}

// Update changes a draft; targets and items, when given, replace the letter's.
// Errors: NotFound, Invalid, Conflict (signed: read-only).
func (m *Module) Update(ctx context.Context, p *auth.Principal, id db.ID, in LetterInput) error {
	return m.DB.Tx(ctx, func(tx *db.Tx) error {
		l, err := m.Get(ctx, tx, p, id)
		if err != nil {
			return err
		}
		v := &apperr.Validation{}
		if in.Year != nil && *in.Year != l.Year {
			v.Add("year", "validate.read_only", nil)
		}
		if in.OrgID != nil && *in.OrgID != l.OrgID {
			v.Add("org_id", "validate.read_only", nil)
		}
		v.Text("title", in.Title, false, true, 100)
		v.Text("district_signatory", in.DistrictSignatory, false, false, 50)
		v.Text("unit_signatory", in.UnitSignatory, false, false, 50)
		var targets []Target
		var items []string
		if in.Targets != nil {
			targets = validateTargets(v, *in.Targets)
		}
		if in.Items != nil {
			items = validateItems(v, *in.Items)
		}
		if l.Status == Signed {
			return apperr.Conflictf("letter.signed_read_only", apperr.E{"date": l.SignedAt.In(clock.China).Format("2006-01-02")})
		}
		if err := v.Err(); err != nil {
			return err
		}
		set := db.NewSet("updated_at", m.Clock.Now())
		set.Text("title", in.Title)
		set.Text("district_signatory", in.DistrictSignatory)
		set.Text("unit_signatory", in.UnitSignatory)
		if in.Targets != nil {
			set.Changed["targets"] = len(targets)
		}
		if in.Items != nil {
			set.Changed["items"] = len(items)
		}
		q, args := set.Update("letters", "id = ?", id)
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return err
		}
		if targets == nil && in.Targets != nil {
			targets = []Target{}
		}
		if items == nil && in.Items != nil {
			items = []string{}
		}
		if err := replaceContent(ctx, tx, id, targets, items, in.Targets != nil, in.Items != nil); err != nil {
			return err
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "letter.update", ObjectType: "letter", ObjectID: id.String(), Detail: set.Changed})
	})
}

// replaceContent replaces the targets (when tgt) and the items (when itm) of a letter.
func replaceContent(ctx context.Context, tx *db.Tx, id db.ID, targets []Target, items []string, tgt, itm bool) error {
	if tgt {
		if _, err := tx.Exec(ctx, `DELETE FROM letter_targets WHERE letter_id = ?`, id); err != nil {
			return err
		}
	} else {
		targets = nil
	}
	if itm {
		if _, err := tx.Exec(ctx, `DELETE FROM letter_items WHERE letter_id = ?`, id); err != nil {
			return err
		}
	} else {
		items = nil
	}
	return writeContent(ctx, tx, id, targets, items)
}

// Sign marks a draft signed on the given day; it needs a target and both signatories.
// Errors: NotFound, Invalid, Conflict (already signed, or incomplete).
func (m *Module) Sign(ctx context.Context, p *auth.Principal, id db.ID, in SignInput) (Letter, error) {
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		l, err := m.Get(ctx, tx, p, id)
		if err != nil {
			return err
		}
		now := m.Clock.Now()
		v := &apperr.Validation{}
		var at time.Time
		s := strings.TrimSpace(in.SignedAt)
		switch t, err := api.ParseTime(s); {
		case s == "":
			v.Add("signed_at", "validate.required", nil)
		case err != nil:
			v.Add("signed_at", "validate.date", nil)
		case t.After(now):
			v.Add("signed_at", "letter.not_future", nil)
		case t.Year() < 2000:
			v.Add("signed_at", "validate.date", nil)
		default:
			at = t
		}
		if l.Status == Signed {
			return apperr.Conflictf("letter.already_signed", apperr.E{"date": l.SignedAt.In(clock.China).Format("2006-01-02")})
		}
		if err := v.Err(); err != nil {
			return err
		}
		if len(l.Targets) == 0 || l.DistrictSignatory == "" || l.UnitSignatory == "" {
			return apperr.Conflictf("letter.sign_incomplete", nil)
		}
		if _, err := tx.Exec(ctx, `UPDATE letters SET status = 'signed', signed_at = ?, updated_at = ? WHERE id = ?`, at, now, id); err != nil {
			return err
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "letter.sign", ObjectType: "letter", ObjectID: id.String(),
			Detail: map[string]any{"signed_at": at.In(clock.China).Format("2006-01-02")}})
	})
	if err != nil {
		return Letter{}, err
	}
	return m.Get(ctx, m.DB, p, id)
}

// Generate drafts the year's letter of every town government and department in the
// caller's scope that has none, with the standard targets and items of its kind; a
// second call creates none. Errors: Invalid.
func (m *Module) Generate(ctx context.Context, p *auth.Principal, in GenerateInput) (Generated, error) {
	out := Generated{Year: in.Year, IDs: []db.ID{}}
	if in.Year < 2000 || in.Year > 2100 {
		v := &apperr.Validation{}
		v.Add("year", "validate.between", apperr.E{"min": 2000, "max": 2100})
		return out, v.Err()
	}
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		ids, err := m.GenerateTx(ctx, tx, p, in.Year)
		if err != nil {
			return err
		}
		out.IDs = append(out.IDs, ids...)
		out.Created = len(ids)
		if len(ids) == 0 {
			return nil
		}
		for _, id := range ids {
			if err := m.Audit.Record(ctx, tx, audit.Entry{Action: "letter.generate", ObjectType: "letter", ObjectID: id.String(),
				Detail: map[string]any{"year": in.Year}}); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// GenerateTx drafts, in tx, the year's letters of the units in p's scope that have none,
// and returns their ids (the demo builds its letters with it).
func (m *Module) GenerateTx(ctx context.Context, tx *db.Tx, p *auth.Principal, year int) ([]db.ID, error) {
	var w db.Where
	w.Add("o.kind = 'unit'")
	w.Add("o.category IN ('town_government', 'department')")
	w.AddCond(p.Scope.PathCond("o.path"))
	w.Add("NOT EXISTS (SELECT 1 FROM letters x WHERE x.org_id = o.id AND x.year = ?)", year)
	units, err := db.All(ctx, tx, `SELECT o.id, o.name, o.category, o.path FROM orgs o`+w.SQL()+` ORDER BY o.depth, o.sort_order, o.id`, w.Args(),
		func(s db.Scanner) (unit, error) {
			var u unit
			var cat string
			err := s.Scan(&u.ID, &u.Name, &cat, &u.Path)
			u.Kind = "town"
			if cat == "department" {
				u.Kind = "department"
			}
			return u, err
		})
	if err != nil || p.Scope.OwnOnly {
		return nil, err
	}
	ids := make([]db.ID, 0, len(units))
	for _, u := range units {
		id, err := m.insert(ctx, tx, p, year, u, "", nil, nil, StandardTargets(u.Kind), StandardItems(u.Kind))
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// TargetRow is one target of one letter, flat: what the yearly assessment reads.
type TargetRow struct {
	LetterID  db.ID    `json:"letter_id"`
	Year      int      `json:"year"`
	OrgID     db.ID    `json:"org_id"`
	OrgName   string   `json:"org_name"`
	UnitKind  string   `json:"unit_kind" jsonschema:"enum=town,enum=department"`
	Status    string   `json:"status" jsonschema:"enum=draft,enum=signed"`
	Position  int      `json:"position" jsonschema:"description=the target's place in its letter, from 1"`
	Indicator string   `json:"indicator"`
	Kind      string   `json:"kind" jsonschema:"enum=max,enum=min,enum=zero,enum=text"`
	Value     *float64 `json:"value" jsonschema:"nullable"`
	Unit      string   `json:"unit"`
	LimitText string   `json:"limit_text"`
}

var targetSorting = api.Sorting{
	// letter (the default): the letters in their list's order, each letter's targets in
	// their order.
	Columns:  map[string]string{"letter": letterOrder, "indicator": "t.indicator"},
	Default:  "letter",
	Tiebreak: "l.id, t.position",
}

var targetExport = api.Export[TargetRow]{Name: "letter.export_targets", Columns: []api.Column[TargetRow]{
	{Header: "letter.field.year", Value: func(t TargetRow) any { return t.Year }, Width: 8},
	{Header: "letter.field.unit", Value: func(t TargetRow) any { return t.OrgName }, Width: 24},
	{Header: "letter.field.status", Value: func(t TargetRow) any { return i18n.Key("letter.status." + t.Status) }, Width: 10},
	{Header: "letter.field.indicator", Value: func(t TargetRow) any { return t.Indicator }, Width: 30},
	{Header: "letter.field.kind", Value: func(t TargetRow) any { return i18n.Key("letter.kind." + t.Kind) }, Width: 10},
	{Header: "letter.field.value", Value: func(t TargetRow) any { return t.Value }, Width: 8},
	{Header: "letter.field.unit_of_measure", Value: func(t TargetRow) any { return t.Unit }, Width: 8},
	{Header: "letter.field.limit", Value: func(t TargetRow) any { return t.LimitText }, Width: 16},
}}

// ListTargets calls each for every target of the letters in the caller's scope matching
// f, letter by letter in their order.
func (m *Module) ListTargets(ctx context.Context, p *auth.Principal, f LetterFilter, lp api.ListParams, each func(TargetRow) error) (int, error) {
	lq := api.ListQuery{Select: `SELECT l.id, l.year, l.org_id, o.name, ` + unitKindSQL + `, l.status, t.position, t.indicator, t.kind, t.value, t.unit, t.limit_text
		FROM letter_targets t JOIN letters l ON l.id = t.letter_id JOIN orgs o ON o.id = l.org_id`,
		Count: `FROM letter_targets t JOIN letters l ON l.id = t.letter_id JOIN orgs o ON o.id = l.org_id`, Where: m.where(p, f), Sorting: targetSorting}
	return api.QueryList(ctx, m.DB, lq, lp, func(s db.Scanner) (TargetRow, error) {
		var t TargetRow
		err := s.Scan(&t.LetterID, &t.Year, &t.OrgID, &t.OrgName, &t.UnitKind, &t.Status, &t.Position, &t.Indicator, &t.Kind, &t.Value, &t.Unit, &t.LimitText)
		return t, err
	}, each)
}

// Verb is the step of the event without its kind: create, update, sign, generate.
func (e Event) Verb() string { return strings.TrimPrefix(e.Action, "letter.") }
