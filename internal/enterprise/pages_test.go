package enterprise_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

// Page tests of the enterprise pages: every page renders in both languages without an
// untranslated key, with the scope's 404 and the CSRF check of the forms. The helpers
// are prefixed pg so they never collide with the API tests of the package.

// pgRawKey finds a message key that reached a page untranslated.
var pgRawKey = regexp.MustCompile(`[>" ](ent|enterprise|hazard|common|list|flash|object|validate|error)\.[a-z_]+(\.[a-z_0-9]+)*[<" ]`)

// pgActionCode finds the audit log's action codes, which are meant to show.
var pgActionCode = regexp.MustCompile(`<span class="action-code[^"]*">[^<]*</span>`)

// pgWant fails unless res has status and contains every string of want and none of
// avoid, and no untranslated message key.
func pgWant(t *testing.T, name string, res *apptest.Response, status int, want, avoid []string) {
	t.Helper()
	if res.Status != status {
		t.Fatalf("%s: status %d, want %d\n%s", name, res.Status, status, pgSnippet(res.Body))
	}
	body := string(res.Body)
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s: page lacks %q", name, w)
		}
	}
	for _, a := range avoid {
		if strings.Contains(body, a) {
			t.Errorf("%s: page shows %q", name, a)
		}
	}
	body = pgActionCode.ReplaceAllString(body, "") // the audit panel shows action codes on purpose
	if k := pgRawKey.FindString(body); k != "" {
		t.Errorf("%s: untranslated message key %s", name, k)
	}
}

func pgSnippet(b []byte) string {
	if i := bytes.Index(b, []byte(`<main`)); i > 0 {
		b = b[i:]
	}
	if len(b) > 2000 {
		return string(b[:2000]) + "…"
	}
	return string(b)
}

// pgFile is one file of a multipart form.
type pgFile struct {
	field, name string
	data        []byte
}

