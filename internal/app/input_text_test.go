package app_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

// problemField returns the status, the field and the rule of a problem document's
// first field error.
func problemField(t *testing.T, res *apptest.Response) (int, string, string) {
	t.Helper()
	var p struct {
		Errors []struct{ Field, Rule, Message string }
	}
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("not a problem document: %d %s %s", res.Status, res.Header.Get("Content-Type"), res.Body)
	}
	res.JSON(t, &p)
	if len(p.Errors) == 0 {
		return res.Status, "", ""
	}
	if p.Errors[0].Message == "" || strings.HasPrefix(p.Errors[0].Message, "input.") {
		t.Errorf("field error without a message: %s", res.Body)
	}
	return res.Status, p.Errors[0].Field, p.Errors[0].Rule
}

// Text that is not text (a NUL character, which PostgreSQL refuses, or invalid UTF-8,
// which was silently replaced and stored) is refused with a 400 naming the field, on
// both engines, at every entry: a JSON body (hazard report, comment, sign-in), a query
// parameter, and the page forms (url-encoded and multipart, signed in or not).
func TestInput_NotTextIsRefusedNamingTheField(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		grid := e.F.Grids[0][1].String()
		hz := e.F.Hazards[0].String()
		report := func(title string) string {
			return `{"title":"` + title + `","category":"unsafe_condition","industry":"construction","grade":"general","grid_id":"` + grid + `","place":"码头"}`
		}
		before := e.As(apptest.UserTown1, "GET", "/api/v1/hazards", nil).Map(t)["total"]
		cases := []struct {
			name        string
			res         *apptest.Response
			field, rule string
		}{
			{"hazard report, an escaped NUL", e.As(apptest.UserPatrol1, "POST", "/api/v1/hazards", report(`消防通道\u0000堵塞`)), "title", "nul"},
			{"hazard report, a bad byte", e.As(apptest.UserPatrol1, "POST", "/api/v1/hazards", report("消防通道\xff堵塞")), "title", "utf8"},
			{"hazard report, a lone surrogate", e.As(apptest.UserPatrol1, "POST", "/api/v1/hazards", report(`消防通道\ud800堵塞`)), "title", "utf8"},
			{"hazard report, a NUL in a key", e.As(apptest.UserPatrol1, "POST", "/api/v1/hazards", `{"ti\u0000tle":"x"}`), "ti\uFFFDtle", "nul"},
			{"hazard report, a NUL in a list", e.As(apptest.UserPatrol1, "POST", "/api/v1/hazards",
				`{"title":"x","photos":["1","\u0000"],"grid_id":"`+grid+`"}`), "photos[1]", "nul"},
			{"comment", e.As(apptest.UserTown1, "POST", "/api/v1/hazards/"+hz+"/actions", `{"action":"comment","comment":"请\u0000尽快"}`), "comment", "nul"},
			{"q filter, NUL", e.As(apptest.UserTown1, "GET", "/api/v1/hazards?q=a%00b", nil), "q", "nul"},
			{"q filter, bad byte", e.As(apptest.UserTown1, "GET", "/api/v1/hazards?q=%ff", nil), "q", "utf8"},
			{"sign-in before any session", e.Do("POST", "/api/v1/session", "", `{"username":"adm\u0000in","password":"x"}`), "username", "nul"},
		}
		for _, c := range cases {
			status, field, rule := problemField(t, c.res)
			if status != http.StatusBadRequest || field != c.field || rule != c.rule {
				t.Errorf("%s: %d %s/%s, want 400 %s/%s: %s", c.name, status, field, rule, c.field, c.rule, c.res.Body)
			}
		}
		if after := e.As(apptest.UserTown1, "GET", "/api/v1/hazards", nil).Map(t)["total"]; after != before {
			t.Errorf("hazards %v → %v: a refused report was stored", before, after)
		}
		en := e.As(apptest.UserTown1, "GET", "/api/v1/hazards?q=%00&lang=en", nil)
		if !strings.Contains(string(en.Body), "NUL character") {
			t.Errorf("English problem: %s", en.Body)
		}

		// The sign-in page: the field is marked, in Chinese.
		anon := e.NewBrowser()
		res := anon.PostForm("/login", url.Values{"username": {"town\x0001"}, "password": {apptest.Password}}, false)
		if res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), "含有空字符") {
			t.Errorf("sign-in page: %d %s", res.Status, snippet(res.Body))
		}
		// A signed-in url-encoded form, a list page's filter and a multipart form.
		town := e.SignIn(apptest.UserTown1)
		res = town.PostForm("/hazards/"+hz+"/actions", url.Values{"action": {"comment"}, "comment": {"请\xff尽快"}}, true)
		if res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), "无效的字符编码") {
			t.Errorf("comment form: %d %s", res.Status, snippet(res.Body))
		}
		if res := town.Get("/hazards?q=%00"); res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), "查询条件含有无法处理的字符") {
			t.Errorf("list filter: %d %s", res.Status, snippet(res.Body))
		}
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("csrf_token", town.CSRF) // first, as the pages send it
		for k, v := range map[string]string{"title": "消防\x00通道", "category": "unsafe_condition", "industry": "construction", "grade": "general", "grid_id": grid, "place": "码头"} {
			mw.WriteField(k, v)
		}
		mw.Close()
		req, _ := http.NewRequest("POST", e.Server.URL+"/hazards", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		hres, err := town.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		hres.Body.Close()
		if hres.StatusCode != http.StatusBadRequest {
			t.Errorf("multipart report form: %d", hres.StatusCode)
		}
		if after := e.As(apptest.UserTown1, "GET", "/api/v1/hazards", nil).Map(t)["total"]; after != before {
			t.Errorf("hazards %v → %v: a refused form was stored", before, after)
		}
	})
}

