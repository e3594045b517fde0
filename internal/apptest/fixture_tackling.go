package apptest

import (
	"context"
	"fmt"

	"github.com/safeduty/safeduty/internal/app"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/tackling"
)

// tacklingSamples gives each town a problem (led by the town government, a title unique
// to the town) with one measure carried by the town government and owned by the town
// head, and a draft 五个反思 of the town government with one action (Samples and Markers).
func tacklingSamples(ctx context.Context, a *app.App, f *Fixture) error {
	deadline := Start.AddDate(0, 1, 0).Format("2006-01-02")
	for i, s := range []struct{ user, title, measure, summary string }{
		{UserTown1, "东湖镇老旧小区燃气管道老化", "东湖镇完成老旧小区燃气管道更换", "东湖镇安全生产底数仍不清"},
		{UserTown2, "西山镇经营性自建房违规改扩建", "西山镇完成经营性自建房排查整治", "西山镇专业监管力量不足"},
	} {
		p, err := a.Auth.LoadPrincipal(ctx, a.DB, f.Users[s.user])
		if err != nil {
			return err
		}
		gov, head := f.Units[fmt.Sprintf("town%dgov", i+1)], f.TownHeads[i]
		kind, source, code := "city", "市安委会第二督导检查组", fmt.Sprintf("督导-%02d", i+1)
		action := []tackling.MeasureInput{{Text: &s.measure, LeaderID: &head, DepartmentID: &gov, Deadline: &deadline}}
		var id db.ID
		if err := a.DB.Tx(ctx, func(tx *db.Tx) error {
			id, err = a.Tackling.CreateProblem(ctx, tx, p, tackling.ProblemInput{Code: &code, Title: &s.title, SourceKind: &kind,
				Source: &source, OrgID: &gov, Measures: action})
			return err
		}); err != nil {
			return fmt.Errorf("problem of %s: %w", s.user, err)
		}
		f.Samples[i]["problem"] = id.String()
		f.Markers[i] = append(f.Markers[i], s.title, s.measure)
		var mid db.ID
		if err := a.DB.QueryRow(ctx, `SELECT id FROM measures WHERE problem_id = ?`, id).Scan(&mid); err != nil {
			return err
		}
		f.Samples[i]["measure"] = mid.String()
		year, body := Start.Year(), "government"
		in := tackling.ReflectionInput{Year: &year, Body: &body, OrgID: &gov, Summary: &s.summary, Actions: action}
		for j, aspect := range tackling.Aspects[body] {
			in.Answers = append(in.Answers, tackling.Answer{Aspect: aspect, Score: 70 + j, Findings: s.summary})
		}
		rid, err := a.Tackling.CreateReflection(ctx, p, in)
		if err != nil {
			return fmt.Errorf("reflection of %s: %w", s.user, err)
		}
		f.Samples[i]["reflection"] = rid.String()
		f.Markers[i] = append(f.Markers[i], s.summary)
	}
	return nil
}
