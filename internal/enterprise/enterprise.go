// Package enterprise is the enterprise registry (一企一档) and three-color management
// (三色管理): every enterprise has one file, with its accounts, documents and
// supervision visits; explicit, versioned rules over its facts (accidents, open major
// hazards, overdue hazards, failed rectification, penalties, standardization,
// uncontrolled major risk points) classify it green, yellow or red, with the reasons
// shown; a red enterprise meets joint constraints (licensing, project approval, credit,
// insurance, awards); inspections follow the color (分类指导).
//
// The capabilities kept about an enterprise live beside it and use it through small
// interfaces of their own: riskpoint (风险分级管控), selfinspect (自查自报) and
// enforcement (the ladder, the joint-constraint list, incentives). They ask the registry
// for an enterprise in the caller's scope (Get, Writable, ScopeWhere), tell it to
// recolor one after a change (Recolor), and show their records on its pages (AddPart).
// The registry reads their tables only as the facts of the color rules (facts.go), and
// never imports them.
package enterprise

import (
	"context"
	"embed"
	"html/template"
	"net/http"
	"time"

	"github.com/safeduty/safeduty/internal/hazard"
	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
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

// Colors.
const (
	Green  = "green"
	Yellow = "yellow"
	Red    = "red"
)

// rank orders colors from best to worst.
func rank(c string) int {
	switch c {
	case Red:
		return 2
	case Yellow:
		return 1
	}
	return 0
}

// Scales, standardization grades and statuses.
var (
	Scales         = []string{"large", "medium", "small", "micro"}
	StandardGrades = []string{"level1", "level2", "level3", "none"}
	Statuses       = []string{"operating", "suspended", "closed"}
	// Measures are the joint constraints a red enterprise meets (激励约束).
	Measures = []string{"licensing", "project_approval", "credit", "insurance", "awards"}
)

// Permissions.
var (
	// PermWrite registers and edits enterprises (and imports them).
	PermWrite = auth.NewPermission("enterprise.write", auth.Admin, auth.SafetyOffice, auth.Department, auth.Town)
	// PermEnforce records enforcement steps and supervision visits.
	PermEnforce = auth.NewPermission("enterprise.enforce", auth.SafetyOffice, auth.Department, auth.Town)
	// PermRules changes the color rules.
	PermRules = auth.NewPermission("enterprise.rules", auth.SafetyOffice)
	// PermContact sees safety managers' full phone numbers (each look is audited).
	PermContact = auth.NewPermission("enterprise.contact", auth.SafetyOffice, auth.Department, auth.Town)
)

// Enterprise is one enterprise's file.
type Enterprise struct {
	ID                db.ID      `json:"id"`
	Name              string     `json:"name"`
	CreditCode        string     `json:"credit_code"`
	Industry          string     `json:"industry"`
	GridID            db.ID      `json:"grid_id"`
	GridCode          string     `json:"grid_code"`
	VillageName       string     `json:"village_name"`
	TownID            db.ID      `json:"town_id"`
	TownName          string     `json:"town_name"`
	Address           string     `json:"address"`
	Scale             string     `json:"scale" jsonschema:"enum=large,enum=medium,enum=small,enum=micro"`
	LegalRep          string     `json:"legal_rep"`
	SafetyManager     string     `json:"safety_manager"`
	SafetyPhone       string     `json:"safety_phone" jsonschema:"description=masked unless revealed"`
	StandardGrade     string     `json:"standard_grade" jsonschema:"enum=level1,enum=level2,enum=level3,enum=none"`
	Status            string     `json:"status" jsonschema:"enum=operating,enum=suspended,enum=closed"`
	Color             string     `json:"color" jsonschema:"enum=green,enum=yellow,enum=red"`
	ColorSince        time.Time  `json:"color_since"`
	Reasons           []Reason   `json:"reasons"`
	LastInspectedAt   *time.Time `json:"last_inspected_at" jsonschema:"nullable"`
	NextInspectionAt  *time.Time `json:"next_inspection_at" jsonschema:"nullable"`
	InspectionOverdue bool       `json:"inspection_overdue"`
	ClosureFlagged    bool       `json:"closure_flagged" jsonschema:"description=failed or refused rectification after ordered suspension: flagged for a closure proposal"`
	OpenHazards       int        `json:"open_hazards"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`

	Path string `json:"-"`
}

// Reason is one rule that fired, with its text in the reader's language.
type Reason struct {
	Rule string         `json:"rule"`
	Text string         `json:"text"`
	Key  string         `json:"-"`
	Args map[string]any `json:"-"`
}

// Filter selects enterprises.
type Filter struct {
	Color         []string `query:"color" enum:"green,yellow,red" doc:"one or more colors, comma-separated"`
	Status        string   `query:"status" enum:"operating,suspended,closed"`
	Industry      string   `query:"industry"`
	TownID        *db.ID   `query:"town_id"`
	VillageID     *db.ID   `query:"village_id"`
	GridID        *db.ID   `query:"grid_id"`
	Scale         string   `query:"scale" enum:"large,medium,small,micro"`
	StandardGrade string   `query:"standard_grade" enum:"level1,level2,level3,none"`
	DueWithinDays *int     `query:"due_within_days" doc:"next inspection due within this many days (0: already overdue)"`
	DepartmentID  *db.ID   `query:"department_id" doc:"enterprises of the industries this department supervises"`
	Flagged       *bool    `query:"closure_flagged"`
	Q             string   `query:"q" doc:"name or credit code contains"`
}

// Input creates an enterprise (required fields) or updates one (nil fields unchanged).
type Input struct {
	Name          *string `json:"name,omitempty" form:"name"`
	CreditCode    *string `json:"credit_code,omitempty" form:"credit_code"`
	Industry      *string `json:"industry,omitempty" form:"industry"`
	GridID        *db.ID  `json:"grid_id,omitempty" form:"grid_id"`
	Address       *string `json:"address,omitempty" form:"address"`
	Scale         *string `json:"scale,omitempty" form:"scale"`
	LegalRep      *string `json:"legal_rep,omitempty" form:"legal_rep"`
	SafetyManager *string `json:"safety_manager,omitempty" form:"safety_manager"`
	SafetyPhone   *string `json:"safety_phone,omitempty" form:"safety_phone"`
	StandardGrade *string `json:"standard_grade,omitempty" form:"standard_grade"`
	Status        *string `json:"status,omitempty" form:"status" jsonschema:"description=closing goes through the enforcement ladder; set operating/suspended here only to correct"`
}

// Module is the enterprise capability.
type Module struct {
	kit.Deps
	Hazards Hazards
	// Auth creates enterprise accounts.
	Auth *auth.Service
	// Attachments claims uploads for the documents of an enterprise's file, and Uploader
	// stores the files its page forms send (nil: the forms refuse files).
	Attachments web.Linker
	Uploader    web.Uploader
	// Facts from other capabilities (e.g. fatal accidents) by fact name.
	Facts map[string]FactSource

	// What Pages sets up: the site, the file's templates and the parts other
	// capabilities add to the enterprise's pages.
	site  *web.Site
	pages pageTemplates
	parts []Part
}

// Keeper is what a capability that keeps records about enterprises asks of the registry
// at the least: an enterprise in the caller's scope, its color again after a change, a
// place on its pages. Each declares its own Registry interface around it, with what else
// it needs; *Module implements them all.
type Keeper interface {
	Get(ctx context.Context, q db.Querier, p *auth.Principal, id db.ID, reveal bool) (Enterprise, error)
	Recolor(ctx context.Context, tx *db.Tx, cause string, ids ...db.ID) (int, error)
	AddPart(p Part)
}

// Hazards is what the registry asks of the hazard capability: an enterprise's hazards
// for its file and its home panel, and the industries and grids its forms offer.
type Hazards interface {
	List(ctx context.Context, p *auth.Principal, f hazard.Filter, lp api.ListParams, each func(hazard.Hazard) error) (int, error)
	Industries(ctx context.Context, sc auth.Scope) ([]string, error)
	GridChoices(ctx context.Context, p *auth.Principal, town *db.ID) ([]hazard.Choice, []hazard.ChoiceGroup, bool, error)
}

// A Part is a block another capability shows on an enterprise's pages: a section of its
// one-page file (its enforcement steps, risk points, self-inspections), or a call to
// action or a figure on the home panel of the enterprise's own account.
type Part struct {
	Slot  Slot
	Order int // the place among the slot's blocks, the registry's own included
	// Template executes Name with the Data result as a web.View's Data (the page's
	// token, user and language come with it).
	Template *template.Template
	Name     string
	Data     func(r *http.Request, v PartView) (any, error)
}

// Slot names where on an enterprise's pages a Part goes.
type Slot string

// The slots of the enterprise's pages.
const (
	// SlotFile is a section of the file's main column. The registry's own: the hazards
	// (10), the supervision visits (30), the documents (60) and the color history (70).
	SlotFile Slot = "file"
	// SlotPortalAction is a call to action on an enterprise account's home panel, above
	// its figures.
	SlotPortalAction Slot = "portal-action"
	// SlotPortalFigure is a figure after the panel's own (hazards open and overdue, the
	// next inspection).
	SlotPortalFigure Slot = "portal-figure"
)

// PartView is what a part knows of the page it is on.
type PartView struct {
	E    Enterprise
	Self bool // the viewer is the enterprise's own account
	// Refused is the form a capability's handler sent back to the file with RenderFile
	// (nil otherwise): the part that owns it shows it open, with its errors.
	Refused *Refused
}

// Refused is a form of an enterprise's file that was refused: Part names the part that
// shows it (the Name of its Part) and Form is that part's own state of it; Message,
// when set, stands above the page (a refusal no field explains).
type Refused struct {
	Part    string
	Form    any
	Message string
}
