package letter_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

// The safety office drafts a letter with a department: the title, the standard targets
// and items of a department come by themselves; a second letter for the same unit and
// year is refused; nobody else drafts one; the input is checked field by field.
func TestLetters_CreateAndValidate(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		must := apptest.Must(t)
		dept := e.F.Units["construction"].String()
		l := must(e.As(apptest.UserAdmin, "POST", "/api/v1/letters", map[string]any{"year": 2027, "org_id": dept}), http.StatusCreated, "create")
		if l["title"] != "2027年度安全生产目标责任书" || l["unit_kind"] != "department" || l["status"] != "draft" || l["org_name"] != "区住建委" {
			t.Errorf("created: %v", l)
		}
		targets := l["targets"].([]any)
		if len(targets) != 6 || len(l["items"].([]any)) != 8 || l["target_count"] != float64(6) {
			t.Fatalf("standard department content: %d targets, %d items", len(targets), len(l["items"].([]any)))
		}
		first := targets[0].(map[string]any)
		if first["indicator"] != "本行业领域生产安全事故死亡人数" || first["kind"] != "max" || first["value"] != float64(1) || first["limit_text"] != "≤ 1 人" {
			t.Errorf("first target: %v", first)
		}
		if h := l["history"].([]any); len(h) != 1 || h[0].(map[string]any)["action"] != "letter.create" {
			t.Errorf("history: %v", l["history"])
		}
		res := e.As(apptest.UserAdmin, "POST", "/api/v1/letters", map[string]any{"year": 2027, "org_id": dept})
		if res.Status != http.StatusConflict || !strings.Contains(string(res.Body), "区住建委已有2027年度责任书") {
			t.Errorf("second letter of the year: %d %s", res.Status, res.Body)
		}
		for _, user := range []string{apptest.UserTown1, apptest.UserDept, apptest.UserLeader, apptest.UserReader} {
			if res := e.As(user, "POST", "/api/v1/letters", map[string]any{"year": 2028, "org_id": dept}); res.Status != http.StatusForbidden {
				t.Errorf("%s drafts a letter: %d, want 403", user, res.Status)
			}
		}
		f := apptest.FieldRules(t, e.As(apptest.UserAdmin, "POST", "/api/v1/letters", map[string]any{
			"year": 1999, "org_id": e.F.Units["gov"].String(),
			"targets": []any{
				map[string]any{"indicator": "", "kind": "max"},
				map[string]any{"indicator": "事故起数", "kind": "often"},
				map[string]any{"indicator": "安全文化建设", "kind": "text"},
				map[string]any{"indicator": "隐患整改率", "kind": "min", "value": -3},
			},
			"items": []any{"", strings.Repeat("长", 501)},
		}))
		want := map[string]string{"year": "between", "org_id": "unknown_ref", "targets[0].indicator": "required", "targets[0].value": "required",
			"targets[1].kind": "one_of", "targets[2].limit_text": "required", "targets[3].value": "between", "items[0]": "required", "items[1]": "max_len"}
		for k, v := range want {
			if f[k] != v {
				t.Errorf("field %s: %q, want %q (all: %v)", k, f[k], v, f)
			}
		}
		if f := apptest.FieldRules(t, e.As(apptest.UserAdmin, "POST", "/api/v1/letters", map[string]any{})); f["year"] != "required" || f["org_id"] != "required" {
			t.Errorf("empty letter: %v", f)
		}
		// A town's letter outside the caller's scope is not a unit it may name.
		if f := apptest.FieldRules(t, e.As(apptest.UserAdmin, "POST", "/api/v1/letters", map[string]any{"year": 2027, "org_id": e.F.Villages[0][0].String()})); f["org_id"] != "unknown_ref" {
			t.Errorf("a village as the unit: %v", f)
		}
	})
}

