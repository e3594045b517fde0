package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	adm "github.com/safeduty/safeduty/internal/admin"
	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
)

func TestPages_UserList(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		admin := e.SignIn(apptest.UserAdmin)
		apptest.WantPage(t, "users", admin.Get("/admin/users"), http.StatusOK,
			[]string{"town01", "东湖镇用户", "东湖镇人民政府", "镇街", "共 10 条", "/api/v1/users?format=xlsx", "/admin/users/new"}, nil)
		apptest.WantPage(t, "role filter", admin.Get("/admin/users?role=town"), http.StatusOK,
			[]string{"town01", "town02", "共 2 条", "format=xlsx&amp;lang=zh&amp;role=town"}, []string{"patrol1"})
		apptest.WantPage(t, "q filter", admin.Get("/admin/users?q=patrol&sort=-username"), http.StatusOK, []string{"patrol2", "共 2 条", `aria-sort="descending"`}, []string{"town01"})
		apptest.WantPage(t, "nobody locked", admin.Get("/admin/users?locked=true"), http.StatusOK, []string{"没有符合条件的记录"}, []string{"town01"})

		for _, user := range []string{apptest.UserTown1, apptest.UserLeader} {
			b := e.SignIn(user)
			for _, path := range []string{"/admin/users", "/admin/users/new", "/admin/users/" + e.F.Users[apptest.UserPatrol1].String()} {
				if res := b.Get(path); res.Status != http.StatusForbidden {
					t.Errorf("%s GET %s: %d, want 403", user, path, res.Status)
				}
			}
		}
		apptest.WantPage(t, "unknown user", admin.Get("/admin/users/987654321"), http.StatusNotFound, nil, nil)
	})
}

func TestPages_UserCreate(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := e.F
		admin := e.SignIn(apptest.UserAdmin)
		apptest.WantPage(t, "new", admin.Get("/admin/users/new"), http.StatusOK,
			[]string{`<optgroup label="测试区">`, `<optgroup label="东湖镇">`, "东湖村", `name="roles" value="patroller"`, `name="csrf_token"`}, nil)

		form := url.Values{"username": {"Bad Name"}, "display_name": {""}, "org_id": {f.Villages[0][1].String()}, "password": {"short"}}
		apptest.WantPage(t, "invalid", admin.PostForm("/admin/users", form, true), http.StatusUnprocessableEntity,
			[]string{"须为 2–32 位小写字母", "至少 10 个字符", "必填", `value="Bad Name"`}, []string{`value="short"`})

		form = url.Values{"username": {"patrol9"}, "display_name": {"李新"}, "org_id": {f.Villages[0][1].String()},
			"roles": {"patroller"}, "password": {"initial-pass-42"}}
		if res := admin.PostForm("/admin/users", form, false); res.Status != http.StatusForbidden {
			t.Errorf("without csrf_token: %d, want 403", res.Status)
		}
		res := admin.PostForm("/admin/users", form, true)
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/admin/users/") {
			t.Fatalf("create: %d %s", res.Status, res.Header.Get("Location"))
		}
		apptest.WantPage(t, "created", admin.Get(res.Header.Get("Location")), http.StatusOK, []string{"用户已创建", "李新", "湖滨社区", "待改密"}, nil)
		apptest.WantPage(t, "taken", admin.PostForm("/admin/users", form, true), http.StatusUnprocessableEntity, []string{"已被占用"}, nil)

		// The new user must change the initial password first.
		b := e.NewBrowser()
		login := b.PostForm("/login", url.Values{"username": {"patrol9"}, "password": {"initial-pass-42"}}, false)
		if login.Status != http.StatusSeeOther || login.Header.Get("Location") != "/account/password" {
			t.Errorf("first sign-in: %d → %s, want the password page", login.Status, login.Header.Get("Location"))
		}
	})
}

