// Package meeting is dedicated study (专题研究): the meetings at which the party standing
// committee, the government's executive meeting, the deputy heads, the departments and
// the towns study work safety, with their attendees, topics, decisions, minutes and
// photos; the frequency rules they are checked against, with every gap listed by unit and
// period; and each meeting proving, once, the duty tasks of every post it proves.
package meeting

import (
	"context"
	"embed"
	"slices"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/duty"
	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/kit"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// files are the capability's messages, page templates and stylesheet.
//
//go:embed messages/*.json templates/*.html static/*.css
var files embed.FS

func init() { i18n.MustRegister(files, "messages") }

// Module is the dedicated-study capability.
type Module struct {
	kit.Deps
	Duties      Duties
	Attachments web.Linker
	Uploader    web.Uploader
}

// Duties is what a meeting asks of the responsibility lists: to prove the duty tasks it
// proves, in the meeting's transaction.
type Duties interface {
	Prove(ctx context.Context, tx *db.Tx, actor *auth.Principal, ev duty.Evidence) (db.ID, []db.ID, error)
}

// Permissions: recording meetings (the safety office, leaders, departments and towns, for
// the units in their scope) and keeping the frequency rules (the safety office).
var (
	PermWrite = auth.NewPermission("meeting.write", auth.Admin, auth.SafetyOffice, auth.Leader, auth.Department, auth.Town)
	PermRules = auth.NewPermission("meeting.rules", auth.Admin, auth.SafetyOffice)
)

// Kinds of meeting: 区委常委会会议, 区政府常务会议, 分管领导专题会议, 部门会议,
// 镇（街道）会议, other.
var Kinds = []string{"standing_committee", "executive", "special", "department", "town", "other"}

// DefaultLateDays is how many days after it was held a meeting may be recorded without
// being marked late (补录) when no rule of its kind says otherwise.
const DefaultLateDays = 7

// Meeting is one dedicated study of work safety.
type Meeting struct {
	ID         db.ID       `json:"id"`
	Kind       string      `json:"kind" jsonschema:"enum=standing_committee,enum=executive,enum=special,enum=department,enum=town,enum=other"`
	OrgID      db.ID       `json:"org_id"`
	OrgName    string      `json:"org_name"`
	Title      string      `json:"title"`
	HeldAt     time.Time   `json:"held_at"`
	Place      string      `json:"place"`
	ChairID    *db.ID      `json:"chair_id" jsonschema:"nullable"`
	ChairName  string      `json:"chair_name"`
	Attendees  []PersonRef `json:"attendees"`
	Industries []string    `json:"industries" jsonschema:"description=industry codes studied"`
	Topics     string      `json:"topics"`
	Decisions  string      `json:"decisions"`
	Minutes    string      `json:"minutes"`
	Photos     []Photo     `json:"photos"`
	Late       bool        `json:"late" jsonschema:"description=recorded more than the rule's late_days after it was held (补录)"`
	CreatedAt  time.Time   `json:"created_at"`
	UpdatedAt  time.Time   `json:"updated_at"`
	// Proved are the duty tasks this meeting proved (one meeting only).
	Proved []ProvedTask `json:"proved,omitempty"`

	path string
}

// PersonRef names a person.
type PersonRef struct {
	ID   db.ID  `json:"id"`
	Name string `json:"name"`
}

// Photo is a file recorded with a meeting.
type Photo struct {
	ID          db.ID  `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	URL         string `json:"url"`
}

// ProvedTask is a duty task a meeting proved.
type ProvedTask struct {
	TaskID     db.ID  `json:"task_id"`
	PersonID   db.ID  `json:"person_id"`
	PersonName string `json:"person_name"`
	PostTitle  string `json:"post_title"`
	Duty       string `json:"duty"`
	Period     string `json:"period"`
	Status     string `json:"status"`
}

// MeetingInput records a meeting (kind, org_id, title and held_at required) or changes
// one (nil fields unchanged).
type MeetingInput struct {
	Kind        *string   `json:"kind,omitempty" form:"kind" jsonschema:"enum=standing_committee,enum=executive,enum=special,enum=department,enum=town,enum=other"`
	OrgID       *db.ID    `json:"org_id,omitempty" form:"org_id" jsonschema:"description=the unit that held it"`
	Title       *string   `json:"title,omitempty" form:"title"`
	HeldAt      *string   `json:"held_at,omitempty" form:"held_at" jsonschema:"description=date (2026-03-05), date and time (2026-03-05T14:30, China time) or RFC 3339; not in the future"`
	Place       *string   `json:"place,omitempty" form:"place"`
	ChairID     *db.ID    `json:"chair_id,omitempty" form:"chair_id" jsonschema:"description=a person of the unit or a district leader"`
	AttendeeIDs *[]db.ID  `json:"attendee_ids,omitempty" form:"attendee_ids"`
	Industries  *[]string `json:"industries,omitempty" form:"industries"`
	Topics      *string   `json:"topics,omitempty" form:"topics"`
	Decisions   *string   `json:"decisions,omitempty" form:"decisions"`
	Minutes     *string   `json:"minutes,omitempty" form:"minutes"`
	Attachments []db.ID   `json:"attachments,omitempty" jsonschema:"description=ids of photos or documents uploaded first (POST /api/v1/attachments), added to the meeting"`
}

// MeetingFilter selects meetings.
type MeetingFilter struct {
	Kind     []string `query:"kind" enum:"standing_committee,executive,special,department,town,other" doc:"one or more kinds, comma-separated"`
	OrgID    *db.ID   `query:"org_id" doc:"meetings of this unit"`
	Under    *db.ID   `query:"under" doc:"meetings of units anywhere below this node"`
	ChairID  *db.ID   `query:"chair_id"`
	PersonID *db.ID   `query:"person_id" doc:"meetings this person chaired or attended"`
	Industry string   `query:"industry" doc:"meetings studying this industry"`
	From     *string  `query:"from" doc:"held on or after this day (YYYY-MM-DD)"`
	To       *string  `query:"to" doc:"held on or before this day (YYYY-MM-DD)"`
	Late     *bool    `query:"late" doc:"true: recorded late (补录)"`
	Year     *int     `query:"year" doc:"held in this year"`
	Q        string   `query:"q" doc:"title, topics or decisions contain"`
}

var sorting = api.Sorting{
	Columns:  map[string]string{"held_at": "m.held_at", "title": "m.title", "kind": "m.kind", "org": "o.name", "created_at": "m.created_at"},
	Default:  "-held_at",
	Tiebreak: "m.id",
}

var export = api.Export[Meeting]{Name: "meeting.export", Columns: []api.Column[Meeting]{
	{Header: "meeting.field.held_at", Value: func(m Meeting) any { return m.HeldAt }, Width: 17},
	{Header: "meeting.field.kind", Value: func(m Meeting) any { return i18n.Key("meeting.kind." + m.Kind) }, Width: 18},
	{Header: "meeting.field.org", Value: func(m Meeting) any { return m.OrgName }, Width: 20},
	{Header: "meeting.field.title", Value: func(m Meeting) any { return m.Title }, Width: 36},
	{Header: "meeting.field.place", Value: func(m Meeting) any { return m.Place }, Width: 16},
	{Header: "meeting.field.chair", Value: func(m Meeting) any { return m.ChairName }, Width: 10},
	{Header: "meeting.field.attendees", Value: func(m Meeting) any { return names(m.Attendees) }, Width: 30},
	{Header: "meeting.field.industries", Value: func(m Meeting) any { return industryNames(m.Industries) }, Width: 24},
	{Header: "meeting.field.topics", Value: func(m Meeting) any { return m.Topics }, Width: 40},
	{Header: "meeting.field.decisions", Value: func(m Meeting) any { return m.Decisions }, Width: 40},
	{Header: "meeting.field.late", Value: func(m Meeting) any { return m.Late }, Width: 8},
}}

func names(ps []PersonRef) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	return strings.Join(out, "、")
}

func industryNames(codes []string) string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = i18n.Default.Name(i18n.Zh, i18n.KindIndustry, c)
	}
	return strings.Join(out, "、")
}

const selectMeeting = `SELECT m.id, m.kind, m.org_id, o.name, m.title, m.held_at, m.place, m.chair_id, COALESCE(c.name, ''), m.topics,
	m.decisions, m.minutes, m.late, m.created_at, m.updated_at, m.org_path
	FROM meetings m JOIN orgs o ON o.id = m.org_id LEFT JOIN people c ON c.id = m.chair_id`

func scanMeeting(s db.Scanner) (Meeting, error) {
	var m Meeting
	err := s.Scan(&m.ID, &m.Kind, &m.OrgID, &m.OrgName, &m.Title, &m.HeldAt, &m.Place, &m.ChairID, &m.ChairName, &m.Topics,
		&m.Decisions, &m.Minutes, &m.Late, &m.CreatedAt, &m.UpdatedAt, &m.path)
	m.Attendees, m.Industries, m.Photos = []PersonRef{}, []string{}, []Photo{}
	return m, err
}

// where is the scope and the filter of a meeting query.
func (m *Module) where(ctx context.Context, p *auth.Principal, f MeetingFilter) (db.Where, error) {
	var w db.Where
	w.AddCond(p.Scope.PathCond("m.org_path"))
	w.AddCond(db.In("m.kind", f.Kind))
	w.Eq("m.org_id", f.OrgID)
	w.Eq("m.chair_id", f.ChairID)
	if f.Under != nil {
		var path string
		err := m.DB.QueryRow(ctx, `SELECT path FROM orgs WHERE id = ?`, *f.Under).Scan(&path)
		switch {
		case db.IsNoRows(err) || (err == nil && !p.Scope.Contains(path)):
			w.Add("1 = 0")
		case err != nil:
			return w, err
		default:
			lo, hi := db.PrefixRange(path)
			w.Add("(m.org_path >= ? AND m.org_path < ?)", lo, hi)
		}
	}
	if f.PersonID != nil {
		w.Add("(m.chair_id = ? OR EXISTS (SELECT 1 FROM meeting_attendees a WHERE a.meeting_id = m.id AND a.person_id = ?))", *f.PersonID, *f.PersonID)
	}
	if f.Industry != "" {
		w.Add("EXISTS (SELECT 1 FROM meeting_industries mi WHERE mi.meeting_id = m.id AND mi.industry = ?)", f.Industry)
	}
	v := &apperr.Validation{}
	if f.From != nil && *f.From != "" {
		t, err := time.ParseInLocation("2006-01-02", *f.From, clock.China)
		if err != nil {
			v.Add("from", "validate.date", nil)
		}
		w.Add("m.held_at >= ?", t)
	}
	if f.To != nil && *f.To != "" {
		t, err := time.ParseInLocation("2006-01-02", *f.To, clock.China)
		if err != nil {
			v.Add("to", "validate.date", nil)
		}
		w.Add("m.held_at < ?", t.AddDate(0, 0, 1))
	}
	if f.Year != nil {
		start := time.Date(*f.Year, 1, 1, 0, 0, 0, 0, clock.China)
		w.Add("m.held_at >= ? AND m.held_at < ?", start, start.AddDate(1, 0, 0))
	}
	w.Eq("m.late", f.Late)
	w.AddCond(m.DB.Engine().ContainsAny(f.Q, "m.title", "m.topics", "m.decisions"))
	return w, v.Err()
}

// List calls each for the meetings in the caller's scope matching f, with their
// attendees and industries, and returns how many match (when lp is paged).
func (m *Module) List(ctx context.Context, p *auth.Principal, f MeetingFilter, lp api.ListParams, each func(Meeting) error) (int, error) {
	w, err := m.where(ctx, p, f)
	if err != nil {
		return 0, err
	}
	lq := api.ListQuery{Select: selectMeeting, Count: `FROM meetings m`, Where: w, Sorting: sorting}
	if lp.Paged() { // a page: gather it, then its people and industries in two queries
		var page []Meeting
		total, err := api.QueryList(ctx, m.DB, lq, lp, scanMeeting, web.Collect(&page))
		if err != nil {
			return 0, err
		}
		if err := m.fill(ctx, m.DB, page); err != nil {
			return 0, err
		}
		for _, x := range page {
			if err := each(x); err != nil {
				return 0, err
			}
		}
		return total, nil
	}
	// an export: every row first (their people are read while no cursor is open), then
	// their attendees and industries 500 at a time
	var all []Meeting
	if _, err := api.QueryList(ctx, m.DB, lq, lp, scanMeeting, web.Collect(&all)); err != nil {
		return 0, err
	}
	for len(all) > 0 {
		batch := all[:min(500, len(all))]
		all = all[len(batch):]
		if err := m.fill(ctx, m.DB, batch); err != nil {
			return 0, err
		}
		for _, x := range batch {
			if err := each(x); err != nil {
				return 0, err
			}
		}
	}
	return 0, nil
}

// attendee and studied are rows of a meeting's attendees and industries.
type (
	attendee struct {
		meeting db.ID
		person  PersonRef
	}
	studied struct {
		meeting  db.ID
		industry string
	}
)

// fill reads the attendees and industries of ms.
func (m *Module) fill(ctx context.Context, q db.Querier, ms []Meeting) error {
	if len(ms) == 0 {
		return nil
	}
	index := map[db.ID]int{}
	ids := make([]db.ID, len(ms))
	for i, x := range ms {
		index[x.ID], ids[i] = i, x.ID
	}
	in, args := db.In("a.meeting_id", ids)
	if err := db.Each(ctx, q, `SELECT a.meeting_id, p.id, p.name FROM meeting_attendees a JOIN people p ON p.id = a.person_id WHERE `+in+` ORDER BY p.name, p.id`, args,
		func(s db.Scanner) (attendee, error) {
			var r attendee
			err := s.Scan(&r.meeting, &r.person.ID, &r.person.Name)
			return r, err
		}, func(r attendee) error {
			ms[index[r.meeting]].Attendees = append(ms[index[r.meeting]].Attendees, r.person)
			return nil
		}); err != nil {
		return err
	}
	in, args = db.In("mi.meeting_id", ids)
	return db.Each(ctx, q, `SELECT mi.meeting_id, mi.industry FROM meeting_industries mi JOIN industries i ON i.code = mi.industry WHERE `+in+` ORDER BY i.sort_order, mi.industry`, args,
		func(s db.Scanner) (studied, error) {
			var r studied
			err := s.Scan(&r.meeting, &r.industry)
			return r, err
		}, func(r studied) error {
			ms[index[r.meeting]].Industries = append(ms[index[r.meeting]].Industries, r.industry)
			return nil
		})
}

// Get returns a meeting in the caller's scope with its attendees, industries, photos and
// the duty tasks it proved. Errors: NotFound.
func (m *Module) Get(ctx context.Context, q db.Querier, p *auth.Principal, id db.ID) (Meeting, error) {
	x, err := scanMeeting(q.QueryRow(ctx, selectMeeting+` WHERE m.id = ?`, id))
	if db.IsNoRows(err) || (err == nil && !p.Scope.Contains(x.path)) {
		return Meeting{}, apperr.NotFoundf("meeting")
	}
	if err != nil {
		return Meeting{}, err
	}
	ms := []Meeting{x}
	if err := m.fill(ctx, q, ms); err != nil {
		return Meeting{}, err
	}
	x = ms[0]
	x.Photos, err = db.All(ctx, q, `SELECT a.id, a.original_name, a.content_type FROM meeting_attachments x JOIN attachments a ON a.id = x.attachment_id
		WHERE x.meeting_id = ? ORDER BY a.id`, []any{id}, func(s db.Scanner) (Photo, error) {
		var f Photo
		err := s.Scan(&f.ID, &f.Name, &f.ContentType)
		f.URL = "/api/v1/attachments/" + f.ID.String() + "/content"
		return f, err
	})
	if err != nil {
		return Meeting{}, err
	}
	if x.Photos == nil {
		x.Photos = []Photo{}
	}
	x.Proved, err = db.All(ctx, q, `SELECT t.id, t.person_id, p.name, l.post_title, i.text, t.period, t.status
		FROM duty_evidence e JOIN duty_task_evidence te ON te.evidence_id = e.id JOIN duty_tasks t ON t.id = te.task_id
		JOIN duty_items i ON i.id = t.item_id JOIN duty_lists l ON l.id = t.list_id JOIN people p ON p.id = t.person_id
		WHERE e.kind = 'meeting' AND e.ref_id = ? ORDER BY p.name, t.id`, []any{id}, func(s db.Scanner) (ProvedTask, error) {
		var t ProvedTask
		err := s.Scan(&t.TaskID, &t.PersonID, &t.PersonName, &t.PostTitle, &t.Duty, &t.Period, &t.Status)
		return t, err
	})
	return x, err
}

// get reads a meeting in the caller's scope (api.Reader).
func (m *Module) get(ctx context.Context, p *auth.Principal, id db.ID) (Meeting, error) {
	return m.Get(ctx, m.DB, p, id)
}

// ParseHeld reads a meeting's time: a date (midnight China time), a date and time
// (2026-03-05T14:30 or 2026-03-05 14:30, China time) or RFC 3339.
func ParseHeld(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, clock.China); err == nil {
			return t, nil
		}
	}
	return api.ParseTime(s)
}

// MayRecord reports whether p may record (and change) the meetings of the unit at path:
// the safety office, leaders and towns those of the units in their scope; a department
// only its own.
func MayRecord(p *auth.Principal, path string) bool {
	switch {
	case !p.Can(PermWrite) || !p.Scope.Contains(path):
		return false
	case p.Has(auth.Admin), p.Has(auth.SafetyOffice), p.Has(auth.Leader), p.Has(auth.Town):
		return true
	}
	return p.OrgPath != "" && strings.HasPrefix(path, p.OrgPath)
}

// unit is the org a meeting belongs to.
type unit struct {
	ID       db.ID
	Path     string
	Category string
}

// validate checks in against the database; creating requires kind, unit, title and
// time. It returns the unit (when given) and the time held (when given).
func (m *Module) validate(ctx context.Context, tx *db.Tx, p *auth.Principal, in *MeetingInput, creating bool, orgID db.ID) (*unit, *time.Time, error) {
	v := &apperr.Validation{}
	v.Text("title", in.Title, creating, true, 200)
	v.Text("place", in.Place, creating, false, 100)
	v.Text("topics", in.Topics, creating, false, 4000)
	v.Text("decisions", in.Decisions, creating, false, 4000)
	v.Text("minutes", in.Minutes, creating, false, 20000)
	switch {
	case in.Kind == nil && creating:
		v.Add("kind", "validate.required", nil)
	case in.Kind != nil && !slices.Contains(Kinds, *in.Kind):
		v.Add("kind", "validate.one_of", apperr.E{"values": strings.Join(Kinds, ", ")})
	}
	var held *time.Time
	switch {
	case (in.HeldAt == nil || strings.TrimSpace(*in.HeldAt) == "") && creating:
		v.Add("held_at", "validate.required", nil)
	case in.HeldAt != nil && strings.TrimSpace(*in.HeldAt) != "":
		t, err := ParseHeld(*in.HeldAt)
		switch {
		case err != nil:
			v.Add("held_at", "validate.date", nil)
		case t.After(m.Clock.Now().Add(time.Minute)):
			v.Add("held_at", "meeting.not_future", nil)
		default:
			held = &t
		}
	case in.HeldAt != nil:
		v.Add("held_at", "validate.required", nil)
	}
	var u *unit
	if in.OrgID != nil {
		orgID = *in.OrgID
	}
	switch {
	case in.OrgID == nil && creating:
		v.Add("org_id", "validate.required", nil)
	case in.OrgID != nil:
		var x unit
		err := tx.QueryRow(ctx, `SELECT id, path, category FROM orgs WHERE id = ? AND kind IN ('district', 'town', 'unit')`, *in.OrgID).Scan(&x.ID, &x.Path, &x.Category)
		if db.IsNoRows(err) || (err == nil && !MayRecord(p, x.Path)) {
			v.Add("org_id", "validate.unknown_ref", nil)
		} else if err != nil {
			return nil, nil, err
		} else {
			u = &x
		}
	}
	var people []db.ID
	if in.ChairID != nil {
		people = append(people, *in.ChairID)
	}
	if in.AttendeeIDs != nil {
		if len(*in.AttendeeIDs) > 200 {
			v.Add("attendee_ids", "validate.max_len", apperr.E{"max": 200})
		}
		people = append(people, *in.AttendeeIDs...)
	}
	if len(people) > 0 && orgID != 0 && !v.Has("attendee_ids") {
		known, err := m.knownPeople(ctx, tx, p, orgID, people)
		if err != nil {
			return nil, nil, err
		}
		if in.ChairID != nil && !known[*in.ChairID] {
			v.Add("chair_id", "validate.unknown_ref", nil)
		}
		if in.AttendeeIDs != nil {
			for _, a := range *in.AttendeeIDs {
				if !known[a] {
					v.Add("attendee_ids", "validate.unknown_ref", nil)
					break
				}
			}
		}
	}
	if in.Industries != nil && len(*in.Industries) > 0 {
		in2, args := db.In("code", *in.Industries)
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM industries WHERE `+in2, args...).Scan(&n); err != nil {
			return nil, nil, err
		}
		if n != len(uniq(*in.Industries)) {
			v.Add("industries", "validate.unknown_ref", nil)
		}
	}
	return u, held, v.Err()
}

