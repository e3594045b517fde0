package app_test

import (
	"bytes"
	"context"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	nethtml "golang.org/x/net/html"

	"github.com/safeduty/safeduty/internal/apptest"
)

// formPosters are the users whose pages offer the forms the walk malforms: between them
// they may post to every page form (the enterprise's account its own file's forms).
var formPosters = []string{"", apptest.UserAdmin, apptest.UserTown1, apptest.UserVillage, apptest.UserEnt}

// TestPageForms_RefuseMalformedInput posts, to every registered page route that takes
// POST, each form the pages offer it (as the user they offer it to, on the first town's
// records) made malformed in turn: every field missing, letters in its number fields,
// an impossible date, 100,000 characters in its text fields, an unknown choice in its
// lists. A form with fields must come back as the page, status 422, with its error
// summary linking to the fields, and change no row; a form of no fields (a confirm
// button) may instead go through (303). No answer is a 500, and no address carries the
// CSRF token. A page route no page offers a form to fails the walk, so a new form is
// covered as soon as it is registered.
func TestPageForms_RefuseMalformedInput(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		routes := http.NewServeMux() // finds the page route a form posts to
		posts := map[string]bool{}
		for _, pg := range e.App.Site.Pages() {
			if pg.Method == http.MethodPost {
				routes.HandleFunc(pg.Method+" "+pg.Path, func(http.ResponseWriter, *http.Request) {})
				posts[pg.Method+" "+pg.Path] = true
			}
		}
		offerAll(t, e)
		offers := offeredForms(t, e, routes)
		for route := range posts {
			if len(offers[route]) == 0 {
				t.Errorf("%s: no page offers a form posting there (to the users %q); the walk cannot malform it", route, formPosters)
			}
		}
		for route, list := range offers {
			for _, o := range list {
				b := e.NewBrowser()
				if o.user != "" {
					b = e.SignIn(o.user)
				}
				for _, v := range malformed(o.form) {
					name := route + " as " + o.user + " (" + v.name + ")"
					b.Get(o.page) // the token of the page the form is on
					before := fingerprint(t, e.App.DB)
					res := b.PostForm(o.form.action, v.values, true)
					checkRefused(t, name, res, v.hasFields)
					if v.hasFields && fingerprint(t, e.App.DB) != before {
						t.Errorf("%s: a refused form changed the database", name)
					}
				}
			}
		}
	})
}

// A form past the 1 MiB an url-encoded body may have (200,000 characters in each of
// three fields) is refused as too large, in words, not as a form without its token.
func TestPageForms_TooLargeIsNotATokenError(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		b := e.SignIn(apptest.UserTown1)
		b.Get("/hazards/new")
		long := strings.Repeat("长", 200_000)
		res := b.PostForm("/hazards", url.Values{"title": {long}, "description": {long}, "place": {long}}, true)
		apptest.WantPage(t, "a form of 5 MiB", res, http.StatusRequestEntityTooLarge, []string{"内容超过上限 1 MiB"}, []string{"页面已过期"})
	})
}