func TestPages_UserEdit(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := e.F
		id := f.Users[apptest.UserTown1].String()
		admin := e.SignIn(apptest.UserAdmin)
		town := e.SignIn(apptest.UserTown1)
		apptest.WantPage(t, "edit", admin.Get("/admin/users/"+id), http.StatusOK,
			[]string{`value="东湖镇用户"`, `value="town" checked`, `action="/admin/users/` + id + `/password"`}, []string{"/unlock"})

		form := url.Values{"display_name": {"东湖镇值班员"}, "org_id": {f.Units["town1gov"].String()}, "roles": {"town"}}
		if res := admin.PostForm("/admin/users/"+id, form, false); res.Status != http.StatusForbidden {
			t.Errorf("without csrf_token: %d, want 403", res.Status)
		}
		if res := admin.PostForm("/admin/users/"+id, form, true); res.Status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", res.Status, res.Body)
		}
		apptest.WantPage(t, "saved", admin.Get("/admin/users/"+id), http.StatusOK, []string{"用户已保存。", "东湖镇值班员"}, nil)
		// Neither roles nor org changed, so the user's session lives on.
		if res := town.Get("/grids"); res.Status != http.StatusOK {
			t.Errorf("town user after a name change: %d, want 200", res.Status)
		}

		apptest.WantPage(t, "no roles", admin.PostForm("/admin/users/"+id, url.Values{"display_name": {"x"}, "org_id": {f.Units["town1gov"].String()}}, true),
			http.StatusUnprocessableEntity, []string{"必填"}, nil)
		self := f.Users[apptest.UserAdmin].String()
		apptest.WantPage(t, "self-disable", admin.PostForm("/admin/users/"+self, url.Values{"display_name": {"管理员"}, "org_id": {f.Units["safety"].String()},
			"roles": {"admin", "safety_office"}, "disabled": {"true"}}, true), http.StatusConflict, []string{"不能停用自己的账户"}, nil) // a conflict, as every form answers one

		apptest.WantPage(t, "short reset", admin.PostForm("/admin/users/"+id+"/password", url.Values{"password": {"abc"}}, true),
			http.StatusUnprocessableEntity, []string{"至少 10 个字符"}, nil)
		if res := admin.PostForm("/admin/users/"+id+"/password", url.Values{"password": {"new-password-77"}}, true); res.Status != http.StatusSeeOther {
			t.Fatalf("reset: %d", res.Status)
		}
		apptest.WantPage(t, "after reset", admin.Get("/admin/users/"+id), http.StatusOK, []string{"密码已重置", "待改密"}, nil)
		if res := town.Get("/grids"); res.Status != http.StatusSeeOther {
			t.Errorf("the reset user's session still works: %d", res.Status)
		}
	})
}

func TestPages_Unlock(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		// The default policy needs 30 failures from three addresses; five lock here.
		e.App.Auth.Cfg.LockoutThreshold = 5
		for range 5 {
			e.NewBrowser().PostForm("/login", url.Values{"username": {apptest.UserPatrol2}, "password": {"wrong-password-1"}}, false)
		}
		admin := e.SignIn(apptest.UserAdmin)
		apptest.WantPage(t, "locked list", admin.Get("/admin/users?locked=true"), http.StatusOK, []string{"patrol2", "已锁定", "共 1 条"}, nil)
		apptest.WantPage(t, "home panel", admin.Get("/"), http.StatusOK, []string{"平台运行", "锁定的账户", "24 小时内登录失败", "/admin/audit?action=session.create&amp;result=denied"}, nil)
		id := e.F.Users[apptest.UserPatrol2].String()
		apptest.WantPage(t, "locked user", admin.Get("/admin/users/"+id), http.StatusOK, []string{"解除锁定", "/unlock"}, nil)
		if res := admin.PostForm("/admin/users/"+id+"/unlock", nil, false); res.Status != http.StatusForbidden {
			t.Errorf("unlock without csrf_token: %d, want 403", res.Status)
		}
		if res := admin.PostForm("/admin/users/"+id+"/unlock", url.Values{}, true); res.Status != http.StatusSeeOther {
			t.Fatalf("unlock: %d", res.Status)
		}
		apptest.WantPage(t, "unlocked", admin.Get("/admin/users/"+id), http.StatusOK, []string{"已解除锁定。"}, []string{"/unlock"})
		e.SignIn(apptest.UserPatrol2)
	})
}