// A value its field's type refuses is a field error naming the field, not "bad JSON".
func TestInput_InvalidDateNamesTheField(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		grid := e.F.Grids[0][1].String()
		for _, found := range []string{"2026-02-30T08:00:00+08:00", "2026-02-30", "yesterday"} {
			res := e.As(apptest.UserPatrol1, "POST", "/api/v1/hazards", `{"title":"消防通道堵塞","category":"unsafe_condition","industry":"construction",
				"grade":"general","grid_id":"`+grid+`","place":"码头","found_at":"`+found+`"}`)
			status, field, rule := problemField(t, res)
			if status != http.StatusBadRequest || field != "found_at" || rule != "time" || !strings.Contains(string(res.Body), "RFC 3339") {
				t.Errorf("found_at %s: %d %s/%s %s", found, status, field, rule, res.Body)
			}
		}
	})
}

// A page number whose offset would overflow is a field error naming page, on both
// engines (it failed on PostgreSQL and wrapped to the wrong page on SQLite).
func TestInput_HugePageNamesTheField(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		for _, page := range []string{"9223372036854775807", "184467440737095517", "1000001", "99999999999999999999"} {
			status, field, _ := problemField(t, e.As(apptest.UserTown1, "GET", "/api/v1/hazards?page="+page, nil))
			if status != http.StatusBadRequest || field != "page" {
				t.Errorf("page=%s: %d %s", page, status, field)
			}
		}
		res := e.As(apptest.UserTown1, "GET", "/api/v1/hazards?page=1000000&per_page=500", nil)
		if res.Status != http.StatusOK || res.Map(t)["items"] == nil {
			t.Errorf("the last allowed page: %d %s", res.Status, res.Body)
		}
		town := e.SignIn(apptest.UserTown1)
		if res := town.Get("/hazards?page=9223372036854775807"); res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), "页码须在 1 到 1000000 之间") {
			t.Errorf("list page: %d %s", res.Status, snippet(res.Body))
		}
	})
}

// snippet is the start of a page's main area, for failure messages.
func snippet(b []byte) string {
	if i := bytes.Index(b, []byte("<main")); i > 0 {
		b = b[i:]
	}
	if len(b) > 1500 {
		b = b[:1500]
	}
	return string(b)
}