func uniq[T comparable](xs []T) []T {
	var out []T
	for _, x := range xs {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// knownPeople reports which of ids may chair or attend a meeting of unit orgID: people in
// the caller's scope, and the district's leaders (posts in a party committee or
// government unit).
func (m *Module) knownPeople(ctx context.Context, tx *db.Tx, p *auth.Principal, orgID db.ID, ids []db.ID) (map[db.ID]bool, error) {
	in, args := db.In("pe.id", uniq(ids))
	cond, cargs := p.Scope.PathCond("pe.org_path")
	rows, err := db.All(ctx, tx, `SELECT pe.id FROM people pe WHERE `+in+` AND (`+cond+` OR pe.org_id = ? OR EXISTS (SELECT 1 FROM posts po JOIN orgs o ON o.id = po.org_id
		WHERE po.person_id = pe.id AND (po.org_id = ? OR o.category IN ('party_committee', 'government'))))`,
		append(append(args, cargs...), orgID, orgID), db.ScanID)
	out := map[db.ID]bool{}
	for _, id := range rows {
		out[id] = true
	}
	return out, err
}

// lateDays is the late_days of the first active rule for kind, or DefaultLateDays.
func lateDays(ctx context.Context, q db.Querier, kind string) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT late_days FROM meeting_rules WHERE meeting_kind = ? AND active = TRUE ORDER BY id LIMIT 1`, kind).Scan(&n)
	if db.IsNoRows(err) {
		return DefaultLateDays, nil
	}
	return n, err
}

// isLate reports whether a meeting held at held and recorded at recorded is late.
func isLate(held, recorded time.Time, days int) bool {
	return recorded.Sub(held) > time.Duration(days)*24*time.Hour
}

// Create records a meeting, with its attendees, industries and photos, and proves the
// duty tasks it proves, in one transaction. Errors: Forbidden, Invalid.
func (m *Module) Create(ctx context.Context, p *auth.Principal, in MeetingInput) (db.ID, error) {
	if !p.Can(PermWrite) {
		return 0, apperr.Forbid()
	}
	var id db.ID
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		u, held, err := m.validate(ctx, tx, p, &in, true, 0)
		if err != nil {
			return err
		}
		now := m.Clock.Now()
		days, err := lateDays(ctx, tx, *in.Kind)
		if err != nil {
			return err
		}
		late := isLate(*held, now, days)
		if err := tx.QueryRow(ctx, `INSERT INTO meetings (kind, org_id, org_path, title, held_at, place, chair_id, topics, decisions, minutes, late,
			created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			*in.Kind, u.ID, u.Path, strings.TrimSpace(*in.Title), *held, db.Text(in.Place), in.ChairID, db.Text(in.Topics), db.Text(in.Decisions),
			db.Text(in.Minutes), late, p.UserRef(), now, now).Scan(&id); err != nil {
			return err
		}
		if err := m.setLinks(ctx, tx, p, id, u.Path, in); err != nil {
			return err
		}
		tasks, err := m.prove(ctx, tx, p, id)
		if err != nil {
			return err
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "meeting.create", ObjectType: "meeting", ObjectID: id.String(),
			Detail: map[string]any{"kind": *in.Kind, "title": strings.TrimSpace(*in.Title), "org_id": u.ID.String(), "held_at": held.Format(time.RFC3339),
				"late": late, "tasks_done": len(tasks)}})
	})
	return id, err
}

