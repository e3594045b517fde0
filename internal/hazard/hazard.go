// Package hazard is hazard investigation and governance (隐患排查治理, 三清三进): every
// hazard found anywhere in the district is registered, owned, rectified by a deadline,
// verified on site and closed (销号), and nothing overdue goes unseen.
//
// The loop is an explicit state machine (machine.go): reported → assigned → rectifying →
// submitted → closed, and submitted → rectifying on reject; every step is an event in the
// hazard's history. Major hazards (重大隐患) need the five implementations (五落实) and a
// named supervising leader (挂牌督办) before assignment, and an on-site acceptance record
// before closing. A periodic job (escalate.go) reminds owners before the deadline and
// escalates overdue hazards to the supervising unit and then to the leader in charge,
// each notice exactly once. Stats (stats.go) make the three "clears" (三清) visible.
package hazard

import (
	"context"
	"embed"
	"time"

	"github.com/safeduty/safeduty/internal/notify"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/kit"
	"github.com/safeduty/safeduty/internal/platform/web"
)

//go:embed messages/*.json
var messages embed.FS

func init() { i18n.MustRegister(messages, "messages") }

// Status is where a hazard is in the loop.
type Status string

// The statuses of API.md.
const (
	Reported   Status = "reported"   // 已上报
	Assigned   Status = "assigned"   // 已交办
	Rectifying Status = "rectifying" // 整改中
	Submitted  Status = "submitted"  // 待验收
	Closed     Status = "closed"     // 已销号
)

// Statuses lists every status in loop order.
var Statuses = []Status{Reported, Assigned, Rectifying, Submitted, Closed}

// Grades (一般隐患 / 重大隐患).
const (
	General = "general"
	Major   = "major"
)

// Categories of hazards.
var Categories = []string{"unsafe_act", "unsafe_condition", "environment", "management"}

// Sources of hazards.
var Sources = []string{"self_inspection", "grid_patrol", "department_inspection", "campaign", "supervision_group", "tipoff"}

// Permissions.
var (
	// PermReport registers hazards.
	PermReport = auth.NewPermission("hazard.report", auth.Patroller, auth.Village, auth.Town, auth.Department,
		auth.SafetyOffice, auth.Enterprise, auth.Leader)
)

