package demo

import (
	"context"
	"fmt"

	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// buildUsers creates the demo accounts, one or more for every role, all with the shared
// password hash:
//
//	username              role(s)               bound to                     person
//	admin                 admin, safety_office  the safety office            -
//	secretary, mayor      leader                区委 / 区政府                the secretary / the mayor
//	deputy01 … deputy05   leader                区政府                       the deputy heads, 常务副区长 first
//	town01 … town12       town                  each town's government unit  its safety deputy
//	dept-<slug>           department            each department              its safety chief
//	dept-safety           safety_office         the safety office            its safety chief
//	patrol0001 …          patroller             each village, in code order  its patroller
//	village0001 …         village               each village, in code order  its head
//	ent0001               enterprise            the first village of town01  -
//	npc, cppcc            reader                区人大常委会 / 区政协        the chair
//
// A town user sits on the government unit under its town, so its scope is the town's
// subtree. The enterprises step binds ent0001 to a hotel in that village (江滨大酒店) and
// adds ent0002 … ent0012, one enterprise account in each other town.
func buildUsers(ctx context.Context, b *builder) error {
	d := b.d
	d.byUsername = map[string]*User{}
	add := func(username, display string, org *Node, person *Person, roles ...auth.Role) {
		if display == "" {
			display = person.Name
		}
		u := &User{Username: username, DisplayName: display, Org: org, Person: person, Roles: roles}
		d.Users = append(d.Users, u)
		d.byUsername[username] = u
	}
	so := d.SafetyOffice()
	add("admin", "平台管理员（区安委办）", &so.Node, nil, auth.Admin, auth.SafetyOffice)
	qw, zf := d.Body("party_committee"), d.Body("government")
	add("secretary", "", &qw.Node, d.Secretary, auth.Leader)
	add("mayor", "", &zf.Node, d.Mayor, auth.Leader)
	for i, p := range d.Deputies {
		add(fmt.Sprintf("deputy%02d", i+1), "", &zf.Node, p, auth.Leader)
	}
	for i, t := range d.Towns {
		add(fmt.Sprintf("town%02d", i+1), t.Gov.Name, &t.Gov.Node, t.SafetyDeputy, auth.Town)
	}
	for _, u := range d.Departments {
		role := auth.Department
		if u.Slug == safetyOffice {
			role = auth.SafetyOffice // the office's staff, without platform administration
		}
		add("dept-"+u.Slug, u.Name, &u.Node, u.SafetyChief, role)
	}
	for i, v := range d.Villages {
		add(fmt.Sprintf("patrol%04d", i+1), "", &v.Node, v.Patroller, auth.Patroller)
	}
	for i, v := range d.Villages {
		office := v.Name + "村委会"
		if v.Community {
			office = v.Name + "居委会"
		}
		add(fmt.Sprintf("village%04d", i+1), office, &v.Node, v.Head, auth.Village)
	}
	add("ent0001", "企业安全管理员（演示）", &d.Towns[0].Villages[0].Node, nil, auth.Enterprise)
	rd, zx := d.Body("congress"), d.Body("cppcc")
	add("npc", rd.Name, &rd.Node, rd.Head, auth.Reader)
	add("cppcc", zx.Name, &zx.Node, zx.Head, auth.Reader)
	return b.storeUsers(ctx, d.Users)
}

// storeUsers inserts users with their roles; returned ids are matched on the username.
func (b *builder) storeUsers(ctx context.Context, users []*User) error {
	byName := make(map[string]*User, len(users))
	rows := make([][]any, len(users))
	for i, u := range users {
		byName[u.Username] = u
		var person any
		if u.Person != nil {
			person = u.Person.ID
		}
		rows[i] = []any{u.Username, u.DisplayName, b.hash, u.Org.ID, u.Org.Path, person, "zh", false, false, b.now, b.now, b.now}
	}
	cols := []string{"username", "display_name", "password_hash", "org_id", "org_path", "person_id", "lang",
		"disabled", "must_change_password", "password_changed_at", "created_at", "updated_at"}
	err := b.insertKeyed(ctx, "users", cols, rows, "username", func(username string, id db.ID) {
		if u := byName[username]; u != nil {
			u.ID = id
		}
	})
	if err != nil {
		return err
	}
	var roles [][]any
	for _, u := range users {
		if u.ID == 0 {
			return fmt.Errorf("user %s: no id returned", u.Username)
		}
		for _, r := range u.Roles {
			roles = append(roles, []any{u.ID, string(r)})
		}
	}
	return b.insertRows(ctx, "user_roles", []string{"user_id", "role"}, roles, "", nil)
}
