package app_test

import (
	"bytes"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
)

// TestScope_NoRouteLeaksASiblingTown walks every registered API route as the user of
// one town (each town's user, and a user of each town holding every role that does not
// narrow the scope: see siblingWalkers), aiming it at the records of the sibling town.
// A route leaks if:
//   - for a route naming a record ({id}), the answer for the other town's record differs
//     from the answer for an id that does not exist (so existence shows), or is a success;
//   - for a list or any other route, the body mentions a name or code that only the other
//     town's records carry.
//
// A new route naming a record kind without a sample in the fixture fails the test, so
// every capability added later is walked too.
func TestScope_NoRouteLeaksASiblingTown(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		for _, pr := range siblingWalkers(t, e) {
			for _, rt := range e.App.API.Routes() {
				if rt.Public || rt.ID == "deleteSession" { // signing out touches no record, and would end the walk
					continue
				}
				path := rt.Path
				var missing string
				if rt.Object != "" {
					id, ok := e.F.Samples[pr.other][rt.Object]
					if !ok {
						t.Fatalf("route %s %s names a %q but the fixture has no sample of that kind: add one to apptest.Fixture.Samples",
							rt.Method, rt.Path, rt.Object)
					}
					missing = strings.ReplaceAll(path, "{id}", "987654321")
					path = strings.ReplaceAll(path, "{id}", id)
				}
				body := any(nil)
				if rt.Method != http.MethodGet && rt.Method != http.MethodDelete {
					body = "{}"
				}
				name := pr.user + " " + rt.Method + " " + rt.Path
				res := e.As(pr.user, rt.Method, path, body)
				if rt.Object != "" {
					if res.Status < 400 {
						t.Errorf("%s: other town's record answered %d: %s", name, res.Status, res.Body)
					}
					ref := e.As(pr.user, rt.Method, missing, body)
					if res.Status != ref.Status || !bytes.Equal(stripInstance(res.Body), stripInstance(ref.Body)) {
						t.Errorf("%s: other town's record answers %d %s but a missing id answers %d %s",
							name, res.Status, res.Body, ref.Status, ref.Body)
					}
				}
				if rt.List && rt.Object == "" && rt.Method == http.MethodGet && rt.Perm == nil && res.Status != http.StatusOK {
					t.Errorf("%s: list answered %d, want 200: %s", name, res.Status, res.Body)
				}
				assertNoMarkers(t, name, res.Body, e.F.Markers[pr.other])
				if rt.List && rt.Method == http.MethodGet && res.Status == http.StatusOK {
					csv := e.As(pr.user, "GET", path+"?format=csv", nil)
					assertNoMarkers(t, name+" (csv)", csv.Body, e.F.Markers[pr.other])
				}
			}
		}
	})
}

var instanceRE = regexp.MustCompile(`"instance":"[^"]*"`)

func stripInstance(b []byte) []byte { return instanceRE.ReplaceAll(b, nil) }

func assertNoMarkers(t *testing.T, name string, body []byte, markers []string) {
	t.Helper()
	for _, m := range markers {
		if bytes.Contains(body, []byte(m)) {
			t.Errorf("%s: response mentions %q of the other town", name, m)
		}
	}
}

// The marker check above is only meaningful if the markers do show up for users who
// may see them: the district-wide admin must see both towns' markers in the lists, of
// the API and of the pages.
func TestScope_MarkersVisibleToDistrict(t *testing.T) {
	e := apptest.New(t, "sqlite")
	b := e.SignIn(apptest.UserAdmin)
	for _, path := range []string{"/api/v1/grids?per_page=500", "/api/v1/orgs?per_page=500", "/api/v1/people?per_page=500",
		"/grids", "/people", "/hazards", "/enterprises"} {
		res := b.Get(path)
		if strings.HasPrefix(path, "/api/") {
			res = e.As(apptest.UserAdmin, "GET", path, nil)
		}
		for i := range 2 {
			seen := false
			for _, m := range e.F.Markers[i] {
				if bytes.Contains(res.Body, []byte(m)) {
					seen = true
				}
			}
			if !seen {
				t.Errorf("admin %s shows no marker of town %d: %s", path, i+1, res.Body)
			}
		}
	}
}
