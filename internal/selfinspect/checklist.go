package selfinspect

import (
	"context"
	"fmt"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// Checklists (自查表) are the templates an enterprise inspects itself against: the
// general one every enterprise may use and one per industry, each an ordered list of
// items whose failed answer becomes a hazard of the item's category and grade, titled
// with its finding. They are reference data, seeded by a migration; a checklist is kept
// apart from the inspections filed against it so that it can grow into versioned
// templates shared with other inspections.

// Results of a checklist item.
var ItemResults = []string{"pass", "fail", "na"}

// Checklist is a self-inspection template with its items, in order.
type Checklist struct {
	ID       db.ID           `json:"id"`
	Industry *string         `json:"industry" jsonschema:"nullable,description=null: the general checklist every enterprise may use"`
	Name     string          `json:"name"`
	Items    []ChecklistItem `json:"items"`
}

// ChecklistItem is one question of a checklist; a failed answer becomes a hazard of its
// category and grade.
type ChecklistItem struct {
	ID       db.ID  `json:"id"`
	Position int    `json:"position"`
	Text     string `json:"text"`
	Finding  string `json:"finding" jsonschema:"description=what a failed answer found (发现的问题): the title of the hazard it becomes"`
	Category string `json:"category" jsonschema:"enum=unsafe_act,enum=unsafe_condition,enum=environment,enum=management"`
	Grade    string `json:"grade" jsonschema:"enum=general,enum=major"`
}

// ChecklistFilter selects checklists.
type ChecklistFilter struct {
	Industry string `query:"industry" doc:"that industry's checklists and the general ones"`
}

var checklistSorting = api.Sorting{
	Columns:  map[string]string{"industry": "COALESCE(i.sort_order, 0)", "name": "c.name"},
	Default:  "industry",
	Tiebreak: "c.id",
}

var checklistExport = api.Export[Checklist]{Name: "enterprise.export_checklists", Columns: []api.Column[Checklist]{
	{Header: "enterprise.checklist.field.name", Value: func(c Checklist) any { return c.Name }, Width: 24},
	{Header: "enterprise.field.industry", Value: func(c Checklist) any { return checklistIndustry(c) }, Width: 16},
	{Header: "enterprise.checklist.field.items", Value: func(c Checklist) any { return itemsText(c.Items) }, Width: 80},
}}

func itemsText(items []ChecklistItem) string {
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = fmt.Sprintf("%d. %s", it.Position, it.Text)
	}
	return strings.Join(parts, "\n")
}

// checklistIndustry is the industry a checklist is for, or "general" (every industry).
func checklistIndustry(c Checklist) any {
	if c.Industry == nil {
		return i18n.Key("ent.self.general")
	}
	return i18n.Industry(*c.Industry)
}

// ListChecklists calls each for the checklists matching f, each with its items. The
// templates are reference data: every signed-in user may read them.
func (m *Module) ListChecklists(ctx context.Context, f ChecklistFilter, lp api.ListParams, each func(Checklist) error) (int, error) {
	var w db.Where
	if f.Industry != "" {
		w.Add("(c.industry IS NULL OR c.industry = ?)", f.Industry)
	}
	lq := api.ListQuery{Select: `SELECT c.id, c.industry, c.name FROM checklist_templates c
		LEFT JOIN industries i ON i.code = c.industry`, Count: `FROM checklist_templates c`, Where: w, Sorting: checklistSorting}
	// The items of each come once the list's cursor is closed.
	var list []Checklist
	total, err := api.QueryList(ctx, m.DB, lq, lp, func(s db.Scanner) (Checklist, error) {
		c := Checklist{Items: []ChecklistItem{}}
		err := s.Scan(&c.ID, &c.Industry, &c.Name)
		return c, err
	}, func(c Checklist) error {
		list = append(list, c)
		return nil
	})
	if err != nil {
		return 0, err
	}
	for i := range list {
		if list[i].Items, err = m.checklistItems(ctx, m.DB, list[i].ID); err != nil {
			return 0, err
		}
		if err := each(list[i]); err != nil {
			return 0, err
		}
	}
	return total, nil
}

func (m *Module) checklistItems(ctx context.Context, q db.Querier, template db.ID) ([]ChecklistItem, error) {
	rows, err := q.Query(ctx, `SELECT id, position, text, finding, category, grade FROM checklist_items WHERE template_id = ? ORDER BY position, id`, template)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ChecklistItem{}
	for rows.Next() {
		var it ChecklistItem
		if err := rows.Scan(&it.ID, &it.Position, &it.Text, &it.Finding, &it.Category, &it.Grade); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// maxTitle is the longest hazard title (the hazard capability's rule).
const maxTitle = 100

// FindingTitle is the title of the hazard a failed answer becomes: what was found, as a
// supervisor reads it in a list ("消防器材配备不全或超过有效期"). An item without a
// finding of its own (a checklist added later) is titled "自查不符合：" and its
// question, without the question's closing mark.
func (it ChecklistItem) FindingTitle() string {
	title := strings.TrimSpace(it.Finding)
	if title == "" {
		q := strings.TrimRight(strings.TrimSpace(it.Text), "？?")
		title = "自查不符合：" + q
	}
	if r := []rune(title); len(r) > maxTitle {
		title = string(r[:maxTitle-1]) + "…"
	}
	return title
}
