package enterprise_test

import (
	"net/http"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

// Page tests of the enterprise pages: every page renders in both languages without an
// untranslated key, with the scope's 404 and the CSRF check of the forms.

// Every page renders for the roles that use it, in Chinese and in English, with no key
// left untranslated; a town sees its own enterprise and not the other town's.
func TestPages_EnterprisesRenderInBothLanguages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		own, other := e.F.Enterprises[0].String(), e.F.Enterprises[1].String()
		admin, town, leader, ent := e.SignIn(apptest.UserAdmin), e.SignIn(apptest.UserTown1), e.SignIn(apptest.UserLeader), e.SignIn(apptest.UserEnt)
		apptest.WantBothLanguages(t, []apptest.PageCase{
			apptest.Case(town, "/enterprises", []string{"企业名录", "东湖建工集团有限公司", "新增企业", "批量导入", `href="/api/v1/enterprises?format=xlsx&amp;lang=zh"`}, []string{"Enterprise registry", "New enterprise"}),
			apptest.Case(town, "/enterprises/"+own, []string{"东湖建工集团有限公司", "三色分类", "绿色企业", "执法记录", "责令整改通知书", "监管检查", "三色历史"}, []string{"Color history", "Supervision visits"}),
			apptest.Case(town, "/enterprises/new", []string{"新增企业", "统一社会信用代码", "东湖村第1网格"}, []string{"New enterprise", "Credit code"}),
			apptest.Case(town, "/enterprises/"+own+"/edit", []string{"编辑：东湖建工集团有限公司", `value="91330199MA2T01000`}, []string{"Edit: "}),
			apptest.Case(town, "/enterprises/import", []string{"批量导入企业", "/api/v1/enterprises/import/template", "统一社会信用代码"}, []string{"Import enterprises", "Credit code"}),
			apptest.Case(town, "/", []string{"企业三色分类", "逾期未检查的企业"}, []string{"Enterprise colors"}),
			apptest.Case(admin, "/color-rules", []string{"分色规则", "现行规则", "保存为新版本", "预览", "R1", "每 1 个月至少检查一次"}, []string{"Color rules", "Save as a new version"}),
			apptest.Case(admin, "/", []string{"企业三色分类", "data-chart"}, []string{"Enterprise colors"}),
			apptest.Case(leader, "/color-rules", []string{"分色规则", "只读"}, []string{"Read only"}),
			apptest.Case(ent, "/enterprises/"+own, []string{"东湖建工集团有限公司", "自查自报", "绿色企业"}, []string{"Self-inspect"}),
			apptest.Case(ent, "/", []string{"东湖建工集团有限公司", "三色分类", "自查自报"}, []string{"Self-inspect"}),
		}, []string{"西山建材有限公司"})
		// Another town's enterprise is not found, on every page that names one.
		for _, p := range []string{"/enterprises/" + other, "/enterprises/" + other + "/edit", "/enterprises/987654321"} {
			apptest.WantPage(t, "town1 "+p, town.Get(p), http.StatusNotFound, []string{"不在您的管辖范围内"}, []string{"西山建材有限公司"})
		}
		apptest.WantPage(t, "enterprise user on another enterprise", ent.Get("/enterprises/"+other), http.StatusNotFound, nil, []string{"西山建材有限公司"})
		// The navigation: supervisors see 企业 and 联合惩戒; the safety office and leaders 分色规则;
		// an enterprise's account 我的企业, which leads to its file.
		apptest.WantPage(t, "town nav", town.Get("/"), http.StatusOK, []string{`href="/enterprises"`, `href="/constraints"`}, []string{`href="/color-rules"`})
		apptest.WantPage(t, "leader nav", leader.Get("/"), http.StatusOK, []string{`href="/color-rules"`}, nil)
		apptest.WantPage(t, "enterprise nav", ent.Get("/"), http.StatusOK, []string{"我的企业"}, []string{`href="/constraints"`, `href="/color-rules"`})
		ent.Follow(t, "my enterprise", ent.Get("/enterprises"), "/enterprises/"+own)
		// Pages a role may not use.
		for _, p := range []string{"/enterprises/new", "/enterprises/import", "/enterprises/" + own + "/edit"} {
			apptest.WantPage(t, "enterprise user "+p, ent.Get(p), http.StatusForbidden, nil, nil)
		}
		apptest.WantPage(t, "town on the rules", town.Get("/color-rules"), http.StatusForbidden, nil, nil)
	})
}
