package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// thing is a record of a test store: one thing, id 7, under parent 3, visible to the
// principal whose user is 1.
type thing struct {
	ID   db.ID  `json:"id"`
	Name string `json:"name"`
}

type thingInput struct {
	Name string `json:"name"`
}

type things struct{ name string }

func (s *things) get(_ context.Context, p *auth.Principal, id db.ID) (thing, error) {
	if id != 7 || p == nil || p.UserID != 1 {
		return thing{}, apperr.NotFoundf("thing")
	}
	return thing{ID: 7, Name: s.name}, nil
}

func (s *things) rename(ctx context.Context, p *auth.Principal, id db.ID, in thingInput) error {
	if _, err := s.get(ctx, p, id); err != nil {
		return err
	}
	if in.Name == "" {
		v := apperr.Validation{}
		v.Add("name", "validate.required", nil)
		return v.Err()
	}
	s.name = in.Name
	return nil
}

func (s *things) create(_ context.Context, p *auth.Principal, parent db.ID, in thingInput) (db.ID, error) {
	if parent != 3 || p.UserID != 1 {
		return 0, apperr.NotFoundf("parent")
	}
	s.name = in.Name
	return 7, nil
}

// serve runs h for a request to path (pattern names its {id}) as user, and returns the
// status, the Location header and the body.
func serve(h HandlerFunc, pattern, method, path, body string, user db.ID) (int, string, string) {
	return serveAs(h, pattern, method, path, body, &auth.Principal{UserID: user})
}

// serveAs is serve for a principal of the test's making (with roles).
func serveAs(h HandlerFunc, pattern, method, path, body string, p *auth.Principal) (int, string, string) {
	mux := http.NewServeMux()
	mux.HandleFunc(method+" "+pattern, func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			WriteError(w, r, err)
		}
	})
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r = r.WithContext(auth.WithPrincipal(r.Context(), p))
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	return w.Code, w.Header().Get("Location"), w.Body.String()
}

// The handlers of a record: read, change, create under a parent. A malformed id and a
// record the caller may not see both answer the kind's 404; a refused change answers
// the service's 422 and changes nothing; a created record answers 201 with its address.
func TestRecordHandlers(t *testing.T) {
	s := &things{name: "一"}
	get := GetHandler("thing", s.get)
	for _, c := range []struct {
		path   string
		user   db.ID
		status int
		want   string
	}{
		{"/things/7", 1, http.StatusOK, `"name":"一"`},
		{"/things/8", 1, http.StatusNotFound, `"status":404`},
		{"/things/7", 2, http.StatusNotFound, `"status":404`},
		{"/things/x7", 1, http.StatusNotFound, `"status":404`},
	} {
		if status, _, body := serve(get, "/things/{id}", "GET", c.path, "", c.user); status != c.status || !strings.Contains(body, c.want) {
			t.Errorf("GET %s as %d: %d %s", c.path, c.user, status, body)
		}
	}

	change := ChangeHandler("thing", s.rename, s.get)
	if status, _, body := serve(change, "/things/{id}", "PATCH", "/things/7", `{"name":""}`, 1); status != http.StatusUnprocessableEntity || s.name != "一" {
		t.Errorf("a refused change: %d %s, name %q", status, body, s.name)
	}
	if status, _, body := serve(change, "/things/{id}", "PATCH", "/things/7", `{"nam":"二"}`, 1); status != http.StatusBadRequest || s.name != "一" {
		t.Errorf("an unknown field: %d %s, name %q", status, body, s.name)
	}
	if status, _, _ := serve(change, "/things/{id}", "PATCH", "/things/7", `{"name":"二"}`, 2); status != http.StatusNotFound || s.name != "一" {
		t.Errorf("a change out of scope: %d, name %q", status, s.name)
	}
	status, _, body := serve(change, "/things/{id}", "PATCH", "/things/7", `{"name":"二"}`, 1)
	var got thing
	if err := json.Unmarshal([]byte(body), &got); err != nil || status != http.StatusOK || got != (thing{ID: 7, Name: "二"}) {
		t.Errorf("a change: %d %s", status, body)
	}

	create := CreateHandler("parent", s.create, s.get, "/api/v1/things/")
	status, loc, body := serve(create, "/parents/{id}/things", "POST", "/parents/3/things", `{"name":"三"}`, 1)
	if status != http.StatusCreated || loc != "/api/v1/things/7" || !strings.Contains(body, `"name":"三"`) {
		t.Errorf("create: %d %q %s", status, loc, body)
	}
	if status, loc, _ := serve(create, "/parents/{id}/things", "POST", "/parents/4/things", `{"name":"四"}`, 1); status != http.StatusNotFound || loc != "" {
		t.Errorf("create under another parent: %d %q", status, loc)
	}

	add := NewHandler(func(_ context.Context, _ *auth.Principal, in thingInput) (db.ID, error) {
		if in.Name == "" {
			v := apperr.Validation{}
			v.Add("name", "validate.required", nil)
			return 0, v.Err()
		}
		s.name = in.Name
		return 7, nil
	}, s.get, "/api/v1/things/")
	status, loc, body = serve(add, "/things", "POST", "/things", `{"name":"五"}`, 1)
	if status != http.StatusCreated || loc != "/api/v1/things/7" || !strings.Contains(body, `"name":"五"`) {
		t.Errorf("new: %d %q %s", status, loc, body)
	}
	if status, loc, _ := serve(add, "/things", "POST", "/things", `{"name":""}`, 1); status != http.StatusUnprocessableEntity || loc != "" {
		t.Errorf("a refused new record: %d %q", status, loc)
	}
	if status, loc, _ := serve(add, "/things", "POST", "/things", `{"name":"六"}`, 2); status != http.StatusNotFound || loc != "" {
		t.Errorf("a new record the caller may not read: %d %q", status, loc) // no address of what is not shown
	}
}

