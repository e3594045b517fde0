package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// UserInput is the data of a new user, or of an update (nil fields stay unchanged).
type UserInput struct {
	Username           *string `json:"username,omitempty" form:"username"`
	DisplayName        *string `json:"display_name,omitempty" form:"display_name"`
	Password           *string `json:"password,omitempty" form:"password"`
	OrgID              *db.ID  `json:"org_id,omitempty" form:"org_id"`
	PersonID           *db.ID  `json:"person_id,omitempty" form:"person_id" jsonschema:"nullable,description=the person record the account belongs to; null in an update removes the link"`
	Roles              []Role  `json:"roles,omitempty" form:"roles"`
	Lang               *string `json:"lang,omitempty"`
	Disabled           *bool   `json:"disabled,omitempty" form:"disabled,checkbox"`
	MustChangePassword *bool   `json:"must_change_password,omitempty"`
	PasswordHash       string  `json:"-"` // demo only: a precomputed hash instead of Password
	// UnlinkPerson (update only) removes the link to a person record; the page form
	// sets it when its person select is emptied.
	UnlinkPerson bool `json:"-"`
}

// UnmarshalJSON decodes like the plain struct (unknown fields refused) and reads an
// explicit "person_id": null as UnlinkPerson, the merge-patch way of removing a value.
func (in *UserInput) UnmarshalJSON(b []byte) error {
	type plain UserInput
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode((*plain)(in)); err != nil {
		return err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return err
	}
	raw, ok := fields["person_id"]
	in.UnlinkPerson = ok && string(bytes.TrimSpace(raw)) == "null"
	return nil
}

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,31}$`)

func (in *UserInput) validate(creating bool) *apperr.Validation {
	v := &apperr.Validation{}
	if creating || in.Username != nil {
		if in.Username == nil || strings.TrimSpace(*in.Username) == "" {
			v.Add("username", "validate.required", nil)
		} else if !usernameRE.MatchString(NormalizeUsername(*in.Username)) {
			v.Add("username", "validate.username", nil)
		}
	}
	if creating || in.DisplayName != nil {
		if in.DisplayName == nil || strings.TrimSpace(*in.DisplayName) == "" {
			v.Add("display_name", "validate.required", nil)
		} else if len([]rune(*in.DisplayName)) > 50 {
			v.Add("display_name", "validate.max_len", apperr.E{"max": 50})
		}
	}
	if creating && in.PasswordHash == "" {
		if in.Password == nil || *in.Password == "" {
			v.Add("password", "validate.required", nil)
		} else if key := CheckPasswordRules(*in.Password, deref(in.Username), deref(in.DisplayName)); key != "" {
			v.Add("password", key, nil)
		}
	}
	if creating && in.OrgID == nil {
		v.Add("org_id", "validate.required", nil)
	}
	if creating || in.Roles != nil {
		if len(in.Roles) == 0 {
			v.Add("roles", "validate.required", nil)
		}
		for _, r := range in.Roles {
			if !r.Valid() {
				v.Add("roles", "validate.one_of", apperr.E{"values": rolesList()})
				break
			}
		}
	}
	if in.Lang != nil && *in.Lang != string(i18n.Zh) && *in.Lang != string(i18n.En) {
		v.Add("lang", "validate.one_of", apperr.E{"values": "zh, en"})
	}
	return v
}

func rolesList() string {
	parts := make([]string, len(AllRoles))
	for i, r := range AllRoles {
		parts[i] = string(r)
	}
	return strings.Join(parts, ", ")
}

// orgPathIn returns the path of org id when it lies in scope; NotFound otherwise.
func orgPathIn(ctx context.Context, q db.Querier, sc Scope, id db.ID, field string) (string, error) {
	var path string
	err := q.QueryRow(ctx, `SELECT path FROM orgs WHERE id = ?`, id).Scan(&path)
	if db.IsNoRows(err) || (err == nil && !sc.Contains(path)) {
		v := apperr.Validation{}
		v.Add(field, "validate.unknown_ref", nil)
		return "", v.Err()
	}
	return path, err
}

// personIn checks that the person record id lies in the actor's scope; anything else is
// an unknown reference on field, as for an org.
func personIn(ctx context.Context, q db.Querier, sc Scope, id db.ID, field string) error {
	var path string
	err := q.QueryRow(ctx, `SELECT org_path FROM people WHERE id = ?`, id).Scan(&path)
	if db.IsNoRows(err) || (err == nil && !sc.Contains(path)) {
		v := apperr.Validation{}
		v.Add(field, "validate.unknown_ref", nil)
		return v.Err()
	}
	return err
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// checkUnitInPassword refuses a password that holds the name of the unit orgID (the
// rules of CheckPasswordRules that need no database have passed already).
func checkUnitInPassword(ctx context.Context, q db.Querier, password string, orgID db.ID, field string) error {
	var unit string
	if err := q.QueryRow(ctx, `SELECT name FROM orgs WHERE id = ?`, orgID).Scan(&unit); err != nil {
		return err
	}
	if key := CheckPasswordRules(password, unit); key != "" {
		v := apperr.Validation{}
		v.Add(field, key, nil)
		return v.Err()
	}
	return nil
}

// CreateUser adds a user inside the actor's scope and audits it.
//
// Errors: Invalid (field rules; username taken), NotFound-as-Invalid for an org outside
// the actor's scope.
func (s *Service) CreateUser(ctx context.Context, tx *db.Tx, actor *Principal, in UserInput) (db.ID, error) {
	v := in.validate(true)
	if err := v.Err(); err != nil {
		return 0, err
	}
	path, err := orgPathIn(ctx, tx, actor.Scope, *in.OrgID, "org_id")
	if err != nil {
		return 0, err
	}
	if in.PasswordHash == "" {
		if err := checkUnitInPassword(ctx, tx, *in.Password, *in.OrgID, "password"); err != nil {
			return 0, err
		}
	}
	if in.PersonID != nil {
		if err := personIn(ctx, tx, actor.Scope, *in.PersonID, "person_id"); err != nil {
			return 0, err
		}
	}
	hash := in.PasswordHash
	if hash == "" {
		if hash, err = HashPassword(*in.Password); err != nil {
			return 0, err
		}
	}
	lang := string(i18n.Zh)
	if in.Lang != nil {
		lang = *in.Lang
	}
	must := in.MustChangePassword != nil && *in.MustChangePassword
	now := s.Clock.Now()
	username := NormalizeUsername(*in.Username)
	var id db.ID
	err = tx.QueryRow(ctx, `INSERT INTO users
		(username, display_name, password_hash, org_id, org_path, person_id, lang, disabled, must_change_password, password_changed_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, FALSE, ?, ?, ?, ?) RETURNING id`,
		username, strings.TrimSpace(*in.DisplayName), hash, *in.OrgID, path, in.PersonID, lang, must, now, now, now).Scan(&id)
	if db.IsUnique(err) {
		v.Add("username", "validate.taken", nil)
		return 0, v.Err()
	}
	if db.IsForeignKey(err) {
		v.Add("person_id", "validate.unknown_ref", nil)
		return 0, v.Err()
	}
	if err != nil {
		return 0, err
	}
	if err := setRoles(ctx, tx, id, in.Roles); err != nil {
		return 0, err
	}
	return id, s.Audit.Record(ctx, tx, audit.Entry{Action: "user.create", ObjectType: "user", ObjectID: id.String(),
		Detail: map[string]any{"username": username, "roles": in.Roles, "org_id": in.OrgID.String()}})
}

func setRoles(ctx context.Context, tx *db.Tx, id db.ID, roles []Role) error {
	if _, err := tx.Exec(ctx, `DELETE FROM user_roles WHERE user_id = ?`, id); err != nil {
		return err
	}
	seen := map[Role]bool{}
	for _, r := range roles {
		if seen[r] {
			continue
		}
		seen[r] = true
		if _, err := tx.Exec(ctx, `INSERT INTO user_roles (user_id, role) VALUES (?, ?)`, id, string(r)); err != nil {
			return err
		}
	}
	return nil
}

// UpdateUser changes a user in the actor's scope. Disabling a user or changing roles or
// org ends the user's sessions. Errors: NotFound, Invalid.
func (s *Service) UpdateUser(ctx context.Context, tx *db.Tx, actor *Principal, id db.ID, in UserInput) error {
	if in.Username != nil || in.Password != nil {
		v := apperr.Validation{}
		if in.Username != nil {
			v.Add("username", "validate.read_only", nil)
		}
		if in.Password != nil {
			v.Add("password", "validate.use_reset", nil)
		}
		return v.Err()
	}
	v := in.validate(false)
	if err := v.Err(); err != nil {
		return err
	}
	var path string
	err := tx.QueryRow(ctx, `SELECT org_path FROM users WHERE id = ?`, id).Scan(&path)
	if db.IsNoRows(err) || (err == nil && !actor.Scope.Contains(path)) {
		return apperr.NotFoundf("user")
	}
	if err != nil {
		return err
	}
	if id == actor.UserID && ((in.Disabled != nil && *in.Disabled) || (in.Roles != nil && !containsRole(in.Roles, Admin) && actor.Has(Admin))) {
		return apperr.Conflictf("user.cannot_demote_self", nil)
	}
	now := s.Clock.Now()
	set := db.NewSet("updated_at", now)
	endSessions := false
	set.Text("display_name", in.DisplayName)
	if in.OrgID != nil {
		p, err := orgPathIn(ctx, tx, actor.Scope, *in.OrgID, "org_id")
		if err != nil {
			return err
		}
		set.Add("org_id", *in.OrgID)
		set.Also("org_path", p)
		set.Changed["org_id"] = in.OrgID.String()
		endSessions = true
	}
	switch {
	case in.PersonID != nil:
		if err := personIn(ctx, tx, actor.Scope, *in.PersonID, "person_id"); err != nil {
			return err
		}
		set.Add("person_id", *in.PersonID)
		set.Changed["person_id"] = in.PersonID.String()
	case in.UnlinkPerson:
		set.Add("person_id", nil)
	}
	if in.Lang != nil {
		set.Add("lang", *in.Lang)
	}
	if in.Disabled != nil {
		set.Add("disabled", *in.Disabled)
		endSessions = endSessions || *in.Disabled
	}
	if in.MustChangePassword != nil {
		set.Add("must_change_password", *in.MustChangePassword)
	}
	q, args := set.Update("users", "id = ?", id)
	if _, err := tx.Exec(ctx, q, args...); err != nil {
		if db.IsForeignKey(err) {
			v.Add("person_id", "validate.unknown_ref", nil)
			return v.Err()
		}
		return err
	}
	if in.Roles != nil {
		if err := setRoles(ctx, tx, id, in.Roles); err != nil {
			return err
		}
		set.Changed["roles"] = in.Roles
		endSessions = true
	}
	if endSessions {
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
			return err
		}
	}
	if err := UserChanged(ctx, tx, id); err != nil {
		return err
	}
	return s.Audit.Record(ctx, tx, audit.Entry{Action: "user.update", ObjectType: "user", ObjectID: id.String(), Detail: set.Changed})
}

func containsRole(roles []Role, r Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}

// ResetPassword sets a new password for a user in the actor's scope, makes the user
// change it at next sign-in, ends the user's sessions and clears any lock.
func (s *Service) ResetPassword(ctx context.Context, tx *db.Tx, actor *Principal, id db.ID, password string) error {
	var username, name, unit, path string
	err := tx.QueryRow(ctx, `SELECT u.username, u.display_name, o.name, u.org_path FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.id = ?`, id).
		Scan(&username, &name, &unit, &path)
	if db.IsNoRows(err) || (err == nil && !actor.Scope.Contains(path)) {
		return apperr.NotFoundf("user")
	}
	if err != nil {
		return err
	}
	if key := CheckPasswordRules(password, username, name, unit); key != "" {
		v := apperr.Validation{}
		v.Add("password", key, nil)
		return v.Err()
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	now := s.Clock.Now()
	if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = ?, must_change_password = TRUE, password_changed_at = ?, updated_at = ? WHERE id = ?`,
		hash, now, now, id); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
		return err
	}
	if err := s.Unlock(ctx, tx, username); err != nil {
		return err
	}
	if err := UserChanged(ctx, tx, id); err != nil {
		return err
	}
	return s.Audit.Record(ctx, tx, audit.Entry{Action: "user.reset_password", ObjectType: "user", ObjectID: id.String()})
}

