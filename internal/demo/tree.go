package demo

import (
	"context"
	"fmt"

	"github.com/safeduty/safeduty/internal/platform/db"
)

// buildTree creates the organization tree: the district; under it the four leadership
// bodies, the departments (with the industries they supervise) and the towns; under each
// town its government unit and its villages and communities.
func buildTree(ctx context.Context, b *builder) error {
	d := b.d
	d.bodyByCat, d.deptBySlug = map[string]*Unit{}, map[string]*Unit{}
	d.Node = Node{Kind: "district", Category: "district", Name: districtName, ShortName: districtShort, Code: districtCode}
	root := &d.Node

	var level1 []*Node
	for i, s := range bodies {
		u := &Unit{Node: Node{Parent: root, Kind: "unit", Category: s.category, Name: s.name, ShortName: s.name,
			Code: districtCode + "-" + s.code, Depth: 1, SortOrder: i + 1}}
		d.Bodies = append(d.Bodies, u)
		d.bodyByCat[s.category] = u
		level1 = append(level1, &u.Node)
	}
	for i, s := range departments {
		u := &Unit{Node: Node{Parent: root, Kind: "unit", Category: "department", Name: s.name, ShortName: s.short,
			Code: districtCode + "-" + s.code, Depth: 1, SortOrder: 10 + i}, Slug: s.slug, Industries: s.industries}
		d.Departments = append(d.Departments, u)
		d.deptBySlug[s.slug] = u
		level1 = append(level1, &u.Node)
	}
	for i, s := range towns {
		cat := "town"
		if s.street {
			cat = "street"
		}
		t := &Town{Node: Node{Parent: root, Kind: "town", Category: cat, Name: s.name, ShortName: s.short,
			Code: fmt.Sprintf("%s%03d", districtCode, i+1), Depth: 1, SortOrder: 100 + i}, Street: s.street}
		d.Towns = append(d.Towns, t)
		level1 = append(level1, &t.Node)
	}

	level2, err := b.townChildren()
	if err != nil {
		return err
	}
	for _, level := range [][]*Node{{root}, level1, level2} {
		if err := b.insertOrgs(ctx, level); err != nil {
			return err
		}
	}

	var rows [][]any
	for _, u := range d.Departments {
		for _, ind := range u.Industries {
			rows = append(rows, []any{u.ID, ind})
		}
	}
	return b.insertRows(ctx, "unit_industries", []string{"org_id", "industry"}, rows, "", nil)
}

// townChildren lays out each town's government unit and its communities and villages.
// Community codes run from 001 and village codes from 201, as in the national division
// codes (居委会 001–199, 村委会 200–399). Names are unique across the district.
func (b *builder) townChildren() ([]*Node, error) {
	used := map[string]bool{}
	communities := shuffled(b, communityStems)
	var villages []string
	villages = append(villages, villageNames...)
	for _, s := range villageSurnames {
		for _, suf := range placeSuffixes {
			villages = append(villages, s+"家"+suf)
		}
	}
	villages = shuffled(b, villages)
	next := func(pool *[]string, word string) (string, error) {
		for len(*pool) > 0 {
			n := (*pool)[0] + word
			*pool = (*pool)[1:]
			if !used[n] {
				used[n] = true
				return n, nil
			}
		}
		return "", fmt.Errorf("ran out of %s names", word)
	}

	var out []*Node
	for i, t := range b.d.Towns {
		s := towns[i]
		gov := &Unit{Node: Node{Parent: &t.Node, Kind: "unit", Category: "town_government", Code: t.Code + "-ZF", Depth: 2}}
		if s.street {
			gov.Name, gov.ShortName = s.name+"办事处", s.short+"街道办"
		} else {
			gov.Name, gov.ShortName = s.name+"人民政府", s.short+"镇政府"
		}
		t.Gov = gov
		out = append(out, &gov.Node)
		for k := 0; k < s.communities+s.villages; k++ {
			v := &Village{Node: Node{Parent: &t.Node, Kind: "village", Depth: 2, SortOrder: k + 1}, Town: t}
			if k < s.communities {
				v.Community, v.Category = true, "community"
				v.Code = fmt.Sprintf("%s%03d", t.Code, k+1)
				v.weight = 9 + b.rng.IntN(7)
				name := s.short + "社区" // the seat community carries the town's name
				if k > 0 || used[name] {
					var err error
					if name, err = next(&communities, "社区"); err != nil {
						return nil, err
					}
				}
				used[name], v.Name = true, name
			} else {
				v.Category = "village"
				v.Code = fmt.Sprintf("%s%03d", t.Code, 201+k-s.communities)
				v.weight = 5 + b.rng.IntN(8)
				name, err := next(&villages, "村")
				if err != nil {
					return nil, err
				}
				v.Name = name
			}
			t.Villages = append(t.Villages, v)
			b.d.Villages = append(b.d.Villages, v)
			out = append(out, &v.Node)
		}
	}
	return out, nil
}

// shuffled returns a shuffled copy of names, drawn from the step's pseudo-random stream.
func shuffled(b *builder, names []string) []string {
	out := append([]string(nil), names...)
	b.rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// insertOrgs stores nodes of one depth whose parents are stored, then sets their paths
// (parent's path + id + "/"). Rows first get a unique placeholder path, since the id that
// the path contains is known only once the row exists.
func (b *builder) insertOrgs(ctx context.Context, nodes []*Node) error {
	if len(nodes) == 0 {
		return nil
	}
	depth := nodes[0].Depth
	byCode := make(map[string]*Node, len(nodes))
	rows := make([][]any, len(nodes))
	for i, n := range nodes {
		if n.Depth != depth {
			return fmt.Errorf("org %s: depth %d among depth %d", n.Code, n.Depth, depth)
		}
		byCode[n.Code] = n
		var parent any
		if n.Parent != nil {
			parent = n.Parent.ID
		}
		rows[i] = []any{parent, n.Kind, n.Category, n.Name, n.ShortName, n.Code, "tmp:" + n.Code, n.Depth, n.SortOrder, b.now, b.now}
	}
	cols := []string{"parent_id", "kind", "category", "name", "short_name", "code", "path", "depth", "sort_order", "created_at", "updated_at"}
	err := b.insertKeyed(ctx, "orgs", cols, rows, "code", func(code string, id db.ID) {
		if n := byCode[code]; n != nil {
			n.ID = id
		}
	})
	if err != nil {
		return err
	}
	for _, n := range nodes {
		if n.ID == 0 {
			return fmt.Errorf("org %s: no id returned", n.Code)
		}
		parentPath := "/"
		if n.Parent != nil {
			parentPath = n.Parent.Path
		}
		n.Path = parentPath + n.ID.String() + "/"
	}
	res, err := b.tx.Exec(ctx, `UPDATE orgs
		SET path = COALESCE((SELECT p.path FROM orgs p WHERE p.id = orgs.parent_id), '/') || CAST(id AS TEXT) || '/'
		WHERE depth = ? AND path LIKE 'tmp:%'`, depth)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != int64(len(nodes)) {
		return fmt.Errorf("set paths at depth %d: %d of %d rows (%v)", depth, n, len(nodes), err)
	}
	return nil
}
