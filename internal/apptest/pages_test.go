package apptest_test

import (
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// The untranslated-key check knows every capability's keys, whichever page shows them
// (a hazard's key on an org page too), and passes the codes a page shows on purpose.
func TestUntranslatedKey(t *testing.T) {
	for _, key := range []string{"hazard.status.reported", "org.has_patroller", "enterprise.color.red", "notify.field.text",
		"validate.required", "admin.reset_password", "ent.risk.major"} {
		if !i18n.Default.Has(key) {
			t.Errorf("%s is not a key of the catalog", key)
		}
		for _, page := range []string{"<td>" + key + "</td>", `<input placeholder="` + key + `">`, "<p>状态 " + key + " 未知</p>"} {
			if got := apptest.UntranslatedKey(page); got == "" {
				t.Errorf("%s not found in %s", key, page)
			}
		}
	}
	for _, page := range []string{
		`<option value="user.reset_password">重置密码</option>`,
		`<span class="action-code mono">hazard.report</span>`,
		`<td>hazard.</td>`, `<a href="/hazards?status=reported">已上报</a>`, `<td>www.example.com</td>`, `<td>3.14</td>`,
	} {
		if got := apptest.UntranslatedKey(page); got != "" {
			t.Errorf("%s flagged in %s", got, page)
		}
	}
}
