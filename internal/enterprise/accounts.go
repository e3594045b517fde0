package enterprise

import (
	"context"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// Account is a user account bound to an enterprise (its safety managers): role
// enterprise, at the enterprise's village, seeing only its own enterprise.
type Account struct {
	ID                 db.ID      `json:"id"`
	Username           string     `json:"username"`
	DisplayName        string     `json:"display_name"`
	Disabled           bool       `json:"disabled"`
	MustChangePassword bool       `json:"must_change_password"`
	LastLoginAt        *time.Time `json:"last_login_at" jsonschema:"nullable"`
	CreatedAt          time.Time  `json:"created_at"`
}

// AccountInput creates an enterprise account. The password follows the platform's
// rules and must be changed at the first sign-in.
type AccountInput struct {
	Username    string `json:"username" form:"username"`
	DisplayName string `json:"display_name" form:"display_name"`
	Password    string `json:"password" form:"password"`
	Lang        string `json:"lang,omitempty" jsonschema:"enum=zh,enum=en"`
}

var accountSorting = api.Sorting{
	Columns:  map[string]string{"username": "u.username", "display_name": "u.display_name", "created_at": "u.created_at", "last_login_at": "u.last_login_at"},
	Default:  "username",
	Tiebreak: "u.id",
}

var accountExport = api.Export[Account]{Name: "enterprise.export_accounts", Columns: []api.Column[Account]{
	{Header: "enterprise.account.field.username", Value: func(a Account) any { return a.Username }, Width: 16},
	{Header: "enterprise.account.field.display_name", Value: func(a Account) any { return a.DisplayName }, Width: 16},
	{Header: "enterprise.account.field.disabled", Value: func(a Account) any { return a.Disabled }, Width: 8},
	{Header: "enterprise.account.field.must_change_password", Value: func(a Account) any { return a.MustChangePassword }, Width: 12},
	{Header: "enterprise.account.field.last_login_at", Value: func(a Account) any { return a.LastLoginAt }, Width: 17},
	{Header: "enterprise.account.field.created_at", Value: func(a Account) any { return a.CreatedAt }, Width: 17},
}}

// canManageAccounts: users who may edit enterprises, and user administrators.
func canManageAccounts(p *auth.Principal) bool {
	return p.Can(PermWrite) || p.Can(auth.PermUserAdmin)
}

// accountsOf returns an enterprise in scope whose accounts the caller may manage.
// Errors: Forbidden (first: it says nothing about the enterprise), NotFound.
func (m *Module) accountsOf(ctx context.Context, q db.Querier, p *auth.Principal, entID db.ID) (Enterprise, error) {
	if !canManageAccounts(p) {
		return Enterprise{}, apperr.Forbid()
	}
	return m.Get(ctx, q, p, entID, false)
}

// ListAccounts calls each for the accounts of an enterprise in the caller's scope.
// Errors: Forbidden, NotFound.
func (m *Module) ListAccounts(ctx context.Context, p *auth.Principal, entID db.ID, lp api.ListParams, each func(Account) error) (int, error) {
	if _, err := m.accountsOf(ctx, m.DB, p, entID); err != nil {
		return 0, err
	}
	lq := api.ListQuery{Select: `SELECT u.id, u.username, u.display_name, u.disabled, u.must_change_password, u.last_login_at, u.created_at
		FROM users u`, Count: `FROM users u`, Sorting: accountSorting}
	lq.Where.Add("u.enterprise_id = ?", entID)
	return api.QueryList(ctx, m.DB, lq, lp, func(s db.Scanner) (Account, error) {
		var a Account
		err := s.Scan(&a.ID, &a.Username, &a.DisplayName, &a.Disabled, &a.MustChangePassword, &a.LastLoginAt, &a.CreatedAt)
		return a, err
	}, each)
}

// users is the account service: creating a user needs only the database, the clock and
// the audit log, which the module holds.
func (m *Module) users() *auth.Service {
	if m.Auth != nil {
		return m.Auth
	}
	return &auth.Service{DB: m.DB, Clock: m.Clock, Audit: m.Audit}
}

// CreateAccount creates an account bound to an enterprise in the caller's scope: role
// enterprise, at the enterprise's village, a password to change at the first sign-in.
// Errors: Forbidden, NotFound, Invalid (the rules of auth.CreateUser; username taken).
func (m *Module) CreateAccount(ctx context.Context, p *auth.Principal, entID db.ID, in AccountInput) (db.ID, error) {
	var id db.ID
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		e, err := m.accountsOf(ctx, tx, p, entID)
		if err != nil {
			return err
		}
		var village db.ID
		if err := tx.QueryRow(ctx, `SELECT village_id FROM grids WHERE id = ?`, e.GridID).Scan(&village); err != nil {
			return err
		}
		must := true
		ui := auth.UserInput{Username: &in.Username, DisplayName: &in.DisplayName, Password: &in.Password, OrgID: &village,
			Roles: []auth.Role{auth.Enterprise}, MustChangePassword: &must}
		if in.Lang != "" {
			ui.Lang = &in.Lang
		}
		if id, err = m.users().CreateUser(ctx, tx, p, ui); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET enterprise_id = ? WHERE id = ?`, entID, id); err != nil {
			return err
		}
		if err := auth.UserChanged(ctx, tx, id); err != nil { // the principal's scope holds the enterprise
			return err
		}
		return m.Audit.Record(ctx, tx, audit.Entry{Action: "enterprise.account_create", ObjectType: "enterprise", ObjectID: entID.String(),
			Detail: map[string]any{"user_id": id.String(), "username": auth.NormalizeUsername(strings.TrimSpace(in.Username))}})
	})
	return id, err
}

// account returns one account of an enterprise.
func (m *Module) account(ctx context.Context, entID, id db.ID) (Account, error) {
	var a Account
	err := m.DB.QueryRow(ctx, `SELECT u.id, u.username, u.display_name, u.disabled, u.must_change_password, u.last_login_at, u.created_at
		FROM users u WHERE u.id = ? AND u.enterprise_id = ?`, id, entID).
		Scan(&a.ID, &a.Username, &a.DisplayName, &a.Disabled, &a.MustChangePassword, &a.LastLoginAt, &a.CreatedAt)
	if db.IsNoRows(err) {
		return a, apperr.NotFoundf("user")
	}
	return a, err
}
