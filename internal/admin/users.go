package admin

import (
	"context"
	"net/http"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

var userSorting = api.Sorting{
	Columns: map[string]string{
		"username": "u.username", "display_name": "u.display_name", "org": "o.name",
		"last_login_at": "u.last_login_at", "created_at": "u.created_at",
	},
	Default:  "username",
	Tiebreak: "u.id",
}

var userExport = api.Export[User]{Name: "admin.export.users", Columns: []api.Column[User]{
	{Header: "admin.field.username", Value: func(u User) any { return u.Username }, Width: 16},
	{Header: "admin.field.display_name", Value: func(u User) any { return u.DisplayName }, Width: 14},
	{Header: "admin.field.org", Value: func(u User) any { return u.OrgName }, Width: 26},
	{Header: "admin.field.person", Value: func(u User) any { return u.PersonName }, Width: 12},
	{Header: "admin.field.roles", Value: func(u User) any { return rolesText(u.Roles) }, Width: 24},
	{Header: "admin.field.disabled", Value: func(u User) any { return u.Disabled }, Width: 8},
	{Header: "admin.field.locked_until", Value: func(u User) any { return u.LockedUntil }, Width: 18},
	{Header: "admin.field.last_login_at", Value: func(u User) any { return u.LastLoginAt }, Width: 18},
}}

// rolesText names the roles in the reader's language.
func rolesText(roles []auth.Role) i18n.Keys {
	keys := make(i18n.Keys, len(roles))
	for i, r := range roles {
		keys[i] = i18n.Key(r.MessageKey())
	}
	return keys
}

func userSelect(e db.Engine) string {
	return `SELECT u.id, u.username, u.display_name, u.org_id, o.name, u.person_id, COALESCE(pe.name, ''), u.lang, u.disabled, u.must_change_password,
		lt.locked_until, u.last_login_at, u.created_at, u.updated_at, u.org_path,
		COALESCE((SELECT ` + e.StringAgg("ur.role", ",") + ` FROM user_roles ur WHERE ur.user_id = u.id), '')
		FROM users u JOIN orgs o ON o.id = u.org_id LEFT JOIN people pe ON pe.id = u.person_id
		LEFT JOIN login_throttle lt ON lt.username = u.username AND lt.locked_until > ?`
}

func scanUser(s db.Scanner) (User, error) {
	var u User
	var roles string
	err := s.Scan(&u.ID, &u.Username, &u.DisplayName, &u.OrgID, &u.OrgName, db.NullID{P: &u.PersonID}, &u.PersonName, &u.Lang, &u.Disabled,
		&u.MustChangePassword, &u.LockedUntil, &u.LastLoginAt, &u.CreatedAt, &u.UpdatedAt, &u.path, &roles)
	u.Roles = []auth.Role{}
	for _, r := range strings.Split(roles, ",") {
		if r != "" {
			u.Roles = append(u.Roles, auth.Role(r))
		}
	}
	return u, err
}

// ListUsers calls each for the users in scope matching f.
func (m *Module) ListUsers(ctx context.Context, sc auth.Scope, f UserFilter, lp api.ListParams, each func(User) error) (int, error) {
	now := m.Auth.Clock.Now()
	var w db.Where
	w.AddCond(sc.PathCond("u.org_path"))
	if f.Role != "" {
		w.Add("EXISTS (SELECT 1 FROM user_roles ur WHERE ur.user_id = u.id AND ur.role = ?)", f.Role)
	}
	w.Eq("u.org_id", f.OrgID)
	if f.Under != nil {
		var path string
		err := m.DB.QueryRow(ctx, `SELECT path FROM orgs WHERE id = ?`, *f.Under).Scan(&path)
		if err != nil && !db.IsNoRows(err) {
			return 0, err
		}
		if path == "" || !sc.Contains(path) {
			w.Add("1 = 0")
		} else {
			lo, hi := db.PrefixRange(path)
			w.Add("u.org_path >= ? AND u.org_path < ?", lo, hi)
		}
	}
	w.Eq("u.disabled", f.Disabled)
	w.Bool(f.Locked, "lt.locked_until IS NOT NULL", "lt.locked_until IS NULL")
	w.AddCond(m.DB.Engine().ContainsAny(f.Q, "u.username", "u.display_name"))
	lq := api.ListQuery{Select: userSelect(m.DB.Engine()), Args: []any{now},
		Count: `FROM users u LEFT JOIN login_throttle lt ON lt.username = u.username AND lt.locked_until > ?`, Where: w, Sorting: userSorting}
	return api.QueryList(ctx, m.DB, lq, lp, scanUser, each)
}

// GetUser returns a user in scope. Errors: NotFound.
func (m *Module) GetUser(ctx context.Context, sc auth.Scope, id db.ID) (User, error) {
	u, err := scanUser(m.DB.QueryRow(ctx, userSelect(m.DB.Engine())+` WHERE u.id = ?`, m.Auth.Clock.Now(), id))
	if db.IsNoRows(err) || (err == nil && !sc.Contains(u.path)) {
		return User{}, apperr.NotFoundf("user")
	}
	return u, err
}

// Routes registers the user and audit API.
func (m *Module) Routes(r *api.Registry) {
	perm := &auth.PermUserAdmin
	r.Add(api.Route{Method: "GET", Path: "/api/v1/users", ID: "listUsers", Tag: "admin", Summary: "List user accounts in scope",
		Perm: perm, Params: UserFilter{}, Response: User{}, List: true, Sorts: userSorting.Fields(),
		Handler: api.ListHandler(userSorting, userExport, m.ListUsers)})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/users/{id}", ID: "getUser", Tag: "admin", Summary: "Get one user account",
		Perm: perm, Object: "user", Response: User{}, Handler: api.GetHandler("user", m.getUser)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/users", ID: "createUser", Tag: "admin", Summary: "Create a user account",
		Perm: perm, Body: auth.UserInput{}, Response: User{}, Status: http.StatusCreated, Handler: api.NewHandler(m.createUser, m.getUser, "/api/v1/users/")})
	r.Add(api.Route{Method: "PATCH", Path: "/api/v1/users/{id}", ID: "updateUser", Tag: "admin", Summary: "Update a user account (name, org, roles, disabled, language)",
		Perm: perm, Object: "user", Body: auth.UserInput{}, Response: User{}, Handler: api.ChangeHandler("user", m.updateUser, m.getUser)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/users/{id}/password", ID: "resetUserPassword", Tag: "admin", Summary: "Reset a user's password (the user must change it at next sign-in)",
		Perm: perm, Object: "user", Body: PasswordReset{}, Status: http.StatusNoContent, Handler: m.apiResetPassword})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/users/{id}/unlock", ID: "unlockUser", Tag: "admin", Summary: "Clear a sign-in lock",
		Perm: perm, Object: "user", Response: User{}, Handler: m.apiUnlock})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/audit", ID: "listAudit", Tag: "admin", Summary: "Read the audit log (append-only)",
		Perm: &auth.PermAuditRead, Params: AuditFilter{}, Response: AuditEntry{}, List: true, Sorts: auditSorting.Fields(),
		Handler: api.ListHandler(auditSorting, auditExport, m.ListAudit)})
}

