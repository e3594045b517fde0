package org

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

var orgSorting = api.Sorting{
	Columns: map[string]string{
		"code": "o.code", "name": "o.name", "kind": "o.kind", "depth": "o.depth",
		"sort_order": "o.sort_order", "created_at": "o.created_at", "updated_at": "o.updated_at",
	},
	Default:  "code",
	Tiebreak: "o.id",
}

// orgColumns is the select list scanned by scanOrg. Child and grid counts are correlated
// subqueries on indexed columns, so a page is still one query. Grids of a subtree are the
// index range [path, path || '~'): paths hold only digits and '/', all below '~'.
func orgColumns(e db.Engine) string {
	return `o.id, o.parent_id, o.kind, o.category, o.name, o.short_name, o.code, o.depth, o.sort_order,
		o.phone, o.address, o.path, o.created_at, o.updated_at, COALESCE(p.name, ''),
		(SELECT COUNT(*) FROM orgs c WHERE c.parent_id = o.id),
		(SELECT COUNT(*) FROM grids g WHERE g.org_path >= o.path AND g.org_path < o.path || '~'),
		COALESCE((SELECT ` + e.StringAgg("ui.industry", ",") + ` FROM unit_industries ui WHERE ui.org_id = o.id), '')`
}

const orgFrom = ` FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id`

func scanOrg(s db.Scanner) (Org, error) {
	var o Org
	var industries string
	err := s.Scan(&o.ID, db.NullID{P: &o.ParentID}, &o.Kind, &o.Category, &o.Name, &o.ShortName, &o.Code, &o.Depth,
		&o.SortOrder, &o.Phone, &o.Address, &o.Path, &o.CreatedAt, &o.UpdatedAt, &o.ParentName, &o.Children, &o.Grids, &industries)
	o.Industries = splitList(industries)
	return o, err
}

func splitList(s string) []string {
	if s == "" {
		return []string{}
	}
	parts := strings.Split(s, ",")
	slices.Sort(parts)
	return parts
}

