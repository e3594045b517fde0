package admin

import (
	"context"
	"net/http"
	"net/url"
	"slices"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// usersView is the user list page's data.
type usersView struct {
	web.ListPage
	Roles    []auth.Role
	Role     string
	QText    string
	Locked   string
	Disabled string
	Items    []User
}

func (m *Module) usersPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var f UserFilter
		lp, l, err := web.ParseListPage(r, userSorting, &f)
		if err != nil {
			return err
		}
		v := usersView{ListPage: l, Roles: auth.AllRoles, Role: f.Role, QText: f.Q, Locked: boolText(f.Locked), Disabled: boolText(f.Disabled)}
		total, err := m.ListUsers(r.Context(), auth.FromContext(r.Context()).Scope, f, lp, web.Collect(&v.Items))
		if err != nil {
			return err
		}
		v.Finish(total)
		return s.Render(w, r, t.users, v)
	}
}

func boolText(b *bool) string {
	if b == nil {
		return ""
	}
	if *b {
		return "true"
	}
	return "false"
}

// userFormView is the data of the new-user and edit-user pages.
type userFormView struct {
	User      User      // the account being edited (zero when creating)
	Form      *web.Form // the account form, as typed (the password never sent back)
	OrgGroups []orgGroup
	People    personOptions
	AllRoles  []auth.Role
	// Reset is the password reset form (edit page only).
	Reset  *web.Form
	IsSelf bool
}

// orgGroup is a labelled group of the org select: the district with its units, then
// each town with its units and villages.
type orgGroup struct {
	Label   string
	Options []orgOption
}

type orgOption struct {
	ID    db.ID
	Name  string
	Depth int
}

// orgGroups lists the orgs in the caller's scope for the org select. The tree belongs
// to the org capability; this reads only names and paths, in one query.
func (m *Module) orgGroups(ctx context.Context, sc auth.Scope) ([]orgGroup, error) {
	cond, args := sc.PathCond("o.path")
	rows, err := m.DB.Query(ctx, `SELECT o.id, o.kind, o.name, o.depth, o.path FROM orgs o WHERE `+cond+` ORDER BY o.depth, o.sort_order, o.code`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var groups []orgGroup
	index := map[db.ID]int{}
	for rows.Next() {
		var o orgOption
		var kind, path string
		if err := rows.Scan(&o.ID, &kind, &o.Name, &o.Depth, &path); err != nil {
			return nil, err
		}
		ids := auth.PathIDs(path)
		key := ids[0] // the district
		switch {
		case kind == "town":
			key = o.ID
		case len(ids) > 2:
			key = ids[1] // inside a town
		}
		i, ok := index[key]
		if !ok {
			i = len(groups)
			index[key] = i
			groups = append(groups, orgGroup{Label: o.Name})
		}
		groups[i].Options = append(groups[i].Options, o)
	}
	return groups, rows.Err()
}

// personOptions are the choices of the person select: the people of one org (their
// home unit or a post there), and the one already chosen wherever it is.
type personOptions struct {
	Options  []personOption
	Selected string
	More     bool // the unit has more people than the select shows
}

type personOption struct {
	ID          db.ID
	Name, Title string
}

// maxPersonOptions bounds the person select; a unit has far fewer people (a variable
// for the tests).
var maxPersonOptions = 300

// personChoices lists the people in scope who belong to the org rawOrg names (none when
// it is not an id), plus the selected person when in scope elsewhere. The people
// belong to the org capability; this reads only names and titles, in one query.
func (m *Module) personChoices(ctx context.Context, sc auth.Scope, rawOrg, selected string) (personOptions, error) {
	out := personOptions{Selected: selected}
	org, orgErr := db.ParseID(rawOrg)
	sel, selErr := db.ParseID(selected)
	if orgErr != nil && selErr != nil {
		return out, nil
	}
	cond, args := sc.PathCond("pe.org_path")
	q := `SELECT pe.id, pe.name, COALESCE((SELECT MIN(ps.title) FROM posts ps WHERE ps.person_id = pe.id AND ps.org_id = ?), '')
		FROM people pe WHERE ` + cond + ` AND (pe.org_id = ? OR pe.id = ? OR EXISTS (SELECT 1 FROM posts ps WHERE ps.person_id = pe.id AND ps.org_id = ?))
		ORDER BY pe.id = ? DESC, pe.name, pe.id LIMIT ?`
	rows, err := m.DB.Query(ctx, q, append(append([]any{org}, args...), org, sel, org, sel, maxPersonOptions+1)...)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		var o personOption
		if err := rows.Scan(&o.ID, &o.Name, &o.Title); err != nil {
			return out, err
		}
		out.Options = append(out.Options, o)
	}
	if len(out.Options) > maxPersonOptions {
		out.Options, out.More = out.Options[:maxPersonOptions], true
	}
	return out, rows.Err()
}