// getUser reads a user in the caller's scope (api.Reader).
func (m *Module) getUser(ctx context.Context, p *auth.Principal, id db.ID) (User, error) {
	return m.GetUser(ctx, p.Scope, id)
}

func (m *Module) createUser(ctx context.Context, p *auth.Principal, in auth.UserInput) (id db.ID, err error) {
	err = m.DB.Tx(ctx, func(tx *db.Tx) error {
		id, err = m.Auth.CreateUser(ctx, tx, p, in)
		return err
	})
	return id, err
}

func (m *Module) updateUser(ctx context.Context, p *auth.Principal, id db.ID, in auth.UserInput) error {
	return m.DB.Tx(ctx, func(tx *db.Tx) error { return m.Auth.UpdateUser(ctx, tx, p, id, in) })
}

func (m *Module) apiResetPassword(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id", "user")
	if err != nil {
		return err
	}
	var in PasswordReset
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	p := auth.FromContext(r.Context())
	if err := m.DB.Tx(r.Context(), func(tx *db.Tx) error { return m.Auth.ResetPassword(r.Context(), tx, p, id, in.Password) }); err != nil {
		return err
	}
	return api.NoContent(w)
}

func (m *Module) apiUnlock(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id", "user")
	if err != nil {
		return err
	}
	p := auth.FromContext(r.Context())
	if err := m.DB.Tx(r.Context(), func(tx *db.Tx) error { return m.Auth.UnlockUser(r.Context(), tx, p, id) }); err != nil {
		return err
	}
	u, err := m.GetUser(r.Context(), p.Scope, id)
	if err != nil {
		return err
	}
	return api.JSON(w, http.StatusOK, u)
}