func TestPages_Audit(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		e.NewBrowser().PostForm("/login", url.Values{"username": {apptest.UserTown1}, "password": {"wrong-password-1"}}, false)
		admin := e.SignIn(apptest.UserAdmin)
		apptest.WantPage(t, "audit", admin.Get("/admin/audit"), http.StatusOK,
			[]string{"session.create", "登录", "badge-green", "badge-yellow", "拒绝", "/api/v1/audit?format=xlsx", "<details>", "bad credentials", "2026-03-02 17:00"}, nil)
		apptest.WantPage(t, "denied", admin.Get("/admin/audit?result=denied&action=session."), http.StatusOK, []string{"town01", "共 1 条"}, []string{"user.create"})
		apptest.WantPage(t, "by user", admin.Get("/admin/audit?username=admin&from=2026-03-02&to=2026-03-02"), http.StatusOK, []string{"session.create", "共 1 条"}, nil)
		apptest.WantPage(t, "before", admin.Get("/admin/audit?to=2026-03-01"), http.StatusOK, []string{"没有符合条件的记录"}, nil)
		apptest.WantPage(t, "bad date", admin.Get("/admin/audit?from=yesterday"), http.StatusBadRequest, nil, nil)
		apptest.WantPage(t, "home", admin.Get("/"), http.StatusOK, []string{"最近操作", "session.create"}, nil)

		if res := e.SignIn(apptest.UserTown1).Get("/admin/audit"); res.Status != http.StatusForbidden {
			t.Errorf("town user reads the audit log: %d, want 403", res.Status)
		}
	})
}

func TestPages_AdminEnglish(t *testing.T) {
	e := apptest.New(t, "sqlite")
	b := e.SignIn(apptest.UserAdmin)
	for path, want := range map[string][]string{
		"/admin/users?lang=en":     {"Users", "Last sign-in", "Active"},
		"/admin/users/new?lang=en": {"New user", "Initial password", "Create user"},
		"/admin/users/" + e.F.Users[apptest.UserTown1].String() + "?lang=en": {"Reset password", "Disable this account"},
		"/admin/audit?lang=en": {"Audit log", "Sign in", "OK"},
		"/?lang=en":            {"Platform", "Failed sign-ins, last 24 h", "Recent activity"},
	} {
		apptest.WantPage(t, path, b.Get(path), http.StatusOK, want, nil)
	}
}