// userPeoplePage answers the person select's options for the org just picked (htmx).
func (m *Module) userPeoplePage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if r.Header.Get("HX-Request") != "true" {
			http.Redirect(w, r, "/admin/users/new", http.StatusSeeOther)
			return nil
		}
		q := r.URL.Query()
		opts, err := m.personChoices(r.Context(), auth.FromContext(r.Context()).Scope, q.Get("org_id"), q.Get("person_id"))
		if err != nil {
			return err
		}
		return s.Render(w, r, t.personOptions, opts)
	}
}

func (m *Module) renderUserForm(w http.ResponseWriter, r *http.Request, s *web.Site, status int, tpl pageTemplates, edit bool, v userFormView) error {
	p := auth.FromContext(r.Context())
	var err error
	if v.OrgGroups, err = m.orgGroups(r.Context(), p.Scope); err != nil {
		return err
	}
	if v.Form == nil {
		v.Form = web.NewForm(nil)
	}
	if v.Reset == nil {
		v.Reset = web.NewForm(nil)
	}
	v.Form.Values.Del("password")
	if v.People, err = m.personChoices(r.Context(), p.Scope, v.Form.Get("org_id"), v.Form.Get("person_id")); err != nil {
		return err
	}
	v.AllRoles = auth.AllRoles
	v.IsSelf = edit && v.User.ID == p.UserID
	if edit {
		return s.RenderStatus(w, r, status, tpl.userEdit, v)
	}
	return s.RenderStatus(w, r, status, tpl.userNew, v)
}

func (m *Module) userNewPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		return m.renderUserForm(w, r, s, http.StatusOK, t, false, userFormView{})
	}
}

// userCreatePage creates an account that must change its password at first sign-in.
func (m *Module) userCreatePage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		f, err := web.PostedForm(r)
		if err != nil {
			return err
		}
		var in auth.UserInput
		err = f.Decode(&in)
		must := true
		in.Disabled, in.MustChangePassword = nil, &must
		var id db.ID
		if err == nil {
			err = m.DB.Tx(r.Context(), func(tx *db.Tx) error {
				var err error
				id, err = m.Auth.CreateUser(r.Context(), tx, auth.FromContext(r.Context()), in)
				return err
			})
		}
		return f.Done(w, r, err, "flash.user_created", "/admin/users/"+id.String(), func() error {
			return m.renderUserForm(w, r, s, f.Status, t, false, userFormView{Form: f})
		})
	}
}

// loadUser reads the {id} of the path as a user in the caller's scope.
func (m *Module) loadUser(r *http.Request) (User, error) {
	_, u, err := web.PathRecord(r, "user", m.userIn(r))
	return u, err
}

// userIn returns the getter of a user in the caller's scope (web.PathRecord, web.RecordForm).
func (m *Module) userIn(r *http.Request) func(db.ID) (User, error) {
	return func(id db.ID) (User, error) { return m.GetUser(r.Context(), auth.FromContext(r.Context()).Scope, id) }
}