// The list under a record: its filter decoded, the parent checked before anything is
// written (a 404 for a malformed id or a parent out of scope, JSON or file alike), an
// unknown parameter refused, and the rows the store calls back for.
func TestListUnderHandler(t *testing.T) {
	type filter struct {
		Name string `query:"name"`
	}
	parent := func(_ context.Context, p *auth.Principal, id db.ID) error {
		if id != 3 || p.UserID != 1 {
			return apperr.NotFoundf("parent")
		}
		return nil
	}
	var gotFilter filter
	list := func(_ context.Context, _ *auth.Principal, id db.ID, f filter, _ ListParams, each func(thing) error) (int, error) {
		gotFilter = f
		for _, n := range []string{"一", "二"} {
			if err := each(thing{ID: id, Name: n}); err != nil {
				return 0, err
			}
		}
		return 2, nil
	}
	ex := Export[thing]{Name: "common.name", Columns: []Column[thing]{{Header: "common.name", Value: func(t thing) any { return t.Name }}}}
	h := ListUnderHandler("parent", Sorting{}, ex, parent, list)
	status, _, body := serve(h, "/parents/{id}/things", "GET", "/parents/3/things?name=x", "", 1)
	if status != http.StatusOK || !strings.Contains(body, `"name":"二"`) || !strings.Contains(body, `"total":2`) || gotFilter.Name != "x" {
		t.Errorf("list: %d %s, filter %+v", status, body, gotFilter)
	}
	for _, c := range []struct {
		path   string
		user   db.ID
		status int
	}{
		{"/parents/3/things?format=csv", 2, http.StatusNotFound},
		{"/parents/4/things", 1, http.StatusNotFound},
		{"/parents/x/things", 1, http.StatusNotFound},
		{"/parents/3/things?nam=x", 1, http.StatusBadRequest},
	} {
		if status, _, body := serve(h, "/parents/{id}/things", "GET", c.path, "", c.user); status != c.status || strings.Contains(body, "二") {
			t.Errorf("GET %s as %d: %d %s, want %d", c.path, c.user, status, body, c.status)
		}
	}
}