// Generating the year's letters drafts one for every town government and department
// without one, with their kind's standard content and the town head as signatory; a
// second call drafts none.
func TestLetters_GenerateIsIdempotent(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		must := apptest.Must(t)
		must(e.As(apptest.UserAdmin, "POST", "/api/v1/letters", map[string]any{"year": 2027, "org_id": e.F.Units["construction"].String(),
			"targets": []any{map[string]any{"indicator": "建筑施工死亡人数", "kind": "max", "value": 0.5, "unit": "人"}}}), http.StatusCreated, "create")
		g := must(e.As(apptest.UserAdmin, "POST", "/api/v1/letters/generate", map[string]any{"year": 2027}), http.StatusOK, "generate")
		if g["created"] != float64(3) || len(g["ids"].([]any)) != 3 { // the safety office and the two towns
			t.Fatalf("generated: %v", g)
		}
		if g := must(e.As(apptest.UserAdmin, "POST", "/api/v1/letters/generate", map[string]any{"year": 2027}), http.StatusOK, "again"); g["created"] != float64(0) {
			t.Errorf("generated twice: %v", g)
		}
		list := must(e.As(apptest.UserAdmin, "GET", "/api/v1/letters?year=2027&kind=town", nil), http.StatusOK, "towns")
		if list["total"] != float64(2) {
			t.Fatalf("2027 town letters: %v", list["total"])
		}
		for _, it := range list["items"].([]any) {
			l := must(e.As(apptest.UserAdmin, "GET", "/api/v1/letters/"+it.(map[string]any)["id"].(string), nil), http.StatusOK, "letter")
			if l["unit_signatory"] != "孙东湖" && l["unit_signatory"] != "周西山" {
				t.Errorf("%v: unit signatory %v", l["org_name"], l["unit_signatory"])
			}
			if l["target_count"] != float64(6) || l["targets"].([]any)[4].(map[string]any)["indicator"] != "网格巡查覆盖率" {
				t.Errorf("%v: targets %v", l["org_name"], l["targets"])
			}
		}
		if n := must(e.As(apptest.UserAdmin, "GET", "/api/v1/letters?year=2027", nil), http.StatusOK, "all")["total"]; n != float64(4) {
			t.Errorf("2027 letters: %v, want 4", n)
		}
		// The hand-written target was kept, not replaced by the standard ones.
		rows := must(e.As(apptest.UserAdmin, "GET", "/api/v1/letters/targets?year=2027&kind=department&org_id="+e.F.Units["construction"].String(), nil), http.StatusOK, "targets")
		if rows["total"] != float64(1) || rows["items"].([]any)[0].(map[string]any)["limit_text"] != "≤ 0.5 人" {
			t.Errorf("construction's 2027 targets: %v", rows)
		}
		if res := e.As(apptest.UserTown1, "POST", "/api/v1/letters/generate", map[string]any{"year": 2028}); res.Status != http.StatusForbidden {
			t.Errorf("a town generates: %d", res.Status)
		}
		if f := apptest.FieldRules(t, e.As(apptest.UserAdmin, "POST", "/api/v1/letters/generate", map[string]any{"year": 20})); f["year"] != "between" {
			t.Errorf("year 20: %v", f)
		}
	})
}

// A letter is signed once, with both signatories and a day not in the future; signed,
// it is read-only: changes answer 409 with the reason.
func TestLetters_SignThenReadOnly(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		must := apptest.Must(t)
		id := e.F.Samples[0]["letter"]
		path := "/api/v1/letters/" + id
		res := e.As(apptest.UserAdmin, "POST", path+"/sign", map[string]any{"signed_at": "2026-02-20"})
		if res.Status != http.StatusConflict || !strings.Contains(string(res.Body), "双方签字人") {
			t.Errorf("sign without the district's signatory: %d %s", res.Status, res.Body)
		}
		l := must(e.As(apptest.UserAdmin, "PATCH", path, map[string]any{"district_signatory": "吴区长", "items": []any{"落实属地管理责任。", "每季度专题研究安全生产。"}}), http.StatusOK, "patch")
		if l["district_signatory"] != "吴区长" || len(l["items"].([]any)) != 2 || l["target_count"] != float64(7) {
			t.Errorf("patched: %v", l)
		}
		if f := apptest.FieldRules(t, e.As(apptest.UserAdmin, "PATCH", path, map[string]any{"title": "", "year": 2030})); f["title"] != "required" || f["year"] != "read_only" {
			t.Errorf("bad patch: %v", f)
		}
		if f := apptest.FieldRules(t, e.As(apptest.UserAdmin, "POST", path+"/sign", map[string]any{"signed_at": "2026-03-09"})); f["signed_at"] != "not_future" {
			t.Errorf("signed in the future: %v", f)
		}
		if f := apptest.FieldRules(t, e.As(apptest.UserAdmin, "POST", path+"/sign", map[string]any{})); f["signed_at"] != "required" {
			t.Errorf("signed on no day: %v", f)
		}
		if res := e.As(apptest.UserTown1, "POST", path+"/sign", map[string]any{"signed_at": "2026-02-20"}); res.Status != http.StatusForbidden {
			t.Errorf("the town signs in the system: %d", res.Status)
		}
		l = must(e.As(apptest.UserAdmin, "POST", path+"/sign", map[string]any{"signed_at": "2026-02-20"}), http.StatusOK, "sign")
		if l["status"] != "signed" || !strings.HasPrefix(l["signed_at"].(string), "2026-02-19T16:00:00") {
			t.Errorf("signed: %v %v", l["status"], l["signed_at"])
		}
		for _, body := range []map[string]any{{"title": "改个标题"}, {"targets": []any{}}, {}} {
			res := e.As(apptest.UserAdmin, "PATCH", path, body)
			if res.Status != http.StatusConflict || !strings.Contains(string(res.Body), "2026-02-20 签订，不可修改") {
				t.Errorf("change a signed letter %v: %d %s", body, res.Status, res.Body)
			}
		}
		if res := e.As(apptest.UserAdmin, "POST", path+"/sign", map[string]any{"signed_at": "2026-02-21"}); res.Status != http.StatusConflict {
			t.Errorf("signed twice: %d", res.Status)
		}
		l = must(e.As(apptest.UserTown1, "GET", path, nil), http.StatusOK, "town reads")
		var actions []string
		for _, h := range l["history"].([]any) {
			actions = append(actions, h.(map[string]any)["action"].(string))
		}
		if strings.Join(actions, ",") != "letter.sign,letter.update,letter.create" {
			t.Errorf("history: %v", actions)
		}
		if n := must(e.As(apptest.UserAdmin, "GET", "/api/v1/letters?status=signed", nil), http.StatusOK, "signed")["total"]; n != float64(1) {
			t.Errorf("signed letters: %v", n)
		}
	})
}

