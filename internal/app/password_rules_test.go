package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

// fieldRule returns the rule and message of field in a 422 problem document.
func fieldRule(t *testing.T, res *apptest.Response, field string) (rule, msg string) {
	t.Helper()
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("%d %s, want 422", res.Status, res.Body)
	}
	for _, fe := range res.Map(t)["errors"].([]any) {
		m := fe.(map[string]any)
		if m["field"] == field {
			return m["rule"].(string), m["message"].(string)
		}
	}
	t.Fatalf("no error on %s: %s", field, res.Body)
	return "", ""
}

// Weak passwords are refused wherever a password is set — the user's own change, an
// administrator's new user and reset — with the rule named in the user's language, and
// nothing changes.
func TestPasswords_WeakOnesRefusedEverywhere(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		tok := e.Token(apptest.UserTown1) // town01, 东湖镇用户, of 东湖镇人民政府
		for _, c := range []struct{ pw, rule, zh, en string }{
			{"town01town01", "password_personal", "不能包含用户名、姓名或所在单位名称", "must not contain the username"},
			{"10nwot-Abc-2026", "password_personal", "不能包含用户名", "must not contain the username"},
			{"东湖镇用户Abc2026", "password_personal", "不能包含用户名、姓名", "the person's name"},
			{"东湖镇-Good-2026", "password_personal", "所在单位名称", "the unit's name"},
			{"Password2026!", "password_common", "是常见密码", "is a common password"},
			{"p@ssw0rd-2026", "password_common", "是常见密码", "is a common password"},
			{"1qaz2wsx3edc", "password_pattern", "不能由重复或连续的字符组成", "repeated or sequential characters"},
		} {
			body := map[string]string{"current_password": apptest.Password, "new_password": c.pw}
			zh := e.Do("POST", "/api/v1/me/password", tok, body)
			if rule, msg := fieldRule(t, zh, "new_password"); rule != c.rule || !strings.Contains(msg, c.zh) {
				t.Errorf("%q: rule %s %q, want %s %q", c.pw, rule, msg, c.rule, c.zh)
			}
			en := e.Do("POST", "/api/v1/me/password", tok, body, "Accept-Language", "en")
			if rule, msg := fieldRule(t, en, "new_password"); rule != c.rule || !strings.Contains(msg, c.en) {
				t.Errorf("%q in English: rule %s %q, want %s %q", c.pw, rule, msg, c.rule, c.en)
			}
		}
		if res := login(e, apptest.UserTown1, apptest.Password); res.Status != http.StatusOK {
			t.Fatalf("the old password after refused changes: %d", res.Status)
		}

		// An administrator creating a user: the username, the name, the unit.
		admin := e.Token(apptest.UserAdmin)
		newUser := func(pw string) *apptest.Response {
			return e.Do("POST", "/api/v1/users", admin, map[string]any{"username": "patrol9", "display_name": "周巡查",
				"org_id": e.F.Villages[0][0].String(), "roles": []string{"patroller"}, "password": pw})
		}
		for pw, want := range map[string]string{
			"patrol9-2026x":    "password_personal",
			"周巡查-Abc-2026":     "password_personal",
			"东湖村-Abc-2026":     "password_personal", // the village the user belongs to
			"qwerty2026!":      "password_common",
			"abcd1234abcd1234": "password_pattern",
		} {
			if rule, _ := fieldRule(t, newUser(pw), "password"); rule != want {
				t.Errorf("new user with %q: rule %s, want %s", pw, rule, want)
			}
		}
		if res := newUser("river-stone-62"); res.Status != http.StatusCreated {
			t.Fatalf("new user with a good password: %d %s", res.Status, res.Body)
		}

		// An administrator's reset.
		id := e.F.Users[apptest.UserTown2].String() // town02, 西山镇用户, of 西山镇人民政府
		for pw, want := range map[string]string{
			"town02-xyz-77":   "password_personal",
			"西山镇-Abc-2026":    "password_personal",
			"Welcome2026!":    "password_common",
			"zxcvbnm1234567":  "password_common",
			"abcdefg7654321x": "password_pattern",
		} {
			res := e.Do("POST", "/api/v1/users/"+id+"/password", admin, map[string]string{"password": pw})
			if rule, _ := fieldRule(t, res, "password"); rule != want {
				t.Errorf("reset to %q: rule %s, want %s", pw, rule, want)
			}
		}
		if res := login(e, apptest.UserTown2, apptest.Password); res.Status != http.StatusOK {
			t.Fatalf("town02's password after refused resets: %d", res.Status)
		}
	})
}

// The password page names the broken rule next to the field, in Chinese.
func TestPasswords_PageNamesTheRule(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := e.SignIn(apptest.UserTown1)
		res := b.PostForm("/account/password", url.Values{"current_password": {apptest.Password},
			"new_password": {"town01town01"}, "new_password_again": {"town01town01"}}, true)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(string(res.Body), "不能包含用户名、姓名或所在单位名称") {
			t.Errorf("weak new password on the page: %d, rule not named", res.Status)
		}
	})
}