// A record with a phone: masked to all who see it; unmasked, with ?reveal=phone, only to
// a holder of the permission; a 404 before a 403 for a record out of scope.
func TestRevealHandler(t *testing.T) {
	s := &things{name: "138****0000"}
	reveal := func(ctx context.Context, p *auth.Principal, id db.ID) (thing, error) {
		v, err := s.get(ctx, p, id)
		v.Name = "13800000000"
		return v, err
	}
	h := RevealHandler("thing", auth.PermUserAdmin, s.get, reveal)
	admin := &auth.Principal{UserID: 1, Roles: []auth.Role{auth.Admin}}
	for _, c := range []struct {
		path   string
		p      *auth.Principal
		status int
		want   string
	}{
		{"/things/7", &auth.Principal{UserID: 1}, http.StatusOK, `"name":"138****0000"`},
		{"/things/7", admin, http.StatusOK, `"name":"138****0000"`},
		{"/things/7?reveal=phone", admin, http.StatusOK, `"name":"13800000000"`},
		{"/things/7?reveal=phone", &auth.Principal{UserID: 1}, http.StatusForbidden, `"status":403`},
		{"/things/7?reveal=phone", &auth.Principal{UserID: 2, Roles: []auth.Role{auth.Admin}}, http.StatusNotFound, `"status":404`},
		{"/things/8?reveal=phone", &auth.Principal{UserID: 1}, http.StatusNotFound, `"status":404`},
		{"/things/7?reveal=name", admin, http.StatusBadRequest, `"status":400`},
	} {
		if status, _, body := serveAs(h, "/things/{id}", "GET", c.path, "", c.p); status != c.status || !strings.Contains(body, c.want) {
			t.Errorf("GET %s as %+v: %d %s, want %d %s", c.path, c.p.Roles, status, body, c.status, c.want)
		}
	}
}

// The handlers of a step, a body and a report: each decodes its input (a bad one is a
// 400 before the service runs), hands it to the service with the caller, and answers
// what the service returns with the route's status, or its error.
func TestActionBodyQueryHandlers(t *testing.T) {
	s := &things{name: "一"}
	calls := 0
	act := ActionHandler("thing", http.StatusCreated, func(ctx context.Context, p *auth.Principal, id db.ID, in thingInput) (thing, error) {
		calls++
		if err := s.rename(ctx, p, id, in); err != nil {
			return thing{}, err
		}
		return s.get(ctx, p, id)
	})
	if status, _, body := serve(act, "/things/{id}", "POST", "/things/7", `{"name":"二"}`, 1); status != http.StatusCreated || !strings.Contains(body, `"name":"二"`) {
		t.Errorf("an action: %d %s", status, body)
	}
	if status, _, _ := serve(act, "/things/{id}", "POST", "/things/7", `{"nam":"三"}`, 1); status != http.StatusBadRequest || calls != 1 {
		t.Errorf("an action with an unknown field: %d, %d calls", status, calls)
	}
	if status, _, _ := serve(act, "/things/{id}", "POST", "/things/8", `{"name":"三"}`, 1); status != http.StatusNotFound || s.name != "二" {
		t.Errorf("an action on what the caller cannot see: %d, name %q", status, s.name)
	}

	body := BodyHandler(http.StatusOK, func(_ context.Context, p *auth.Principal, in thingInput) (thing, error) {
		return thing{ID: p.UserID, Name: in.Name + "!"}, nil
	})
	if status, _, out := serve(body, "/echo", "POST", "/echo", `{"name":"四"}`, 5); status != http.StatusOK || !strings.Contains(out, `"id":"5","name":"四!"`) {
		t.Errorf("a body: %d %s", status, out)
	}
	if status, _, _ := serve(body, "/echo", "POST", "/echo", `{"name":`, 5); status != http.StatusBadRequest {
		t.Errorf("a malformed body: %d", status)
	}

	type params struct {
		Name string `query:"name"`
	}
	query := QueryHandler(func(_ context.Context, p *auth.Principal, q params) (thing, error) {
		if q.Name == "" {
			return thing{}, apperr.NotFoundf("thing")
		}
		return thing{ID: p.UserID, Name: q.Name}, nil
	})
	if status, _, out := serve(query, "/report", "GET", "/report?name=%E4%BA%94", "", 6); status != http.StatusOK || !strings.Contains(out, `"id":"6","name":"五"`) {
		t.Errorf("a report: %d %s", status, out)
	}
	if status, _, _ := serve(query, "/report", "GET", "/report?nam=x", "", 6); status != http.StatusBadRequest {
		t.Errorf("a report with an unknown parameter: %d", status)
	}
	if status, _, _ := serve(query, "/report", "GET", "/report", "", 6); status != http.StatusNotFound {
		t.Errorf("a report the service refuses: %d", status)
	}
}
