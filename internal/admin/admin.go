// Package admin is platform administration: user accounts (create, roles, disable,
// password reset, unlock) and the audit log viewer.
package admin

import (
	"embed"
	"encoding/json"
	"time"

	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/web"
)

//go:embed messages/*.json
var messages embed.FS

//go:embed templates/*.html
var templates embed.FS

func init() { i18n.MustRegister(messages, "messages") }

// Module serves user administration and the audit log.
type Module struct {
	DB   *db.DB
	Auth *auth.Service
	Site *web.Site
}

// User is an account as administrators see it.
type User struct {
	ID                 db.ID       `json:"id"`
	Username           string      `json:"username"`
	DisplayName        string      `json:"display_name"`
	OrgID              db.ID       `json:"org_id"`
	OrgName            string      `json:"org_name"`
	PersonID           *db.ID      `json:"person_id" jsonschema:"nullable,description=the person record (人员) the account belongs to; a leader's in-charge industries and escalation notices follow it"`
	PersonName         string      `json:"person_name" jsonschema:"description=the linked person's name; empty without one"`
	Roles              []auth.Role `json:"roles"`
	Lang               string      `json:"lang"`
	Disabled           bool        `json:"disabled"`
	MustChangePassword bool        `json:"must_change_password"`
	LockedUntil        *time.Time  `json:"locked_until" jsonschema:"nullable,description=set while sign-in is locked after repeated failures"`
	LastLoginAt        *time.Time  `json:"last_login_at" jsonschema:"nullable"`
	CreatedAt          time.Time   `json:"created_at"`
	UpdatedAt          time.Time   `json:"updated_at"`

	path string
}

// UserFilter selects users.
type UserFilter struct {
	Role     string `query:"role" enum:"admin,safety_office,leader,department,town,village,patroller,enterprise,reader" doc:"users holding this role"`
	OrgID    *db.ID `query:"org_id" doc:"users bound to this node"`
	Under    *db.ID `query:"under" doc:"users bound anywhere below this node"`
	Disabled *bool  `query:"disabled" doc:"true: disabled accounts only"`
	Locked   *bool  `query:"locked" doc:"true: accounts locked after failed sign-ins"`
	Q        string `query:"q" doc:"username or name contains"`
}

// PasswordReset is the body of a password reset.
type PasswordReset struct {
	Password string `json:"password" form:"password"`
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	ID         db.ID           `json:"id"`
	At         time.Time       `json:"at"`
	UserID     *db.ID          `json:"user_id" jsonschema:"nullable"`
	Username   string          `json:"username"`
	IP         string          `json:"ip"`
	UserAgent  string          `json:"user_agent"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	Result     string          `json:"result" jsonschema:"enum=ok,enum=denied,enum=failed,enum=error"`
	Status     int             `json:"status"`
	Detail     json.RawMessage `json:"detail" jsonschema:"type=object"`
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	Username   string     `query:"username" doc:"the acting user"`
	Action     string     `query:"action" doc:"action, or its prefix ending in '.' (e.g. grid.)"`
	ObjectType string     `query:"object_type"`
	ObjectID   string     `query:"object_id"`
	Result     string     `query:"result" enum:"ok,denied,failed,error"`
	IP         string     `query:"ip"`
	From       *time.Time `query:"from" doc:"at or after (date or RFC 3339)"`
	To         *time.Time `query:"to" doc:"before (date or RFC 3339); a date includes that whole day"`
}
