// Package org owns the organization tree (区 → 镇/街道 → 村/社区, plus units: the four
// leadership bodies, departments, town governments), the grids (网格) with their
// patrollers, people with their posts (职务), the industries each department supervises
// and each leader is in charge of (分管), and the pages and API to browse and keep them.
//
// Every read is limited to the caller's auth.Scope: a town user sees its town's subtree;
// anything outside answers NotFound.
package org

import (
	"embed"
	"slices"
	"time"

	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/kit"
)

//go:embed messages/*.json
var messages embed.FS

//go:embed templates/*.html
var templates embed.FS

func init() { i18n.MustRegister(messages, "messages") }

// Kinds of org nodes (API.md).
const (
	KindDistrict = "district"
	KindTown     = "town"
	KindVillage  = "village"
	KindUnit     = "unit"
)

// Categories refine kinds: a town is a 镇 (town) or 街道 (street); a village a 村 or 社区;
// a unit one of the four leadership bodies, a department, or a town government.
var categoriesByKind = map[string][]string{
	KindDistrict: {"district"},
	KindTown:     {"town", "street"},
	KindVillage:  {"village", "community"},
	KindUnit:     {"party_committee", "government", "congress", "cppcc", "department", "town_government", "other"},
}

// parentKinds says under which kinds each kind may sit.
var parentKinds = map[string][]string{
	KindDistrict: {},
	KindTown:     {KindDistrict},
	KindVillage:  {KindTown},
	KindUnit:     {KindDistrict, KindTown},
}

// Permissions of this capability.
var (
	// PermWrite edits the tree, grids and people.
	PermWrite = auth.NewPermission("org.write", auth.Admin, auth.SafetyOffice)
	// PermContact reveals a person's full phone number (each reveal is audited).
	PermContact = auth.NewPermission("org.contact", auth.Admin, auth.SafetyOffice, auth.Leader, auth.Town)
)

// Org is a node of the organization tree.
type Org struct {
	ID         db.ID     `json:"id"`
	ParentID   *db.ID    `json:"parent_id" jsonschema:"nullable"`
	Kind       string    `json:"kind" jsonschema:"enum=district,enum=town,enum=village,enum=unit"`
	Category   string    `json:"category"`
	Name       string    `json:"name"`
	ShortName  string    `json:"short_name"`
	Code       string    `json:"code"`
	Depth      int       `json:"depth"`
	SortOrder  int       `json:"sort_order"`
	Phone      string    `json:"phone"`
	Address    string    `json:"address"`
	ParentName string    `json:"parent_name"`
	Children   int       `json:"children"`
	Grids      int       `json:"grids"`
	Industries []string  `json:"industries"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`

	Path string `json:"-"`
}

// OrgFilter selects orgs.
type OrgFilter struct {
	Kind     string `query:"kind" enum:"district,town,village,unit" doc:"node kind"`
	Category string `query:"category" doc:"town|street, village|community, party_committee|government|congress|cppcc|department|town_government|other"`
	ParentID *db.ID `query:"parent_id" doc:"direct children of this node"`
	Under    *db.ID `query:"under" doc:"every node below this one"`
	Industry string `query:"industry" doc:"departments supervising this industry"`
	Q        string `query:"q" doc:"name or code contains"`
}

// OrgInput creates an org (all required fields) or updates one (nil fields unchanged).
type OrgInput struct {
	ParentID   *db.ID    `json:"parent_id,omitempty"`
	Kind       *string   `json:"kind,omitempty"`
	Category   *string   `json:"category,omitempty"`
	Name       *string   `json:"name,omitempty" form:"name"`
	ShortName  *string   `json:"short_name,omitempty" form:"short_name"`
	Code       *string   `json:"code,omitempty" form:"code"`
	SortOrder  *int      `json:"sort_order,omitempty" form:"sort_order"`
	Phone      *string   `json:"phone,omitempty" form:"phone"`
	Address    *string   `json:"address,omitempty" form:"address"`
	Industries *[]string `json:"industries,omitempty" form:"industries"`
}

// Grid is a 网格, the smallest supervised area, patrolled by one patroller.
type Grid struct {
	ID             db.ID     `json:"id"`
	Code           string    `json:"code"`
	Name           string    `json:"name"`
	VillageID      db.ID     `json:"village_id"`
	VillageName    string    `json:"village_name"`
	TownID         db.ID     `json:"town_id"`
	TownName       string    `json:"town_name"`
	PatrollerID    *db.ID    `json:"patroller_id" jsonschema:"nullable"`
	PatrollerName  string    `json:"patroller_name"`
	PatrollerPhone string    `json:"patroller_phone" jsonschema:"description=masked"`
	Description    string    `json:"description"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`

	Path string `json:"-"`
}

