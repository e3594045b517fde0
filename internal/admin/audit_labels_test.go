package admin

import (
	"testing"

	"github.com/safeduty/safeduty/internal/platform/i18n"

	// The capabilities' record kinds and steps.
	_ "github.com/safeduty/safeduty/internal/enforcement"
	_ "github.com/safeduty/safeduty/internal/enterprise"
	_ "github.com/safeduty/safeduty/internal/hazard"
	_ "github.com/safeduty/safeduty/internal/riskpoint"
	_ "github.com/safeduty/safeduty/internal/selfinspect"
)

// Every action reads as words, also one the catalog does not name: a capability's step,
// a verb on a known record kind, an API operation id recorded for a refused write, and
// "其他操作" for what nothing names.
func TestActionLabel(t *testing.T) {
	zh := i18n.Localizer{Lang: i18n.Zh, Catalog: i18n.Default}
	for _, c := range []struct{ action, object, want string }{
		{"session.create", "session", "登录"},
		{"enterprise.risk_point_update", "risk_point", "修改风险点"},
		{"hazard.assign", "hazard", "隐患：交办"},
		{"hazard.reject", "hazard", "隐患：退回整改"},
		{"enterprise.delete", "enterprise", "删除企业"},
		{"updateRiskPoint", "risk_point", "修改风险点"},
		{"createEnterprise", "", "新建企业"},
		{"setGridPatroller", "grid", "设置网格"},
		{"hazard.frobnicate", "hazard", "隐患相关操作"},
		{"page POST /hazards", "", "页面操作"},
		{"backup.run", "", "其他操作"},
		{"whatever", "", "其他操作"},
	} {
		if got := actionLabel(zh, c.action, c.object); got != c.want {
			t.Errorf("actionLabel(%q, %q) = %q, want %q", c.action, c.object, got, c.want)
		}
	}
}