// Update changes a meeting and proves again what it proves (its evidence is kept once:
// newly proved tasks are linked, nothing is duplicated). Errors: NotFound, Forbidden,
// Invalid.
func (m *Module) Update(ctx context.Context, p *auth.Principal, id db.ID, in MeetingInput) error {
	return m.DB.Tx(ctx, func(tx *db.Tx) error {
		cur, err := m.Get(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if !MayRecord(p, cur.path) {
			return apperr.Forbid()
		}
		u, held, err := m.validate(ctx, tx, p, &in, false, cur.OrgID)
		if err != nil {
			return err
		}
		now := m.Clock.Now()
		set := db.NewSet("updated_at", now)
		set.Text("kind", in.Kind)
		set.Text("title", in.Title)
		set.Text("place", in.Place)
		set.Text("topics", in.Topics)
		set.Text("decisions", in.Decisions)
		set.Text("minutes", in.Minutes)
		if u != nil && u.ID != cur.OrgID {
			set.Add("org_id", u.ID)
			set.Add("org_path", u.Path)
			cur.path = u.Path
		}
		if in.ChairID != nil && (cur.ChairID == nil || *cur.ChairID != *in.ChairID) {
			set.Add("chair_id", *in.ChairID)
		}
		kind := cur.Kind
		if in.Kind != nil {
			kind = *in.Kind
		}
		heldAt := cur.HeldAt
		if held != nil && !held.Equal(cur.HeldAt) {
			set.Add("held_at", *held)
			heldAt = *held
		}
		days, err := lateDays(ctx, tx, kind)
		if err != nil {
			return err
		}
		if late := isLate(heldAt, cur.CreatedAt, days); late != cur.Late {
			set.Add("late", late)
		}
		q, args := set.Update("meetings", "id = ?", id)
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return err
		}
		if err := m.setLinks(ctx, tx, p, id, cur.path, in); err != nil {
			return err
		}
		if in.AttendeeIDs != nil {
			set.Changed["attendee_ids"] = len(*in.AttendeeIDs)
		}
		if in.Industries != nil {
			set.Changed["industries"] = strings.Join(*in.Industries, ",")
		}
		if len(in.Attachments) > 0 {
			set.Changed["attachments"] = len(in.Attachments)
		}
		tasks, err := m.prove(ctx, tx, p, id)
		if err != nil {
			return err
		}
		set.Changed["tasks_done"] = len(tasks)
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "meeting.update", ObjectType: "meeting", ObjectID: id.String(), Detail: set.Changed})
	})
}

