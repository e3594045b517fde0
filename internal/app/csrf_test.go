package app_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

// browser signs in through the sign-in form and returns a client holding the session
// cookie, and the CSRF token the pages carry.
func browser(t *testing.T, e *apptest.Env, user string) (*http.Client, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err := c.PostForm(e.Server.URL+"/login", url.Values{"username": {user}, "password": {apptest.Password}, "next": {"/account"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/account" {
		t.Fatalf("sign-in form: %d at %s", res.StatusCode, res.Request.URL)
	}
	m := regexp.MustCompile(`"X-CSRF-Token":"([^"]+)"`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("page carries no CSRF token")
	}
	return c, string(m[1])
}

func TestCSRF_CookieWritesNeedTheToken(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		c, token := browser(t, e, apptest.UserAdmin)
		post := func(headers ...string) int {
			body := `{"kind":"village","category":"village","name":"新村","code":"T01099","parent_id":"` + e.F.Towns[0].String() + `"}`
			req, _ := http.NewRequest("POST", e.Server.URL+"/api/v1/orgs", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			for i := 0; i+1 < len(headers); i += 2 {
				req.Header.Set(headers[i], headers[i+1])
			}
			res, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res.StatusCode
		}
		if s := post(); s != http.StatusForbidden {
			t.Errorf("cookie write without a token: %d, want 403", s)
		}
		if s := post("X-CSRF-Token", "forged"); s != http.StatusForbidden {
			t.Errorf("cookie write with a wrong token: %d, want 403", s)
		}
		if s := post("X-CSRF-Token", token, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"); s != http.StatusForbidden {
			t.Errorf("cross-site write: %d, want 403", s)
		}
		if s := post("X-CSRF-Token", token); s != http.StatusCreated {
			t.Errorf("cookie write with the token: %d, want 201", s)
		}
		// A reading request needs no token.
		res, err := c.Get(e.Server.URL + "/api/v1/grids")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("cookie read: %d", res.StatusCode)
		}
		// Form posts carry the token as a field.
		res, err = c.PostForm(e.Server.URL+"/logout", url.Values{})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("sign-out form without the token: %d, want 403", res.StatusCode)
		}
		res, err = c.PostForm(e.Server.URL+"/logout", url.Values{"csrf_token": {token}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.Request.URL.Path != "/login" {
			t.Errorf("sign-out lands on %s", res.Request.URL.Path)
		}
		res, _ = c.Get(e.Server.URL + "/api/v1/me")
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("cookie still valid after sign-out: %d", res.StatusCode)
		}
	})
}