// formOf is the account form filled with u.
func formOf(u User) *web.Form {
	f := web.NewForm(url.Values{"username": {u.Username}, "display_name": {u.DisplayName}, "org_id": {u.OrgID.String()}})
	if u.PersonID != nil {
		f.Values.Set("person_id", u.PersonID.String())
	}
	if u.Disabled {
		f.Values.Set("disabled", "true")
	}
	for _, r := range u.Roles {
		f.Values.Add("roles", string(r))
	}
	return f
}

func (m *Module) userEditPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := m.loadUser(r)
		if err != nil {
			return err
		}
		return m.renderUserForm(w, r, s, http.StatusOK, t, true, userFormView{User: u, Form: formOf(u)})
	}
}

// userUpdatePage saves the edit form. Roles and org are sent only when they change,
// because changing them ends the user's sessions.
func (m *Module) userUpdatePage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		_, u, f, err := web.RecordForm(r, "user", m.userIn(r))
		if err != nil {
			return err
		}
		var in auth.UserInput
		if err = f.Decode(&in); err == nil {
			err = userChanges(u, &in)
		}
		if err == nil {
			p := auth.FromContext(r.Context())
			err = m.DB.Tx(r.Context(), func(tx *db.Tx) error { return m.Auth.UpdateUser(r.Context(), tx, p, u.ID, in) })
		}
		return f.Done(w, r, err, "flash.user_saved", "/admin/users/"+u.ID.String(), func() error {
			f.Values.Set("username", u.Username)
			return m.renderUserForm(w, r, s, f.Status, t, true, userFormView{User: u, Form: f})
		})
	}
}

// userChanges keeps of the edit form's input what changes u: the person link (an emptied
// select unlinks it), and the org and roles only when they change, as changing them ends
// the user's sessions. The username is not the form's to change; the org is required.
func userChanges(u User, in *auth.UserInput) error {
	in.Username, in.Password = nil, nil
	switch {
	case in.PersonID != nil && u.PersonID != nil && *in.PersonID == *u.PersonID:
		in.PersonID = nil
	case in.PersonID == nil && u.PersonID != nil:
		in.UnlinkPerson = true
	}
	if in.OrgID == nil {
		v := apperr.Validation{}
		v.Add("org_id", "validate.required", nil)
		return v.Err()
	}
	if *in.OrgID == u.OrgID {
		in.OrgID = nil
	}
	switch {
	case sameRoles(in.Roles, u.Roles):
		in.Roles = nil
	case in.Roles == nil:
		in.Roles = []auth.Role{} // none ticked: refused as required
	}
	return nil
}

func sameRoles(a, b []auth.Role) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// userResetPage sets a new password; the user must change it at next sign-in.
func (m *Module) userResetPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		_, u, f, err := web.RecordForm(r, "user", m.userIn(r))
		if err != nil {
			return err
		}
		var in PasswordReset
		if err = f.Decode(&in); err == nil {
			p := auth.FromContext(r.Context())
			err = m.DB.Tx(r.Context(), func(tx *db.Tx) error { return m.Auth.ResetPassword(r.Context(), tx, p, u.ID, in.Password) })
		}
		return f.Done(w, r, err, "flash.password_reset", "/admin/users/"+u.ID.String(), func() error {
			return m.renderUserForm(w, r, s, f.Status, t, true, userFormView{User: u, Form: formOf(u), Reset: f})
		})
	}
}

// userUnlockPage clears a sign-in lock.
func (m *Module) userUnlockPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := m.loadUser(r)
		if err != nil {
			return err
		}
		if _, err := web.PostedForm(r); err != nil { // the token and the body checked as every form's
			return err
		}
		p := auth.FromContext(r.Context())
		if err := m.DB.Tx(r.Context(), func(tx *db.Tx) error { return m.Auth.UnlockUser(r.Context(), tx, p, u.ID) }); err != nil {
			return err
		}
		web.SetFlash(w, "flash.user_unlocked")
		http.Redirect(w, r, "/admin/users/"+u.ID.String(), http.StatusSeeOther)
		return nil
	}
}