// Each town sees its own letter and its targets, never the other town's; villages and
// enterprises see none; the district sees both; the lists export.
func TestLetters_ScopeTargetsAndExport(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		must := apptest.Must(t)
		own, other := e.F.Samples[0]["letter"], e.F.Samples[1]["letter"]
		if res := e.As(apptest.UserTown2, "GET", "/api/v1/letters/"+own, nil); res.Status != http.StatusNotFound {
			t.Errorf("town02 reads town01's letter: %d", res.Status)
		}
		if res := e.As(apptest.UserAdmin, "PATCH", "/api/v1/letters/"+other, map[string]any{"title": "西山镇责任书"}); res.Status != http.StatusOK {
			t.Errorf("the district changes town02's letter: %d", res.Status)
		}
		for user, want := range map[string]float64{apptest.UserTown1: 1, apptest.UserTown2: 1, apptest.UserAdmin: 2, apptest.UserDept: 2,
			apptest.UserVillage: 0, apptest.UserEnt: 0, apptest.UserPatrol1: 0} {
			res := e.As(user, "GET", "/api/v1/letters", nil)
			if n := must(res, http.StatusOK, "list as "+user)["total"]; n != want {
				t.Errorf("%s sees %v letters, want %v", user, n, want)
			}
			if user == apptest.UserTown2 && strings.Contains(string(res.Body), "东湖") {
				t.Errorf("town02's list shows town01's letter")
			}
		}
		rows := must(e.As(apptest.UserTown1, "GET", "/api/v1/letters/targets?year=2026", nil), http.StatusOK, "targets")
		if rows["total"] != float64(7) {
			t.Fatalf("town01's targets: %v", rows["total"])
		}
		items := rows["items"].([]any)
		last := items[6].(map[string]any)
		if last["indicator"] != "东湖水库防汛责任落实率" || last["kind"] != "min" || last["value"] != float64(100) || last["unit"] != "%" ||
			last["position"] != float64(7) || last["letter_id"] != own || last["org_name"] != "东湖镇人民政府" || last["status"] != "draft" {
			t.Errorf("town01's own target: %v", last)
		}
		zero := items[1].(map[string]any)
		if zero["kind"] != "zero" || zero["value"] != float64(0) || zero["limit_text"] != "0 起" {
			t.Errorf("the zero target: %v", zero)
		}
		if strings.Contains(string(e.As(apptest.UserTown1, "GET", "/api/v1/letters/targets", nil).Body), "西山林场") {
			t.Errorf("town01's targets show town02's")
		}
		if n := must(e.As(apptest.UserAdmin, "GET", "/api/v1/letters/targets?year=2026", nil), http.StatusOK, "all targets")["total"]; n != float64(14) {
			t.Errorf("the district's targets: %v", n)
		}
		csv := e.As(apptest.UserAdmin, "GET", "/api/v1/letters?format=csv", nil)
		apptest.WantBody(t, "letters csv", csv, http.StatusOK, []string{"年度", "责任单位", "东湖镇人民政府", "西山镇责任书", "草拟"}, nil)
		csv = e.As(apptest.UserTown2, "GET", "/api/v1/letters/targets?format=csv", nil)
		apptest.WantBody(t, "targets csv", csv, http.StatusOK, []string{"指标", "西山林场森林防火巡护覆盖率", "≥ 100%"}, []string{"东湖"})
		if res := e.As(apptest.UserAdmin, "GET", "/api/v1/letters?format=xlsx", nil); res.Status != http.StatusOK || len(res.Body) < 1000 {
			t.Errorf("xlsx: %d, %d bytes", res.Status, len(res.Body))
		}
	})
}
