package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/db"
)

func TestRecordForm(t *testing.T) {
	post := func(id string) *http.Request {
		body := url.Values{"csrf_token": {"secret"}, "note": {"修好了"}}
		r := httptest.NewRequest(http.MethodPost, "/grids/"+id+"/patroller", strings.NewReader(body.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.SetPathValue("id", id)
		return r
	}
	var asked []db.ID
	get := func(id db.ID) (string, error) {
		asked = append(asked, id)
		if id == 404 {
			return "", apperr.NotFoundf("grid")
		}
		return "grid " + id.String(), nil
	}

	id, rec, f, err := RecordForm(post("7"), "grid", get)
	if err != nil || id != 7 || rec != "grid 7" || f == nil || f.Get("note") != "修好了" || f.Get("csrf_token") != "" {
		t.Fatalf("RecordForm(7) = %v, %q, %v, %v; want 7, the record, the form without its token", id, rec, f, err)
	}

	_, _, f, err = RecordForm(post("x"), "grid", get)
	if !errors.Is(err, apperr.NotFoundf("grid")) && apperr.As(err).Code != apperr.NotFoundf("grid").Code {
		t.Errorf("a malformed ID: err %v, want the grid's not-found", err)
	}
	if f != nil || len(asked) != 1 {
		t.Errorf("a malformed ID read the record (asked %v) or the form (%v)", asked, f)
	}

	_, _, f, err = RecordForm(post("404"), "grid", get)
	if err == nil || f != nil {
		t.Errorf("a record the caller may not see: err %v, form %v; want the refusal, no form read", err, f)
	}
}

func TestForm_ID(t *testing.T) {
	f := NewForm(url.Values{"town_id": {"12"}, "grid_id": {""}, "org_id": {"abc"}})
	if id := f.ID("town_id"); id == nil || *id != 12 {
		t.Errorf("ID(town_id) = %v, want 12", id)
	}
	for _, name := range []string{"grid_id", "org_id", "missing"} {
		if id := f.ID(name); id != nil {
			t.Errorf("ID(%s) = %v, want nil", name, *id)
		}
	}
}

func TestPathRecord(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/orgs/5/edit", nil)
	r.SetPathValue("id", "5")
	id, rec, err := PathRecord(r, "org", func(id db.ID) (string, error) { return "org " + id.String(), nil })
	if err != nil || id != 5 || rec != "org 5" {
		t.Errorf("PathRecord(5) = %v, %q, %v; want 5, the record", id, rec, err)
	}
	r.SetPathValue("id", "五")
	if _, _, err := PathRecord(r, "org", func(db.ID) (string, error) { t.Error("a malformed ID read the record"); return "", nil }); err == nil {
		t.Errorf("a malformed ID: no error")
	}
}
