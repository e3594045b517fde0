package apptest

import (
	"context"
	"fmt"

	"github.com/safeduty/safeduty/internal/app"
	"github.com/safeduty/safeduty/internal/duty"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// dutySamples gives each town head a current duty list (version 2: the template's list,
// then two items kept: a quarterly town meeting and a monthly confirmation with a photo
// every second time), the tasks of the current period, and one evidence record per town
// (an inspection report that proves none of them).
func dutySamples(ctx context.Context, a *app.App, f *Fixture) error {
	sys := auth.System()
	for i, head := range f.TownHeads {
		year := Start.Year()
		id, err := a.Duty.CreateList(ctx, sys, duty.ListInput{PersonID: &head, Year: &year})
		if err != nil {
			return fmt.Errorf("duty list: %w", err)
		}
		l, err := a.Duty.GetList(ctx, a.DB, sys, id)
		if err != nil {
			return err
		}
		meeting := l.Items[0].OriginID
		note := "精简为两项"
		id, err = a.Duty.SaveItems(ctx, sys, id, duty.ItemsInput{Note: &note, Items: []duty.ItemInput{
			{OriginID: &meeting, TemplateItem: l.Items[0].TemplateItem},
			{TemplateItem: duty.TemplateItem{Body: "town", Role: "execute", Text: "每月巡查镇政府机关消防安全", Basis: "《消防法》第十六条",
				Frequency: "monthly", Evidence: "confirm", PhotoEvery: 2}},
		}})
		if err != nil {
			return fmt.Errorf("duty items: %w", err)
		}
		f.Samples[i]["duty_list"] = id.String()
	}
	if _, err := a.Duty.Generate(ctx, Start); err != nil {
		return err
	}
	for i, head := range f.TownHeads {
		var task db.ID
		if err := a.DB.QueryRow(ctx, `SELECT t.id FROM duty_tasks t JOIN duty_items i ON i.id = t.item_id WHERE t.person_id = ? AND i.evidence = 'meeting'`,
			head).Scan(&task); err != nil {
			return fmt.Errorf("duty task: %w", err)
		}
		f.Samples[i]["task"] = task.String()
		unit := f.Units[fmt.Sprintf("town%dgov", i+1)]
		var path string
		if err := a.DB.QueryRow(ctx, `SELECT path FROM orgs WHERE id = ?`, unit).Scan(&path); err != nil {
			return err
		}
		title := []string{"东湖镇一季度安全检查报告", "西山镇一季度安全检查报告"}[i]
		var ev db.ID
		err := a.DB.Tx(ctx, func(tx *db.Tx) error {
			var err error
			ev, _, err = a.Duty.Prove(ctx, tx, sys, duty.Evidence{Kind: "document", Title: title, At: Start, OrgID: unit, OrgPath: path})
			return err
		})
		if err != nil {
			return err
		}
		f.Samples[i]["evidence"] = ev.String()
		f.Markers[i] = append(f.Markers[i], title)
	}
	return nil
}
