package apptest

import (
	"context"
	"fmt"

	"github.com/safeduty/safeduty/internal/app"
	"github.com/safeduty/safeduty/internal/letter"
	"github.com/safeduty/safeduty/internal/platform/auth"
)

// letterSamples gives each town's government a draft letter for the fixture's year with
// the standard town targets and one target of its own, named after a place of the town
// (东湖水库 / 西山林场): Samples["letter"] and a Marker each. The district has no
// district head in the fixture, so the letters have no district signatory until a test
// gives one; the unit signatory is the town head (孙东湖 / 周西山).
func letterSamples(ctx context.Context, a *app.App, f *Fixture) error {
	year := Start.Year()
	for i, own := range []string{"东湖水库防汛责任落实率", "西山林场森林防火巡护覆盖率"} {
		org := f.Units[fmt.Sprintf("town%dgov", i+1)]
		targets := []letter.TargetInput{}
		for _, t := range letter.StandardTargets("town") {
			targets = append(targets, letter.TargetInput{Indicator: t.Indicator, Kind: t.Kind, Value: t.Value, Unit: t.Unit})
		}
		v := 100.0
		targets = append(targets, letter.TargetInput{Indicator: own, Kind: "min", Value: &v, Unit: "%"})
		id, err := a.Letter.Create(ctx, auth.System(), letter.LetterInput{Year: &year, OrgID: &org, Targets: &targets})
		if err != nil {
			return fmt.Errorf("letter of town %d: %w", i+1, err)
		}
		f.Samples[i]["letter"] = id.String()
		f.Markers[i] = append(f.Markers[i], own)
	}
	return nil
}
