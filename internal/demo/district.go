package demo

import (
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// District describes the demo district that Build created: every node, person, grid and
// user with its id, so that later steps (enterprises, hazards, meetings …) can attach
// their records to the right places without querying the tree again.
type District struct {
	Node
	Bodies      []*Unit       // the four leadership bodies: 区委, 区政府, 区人大常委会, 区政协
	Departments []*Unit       // district departments (区级部门), the safety office first
	Towns       []*Town       // towns and streets in code order
	Villages    []*Village    // every village and community, in code order
	Grids       []*Grid       // every grid, in code order
	People      []*Person     // everyone, in creation order
	Secretary   *Person       // 区委书记
	Mayor       *Person       // 区长
	Deputies    []*Person     // 常务副区长 first, then the 副区长; each in charge of industries
	Users       []*User       // demo accounts, in creation order
	Enterprises []*Enterprise // every enterprise, in id order
	byUsername  map[string]*User
	bodyByCat   map[string]*Unit
	deptBySlug  map[string]*Unit
}

// Node is a node of the organization tree as created: its id, place and names.
type Node struct {
	ID        db.ID
	Parent    *Node
	Kind      string // district, town, village, unit
	Category  string
	Name      string
	ShortName string
	Code      string
	Path      string // materialized path "/1/5/23/", set once the node is stored
	Depth     int
	SortOrder int
}

// Unit is a unit (单位) that holds duties: a leadership body, a department or a town
// government.
type Unit struct {
	Node
	Slug        string   // departments: the English short name (construction, education …)
	Industries  []string // industries the unit supervises (departments only)
	Head        *Person  // the main leader (主要负责人)
	SafetyChief *Person  // the head of its safety section (departments only)
}

// Town is a town (镇) or street (街道) with its government unit and leaders.
type Town struct {
	Node
	Street       bool
	Gov          *Unit   // 镇人民政府 / 街道办事处, a unit under the town
	Secretary    *Person // 党委书记 / 党工委书记
	Head         *Person // 镇长 / 街道办事处主任, main leader of Gov
	SafetyDeputy *Person // the deputy in charge of safety (分管安全)
	Villages     []*Village
	Grids        int // grids in the town
}

// Village is a village (村) or community (社区) with its patroller and grids.
type Village struct {
	Node
	Town      *Town
	Community bool
	Head      *Person // 村委会主任 / 社区居委会主任
	Patroller *Person // the village's one safety patroller (安全巡查员)
	Grids     []*Grid
	weight    int // relative size, for sharing out the grids
}

// Grid is a grid (网格), patrolled by its village's patroller.
type Grid struct {
	ID      db.ID
	Code    string
	Name    string
	Village *Village
}

// Person is someone who holds posts in the demo district.
type Person struct {
	ID       db.ID
	Name     string
	Gender   string // male, female
	Phone    string
	Org      *Node // where the person belongs (people.org_id)
	Posts    []Post
	InCharge []string // industries the person is in charge of (分管)
}

// Post is a position a person holds in a unit (职务).
type Post struct {
	Org        *Node
	Title      string
	Kind       string // the kind of post its duty list is drawn from (org.PostKinds), or ""
	MainLeader bool
	Rank       int
}

// User is a demo account. All share the demo password.
type User struct {
	ID          db.ID
	Username    string
	DisplayName string
	Org         *Node
	Person      *Person // nil for accounts of an office rather than of a person
	Roles       []auth.Role
}

// Body returns the leadership body of category (party_committee, government, congress,
// cppcc), or nil.
func (d *District) Body(category string) *Unit { return d.bodyByCat[category] }

// Department returns the department with slug (construction, education …), or nil.
func (d *District) Department(slug string) *Unit { return d.deptBySlug[slug] }

// SafetyOffice returns the safety office (区应急管理局（区安委办）).
func (d *District) SafetyOffice() *Unit { return d.deptBySlug[safetyOffice] }

// User returns the demo account named username, or nil.
func (d *District) User(username string) *User { return d.byUsername[username] }

// DepartmentsFor returns the departments supervising industry.
func (d *District) DepartmentsFor(industry string) []*Unit {
	var out []*Unit
	for _, u := range d.Departments {
		for _, i := range u.Industries {
			if i == industry {
				out = append(out, u)
			}
		}
	}
	return out
}

// DeputyFor returns the deputy head in charge of industry, or nil.
func (d *District) DeputyFor(industry string) *Person {
	for _, p := range d.Deputies {
		for _, i := range p.InCharge {
			if i == industry {
				return p
			}
		}
	}
	return nil
}