// UnlockUser clears the sign-in lock of a user in the actor's scope.
func (s *Service) UnlockUser(ctx context.Context, tx *db.Tx, actor *Principal, id db.ID) error {
	var username, path string
	err := tx.QueryRow(ctx, `SELECT username, org_path FROM users WHERE id = ?`, id).Scan(&username, &path)
	if db.IsNoRows(err) || (err == nil && !actor.Scope.Contains(path)) {
		return apperr.NotFoundf("user")
	}
	if err != nil {
		return err
	}
	if err := s.Unlock(ctx, tx, username); err != nil {
		return err
	}
	return s.Audit.Record(ctx, tx, audit.Entry{Action: "user.unlock", ObjectType: "user", ObjectID: id.String()})
}

// ChangePassword changes the signed-in user's own password after checking the current
// one; the user's other sessions end. Errors: Invalid (wrong current password, rules).
func (s *Service) ChangePassword(ctx context.Context, p *Principal, current, next string) error {
	v := apperr.Validation{}
	var hash string
	if err := s.DB.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = ?`, p.UserID).Scan(&hash); err != nil {
		return err
	}
	ok, err := VerifyPassword(hash, current)
	if err != nil {
		return err
	}
	if !ok {
		v.Add("current_password", "validate.wrong_password", nil)
	}
	if key := CheckPasswordRules(next, p.Username, p.DisplayName, p.OrgName); key != "" {
		v.Add("new_password", key, nil)
	} else if next == current {
		v.Add("new_password", "validate.password_same", nil)
	}
	if err := v.Err(); err != nil {
		return err
	}
	newHash, err := HashPassword(next)
	if err != nil {
		return err
	}
	now := s.Clock.Now()
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = ?, must_change_password = FALSE, password_changed_at = ?, updated_at = ? WHERE id = ?`,
			newHash, now, now, p.UserID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND id <> ?`, p.UserID, p.SessionID); err != nil {
			return err
		}
		if err := UserChanged(ctx, tx, p.UserID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "user.change_password", ObjectType: "user", ObjectID: p.UserID.String()})
	})
}

// SetLang saves the signed-in user's language.
func (s *Service) SetLang(ctx context.Context, p *Principal, lang i18n.Lang) error {
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET lang = ? WHERE id = ?`, string(lang), p.UserID); err != nil {
			return err
		}
		if err := UserChanged(ctx, tx, p.UserID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Entry{Action: "user.set_lang", ObjectType: "user", ObjectID: p.UserID.String(),
			Detail: map[string]any{"lang": lang}})
	})
}
