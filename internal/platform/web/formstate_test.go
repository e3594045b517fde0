package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// formInput is shaped like a capability's *Input: JSON for the API, form tags for pages.
type formInput struct {
	Title    *string    `json:"title" form:"title"`
	Note     string     `json:"note" form:"note"`
	Grade    string     `json:"grade" form:"grade" enum:"general,major"`
	GridID   *db.ID     `json:"grid_id" form:"grid_id"`
	Funds    *int64     `json:"funds_yuan" form:"funds_yuan"`
	Deadline *time.Time `json:"deadline" form:"deadline,due"`
	FoundAt  *time.Time `json:"found_at" form:"found_at"`
	OnSite   bool       `json:"on_site" form:"on_site,checkbox"`
	Tags     []string   `json:"tags" form:"tags"`
	Photos   []db.ID    `json:"photos" form:"photos"`
	Ignored  string     `json:"ignored"`
}

func TestForm_Decode(t *testing.T) {
	day := func(y, m, d int) *time.Time {
		tm := time.Date(y, time.Month(m), d, 0, 0, 0, 0, clock.China)
		return &tm
	}
	str := func(s string) *string { return &s }
	id := func(n int64) *db.ID { v := db.ID(n); return &v }
	n := func(v int64) *int64 { return &v }
	for _, tc := range []struct {
		name   string
		values url.Values
		want   formInput
		fields []string // fields refused, in order
	}{
		{name: "everything", values: url.Values{"title": {" 消防通道堵塞 "}, "note": {"a, b"}, "grade": {"major"}, "grid_id": {"12"},
			"funds_yuan": {"1,200"}, "deadline": {"2027-01-31"}, "found_at": {"2026-12-01"}, "on_site": {"on"},
			"tags": {"a,b", "c"}, "photos": {"3", "4"}, "ignored": {"x"}},
			want: formInput{Title: str("消防通道堵塞"), Note: "a, b", Grade: "major", GridID: id(12), Funds: n(1200),
				Deadline: day(2027, 2, 1), FoundAt: day(2026, 12, 1), OnSite: true, Tags: []string{"a,b", "c"}, Photos: []db.ID{3, 4}}},
		{name: "an empty text clears, an empty choice is absent", values: url.Values{"title": {""}, "grid_id": {""}, "funds_yuan": {""}},
			want: formInput{Title: str("")}},
		{name: "absent names leave pointers nil, an unticked box is false", values: url.Values{},
			want: formInput{}},
		{name: "values their types refuse name their fields", values: url.Values{"grade": {"huge"}, "grid_id": {"x"}, "funds_yuan": {"很多"},
			"deadline": {"2026-02-30"}, "on_site": {"maybe"}, "photos": {"1", "two"}},
			fields: []string{"grade", "grid_id", "funds_yuan", "deadline", "on_site", "photos"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := NewForm(tc.values)
			var got formInput
			err := f.Decode(&got)
			if tc.fields == nil {
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("decoded (-want +got):\n%s", diff)
				}
				return
			}
			e := apperr.As(err)
			if e.Code != apperr.Invalid {
				t.Fatalf("Decode: %v, want Invalid", err)
			}
			var named []string
			for _, fe := range e.Fields {
				named = append(named, fe.Field)
			}
			// Fields come in the struct's order, which is the form's.
			if diff := cmp.Diff(tc.fields, named); diff != "" {
				t.Errorf("refused fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestForm_RefuseAndPosted(t *testing.T) {
	body := url.Values{"csrf_token": {"secret"}, "title": {""}, "grade": {"huge"}}
	r := httptest.NewRequest(http.MethodPost, "/hazards", strings.NewReader(body.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r = r.WithContext(i18n.WithLang(r.Context(), i18n.Zh))
	f, err := PostedForm(r)
	if err != nil {
		t.Fatal(err)
	}
	if f.Get("csrf_token") != "" {
		t.Errorf("the token stays in the form's values: a re-rendered form would show it")
	}
	if f.IsRefused() {
		t.Errorf("a fresh form is refused")
	}
	var in formInput
	err = f.Decode(&in)
	if !f.Refuse(r, err) {
		t.Fatalf("Refuse(%v) = false", err)
	}
	if f.Status != http.StatusUnprocessableEntity || !f.IsRefused() {
		t.Errorf("status %d, want 422", f.Status)
	}
	if f.Error("grade") == "" || strings.Contains(f.Error("grade"), "validate.") || f.Error("title") != "" {
		t.Errorf("messages: %q", f.Fields)
	}
	if f.Message != "有 1 处输入需要修改：" {
		t.Errorf("summary line %q", f.Message)
	}
	if f.Get("grade") != "huge" {
		t.Errorf("the value typed is lost: %q", f.Get("grade"))
	}
	// An error that is not about the input leaves the form alone.
	g := NewForm(nil)
	if g.Refuse(r, apperr.New(apperr.Internal, "error.internal", nil)) || g.IsRefused() {
		t.Errorf("an internal error refused the form")
	}
}

// Done redirects after success, renders the form again after a refusal of the input
// (with the refusal's status and messages), and hands any other error back.
func TestForm_Done(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/things", nil)
	r = r.WithContext(i18n.WithLang(r.Context(), i18n.Zh))
	again := func(called *bool) func() error {
		return func() error { *called = true; return nil }
	}

	w, f, called := httptest.NewRecorder(), NewForm(url.Values{"title": {"x"}}), false
	if err := f.Done(w, r, nil, "flash.saved", "/things/7", again(&called)); err != nil || called {
		t.Fatalf("success: err %v, form rendered %v", err, called)
	}
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/things/7" || !strings.Contains(w.Header().Get("Set-Cookie"), "flash") {
		t.Errorf("success answered %d to %q, cookie %q", w.Code, w.Header().Get("Location"), w.Header().Get("Set-Cookie"))
	}

	v := apperr.Validation{}
	v.Add("title", "validate.required", nil)
	w, f, called = httptest.NewRecorder(), NewForm(nil), false
	if err := f.Done(w, r, v.Err(), "flash.saved", "/things/7", again(&called)); err != nil || !called {
		t.Fatalf("refusal: err %v, form rendered %v", err, called)
	}
	if f.Status != http.StatusUnprocessableEntity || f.Error("title") == "" || w.Header().Get("Location") != "" {
		t.Errorf("refusal: status %d, title error %q, location %q", f.Status, f.Error("title"), w.Header().Get("Location"))
	}

	w, f, called = httptest.NewRecorder(), NewForm(nil), false
	notFound := apperr.New(apperr.NotFound, "error.not_found", nil)
	if err := f.Done(w, r, notFound, "flash.saved", "/things/7", again(&called)); err != notFound || called {
		t.Errorf("not found: err %v, form rendered %v", err, called)
	}
}