// An account is linked to its person record on the page: the select offers the people
// of the chosen unit (reloaded by htmx when the unit changes), the link shows on the
// account, it can be removed again, and a person outside the administrator's scope is
// refused as unknown.
func TestPages_UserPersonLink(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		f := e.F
		ctx := context.Background()
		admin := e.SignIn(apptest.UserAdmin)
		gov := f.Units["gov"].String()
		apptest.WantPage(t, "new", admin.Get("/admin/users/new"), http.StatusOK,
			[]string{`<select id="person_id" name="person_id">`, "不关联", `hx-get="/admin/users/people"`}, []string{"钱分管"})
		apptest.WantPage(t, "options of the government", admin.Get("/admin/users/people?org_id="+gov, "HX-Request", "true", "HX-Target", "person_id"),
			http.StatusOK, []string{`value="` + f.Leader.String() + `"`, "钱分管 · 副区长", "不关联"}, []string{"<html", "张东一"})
		village := f.Villages[0][0].String()
		apptest.WantPage(t, "options of a village, the chosen person kept", admin.Get("/admin/users/people?org_id="+village+"&person_id="+f.Leader.String(),
			"HX-Request", "true", "HX-Target", "person_id"), http.StatusOK,
			[]string{f.Patrollers[0][0].String(), `value="` + f.Leader.String() + `" selected`}, nil)
		restore := adm.SetMaxPersonOptions(0)
		apptest.WantPage(t, "options cut short", admin.Get("/admin/users/people?org_id="+gov, "HX-Request", "true", "HX-Target", "person_id"),
			http.StatusOK, []string{"仅列出前 0 人"}, []string{"钱分管"})
		restore()
		if res := admin.Get("/admin/users/people?org_id=" + gov); res.Status != http.StatusSeeOther {
			t.Errorf("the options outside htmx: %d, want a redirect to the form", res.Status)
		}

		form := url.Values{"username": {"leader2"}, "display_name": {"钱分管"}, "org_id": {gov}, "person_id": {f.Leader.String()},
			"roles": {"leader"}, "password": {"initial-pass-42"}}
		res := admin.PostForm("/admin/users", form, true)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		loc := res.Header.Get("Location")
		apptest.WantPage(t, "linked", admin.Get(loc), http.StatusOK,
			[]string{`<a href="/people/` + f.Leader.String() + `">钱分管</a>`, `value="` + f.Leader.String() + `" selected`}, nil)
		personOf := func(username string) *db.ID {
			var id *db.ID
			if err := e.App.DB.QueryRow(ctx, `SELECT person_id FROM users WHERE username = ?`, username).Scan(db.NullID{P: &id}); err != nil {
				t.Fatal(err)
			}
			return id
		}
		if p := personOf("leader2"); p == nil || *p != f.Leader {
			t.Fatalf("person_id = %v, want %s", p, f.Leader)
		}

		// Emptying the select removes the link; a malformed or unknown id is refused.
		edit := url.Values{"display_name": {"钱分管"}, "org_id": {gov}, "roles": {"leader"}, "person_id": {""}}
		if res := admin.PostForm(loc, edit, true); res.Status != http.StatusSeeOther {
			t.Fatalf("unlink: %d %s", res.Status, res.Body)
		}
		if p := personOf("leader2"); p != nil {
			t.Errorf("person_id = %s after emptying the select, want none", p)
		}
		edit.Set("person_id", "987654321")
		apptest.WantPage(t, "unknown person", admin.PostForm(loc, edit, true), http.StatusUnprocessableEntity, []string{"引用的记录不存在"}, nil)
		edit.Set("person_id", "x")
		apptest.WantPage(t, "malformed person", admin.PostForm(loc, edit, true), http.StatusUnprocessableEntity, []string{`class="field has-error"`}, nil)

		// Through the API: a person id links, null removes the link, unknown fields stay refused.
		uid := strings.TrimPrefix(loc, "/admin/users/")
		var got struct {
			PersonID   *string `json:"person_id"`
			PersonName string  `json:"person_name"`
		}
		res = e.As(apptest.UserAdmin, "PATCH", "/api/v1/users/"+uid, map[string]any{"person_id": f.Leader.String()})
		res.JSON(t, &got)
		if res.Status != http.StatusOK || got.PersonID == nil || *got.PersonID != f.Leader.String() || got.PersonName != "钱分管" {
			t.Errorf("link through the API: %d %s", res.Status, res.Body)
		}
		res = e.As(apptest.UserAdmin, "PATCH", "/api/v1/users/"+uid, map[string]any{"display_name": "钱分管", "person_id": nil})
		got.PersonID = nil
		res.JSON(t, &got)
		if res.Status != http.StatusOK || got.PersonID != nil || personOf("leader2") != nil {
			t.Errorf("person_id null through the API: %d %s", res.Status, res.Body)
		}
		if res := e.As(apptest.UserAdmin, "PATCH", "/api/v1/users/"+uid, map[string]any{"UnlinkPerson": true}); res.Status != http.StatusBadRequest {
			t.Errorf("an unknown field: %d, want 400", res.Status)
		}

		// The service refuses a person outside the actor's scope, like an org.
		err := e.App.DB.Tx(ctx, func(tx *db.Tx) error {
			u, p := "patrol9", "initial-pass-42"
			name, org := "另镇巡查员", f.Villages[0][0]
			_, err := e.App.Auth.CreateUser(ctx, tx, e.Principal(apptest.UserTown1), auth.UserInput{Username: &u, DisplayName: &name, Password: &p,
				OrgID: &org, PersonID: &f.Patrollers[1][0], Roles: []auth.Role{auth.Patroller}})
			return err
		})
		if ae := apperr.As(err); ae == nil || len(ae.Fields) != 1 || ae.Fields[0].Field != "person_id" {
			t.Errorf("a person of another town: %v, want a refusal on person_id", err)
		}
	})
}
