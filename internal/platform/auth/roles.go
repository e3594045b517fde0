package auth

import "sort"

// Role is what a user does in SafeDuty; a user holds one or more, bound to an org node.
type Role string

// The roles of SPEC.md §2.
const (
	Admin        Role = "admin"         // platform administrator (平台管理员)
	SafetyOffice Role = "safety_office" // 安委会办公室 / 应急管理局
	Leader       Role = "leader"        // 区委书记、区长及分管领导
	Department   Role = "department"    // 行业部门
	Town         Role = "town"          // 镇街
	Village      Role = "village"       // 村(社区)
	Patroller    Role = "patroller"     // 安全巡查员 / 网格员
	Enterprise   Role = "enterprise"    // 企业安全管理人员
	Reader       Role = "reader"        // 人大 / 政协 members: read access to their scope
)

// AllRoles lists every role in display order.
var AllRoles = []Role{Admin, SafetyOffice, Leader, Department, Town, Village, Patroller, Enterprise, Reader}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range AllRoles {
		if x == r {
			return true
		}
	}
	return false
}

// MessageKey is the catalog key of the role's display name.
func (r Role) MessageKey() string { return "role." + string(r) }

// Permission is something a role may do. Capabilities declare their permissions next to
// the code that checks them, naming the roles that hold them.
type Permission struct {
	Name  string
	roles map[Role]bool
}

var permissions = map[string]Permission{}

// NewPermission declares a permission held by roles. Declaring a name twice panics.
func NewPermission(name string, roles ...Role) Permission {
	if _, dup := permissions[name]; dup {
		panic("auth: permission declared twice: " + name)
	}
	p := Permission{Name: name, roles: map[Role]bool{}}
	for _, r := range roles {
		p.roles[r] = true
	}
	permissions[name] = p
	return p
}

// Roles lists the roles holding p, in display order.
func (p Permission) Roles() []Role {
	var out []Role
	for _, r := range AllRoles {
		if p.roles[r] {
			out = append(out, r)
		}
	}
	return out
}

// Permissions lists every declared permission name, sorted.
func Permissions() []string {
	out := make([]string, 0, len(permissions))
	for n := range permissions {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Platform permissions.
var (
	// PermUserAdmin manages user accounts.
	PermUserAdmin = NewPermission("user.admin", Admin)
	// PermAuditRead reads the audit log.
	PermAuditRead = NewPermission("audit.read", Admin, SafetyOffice)
)