// setLinks replaces the attendees and industries given, and adds the photos.
func (m *Module) setLinks(ctx context.Context, tx *db.Tx, p *auth.Principal, id db.ID, orgPath string, in MeetingInput) error {
	if in.AttendeeIDs != nil {
		if _, err := tx.Exec(ctx, `DELETE FROM meeting_attendees WHERE meeting_id = ?`, id); err != nil {
			return err
		}
		for _, a := range uniq(*in.AttendeeIDs) {
			if _, err := tx.Exec(ctx, `INSERT INTO meeting_attendees (meeting_id, person_id) VALUES (?, ?)`, id, a); err != nil {
				return err
			}
		}
	}
	if in.Industries != nil {
		if _, err := tx.Exec(ctx, `DELETE FROM meeting_industries WHERE meeting_id = ?`, id); err != nil {
			return err
		}
		for _, c := range uniq(*in.Industries) {
			if _, err := tx.Exec(ctx, `INSERT INTO meeting_industries (meeting_id, industry) VALUES (?, ?)`, id, c); err != nil {
				return err
			}
		}
	}
	if len(in.Attachments) > 0 {
		ids := uniq(in.Attachments)
		if err := m.Attachments.Link(ctx, tx, p, ids, orgPath, nil, nil); err != nil {
			return err
		}
		for _, a := range ids {
			if _, err := tx.Exec(ctx, `INSERT INTO meeting_attachments (meeting_id, attachment_id) VALUES (?, ?)`, id, a); err != nil {
				return err
			}
		}
	}
	return nil
}

