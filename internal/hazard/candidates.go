package hazard

import (
	"context"
	"slices"

	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// The choices the page forms offer: who may own a hazard, which units may supervise it,
// which leaders may list it, where a reporter may report, which industries there are.
// Each is one query (or two), whatever the size of the district, and each offers only
// what the matching rule of actions.go or report.go accepts.

// Choice is one entry of a select.
type Choice struct {
	ID   db.ID
	Name string
	Note string // a second line: the unit, the post…
}

// ChoiceGroup is a labelled group of a select (an optgroup).
type ChoiceGroup struct {
	Label   string // a message key
	Choices []Choice
}

// ownerRole is a role owners may hold and the select group it falls in.
type ownerRole struct {
	role auth.Role
	key  string
}

// ownerRoles orders the owner candidates: the enterprise first (it rectifies its own
// hazards), then the village, then the town. The key names the group.
var ownerRoles = []ownerRole{
	{auth.Enterprise, "hazard.owner_group.enterprise"},
	{auth.Village, "hazard.owner_group.village"},
	{auth.Patroller, "hazard.owner_group.village"},
	{auth.Town, "hazard.owner_group.town"},
}

// OwnerCandidates lists the enabled users who can see h and so may own it: the accounts
// of the hazard's enterprise (wherever they sit), the users of the hazard's village (its
// officials and patrollers) and of its town (the town itself and the units directly
// under it), grouped by role. Readers, who only read, are left out, and so is an
// enterprise account that would not see the hazard (another enterprise's).
func (m *Module) OwnerCandidates(ctx context.Context, h *Hazard) ([]ChoiceGroup, error) {
	lo, hi := db.PrefixRange(h.Path)
	var ent any // NULL matches no account
	if h.EnterpriseID != nil {
		ent = *h.EnterpriseID
	}
	rows, err := m.DB.Query(ctx, `SELECT u.id, u.display_name, o.name, r.role FROM users u
		JOIN orgs o ON o.id = u.org_id
		JOIN user_roles r ON r.user_id = u.id
		WHERE u.disabled = FALSE AND r.role <> 'reader'
		AND ((u.org_path >= ? AND u.org_path < ?) OR o.id = ? OR (o.parent_id = ? AND o.kind = 'unit') OR u.enterprise_id = ?)
		ORDER BY u.display_name, u.id`, lo, hi, h.TownID, h.TownID, ent)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type cand struct {
		c       Choice
		rank    int
		ownOnly bool // enterprise only: sees only its own records
	}
	byUser := map[db.ID]*cand{}
	var order []db.ID
	for rows.Next() {
		var c Choice
		var role string
		if err := rows.Scan(&c.ID, &c.Name, &c.Note, &role); err != nil {
			return nil, err
		}
		rank := slices.IndexFunc(ownerRoles, func(x ownerRole) bool { return string(x.role) == role })
		if rank < 0 {
			rank = len(ownerRoles)
		}
		if prev, ok := byUser[c.ID]; ok {
			prev.rank = min(prev.rank, rank)
			prev.ownOnly = prev.ownOnly && role == string(auth.Enterprise)
			continue
		}
		byUser[c.ID] = &cand{c: c, rank: rank, ownOnly: role == string(auth.Enterprise)}
		order = append(order, c.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	// An enterprise account sees only its own records: keep it only if, as the owner, it
	// would see this hazard (the rule ownerOK and Get apply). Few accounts per village.
	order = slices.DeleteFunc(order, func(id db.ID) bool {
		if !byUser[id].ownOnly || err != nil {
			return false
		}
		var sc auth.Scope
		var disabled bool
		if sc, disabled, err = auth.ScopeOfUser(ctx, m.DB, id); err != nil {
			return false
		}
		as := *h
		as.OwnerID = &id
		return disabled || !inScope(sc, &as)
	})
	if err != nil {
		return nil, err
	}
	var groups []ChoiceGroup
	index := map[string]int{}
	for _, id := range order {
		cd := byUser[id]
		key := "hazard.owner_group.other"
		if cd.rank < len(ownerRoles) {
			key = ownerRoles[cd.rank].key
		}
		i, ok := index[key]
		if !ok {
			i = len(groups)
			index[key] = i
			groups = append(groups, ChoiceGroup{Label: key})
		}
		groups[i].Choices = append(groups[i].Choices, cd.c)
	}
	// Groups in the order of ownerRoles, "other" last.
	rank := func(key string) int {
		for i, r := range ownerRoles {
			if r.key == key {
				return i
			}
		}
		return len(ownerRoles)
	}
	slices.SortStableFunc(groups, func(a, b ChoiceGroup) int { return rank(a.Label) - rank(b.Label) })
	return groups, nil
}

// SupervisorCandidates lists the units that may supervise h (supervisorOK): the
// departments supervising its industry, the safety office, and the government of its
// town.
func (m *Module) SupervisorCandidates(ctx context.Context, h *Hazard) ([]Choice, error) {
	return db.All(ctx, m.DB, `SELECT o.id, o.name, o.category FROM orgs o WHERE o.kind = 'unit' AND (
		(o.category = 'department' AND (
			EXISTS (SELECT 1 FROM unit_industries ui WHERE ui.org_id = o.id AND ui.industry = ?)
			OR EXISTS (SELECT 1 FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'safety_office' WHERE u.org_id = o.id)))
		OR (o.category = 'town_government' AND o.parent_id = ?))
		ORDER BY CASE o.category WHEN 'town_government' THEN 1 ELSE 0 END, o.sort_order, o.code`, []any{h.Industry, h.TownID},
		func(s db.Scanner) (Choice, error) {
			var c Choice
			var category string
			err := s.Scan(&c.ID, &c.Name, &category)
			return c, err
		})
}

// LeaderCandidates lists the district leaders who may list a major hazard for
// supervision (leaderOK): first those in charge of its industry (分管), then the other
// leaders in charge of an industry or holding a post in the party committee or the
// government. Note is the person's first post.
func (m *Module) LeaderCandidates(ctx context.Context, h *Hazard) ([]ChoiceGroup, error) {
	rows, err := m.DB.Query(ctx, `SELECT pe.id, pe.name,
		COALESCE((SELECT MIN(ps.title) FROM posts ps WHERE ps.person_id = pe.id), ''),
		CASE WHEN EXISTS (SELECT 1 FROM in_charge ic WHERE ic.person_id = pe.id AND ic.industry = ?) THEN 1 ELSE 0 END AS own
		FROM people pe WHERE EXISTS (SELECT 1 FROM in_charge ic WHERE ic.person_id = pe.id)
		OR EXISTS (SELECT 1 FROM posts ps JOIN orgs o ON o.id = ps.org_id WHERE ps.person_id = pe.id AND o.category IN ('party_committee', 'government'))
		ORDER BY own DESC, pe.name, pe.id`, h.Industry)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	groups := []ChoiceGroup{{Label: "hazard.leader_group.in_charge"}, {Label: "hazard.leader_group.other"}}
	for rows.Next() {
		var c Choice
		var own int
		if err := rows.Scan(&c.ID, &c.Name, &c.Note, &own); err != nil {
			return nil, err
		}
		if own == 1 {
			groups[0].Choices = append(groups[0].Choices, c)
		} else {
			groups[1].Choices = append(groups[1].Choices, c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return slices.DeleteFunc(groups, func(g ChoiceGroup) bool { return len(g.Choices) == 0 }), nil
}

// maxGridChoices is how many grids the report form lists at once; a wider scope (the
// whole district) picks a town first.
const maxGridChoices = 400

// GridChoices lists where p may report, grouped by village (Label is the village's name,
// not a key): the grids p patrols first, as their own group, then the other grids of p's
// scope, or of the town townID when given. tooMany is true when the scope holds more than
// maxGridChoices grids and no town was given: the form then asks for the town first.
func (m *Module) GridChoices(ctx context.Context, p *auth.Principal, townID *db.ID) (mine []Choice, groups []ChoiceGroup, tooMany bool, err error) {
	cond, args := p.Scope.PathCond("g.org_path")
	if p.PersonID != nil {
		rows, err := m.DB.Query(ctx, `SELECT g.id, g.code, g.name FROM grids g WHERE `+cond+` AND g.patroller_id = ? ORDER BY g.code`,
			append(args, *p.PersonID)...)
		if err != nil {
			return nil, nil, false, err
		}
		for rows.Next() {
			var c Choice
			if err := rows.Scan(&c.ID, &c.Note, &c.Name); err != nil {
				rows.Close()
				return nil, nil, false, err
			}
			mine = append(mine, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, false, err
		}
	}
	where, wargs := cond, args
	if townID != nil {
		where += ` AND v.parent_id = ?`
		wargs = append(append([]any{}, args...), *townID)
	} else {
		var n int
		if err := m.DB.QueryRow(ctx, `SELECT COUNT(*) FROM grids g WHERE `+cond, args...).Scan(&n); err != nil {
			return nil, nil, false, err
		}
		if n > maxGridChoices {
			return mine, nil, true, nil
		}
	}
	rows, err := m.DB.Query(ctx, `SELECT g.id, g.code, g.name, v.id, v.name FROM grids g JOIN orgs v ON v.id = g.village_id
		WHERE `+where+` ORDER BY v.code, g.code`, wargs...)
	if err != nil {
		return nil, nil, false, err
	}
	defer rows.Close()
	index := map[db.ID]int{}
	for rows.Next() {
		var c Choice
		var vid db.ID
		var vname string
		if err := rows.Scan(&c.ID, &c.Note, &c.Name, &vid, &vname); err != nil {
			return nil, nil, false, err
		}
		if slices.ContainsFunc(mine, func(x Choice) bool { return x.ID == c.ID }) {
			continue
		}
		i, ok := index[vid]
		if !ok {
			i = len(groups)
			index[vid] = i
			groups = append(groups, ChoiceGroup{Label: vname})
		}
		groups[i].Choices = append(groups[i].Choices, c)
	}
	return mine, groups, false, rows.Err()
}

// Industries lists the industry codes in display order; a department sees only the
// industries it supervises.
func (m *Module) Industries(ctx context.Context, sc auth.Scope) ([]string, error) {
	var out []string
	err := db.Each(ctx, m.DB, `SELECT code FROM industries ORDER BY sort_order, code`, nil, func(s db.Scanner) (string, error) {
		var code string
		err := s.Scan(&code)
		return code, err
	}, func(code string) error {
		if sc.AllowsIndustry(code) {
			out = append(out, code)
		}
		return nil
	})
	return out, err
}

// placeChoices lists the towns in a scope, or the villages of one town (when town is
// set), in the tree's order: the list page's territory filters. Note is the short name
// (for charts), when there is one.
func (m *Module) placeChoices(ctx context.Context, sc auth.Scope, kind string, town *db.ID) ([]Choice, error) {
	cond, args := sc.PathCond("o.path")
	q := `SELECT o.id, o.name, o.short_name FROM orgs o WHERE o.kind = ? AND ` + cond
	args = append([]any{kind}, args...)
	if town != nil {
		q += ` AND o.parent_id = ?`
		args = append(args, *town)
	}
	rows, err := m.DB.Query(ctx, q+` ORDER BY o.sort_order, o.code`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Choice
	for rows.Next() {
		var c Choice
		if err := rows.Scan(&c.ID, &c.Name, &c.Note); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