// subtreeCond returns a condition keeping rows of col inside the subtree of node id (in
// scope), or a condition keeping nothing when the node is unknown or out of scope.
func subtreeCond(ctx context.Context, q db.Querier, sc auth.Scope, id db.ID, col string) (string, []any, error) {
	var path string
	err := q.QueryRow(ctx, `SELECT path FROM orgs WHERE id = ?`, id).Scan(&path)
	if db.IsNoRows(err) || (err == nil && !sc.Contains(path)) {
		return "1 = 0", nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	lo, hi := db.PrefixRange(path)
	return "(" + col + " >= ? AND " + col + " < ?)", []any{lo, hi}, nil
}

func (m *Module) orgWhere(ctx context.Context, sc auth.Scope, f OrgFilter) (db.Where, error) {
	var w db.Where
	w.AddCond(sc.PathCond("o.path"))
	w.Eq("o.kind", f.Kind)
	w.Eq("o.category", f.Category)
	w.Eq("o.parent_id", f.ParentID)
	if f.Under != nil {
		cond, args, err := subtreeCond(ctx, m.DB, sc, *f.Under, "o.path")
		if err != nil {
			return w, err
		}
		w.Add(cond, args...)
		w.Add("o.id <> ?", *f.Under)
	}
	if f.Industry != "" {
		w.Add("EXISTS (SELECT 1 FROM unit_industries ui WHERE ui.org_id = o.id AND ui.industry = ?)", f.Industry)
	}
	w.AddCond(m.DB.Engine().ContainsAny(f.Q, "o.name", "o.code"))
	return w, nil
}

// ListOrgs calls each for the orgs in scope matching f, in the order and page of lp, and
// returns how many match (when lp is paged).
func (m *Module) ListOrgs(ctx context.Context, sc auth.Scope, f OrgFilter, lp api.ListParams, each func(Org) error) (int, error) {
	w, err := m.orgWhere(ctx, sc, f)
	if err != nil {
		return 0, err
	}
	lq := api.ListQuery{Select: `SELECT ` + orgColumns(m.DB.Engine()) + orgFrom, Count: orgFrom, Where: w, Sorting: orgSorting}
	return api.QueryList(ctx, m.DB, lq, lp, scanOrg, each)
}

// GetOrg returns the org id in scope. Errors: NotFound.
func (m *Module) GetOrg(ctx context.Context, q db.Querier, sc auth.Scope, id db.ID) (Org, error) {
	o, err := scanOrg(q.QueryRow(ctx, `SELECT `+orgColumns(q.Engine())+orgFrom+` WHERE o.id = ?`, id))
	if db.IsNoRows(err) || (err == nil && !sc.Contains(o.Path)) {
		return Org{}, apperr.NotFoundf("org")
	}
	return o, err
}

// Ancestors returns the chain of orgs from the root to o's parent that lie in scope (for
// breadcrumbs).
func (m *Module) Ancestors(ctx context.Context, sc auth.Scope, o Org) ([]Org, error) {
	ids := auth.PathIDs(o.Path)
	var out []Org
	for _, id := range ids[:max(0, len(ids)-1)] {
		a, err := m.GetOrg(ctx, m.DB, sc, id)
		if apperr.Is(err, apperr.NotFound) {
			continue // above the caller's scope
		}
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

var codeRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`)

func (in *OrgInput) validate(creating bool, kind string) *apperr.Validation {
	v := &apperr.Validation{}
	if creating {
		if in.Kind == nil || *in.Kind == "" {
			v.Add("kind", "validate.required", nil)
		} else if _, ok := categoriesByKind[*in.Kind]; !ok {
			v.Add("kind", "validate.one_of", apperr.E{"values": "district, town, village, unit"})
		}
		if in.Name == nil {
			v.Add("name", "validate.required", nil)
		}
		if in.Code == nil {
			v.Add("code", "validate.required", nil)
		}
		if in.Category == nil {
			v.Add("category", "validate.required", nil)
		}
	}
	if in.Name != nil {
		n := strings.TrimSpace(*in.Name)
		if n == "" {
			v.Add("name", "validate.required", nil)
		} else if len([]rune(n)) > 60 {
			v.Add("name", "validate.max_len", apperr.E{"max": 60})
		}
	}
	if in.ShortName != nil && len([]rune(*in.ShortName)) > 20 {
		v.Add("short_name", "validate.max_len", apperr.E{"max": 20})
	}
	if in.Code != nil && !codeRE.MatchString(strings.TrimSpace(*in.Code)) {
		v.Add("code", "validate.code", nil)
	}
	if in.Category != nil && kind != "" && !slices.Contains(categoriesByKind[kind], *in.Category) {
		v.Add("category", "validate.one_of", apperr.E{"values": strings.Join(categoriesByKind[kind], ", ")})
	}
	if in.Phone != nil && !validPhone(*in.Phone) {
		v.Add("phone", "validate.phone", nil)
	}
	if in.Address != nil && len([]rune(*in.Address)) > 200 {
		v.Add("address", "validate.max_len", apperr.E{"max": 200})
	}
	return v
}

var phoneRE = regexp.MustCompile(`^[0-9+\- ]{5,20}$`)

func validPhone(s string) bool { return s == "" || phoneRE.MatchString(strings.TrimSpace(s)) }

// CreateOrg adds a node under a parent in the actor's scope. Errors: Invalid (rules,
// code taken, parent of the wrong kind or outside scope).
func (m *Module) CreateOrg(ctx context.Context, actor *auth.Principal, in OrgInput) (db.ID, error) {
	kind := ""
	if in.Kind != nil {
		kind = *in.Kind
	}
	v := in.validate(true, kind)
	var id db.ID
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		parentPath, depth := "/", 0
		switch {
		case kind == KindDistrict:
			if in.ParentID != nil {
				v.Add("parent_id", "org.district_no_parent", nil)
			}
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM orgs WHERE kind = 'district'`).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				v.Add("kind", "org.one_district", nil)
			}
		case in.ParentID == nil:
			if kind != "" {
				v.Add("parent_id", "validate.required", nil)
			}
		default:
			parent, err := m.GetOrg(ctx, tx, actor.Scope, *in.ParentID)
			if apperr.Is(err, apperr.NotFound) {
				v.Add("parent_id", "validate.unknown_ref", nil)
				break
			}
			if err != nil {
				return err
			}
			if kind != "" && !slices.Contains(parentKinds[kind], parent.Kind) {
				v.Add("parent_id", "org.wrong_parent", apperr.E{"kind": i18n.Key("org.kind." + kind)})
			}
			parentPath, depth = parent.Path, parent.Depth+1
		}
		industries := []string{}
		if in.Industries != nil {
			industries = *in.Industries
			if in.Category == nil || *in.Category != "department" {
				if len(industries) > 0 {
					v.Add("industries", "org.industries_department_only", nil)
				}
			}
			if err := checkIndustries(ctx, tx, industries, v); err != nil {
				return err
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		now := m.Clock.Now()
		err := tx.QueryRow(ctx, `INSERT INTO orgs (parent_id, kind, category, name, short_name, code, path, depth, sort_order, phone, address, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			in.ParentID, kind, *in.Category, strings.TrimSpace(*in.Name), db.Text(in.ShortName), strings.TrimSpace(*in.Code),
			"tmp:"+strings.TrimSpace(*in.Code), depth, intOr(in.SortOrder, 0), db.Text(in.Phone), db.Text(in.Address), now, now).Scan(&id)
		if err != nil {
			return db.Taken(err, v, "code")
		}
		if _, err := tx.Exec(ctx, `UPDATE orgs SET path = ? WHERE id = ?`, parentPath+id.String()+"/", id); err != nil {
			return err
		}
		if err := setIndustries(ctx, tx, id, industries); err != nil {
			return err
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "org.create", ObjectType: "org", ObjectID: id.String(),
			Detail: map[string]any{"name": *in.Name, "kind": kind, "parent_id": in.ParentID}})
	})
	return id, err
}

// UpdateOrg changes an org in scope. The kind and the place in the tree do not change.
// Errors: NotFound, Invalid.
func (m *Module) UpdateOrg(ctx context.Context, actor *auth.Principal, id db.ID, in OrgInput) error {
	return m.DB.Tx(ctx, func(tx *db.Tx) error {
		o, err := m.GetOrg(ctx, tx, actor.Scope, id)
		if err != nil {
			return err
		}
		v := in.validate(false, o.Kind)
		if in.Kind != nil && *in.Kind != o.Kind {
			v.Add("kind", "validate.read_only", nil)
		}
		if in.ParentID != nil && (o.ParentID == nil || *in.ParentID != *o.ParentID) {
			v.Add("parent_id", "org.no_move", nil)
		}
		category := o.Category
		if in.Category != nil {
			category = *in.Category
		}
		if in.Industries != nil {
			if category != "department" && len(*in.Industries) > 0 {
				v.Add("industries", "org.industries_department_only", nil)
			}
			if err := checkIndustries(ctx, tx, *in.Industries, v); err != nil {
				return err
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		set := db.NewSet("updated_at", m.Clock.Now())
		for col, val := range map[string]*string{"name": in.Name, "short_name": in.ShortName, "code": in.Code,
			"category": in.Category, "phone": in.Phone, "address": in.Address} {
			set.Text(col, val)
		}
		if in.SortOrder != nil {
			set.Add("sort_order", *in.SortOrder)
		}
		q, args := set.Update("orgs", "id = ?", id)
		_, err = tx.Exec(ctx, q, args...)
		if err != nil {
			return db.Taken(err, v, "code")
		}
		if in.Industries != nil {
			if err := setIndustries(ctx, tx, id, *in.Industries); err != nil {
				return err
			}
			set.Changed["industries"] = *in.Industries
		}
		if err := auth.OrgChanged(ctx, tx, id); err != nil { // its users' principals hold its name and industries
			return err
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "org.update", ObjectType: "org", ObjectID: id.String(), Detail: set.Changed})
	})
}

func checkIndustries(ctx context.Context, q db.Querier, codes []string, v *apperr.Validation) error {
	for _, c := range codes {
		var n int
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM industries WHERE code = ?`, c).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			v.Add("industries", "org.unknown_industry", apperr.E{"code": c})
			return nil
		}
	}
	return nil
}

func setIndustries(ctx context.Context, tx *db.Tx, id db.ID, codes []string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM unit_industries WHERE org_id = ?`, id); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, c := range codes {
		if seen[c] {
			continue
		}
		seen[c] = true
		if _, err := tx.Exec(ctx, `INSERT INTO unit_industries (org_id, industry) VALUES (?, ?)`, id, c); err != nil {
			return err
		}
	}
	return nil
}

// ListIndustries returns every industry in display order.
func (m *Module) ListIndustries(ctx context.Context) ([]Industry, error) {
	out := []Industry{}
	err := db.Each(ctx, m.DB, `SELECT code, name_zh, name_en FROM industries ORDER BY sort_order, code`, nil,
		func(s db.Scanner) (Industry, error) {
			var i Industry
			err := s.Scan(&i.Code, &i.NameZh, &i.NameEn)
			return i, err
		}, func(i Industry) error {
			out = append(out, i)
			return nil
		})
	return out, err
}

func intOr(p *int, d int) int {
	if p == nil {
		return d
	}
	return *p
}
