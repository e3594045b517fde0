package hazard_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

// The report form: the patroller's own grids first and preselected, the camera input,
// sources only for roles that may choose one; a refused form keeps what was typed and
// the photo already stored; readers may not report.
func TestPages_ReportForm(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		patrol := e.SignIn(apptest.UserPatrol1)
		g := e.F.Grids[0][0].String()
		apptest.WantPage(t, "patroller form", patrol.Get("/hazards/new"), http.StatusOK, []string{
			`<optgroup label="我的网格"><option value="` + g + `" selected>`, `accept="image/*" capture="environment"`,
			`name="grade" value="general" checked`, `action="/hazards" enctype="multipart/form-data"`,
		}, []string{`id="source"`, "T02", "csrf_token="})
		// Empty: every missing field says so, in words, not codes.
		res := postMultipart(t, e, patrol, "/hazards", url.Values{"grid_id": {g}, "grade": {"general"}, "title": {"  "}, "description": {"楼道堆放电动车"}},
			[]file{{"楼道.png", apptest.PNG(t)}}, true)
		apptest.WantPage(t, "refused report", res, http.StatusUnprocessableEntity, []string{
			"有 4 处输入需要修改", "楼道堆放电动车</textarea>", "请填写企业或场所", `name="attachments" value="`, "以上文件已上传",
		}, []string{"unsafe_act, unsafe_condition"})
		if res := postMultipart(t, e, patrol, "/hazards", url.Values{"grid_id": {g}}, nil, false); res.Status != http.StatusForbidden {
			t.Errorf("report without the CSRF token: %d, want 403", res.Status)
		}
		// Another town's grid is refused like an unknown one.
		res = postMultipart(t, e, patrol, "/hazards", url.Values{"grid_id": {e.F.Grids[1][0].String()}, "title": {"x"}, "category": {"environment"},
			"industry": {"fire"}, "grade": {"general"}, "place": {"x"}}, nil, true)
		apptest.WantPage(t, "other town's grid", res, http.StatusUnprocessableEntity, []string{"引用的记录不存在或不在您的管辖范围内"}, nil)

		// The safety office sees the district's grids by village and may name the source.
		admin := e.SignIn(apptest.UserAdmin)
		apptest.WantPage(t, "admin form", admin.Get("/hazards/new"), http.StatusOK,
			[]string{`<optgroup label="东湖村">`, `<optgroup label="山前社区">`, `id="source"`, `value="department_inspection" selected`}, []string{"我的网格"})
		// Readers read.
		if res := e.SignIn(apptest.UserReader).Get("/hazards/new"); res.Status != http.StatusForbidden {
			t.Errorf("reader opens the form: %d, want 403", res.Status)
		}
		apptest.WantPage(t, "patroller form in English", patrol.Get("/hazards/new?lang=en"), http.StatusOK,
			[]string{"Report a hazard", "My grids", "Take photos", "Unsafe condition"}, nil)
	})
}