// prove hands the meeting, as stored, to the responsibility lists: its chair and
// attendees are the people whose duties it proves.
func (m *Module) prove(ctx context.Context, tx *db.Tx, p *auth.Principal, id db.ID) ([]db.ID, error) {
	var ev duty.Evidence
	var chair *db.ID
	err := tx.QueryRow(ctx, `SELECT title, held_at, org_id, org_path, chair_id, kind FROM meetings WHERE id = ?`, id).
		Scan(&ev.Title, &ev.At, &ev.OrgID, &ev.OrgPath, &chair, &ev.MeetingKind)
	if err != nil {
		return nil, err
	}
	ev.Kind, ev.RefID = "meeting", &id
	if chair != nil {
		ev.People = append(ev.People, *chair)
	}
	att, err := db.All(ctx, tx, `SELECT person_id FROM meeting_attendees WHERE meeting_id = ? ORDER BY person_id`, []any{id}, db.ScanID)
	if err != nil {
		return nil, err
	}
	ev.People = uniq(append(ev.People, att...))
	_, tasks, err := m.Duties.Prove(ctx, tx, p, ev)
	return tasks, err
}

// PeriodName is the task's period in the reader's language (2026年第三季度).
func (t ProvedTask) PeriodName() i18n.Text { return duty.PeriodName(t.Period) }
