package apptest

import (
	"context"
	"fmt"

	"github.com/safeduty/safeduty/internal/app"
	"github.com/safeduty/safeduty/internal/meeting"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// meetingSamples gives each town a meeting of its government (kind town, chaired by the
// town head) with a title unique to the town (Samples and Markers). The frequency rules
// are district configuration without an {id} route, so they need no sample.
func meetingSamples(ctx context.Context, a *app.App, f *Fixture) error {
	for i, title := range []string{"东湖镇汛期安全生产专题会", "西山镇矿山安全生产专题会"} {
		kind, org, held := "town", f.Units[fmt.Sprintf("town%dgov", i+1)], Start.AddDate(0, 0, -1).Format("2006-01-02")
		chair := f.TownHeads[i]
		topics := title + "：研究部署辖区安全生产工作"
		id, err := a.Meeting.Create(ctx, auth.System(), meeting.MeetingInput{Kind: &kind, OrgID: &org, Title: &title, HeldAt: &held,
			ChairID: &chair, AttendeeIDs: &[]db.ID{chair}, Topics: &topics})
		if err != nil {
			return fmt.Errorf("meeting of town %d: %w", i+1, err)
		}
		f.Samples[i]["meeting"] = id.String()
		f.Markers[i] = append(f.Markers[i], title)
	}
	return nil
}