// offerAll gives the first town's records what makes their pages offer every form: a
// locked account, the first patroller's (the unlock button) and an enterprise's phone (the reveal button).
func offerAll(t *testing.T, e *apptest.Env) {
	t.Helper()
	ctx := context.Background()
	now := e.Clock.Now()
	if _, err := e.App.DB.Exec(ctx, `INSERT INTO login_throttle (username, failures, last_failure_at, locked_until) VALUES (?, 5, ?, ?)`,
		apptest.UserPatrol1, now, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.DB.Exec(ctx, `UPDATE enterprises SET safety_phone = '13800000000' WHERE id = ?`, e.F.Samples[0]["enterprise"]); err != nil {
		t.Fatal(err)
	}
}

// offer is a form a page offers a user.
type offer struct {
	user, page string
	form       postForm
}

// offeredForms reads every page (each path parameter naming the first town's sample of
// its kind) as each of formPosters and collects the forms they offer, by the page route
// they post to; of forms posting to the same route with the same fields, one.
func offeredForms(t *testing.T, e *apptest.Env, routes *http.ServeMux) map[string][]offer {
	t.Helper()
	out := map[string][]offer{}
	seen := map[string]bool{}
	for _, user := range formPosters {
		b := e.NewBrowser()
		if user != "" {
			b = e.SignIn(user)
		}
		for _, pg := range e.App.Site.Pages() {
			if pg.Method != http.MethodGet || (user == "") != pg.Public {
				continue
			}
			path := samplePath(pg, e.F.Samples[0])
			res := b.Get(path)
			if res.Status != http.StatusOK {
				continue
			}
			forms, _ := readForms(t, res.Body, nil)
			if path != pg.Path { // a record's page: also its views one link away (a checklist picked)
				for _, link := range selfLinks(t, res.Body, path) {
					if res := b.Get(link); res.Status == http.StatusOK {
						more, _ := readForms(t, res.Body, nil)
						forms = append(forms, more...)
					}
				}
			}
			for _, f := range forms {
				_, route := routes.Handler(&http.Request{Method: http.MethodPost, URL: &url.URL{Path: f.action}})
				names := slices.Sorted(func(yield func(string) bool) {
					for k := range f.kinds {
						if !yield(k) {
							return
						}
					}
				})
				key := route + " " + user + " " + strings.Join(names, ",") + " " + f.values.Get("action") + f.values.Get("do")
				if route == "" || seen[key] {
					continue
				}
				seen[key] = true
				out[route] = append(out[route], offer{user, path, f})
			}
		}
	}
	return out
}

// selfLinks are the links of page to its own path with a query.
func selfLinks(t *testing.T, page []byte, path string) []string {
	t.Helper()
	doc, err := nethtml.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for n := range doc.Descendants() {
		href, _ := htmlAttr(n, "href")
		if u, err := url.Parse(href); n.Data == "a" && err == nil && u.Path == path && u.RawQuery != "" && !slices.Contains(out, href) {
			out = append(out, href)
		}
	}
	return out
}

// variant is one malformed submission of a form.
type variant struct {
	name      string
	values    url.Values
	hasFields bool // the form has fields a person fills in (not only hidden ones and buttons)
}

// malformed returns the malformed submissions of f: each one breaks the fields of one
// kind (or leaves out all of them) and keeps the rest as the page offered them (hidden fields and the button kept,
// so the submission is the same action). A form of no fields a person fills in is posted
// with its hidden fields garbled.
func malformed(f postForm) []variant {
	texts := []string{"", "text", "textarea", "tel", "email", "password", "url"}
	breakers := []struct {
		name  string
		value func(kind string) (string, bool)
	}{
		{"letters in numbers", func(kind string) (string, bool) { return "十二abc", kind == "number" }},
		{"impossible date", func(kind string) (string, bool) { return "2026-13-45", kind == "date" || kind == "datetime-local" }},
		{"unknown choice", func(kind string) (string, bool) { return "no-such-choice", kind == "select" || kind == "radio" }},
	}
	missing := cloneForm(f.values) // every field left blank, a choice not made
	for name, kind := range f.kinds {
		switch {
		case kind == "select" || kind == "radio" || kind == "checkbox":
			delete(missing, name)
		case kind == "search": // a search box is no field of the record: searched for 100,000 characters
			missing.Set(name, strings.Repeat("长", 100_000))
		case kind != "hidden" && kind != "submit" && kind != "button":
			missing.Set(name, "")
		}
	}
	out := []variant{{"missing", missing, true}}
	var textFields []string
	for name, kind := range f.kinds {
		if slices.Contains(texts, kind) {
			textFields = append(textFields, name)
		}
	}
	if len(textFields) == 0 && !slices.ContainsFunc(slices.Collect(maps.Values(f.kinds)), func(k string) bool {
		return k != "hidden" && k != "submit" && k != "button" && k != "checkbox"
	}) {
		v := cloneForm(f.values)
		for name, kind := range f.kinds {
			if kind == "hidden" {
				v.Set(name, "十二abc")
			}
		}
		return []variant{{"garbled hidden fields", v, false}}
	}
	for _, br := range breakers {
		v, broken := cloneForm(f.values), false
		for name, kind := range f.kinds {
			if s, ok := br.value(kind); ok {
				v[name], broken = []string{s}, true
			}
		}
		if broken {
			out = append(out, variant{br.name, v, true})
		}
	}
	// 100,000 characters in one text field at a time (several at once would outgrow the
	// 1 MiB an url-encoded form may have).
	slices.Sort(textFields)
	for _, name := range textFields {
		v := cloneForm(f.values)
		v.Set(name, strings.Repeat("长", 100_000))
		out = append(out, variant{"100,000 characters in " + name, v, true})
	}
	return out
}

// checkRefused fails unless res is a refusal as a person should meet it: never a 500,
// never the CSRF token in an address; the form again (status 422, HTML) with a summary
// whose messages link to the fields, or, for a form with no fields, a redirect.
func checkRefused(t *testing.T, name string, res *apptest.Response, hasFields bool) {
	t.Helper()
	if res.Status >= 500 {
		t.Errorf("%s: status %d\n%s", name, res.Status, apptest.Snippet(res.Body))
		return
	}
	if loc := res.Header.Get("Location"); strings.Contains(loc, "csrf_token") {
		t.Errorf("%s: the address %q carries the token", name, loc)
	}
	if !hasFields && res.Status < 400 { // a confirm button may do its work (a reveal shows the number)
		return
	}
	if res.Status != http.StatusUnprocessableEntity {
		t.Errorf("%s: status %d, want 422 (the form with its errors)\n%s", name, res.Status, apptest.Snippet(res.Body))
		return
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("%s: answered %s, want the page", name, ct)
		return
	}
	doc, err := nethtml.Parse(bytes.NewReader(res.Body))
	if err != nil {
		t.Fatal(err)
	}
	links := 0
	for n := range doc.Descendants() {
		if n.Type != nethtml.ElementNode {
			continue
		}
		if action, _ := htmlAttr(n, "action"); strings.Contains(action, "csrf_token") {
			t.Errorf("%s: a form posts to %q, with the token in the address", name, action)
		}
		if _, ok := htmlAttr(n, "data-error-summary"); !ok {
			continue
		}
		for a := range n.Descendants() {
			if href, _ := htmlAttr(a, "href"); a.Type == nethtml.ElementNode && a.Data == "a" && strings.HasPrefix(href, "#") && len(href) > 1 {
				links++
			}
		}
	}
	if links == 0 {
		t.Errorf("%s: the error summary links to no field\n%s", name, apptest.Snippet(res.Body))
	}
}