// GridFilter selects grids.
type GridFilter struct {
	TownID       *db.ID `query:"town_id" doc:"grids of this town or street"`
	VillageID    *db.ID `query:"village_id" doc:"grids of this village or community"`
	PatrollerID  *db.ID `query:"patroller_id" doc:"grids patrolled by this person"`
	HasPatroller *bool  `query:"has_patroller" doc:"true: with a patroller; false: without"`
	Q            string `query:"q" doc:"code or name contains"`
}

// GridInput creates a grid or updates its code, name and description.
type GridInput struct {
	Code        *string `json:"code,omitempty"`
	Name        *string `json:"name,omitempty"`
	VillageID   *db.ID  `json:"village_id,omitempty"`
	PatrollerID *db.ID  `json:"patroller_id,omitempty"`
	Description *string `json:"description,omitempty"`
}

// PatrollerInput sets (or, with null, clears) the patroller of a grid.
type PatrollerInput struct {
	PatrollerID *db.ID `json:"patroller_id" form:"patroller_id"`
}

// Person is someone who holds posts: a leader, an official, a patroller.
type Person struct {
	ID        db.ID     `json:"id"`
	OrgID     db.ID     `json:"org_id"`
	OrgName   string    `json:"org_name"`
	Name      string    `json:"name"`
	Gender    string    `json:"gender" jsonschema:"enum=,enum=male,enum=female"`
	Phone     string    `json:"phone" jsonschema:"description=masked unless revealed"`
	Posts     []Post    `json:"posts"`
	InCharge  []string  `json:"in_charge" jsonschema:"description=industry codes this leader is in charge of (分管)"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`

	Path      string `json:"-"`
	PostsText string `json:"-"`
}

// Post is a position a person holds in a unit (职务).
type Post struct {
	ID           db.ID  `json:"id"`
	OrgID        db.ID  `json:"org_id"`
	OrgName      string `json:"org_name"`
	Title        string `json:"title"`
	Kind         string `json:"kind" jsonschema:"description=the kind of post its duty list template is drawn from (secretary, district_head, deputy_head, standing_member, congress_head, cppcc_head, department_head, town_secretary, town_head, town_deputy, school_head); empty for none"`
	IsMainLeader bool   `json:"is_main_leader" jsonschema:"description=the unit's main leader (主要负责人)"`
	Rank         int    `json:"rank"`
}

// PersonFilter selects people.
type PersonFilter struct {
	OrgID    *db.ID `query:"org_id" doc:"people attached to this node"`
	Under    *db.ID `query:"under" doc:"people anywhere below this node"`
	Industry string `query:"industry" doc:"leaders in charge of this industry"`
	Q        string `query:"q" doc:"name or post title contains"`
}

// PersonInput creates a person or replaces fields of one (nil unchanged).
type PersonInput struct {
	OrgID    *db.ID       `json:"org_id,omitempty"`
	Name     *string      `json:"name,omitempty"`
	Gender   *string      `json:"gender,omitempty"`
	Phone    *string      `json:"phone,omitempty"`
	Posts    *[]PostInput `json:"posts,omitempty"`
	InCharge *[]string    `json:"in_charge,omitempty"`
}

// PostInput is one post of a PersonInput.
type PostInput struct {
	OrgID        db.ID  `json:"org_id"`
	Title        string `json:"title"`
	Kind         string `json:"kind,omitempty" jsonschema:"description=secretary, district_head, deputy_head, standing_member, congress_head, cppcc_head, department_head, town_secretary, town_head, town_deputy or school_head; empty for none"`
	IsMainLeader bool   `json:"is_main_leader"`
	Rank         int    `json:"rank"`
}

// Industry is a 行业领域.
type Industry struct {
	Code   string `json:"code"`
	NameZh string `json:"name_zh"`
	NameEn string `json:"name_en"`
}

// Module wires the capability into the server.
type Module struct {
	kit.Deps
}

// PostKinds are the kinds of post a duty list template is drawn from (责任清单模板): the
// district's party secretary, district head, deputy heads in charge of industries, other
// standing committee members, the heads of the people's congress and the CPPCC, the
// department heads, each town's secretary, head and deputy in charge of safety, and the
// head of a school (whose duties include the "2530" safety talks).
var PostKinds = []string{"secretary", "district_head", "deputy_head", "standing_member", "congress_head", "cppcc_head",
	"department_head", "town_secretary", "town_head", "town_deputy", "school_head"}

// ValidPostKind reports whether k is a post kind or empty (a post without a template).
func ValidPostKind(k string) bool { return k == "" || slices.Contains(PostKinds, k) }