// Hazard is one hazard with everything known about it.
type Hazard struct {
	ID              db.ID      `json:"id"`
	Code            string     `json:"code" jsonschema:"description=human number, e.g. YH2026000123"`
	Title           string     `json:"title"`
	Description     string     `json:"description"`
	Category        string     `json:"category" jsonschema:"enum=unsafe_act,enum=unsafe_condition,enum=environment,enum=management"`
	Industry        string     `json:"industry"`
	Grade           string     `json:"grade" jsonschema:"enum=general,enum=major"`
	Source          string     `json:"source" jsonschema:"enum=self_inspection,enum=grid_patrol,enum=department_inspection,enum=campaign,enum=supervision_group,enum=tipoff"`
	Status          Status     `json:"status" jsonschema:"enum=reported,enum=assigned,enum=rectifying,enum=submitted,enum=closed"`
	Overdue         bool       `json:"overdue" jsonschema:"description=not closed and past the deadline"`
	EnterpriseID    *db.ID     `json:"enterprise_id" jsonschema:"nullable"`
	EnterpriseName  string     `json:"enterprise_name"`
	RiskPointID     *db.ID     `json:"risk_point_id" jsonschema:"nullable,description=the enterprise's risk point (风险点) where it was found"`
	RiskPointName   string     `json:"risk_point_name"`
	Place           string     `json:"place" jsonschema:"description=the public place, when not at an enterprise"`
	GridID          db.ID      `json:"grid_id"`
	GridCode        string     `json:"grid_code"`
	VillageName     string     `json:"village_name"`
	TownID          db.ID      `json:"town_id"`
	TownName        string     `json:"town_name"`
	Address         string     `json:"address"`
	FoundBy         db.ID      `json:"found_by"`
	FoundByName     string     `json:"found_by_name"`
	FoundAt         time.Time  `json:"found_at"`
	OwnerID         *db.ID     `json:"owner_id" jsonschema:"nullable"`
	OwnerName       string     `json:"owner_name"`
	SupervisorOrgID *db.ID     `json:"supervisor_org_id" jsonschema:"nullable"`
	SupervisorName  string     `json:"supervisor_name"`
	Measures        string     `json:"measures"`
	Deadline        *time.Time `json:"deadline" jsonschema:"nullable"`
	Responsibility  string     `json:"responsibility" jsonschema:"description=五落实: the responsible unit and person"`
	FundsYuan       *int64     `json:"funds_yuan" jsonschema:"nullable,description=五落实: funds in yuan"`
	ContingencyPlan string     `json:"contingency_plan" jsonschema:"description=五落实: the contingency plan"`
	Listed          bool       `json:"listed" jsonschema:"description=listed for supervision (挂牌督办)"`
	ListingLeaderID *db.ID     `json:"listing_leader_id" jsonschema:"nullable"`
	ListingLeader   string     `json:"listing_leader"`
	ListedAt        *time.Time `json:"listed_at" jsonschema:"nullable"`
	ListingDoc      string     `json:"listing_doc"`
	SubmittedAt     *time.Time `json:"submitted_at" jsonschema:"nullable"`
	ClosedAt        *time.Time `json:"closed_at" jsonschema:"nullable"`
	ClosedOnTime    *bool      `json:"closed_on_time" jsonschema:"nullable"`
	Rejections      int        `json:"rejections"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	// Actions lists what the caller may do now (in the detail only).
	Actions []Action `json:"actions,omitempty"`

	Path string `json:"-"`
}

// Filter selects hazards.
type Filter struct {
	Status          []string   `query:"status" enum:"reported,assigned,rectifying,submitted,closed" doc:"one or more statuses, comma-separated"`
	Open            *bool      `query:"open" doc:"true: not closed; false: closed"`
	Grade           string     `query:"grade" enum:"general,major"`
	Overdue         *bool      `query:"overdue" doc:"true: not closed and past the deadline"`
	Source          string     `query:"source" enum:"self_inspection,grid_patrol,department_inspection,campaign,supervision_group,tipoff"`
	Category        string     `query:"category" enum:"unsafe_act,unsafe_condition,environment,management"`
	Industry        string     `query:"industry"`
	TownID          *db.ID     `query:"town_id"`
	VillageID       *db.ID     `query:"village_id"`
	GridID          *db.ID     `query:"grid_id"`
	EnterpriseID    *db.ID     `query:"enterprise_id"`
	OwnerID         *db.ID     `query:"owner_id"`
	SupervisorID    *db.ID     `query:"supervisor_org_id"`
	Listed          *bool      `query:"listed" doc:"listed for supervision (挂牌督办)"`
	ListingLeaderID *db.ID     `query:"listing_leader_id" doc:"listed for supervision by this leader (a person id)"`
	Mine            *bool      `query:"mine" doc:"true: hazards the caller owns, supervises or reported"`
	FoundBy         *db.ID     `query:"found_by" doc:"reported by this user"`
	FoundFrom       *time.Time `query:"found_from" doc:"found on or after (date)"`
	FoundTo         *time.Time `query:"found_to" doc:"found before the end of this date"`
	DeadlineTo      *time.Time `query:"deadline_to" doc:"deadline before the end of this date"`
	Q               string     `query:"q" doc:"code, title or place contains"`
}

// ReportInput registers a hazard.
type ReportInput struct {
	Title        string     `json:"title" form:"title"`
	Description  string     `json:"description" form:"description"`
	Category     string     `json:"category" form:"category" jsonschema:"enum=unsafe_act,enum=unsafe_condition,enum=environment,enum=management"`
	Industry     string     `json:"industry" form:"industry"`
	Grade        string     `json:"grade" form:"grade" jsonschema:"enum=general,enum=major"`
	Source       string     `json:"source,omitempty" form:"source" jsonschema:"description=defaults by the reporter's place: self_inspection for an enterprise, grid_patrol for a patroller or a village, supervision_group for a leader, department_inspection (a supervising authority's inspection: a department, a town, the safety office) otherwise"`
	GridID       db.ID      `json:"grid_id" form:"grid_id"`
	EnterpriseID *db.ID     `json:"enterprise_id,omitempty" form:"enterprise_id" jsonschema:"description=the enterprise where it was found: in the caller's scope and in the grid's village (or community)"`
	RiskPointID  *db.ID     `json:"risk_point_id,omitempty" form:"risk_point_id" jsonschema:"description=a risk point of that enterprise where the hazard was found"`
	Place        string     `json:"place,omitempty" form:"place"`
	Address      string     `json:"address,omitempty" form:"address"`
	FoundAt      *time.Time `json:"found_at,omitempty" form:"found_at" jsonschema:"description=defaults to now"`
	Photos       []db.ID    `json:"photos,omitempty" jsonschema:"description=attachment ids of photos taken when found"`
}

// UpdateInput corrects a hazard while it is still reported (nil fields unchanged).
type UpdateInput struct {
	Title        *string `json:"title,omitempty"`
	Description  *string `json:"description,omitempty"`
	Category     *string `json:"category,omitempty"`
	Industry     *string `json:"industry,omitempty"`
	Grade        *string `json:"grade,omitempty"`
	Place        *string `json:"place,omitempty"`
	Address      *string `json:"address,omitempty"`
	EnterpriseID *db.ID  `json:"enterprise_id,omitempty" jsonschema:"nullable,description=the enterprise where it was found (in the caller's scope and the hazard's village or community); null removes it when a place is named"`
	// ClearEnterprise is an explicit "enterprise_id": null: the hazard is at no enterprise.
	ClearEnterprise bool `json:"-"`
}

// UnmarshalJSON decodes like the plain struct (unknown fields refused) and reads an
// explicit "enterprise_id": null as ClearEnterprise.
func (in *UpdateInput) UnmarshalJSON(b []byte) error {
	type plain UpdateInput
	var err error
	in.ClearEnterprise, err = decodeWithNull(b, (*plain)(in), "enterprise_id")
	return err
}

// Event is one step of a hazard's history.
type Event struct {
	ID          db.ID            `json:"id"`
	At          time.Time        `json:"at"`
	ActorID     *db.ID           `json:"actor_id" jsonschema:"nullable"`
	ActorName   string           `json:"actor_name"`
	Action      string           `json:"action"`
	From        string           `json:"from"`
	To          string           `json:"to"`
	Comment     string           `json:"comment"`
	Data        map[string]any   `json:"data"`
	Attachments []EventAttachent `json:"attachments"`
}

// EventAttachent is an attachment added by a step.
type EventAttachent struct {
	ID          db.ID  `json:"id"`
	Kind        string `json:"kind" jsonschema:"enum=found,enum=evidence,enum=acceptance"`
	ContentType string `json:"content_type"`
	Name        string `json:"name"`
	URL         string `json:"url"`
}

// AttachmentLinker claims uploaded attachments for a hazard inside the hazard's
// transaction: the web kit's Linker, which the attachment capability implements.
type AttachmentLinker = web.Linker

// EnterpriseRef is what the hazard loop needs to know about an enterprise.
type EnterpriseRef struct {
	ID         db.ID
	Name       string
	CreditCode string
	GridID     db.ID
	GridName   string // in FindEnterprises' answers only
	Industry   string
	Path       string // the org_path of its village (or community), as a hazard's
}

// EnterpriseSearch asks for the enterprises where a hazard of one village (or
// community) may be: those whose org_path is Path, the enterprises of Grid first, whose
// name or credit code contains Q (all when empty), at most Limit.
type EnterpriseSearch struct {
	Path  string
	Grid  db.ID
	Q     string
	Limit int
}

// Enterprises looks enterprises up within a scope (the enterprise capability implements
// it; without it, hazards are registered at public places only).
type Enterprises interface {
	Enterprise(ctx context.Context, q db.Querier, sc auth.Scope, id db.ID) (EnterpriseRef, error)
	// FindEnterprises lists the enterprises of sc matching s, by name; more is true when
	// there are more than s.Limit.
	FindEnterprises(ctx context.Context, sc auth.Scope, s EnterpriseSearch) (refs []EnterpriseRef, more bool, err error)
}

// Config holds the escalation timing.
type Config struct {
	RemindBefore time.Duration // reminder to the owner this long before the deadline (72 h)
	LeaderAfter  time.Duration // notice to the leader in charge this long after it (7 days)
	ScanEvery    time.Duration // how often the escalation job looks (5 min)
}

// DefaultConfig is the escalation timing unless flags say otherwise.
func DefaultConfig() Config {
	return Config{RemindBefore: 72 * time.Hour, LeaderAfter: 7 * 24 * time.Hour, ScanEvery: 5 * time.Minute}
}

// Module is the hazard capability.
type Module struct {
	kit.Deps
	Notify      *notify.Service
	Attachments AttachmentLinker
	Enterprises Enterprises // optional
	Cfg         Config
	// OnChange, when set, is called inside the transaction of any change to a hazard of
	// an enterprise (the enterprise capability recolors it).
	OnChange func(ctx context.Context, tx *db.Tx, enterprise db.ID) error
	// Uploader stores the files sent with the page forms (pages_upload.go); without it,
	// the forms accept only files uploaded beforehand through the attachment API.
	Uploader web.Uploader
}
