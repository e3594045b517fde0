package duty_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

// The duty pages render in both languages; another town's list and task are not found.
func TestPages_DutiesRenderInBothLanguages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		town := e.SignIn(apptest.UserTown1)
		list, task := e.F.Samples[0]["duty_list"], e.F.Samples[0]["task"]
		apptest.WantBothLanguages(t, []apptest.PageCase{
			apptest.Case(town, "/duties", []string{"责任清单", "孙东湖"}, []string{"Duty lists"}),
			apptest.Case(town, "/duty-lists/"+list, []string{"每季度召开镇（街道）安全生产工作会议", "决策", "第2版", "第1版"}, []string{"Version 2"}),
			apptest.Case(town, "/duty-lists/"+list+"/print", []string{"安全生产责任清单", "《消防法》第十六条"}, []string{"safety duty list"}),
			apptest.Case(town, "/tasks", []string{"本周我的职责", "每月巡查镇政府机关消防安全", "确认完成"}, []string{"My duties this week"}),
			apptest.Case(town, "/tasks/"+task, []string{"可关联的已有佐证", "东湖镇一季度安全检查报告", "上传并完成"}, []string{"Evidence already recorded"}),
			apptest.Case(town, "/tasks/overdue", []string{"逾期统计", "东湖镇人民政府"}, []string{"Overdue by unit"}),
		}, []string{"周西山", "西山镇一季度安全检查报告"})
		other := e.SignIn(apptest.UserTown2)
		apptest.WantPage(t, "town02 on town01's list", other.Get("/duty-lists/"+list), http.StatusNotFound, []string{"不在您的管辖范围内"}, []string{"孙东湖"})
		apptest.WantPage(t, "town02 on town01's task", other.Get("/tasks/"+task), http.StatusNotFound, []string{"不在您的管辖范围内"}, []string{"孙东湖"})
	})
}

// Through the pages: the town links the evidence already recorded with one tap; the
// safety office adds a duty, which is a new version, and removes it again.
func TestPages_LinkEvidenceAndEditList(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		task := e.F.Samples[0]["task"]
		town := e.SignIn(apptest.UserTown1)
		town.Get("/tasks/" + task)
		page := town.Follow(t, "link", town.PostForm("/tasks/"+task+"/evidence", url.Values{"evidence_id": {e.F.Samples[0]["evidence"]}}, true), "/tasks/"+task)
		apptest.WantPage(t, "linked", page, http.StatusOK, []string{"佐证已关联，任务已完成。", "已完成", "东湖镇一季度安全检查报告"}, nil)
		apptest.WantPage(t, "nothing to link", town.PostForm("/tasks/"+task+"/evidence", url.Values{"title": {"纪要"}}, true),
			http.StatusUnprocessableEntity, []string{"请提供一项佐证"}, nil)

		list := e.F.Samples[0]["duty_list"]
		admin := e.SignIn(apptest.UserAdmin)
		admin.Get("/duty-lists/" + list)
		apptest.WantPage(t, "no text", admin.PostForm("/duty-lists/"+list+"/items", url.Values{"body": {"town"}, "frequency": {"monthly"}}, true),
			http.StatusUnprocessableEntity, []string{"必填"}, nil)
		res := admin.PostForm("/duty-lists/"+list+"/items", url.Values{"body": {"town"}, "role": {"supervise"}, "text": {"每月检查汛期防汛物资"},
			"frequency": {"monthly"}, "evidence": {"inspection"}, "note": {"汛期"}}, true)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("add a duty: %d", res.Status)
		}
		v3 := res.Header.Get("Location")
		apptest.WantPage(t, "version 3", admin.Get(v3), http.StatusOK, []string{"第3版", "每月检查汛期防汛物资", "本版修改：汛期", "保存新版本"}, nil)
		apptest.WantPage(t, "town may not edit", town.Get(v3), http.StatusOK, []string{"第3版"}, []string{"删除此条", "增加职责"})
	})
}

// The safety office draws a list from the template on /duties, copies the year, and adds
// a duty to a template on /duty-templates; others read the templates only.
func TestPages_TemplatesAndDrawing(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		admin := e.SignIn(apptest.UserAdmin)
		apptest.WantPage(t, "duties as admin", admin.Get("/duties"), http.StatusOK, []string{"为人员生成清单", "钱分管", "复制2026年清单到2027年"}, nil)
		apptest.WantPage(t, "no person", admin.PostForm("/duties", url.Values{"person_id": {""}}, true), http.StatusUnprocessableEntity, []string{"必填"}, nil)
		res := admin.PostForm("/duties", url.Values{"person_id": {e.F.Leader.String()}}, true)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("draw: %d %s", res.Status, res.Body)
		}
		apptest.WantPage(t, "drawn", admin.Get(res.Header.Get("Location")), http.StatusOK, []string{"清单已按模板生成。", "钱分管", "每季度召开分管行业领域安全生产专题会议"}, nil)
		res = admin.PostForm("/duties/copy", url.Values{"year": {"2026"}}, true)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("copy: %d", res.Status)
		}
		apptest.WantPage(t, "copied", admin.Get(res.Header.Get("Location")), http.StatusOK, []string{"清单已复制到下一年度。", "钱分管", "孙东湖", "周西山"}, nil)

		apptest.WantPage(t, "templates", admin.Get("/duty-templates"), http.StatusOK, []string{"镇长（主任）", "每季度召开镇（街道）安全生产工作会议", "保存模板"}, nil)
		apptest.WantPage(t, "no text", admin.PostForm("/duty-templates", url.Values{"post_kind": {"town_head"}, "body": {"town"}}, true),
			http.StatusUnprocessableEntity, []string{"必填"}, nil)
		res = admin.PostForm("/duty-templates", url.Values{"post_kind": {"town_head"}, "body": {"town"}, "role": {"execute"}, "text": {"汛前组织防汛安全检查"},
			"frequency": {"yearly"}, "evidence": {"inspection"}}, true)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("add to the template: %d %s", res.Status, res.Body)
		}
		town := e.SignIn(apptest.UserTown1)
		apptest.WantPage(t, "templates as town", town.Get("/duty-templates"), http.StatusOK, []string{"汛前组织防汛安全检查"}, []string{"保存模板", "删除此条"})
		if res := town.PostForm("/duty-templates", url.Values{"post_kind": {"town_head"}, "body": {"town"}, "text": {"x"}}, true); res.Status != http.StatusForbidden {
			t.Errorf("town edits a template: %d", res.Status)
		}
	})
}