// pgMultipart posts a multipart form as the browser session, with the CSRF token in
// the first part as the pages' file forms do (unless csrf is false).
func pgMultipart(t *testing.T, e *apptest.Env, b *apptest.Browser, path string, fields url.Values, files []pgFile, csrf bool) *apptest.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if csrf {
		if err := mw.WriteField("csrf_token", b.CSRF); err != nil {
			t.Fatal(err)
		}
	}
	for k, vs := range fields {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, f := range files {
		w, err := mw.CreateFormFile(f.field, f.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(f.data)
	}
	mw.Close()
	req, err := http.NewRequest("POST", e.Server.URL+path, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := b.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &apptest.Response{Status: res.StatusCode, Header: res.Header, Body: data}
}

// pgRedirect fails unless res is a 303 to location, and returns the page it leads to.
func pgRedirect(t *testing.T, name string, b *apptest.Browser, res *apptest.Response, location string) *apptest.Response {
	t.Helper()
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != location {
		t.Fatalf("%s: %d to %q, want 303 to %q\n%s", name, res.Status, res.Header.Get("Location"), location, pgSnippet(res.Body))
	}
	return b.Get(location)
}

// Every page renders for the roles that use it, in Chinese and in English, with no key
// left untranslated; a town sees its own enterprise and not the other town's.
func TestPages_EnterprisesRenderInBothLanguages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		own, other := e.F.Enterprises[0].String(), e.F.Enterprises[1].String()
		var enf string
		if err := e.App.DB.QueryRow(t.Context(), `SELECT id FROM enforcement_actions WHERE enterprise_id = ?`, e.F.Enterprises[0]).Scan(&enf); err != nil {
			t.Fatal(err)
		}
		admin, town, leader, ent := e.SignIn(apptest.UserAdmin), e.SignIn(apptest.UserTown1), e.SignIn(apptest.UserLeader), e.SignIn(apptest.UserEnt)
		pages := []struct {
			who  *apptest.Browser
			path string
			zh   []string
			en   []string
		}{
			{town, "/enterprises", []string{"企业名录", "东湖建工集团有限公司", "新增企业", "批量导入", `href="/api/v1/enterprises?format=xlsx&amp;lang=zh"`}, []string{"Enterprise registry", "New enterprise"}},
			{town, "/enterprises/" + own, []string{"东湖建工集团有限公司", "三色分类", "绿色企业", "执法记录", "责令整改通知书", "监管检查", "三色历史"}, []string{"Color history", "Supervision visits"}},
			{town, "/enterprises/new", []string{"新增企业", "统一社会信用代码", "东湖村第1网格"}, []string{"New enterprise", "Credit code"}},
			{town, "/enterprises/" + own + "/edit", []string{"编辑：东湖建工集团有限公司", `value="91330199MA2T01000`}, []string{"Edit: "}},
			{town, "/enterprises/" + own + "/enforcement/new", []string{"记录执法", "上限处罚", "提请关闭"}, []string{"Record enforcement", "Maximum penalty"}},
			{town, "/enterprises/" + own + "/enforcement/" + enf + "/order", []string{"责令整改通知书", "《中华人民共和国安全生产法》第六十五条", "东湖建工集团有限公司：", "责令限期整改"}, []string{"Rectification Order", "Article 65"}},
			{town, "/enterprises/import", []string{"批量导入企业", "/api/v1/enterprises/import/template", "统一社会信用代码"}, []string{"Import enterprises", "Credit code"}},
			{town, "/enterprises/" + own + "/risk-points", []string{"风险点", "登记风险点"}, []string{"Risk points"}},
			{town, "/risk-points", []string{"风险四色图"}, []string{"Four-color risk map"}},
			{town, "/constraints", []string{"联合惩戒名单", "没有红色企业"}, []string{"Joint-constraint list"}},
			{town, "/incentives", []string{"激励名单", "东湖建工集团有限公司"}, []string{"Incentive list"}},
			{town, "/", []string{"企业三色分类", "逾期未检查的企业"}, []string{"Enterprise colors"}},
			{admin, "/color-rules", []string{"分色规则", "现行规则", "保存为新版本", "预览", "R1", "每 1 个月至少检查一次"}, []string{"Color rules", "Save as a new version"}},
			{admin, "/", []string{"企业三色分类", "data-chart"}, []string{"Enterprise colors"}},
			{leader, "/color-rules", []string{"分色规则", "只读"}, []string{"Read only"}},
			{ent, "/enterprises/" + own, []string{"东湖建工集团有限公司", "自查自报", "绿色企业"}, []string{"Self-inspect"}},
			{ent, "/", []string{"东湖建工集团有限公司", "三色分类", "自查自报"}, []string{"Self-inspect"}},
			{ent, "/enterprises/" + own + "/self-inspection", []string{"自查自报"}, []string{"Self-inspection"}},
		}
		for _, pg := range pages {
			pgWant(t, pg.path+" zh", pg.who.Get(pg.path), http.StatusOK, pg.zh, []string{"西山建材有限公司"})
			pgWant(t, pg.path+" en", pg.who.Get(pg.path+sepOf(pg.path)+"lang=en"), http.StatusOK, pg.en, nil)
		}
		// Another town's enterprise is not found, on every page that names one.
		for _, p := range []string{"/enterprises/" + other, "/enterprises/" + other + "/edit", "/enterprises/" + other + "/enforcement/new",
			"/enterprises/" + other + "/risk-points", "/enterprises/987654321"} {
			pgWant(t, "town1 "+p, town.Get(p), http.StatusNotFound, []string{"不在您的管辖范围内"}, []string{"西山建材有限公司"})
		}
		pgWant(t, "enterprise user on another enterprise", ent.Get("/enterprises/"+other), http.StatusNotFound, nil, []string{"西山建材有限公司"})
		// The navigation: supervisors see 企业 and 联合惩戒; the safety office and leaders 分色规则;
		// an enterprise's account 我的企业, which leads to its file.
		pgWant(t, "town nav", town.Get("/"), http.StatusOK, []string{`href="/enterprises"`, `href="/constraints"`}, []string{`href="/color-rules"`})
		pgWant(t, "leader nav", leader.Get("/"), http.StatusOK, []string{`href="/color-rules"`}, nil)
		pgWant(t, "enterprise nav", ent.Get("/"), http.StatusOK, []string{"我的企业"}, []string{`href="/constraints"`, `href="/color-rules"`})
		pgRedirect(t, "my enterprise", ent, ent.Get("/enterprises"), "/enterprises/"+own)
		// Pages a role may not use.
		for _, p := range []string{"/enterprises/new", "/enterprises/import", "/enterprises/" + own + "/edit", "/enterprises/" + own + "/enforcement/new"} {
			pgWant(t, "enterprise user "+p, ent.Get(p), http.StatusForbidden, nil, nil)
		}
		pgWant(t, "town on the rules", town.Get("/color-rules"), http.StatusForbidden, nil, nil)
		pgWant(t, "town on self-inspection", town.Get("/enterprises/"+own+"/self-inspection"), http.StatusForbidden, nil, nil)
	})
}

func sepOf(path string) string {
	if strings.Contains(path, "?") {
		return "&"
	}
	return "?"
}
