package app_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

// A multipart page form carries its token as the first part of the body; the token in
// the address (where the pages once put it) no longer passes, nor a token after the
// first part.
func TestCSRF_MultipartPageFormTokenInTheBody(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		patrol := e.SignIn(apptest.UserPatrol1)
		post := func(query string, fields ...string) int {
			t.Helper()
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			for i := 0; i+1 < len(fields); i += 2 {
				mw.WriteField(fields[i], fields[i+1])
			}
			mw.Close()
			req, _ := http.NewRequest("POST", e.Server.URL+"/hazards"+query, &body)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			res, err := patrol.Client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res.StatusCode
		}
		form := []string{"grid_id", e.F.Grids[0][0].String(), "title", "楼道堆放杂物", "category", "unsafe_condition",
			"industry", "fire", "grade", "general", "place", "东湖村三组"}
		if s := post("?csrf_token="+url.QueryEscape(patrol.CSRF), form...); s != http.StatusForbidden {
			t.Errorf("token in the address: %d, want 403", s)
		}
		if s := post("", append(form, "csrf_token", patrol.CSRF)...); s != http.StatusForbidden {
			t.Errorf("token after the other fields: %d, want 403", s)
		}
		if s := post("", append([]string{"csrf_token", patrol.CSRF}, form...)...); s != http.StatusSeeOther {
			t.Errorf("token first: %d, want 303 to the new hazard", s)
		}
	})
}
