package admin

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// The audit page names every action and object in words; codes such as session.create or
// createRiskPoint stay in the exports and the API, never on the page.

// actionLabel names an audit action in the reader's language: the catalog's name
// ("admin.action.<action>"); else one built from its parts — a capability's own name of
// the step ("<kind>.action.<step>", e.g. the hazard loop's 交办), or a verb
// ("admin.verb.<verb>") with the record kind ("object.<kind>") of "kind.verb" or of an
// API operation id ("updateRiskPoint", recorded for a refused API write) — and
// "其他操作" when nothing is known. objectType is the entry's record kind, if any.
func actionLabel(loc i18n.Localizer, action, objectType string) string {
	if key := "admin.action." + action; i18n.Default.Has(key) {
		return loc.T(key)
	}
	if strings.HasPrefix(action, "page ") {
		return loc.T("admin.action.page")
	}
	kind, verb, dotted := strings.Cut(action, ".")
	if !dotted {
		verb, kind = splitOperation(action)
	}
	if objectType != "" && !i18n.Default.Has("object."+kind) {
		kind = objectType
	}
	object := ""
	if key := "object." + kind; i18n.Default.Has(key) {
		object = loc.T(key)
	}
	switch {
	case object != "" && i18n.Default.Has(kind+".action."+verb):
		return loc.T("admin.action.object_step", "object", object, "step", loc.T(kind+".action."+verb))
	case object != "" && i18n.Default.Has("admin.verb."+verb):
		return loc.T("admin.action.verb_object", "verb", loc.T("admin.verb."+verb), "object", object)
	case object != "":
		return loc.T("admin.action.other_on", "object", object)
	case i18n.Default.Has("admin.verb." + verb):
		return loc.T("admin.verb." + verb)
	}
	return loc.T("admin.action.other")
}

// splitOperation splits an API operation id into its verb and its record kind:
// "updateRiskPoint" → "update", "risk_point".
func splitOperation(id string) (verb, kind string) {
	i := strings.IndexFunc(id, unicode.IsUpper)
	if i < 0 {
		return id, ""
	}
	var b strings.Builder
	for j, r := range id[i:] {
		if unicode.IsUpper(r) {
			if j > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return id[:i], strings.TrimSuffix(b.String(), "s")
}

// actionGroups are the audit filter's choices by area, each the prefix of its actions.
var actionGroups = []string{"session.", "user.", "org.", "grid.", "person.", "enterprise.", "hazard.", "attachment."}

// commonActions are single actions the audit filter offers besides the groups.
var commonActions = []string{"session.create", "session.delete", "user.reset_password", "user.unlock",
	"person.reveal_contact", "enterprise.reveal_contact", "enterprise.risk_point_update", "enterprise.rules_save"}

// actionChoice is one option of the audit filter's select.
type actionChoice struct {
	Value, Label string
}

// actionChoices are the audit filter's options: the groups, then the common actions,
// and the current filter when it is neither (a link from elsewhere), all in words.
func actionChoices(loc i18n.Localizer, current string) (groups, common []actionChoice) {
	known := current == ""
	for _, g := range actionGroups {
		groups = append(groups, actionChoice{g, loc.T("admin.action_group." + strings.TrimSuffix(g, "."))})
		known = known || g == current
	}
	for _, a := range commonActions {
		common = append(common, actionChoice{a, actionLabel(loc, a, "")})
		known = known || a == current
	}
	if !known {
		label := actionLabel(loc, current, "")
		if strings.HasSuffix(current, ".") {
			label = loc.T("admin.action.other")
		}
		common = append(common, actionChoice{current, label})
	}
	return groups, common
}

// objectNames are the queries naming the records of each kind the audit page links
// to, with %s for the id placeholders: a name a person recognizes instead of "用户 12".
var objectNames = map[string]string{
	"user":       `SELECT id, display_name FROM users WHERE id IN (%s)`,
	"org":        `SELECT id, name FROM orgs WHERE id IN (%s)`,
	"grid":       `SELECT id, name FROM grids WHERE id IN (%s)`,
	"person":     `SELECT id, name FROM people WHERE id IN (%s)`,
	"enterprise": `SELECT id, name FROM enterprises WHERE id IN (%s)`,
	"hazard":     `SELECT id, code || ' ' || title FROM hazards WHERE id IN (%s)`,
	"risk_point": `SELECT id, name FROM risk_points WHERE id IN (%s)`,
}

// nameObjects fills the ObjectName of rows whose records still exist, with one query per
// kind present on the page.
func (m *Module) nameObjects(ctx context.Context, rows []auditRow) error {
	ids := map[string][]any{}
	for _, r := range rows {
		if _, ok := objectNames[r.ObjectType]; ok {
			if id, err := db.ParseID(r.ObjectID); err == nil {
				ids[r.ObjectType] = append(ids[r.ObjectType], id)
			}
		}
	}
	names := map[string]string{} // "kind/id" -> name
	for kind, args := range ids {
		q := fmt.Sprintf(objectNames[kind], db.Placeholders(len(args)))
		res, err := m.DB.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		for res.Next() {
			var id db.ID
			var name string
			if err := res.Scan(&id, &name); err != nil {
				res.Close()
				return err
			}
			names[kind+"/"+id.String()] = name
		}
		res.Close()
		if err := res.Err(); err != nil {
			return err
		}
	}
	for i := range rows {
		rows[i].ObjectName = names[rows[i].ObjectType+"/"+rows[i].ObjectID]
	}
	return nil
}
