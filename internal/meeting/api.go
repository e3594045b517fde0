package meeting

import (
	"context"
	"net/http"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
)

// Routes registers the API.
func (m *Module) Routes(r *api.Registry) {
	r.Add(api.Route{Method: "GET", Path: "/api/v1/meetings", ID: "listMeetings", Tag: "meeting",
		Summary: "Dedicated-study meetings of the units in scope, latest first",
		Params:  MeetingFilter{}, Response: Meeting{}, List: true, Sorts: sorting.Fields(),
		Handler: api.ListHandler(sorting, export, m.listScoped)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/meetings", ID: "createMeeting", Tag: "meeting",
		Summary: "Record a meeting of a unit in scope (meeting.write); marked late when recorded more than the rule's late_days after it was held; proves, once, the duty tasks of its unit's posts, its chair and its attendees",
		Perm:    &PermWrite, Body: MeetingInput{}, Response: Meeting{}, Status: http.StatusCreated,
		Handler: api.NewHandler(m.Create, m.get, "/api/v1/meetings/")})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/meetings/gaps", ID: "listMeetingGaps", Tag: "meeting",
		Summary: "Obligations of the frequency rules in scope for a year (default: the gaps of the periods ended): each unit or leader and period with the meetings held and required",
		Params:  GapFilter{}, Response: Gap{}, List: true, Sorts: gapSorting.Fields(),
		Handler: api.ListHandler(gapSorting, gapExport, m.gapsScoped)})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/meetings/gaps/summary", ID: "meetingGapSummary", Tag: "meeting",
		Summary: "A year's figure: obligations of the periods ended, met and not, and those in progress",
		Params:  SummaryParams{}, Response: GapSummary{}, Handler: api.QueryHandler(m.Summary)})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/meetings/{id}", ID: "getMeeting", Tag: "meeting",
		Summary: "One meeting, with its attendees, industries, photos and the duty tasks it proved",
		Object:  "meeting", Response: Meeting{}, Handler: api.GetHandler("meeting", m.get)})
	r.Add(api.Route{Method: "PATCH", Path: "/api/v1/meetings/{id}", ID: "updateMeeting", Tag: "meeting",
		Summary: "Change a meeting (meeting.write); attendee_ids and industries replace the lists, attachments add photos; proves again what it now proves, without duplicating its evidence",
		Object:  "meeting", Body: MeetingInput{}, Response: Meeting{}, Handler: api.ChangeHandler("meeting", m.Update, m.get)})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/meeting-rules", ID: "getMeetingRules", Tag: "meeting",
		Summary:  "The frequency rules meetings are checked against (the defaults while none is saved)",
		Response: RulesView{}, Handler: api.QueryHandler(m.rulesView)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/meeting-rules", ID: "saveMeetingRules", Tag: "meeting",
		Summary: "Replace the frequency rules (meeting.rules): rules with an id are changed, without one added, left out removed",
		Perm:    &PermRules, Body: RulesInput{}, Response: RulesView{}, Handler: api.BodyHandler(http.StatusOK, m.SaveRules)})
}

func (m *Module) listScoped(ctx context.Context, _ auth.Scope, f MeetingFilter, lp api.ListParams, each func(Meeting) error) (int, error) {
	return m.List(ctx, auth.FromContext(ctx), f, lp, each)
}

func (m *Module) gapsScoped(ctx context.Context, _ auth.Scope, f GapFilter, lp api.ListParams, each func(Gap) error) (int, error) {
	return m.ListGaps(ctx, auth.FromContext(ctx), f, lp, each)
}
