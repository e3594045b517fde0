package auth

import (
	"context"

	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// Principal is the signed-in user of a request: who, with which roles, bound where, and
// the scope every query of the request is limited to.
type Principal struct {
	UserID             db.ID
	Username           string
	DisplayName        string
	Roles              []Role
	OrgID              db.ID
	OrgPath            string
	OrgName            string
	PersonID           *db.ID
	Lang               i18n.Lang
	MustChangePassword bool
	Scope              Scope

	SessionID   db.ID
	SessionKind string // "browser" or "api"
	CSRFToken   string
}

// UserRef is the user to store in a record's created_by (and similar) column: nil for
// the system, which is no user.
func (p *Principal) UserRef() *db.ID {
	if p == nil || p.UserID == 0 {
		return nil
	}
	id := p.UserID
	return &id
}

// Has reports whether the principal holds role.
func (p *Principal) Has(r Role) bool {
	if p == nil {
		return false
	}
	for _, x := range p.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Can reports whether any of the principal's roles holds perm.
func (p *Principal) Can(perm Permission) bool {
	if p == nil {
		return false
	}
	for _, r := range p.Roles {
		if perm.roles[r] {
			return true
		}
	}
	return false
}

type principalKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the request's principal, or nil when nobody is signed in.
func FromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// System is the principal of work done by the platform itself (bootstrap, demo, jobs):
// every scope, the admin role, audited as "system".
func System() *Principal {
	return &Principal{Username: "system", DisplayName: "system", Roles: []Role{Admin, SafetyOffice}, Scope: Scope{Path: "/", Whole: true}, Lang: i18n.Zh}
}
