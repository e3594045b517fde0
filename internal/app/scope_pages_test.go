package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	nethtml "golang.org/x/net/html"

	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// pageParams names the record kind of each path parameter of a page other than {id}
// (whose kind is the page's Object). A page with a parameter missing here fails the walk.
var pageParams = map[string]string{"eid": "enforcement"}

// missingID is an id no fixture record has.
const missingID = "987654321"

// TestScope_NoPageLeaksASiblingTown walks every registered page as the user of one town,
// aiming it at the records of the sibling town, as TestScope_NoRouteLeaksASiblingTown
// does for the API:
//   - a page naming a record (every parameter of its path in turn set to the other
//     town's record, the others to the user's own) answers exactly what it answers for an
//     id that does not exist (a 404, or a 403 where the user may not use the page at
//     all), and never a success;
//   - a form posted to such a page is refused the same way and changes nothing in the
//     database. Each form is posted twice: empty but for the session's token, and as
//     the pages offer it to those who may use it (the other town's user and the
//     district's administrator, on that record), so a missing scope check cannot hide
//     behind a validation error;
//   - every other page, also with each filter of its forms set to a record of the other
//     town, and every other form posted empty, shows no name or code that only the other
//     town's records carry.
func TestScope_NoPageLeaksASiblingTown(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		for _, w := range siblingWalkers(t, e) {
			pw := &pageWalk{t: t, e: e, markers: e.F.Markers[w.other]}
			pw.offered, pw.filters = harvestForms(t, e, []string{w.owner, apptest.UserAdmin}, e.F.Samples[w.other], e.F.Markers[w.other])
			// The replayed forms and the filters prove something only if the pages were
			// read: the fixture's pages offer about 30 forms and filter 6 lists.
			if n := formCount(pw.offered); n < 20 || len(pw.filters) < 5 {
				t.Fatalf("the pages offered %d forms and %d filtered lists: the walk missed the forms", n, len(pw.filters))
			}
			b := e.SignIn(w.user)
			for _, pg := range e.App.Site.Pages() {
				if pg.Public || pg.Path == "/logout" { // signing out would end the walk
					continue
				}
				for _, v := range pathVariants(t, pg, e.F.Samples[w.own], e.F.Samples[w.other]) {
					pw.page(b, w.user, pg, v)
				}
			}
		}
	})
}

// siblingWalker is a user of one town (own) who walks the routes aiming at the records
// of the other; owner is the other town's user.
type siblingWalker struct {
	user, owner string
	own, other  int
}

// siblingWalkers are each town's user, and a user of each town holding every role but
// enterprise and department (which narrow what a user sees): a town's administrator and
// safety office, who may use every page and route a town user may not, so that a
// permission check does not stand in for the scope check.
func siblingWalkers(t *testing.T, e *apptest.Env) []siblingWalker {
	t.Helper()
	ctx := context.Background()
	hash, err := auth.HashPassword(apptest.Password)
	if err != nil {
		t.Fatal(err)
	}
	out := []siblingWalker{{apptest.UserTown1, apptest.UserTown2, 0, 1}, {apptest.UserTown2, apptest.UserTown1, 1, 0}}
	var roles []auth.Role
	for _, r := range auth.AllRoles {
		if r != auth.Enterprise && r != auth.Department {
			roles = append(roles, r)
		}
	}
	for i, town := range []string{"town1gov", "town2gov"} {
		name, display, org := fmt.Sprintf("all-roles%d", i+1), "镇全权用户", e.F.Units[town]
		err := e.App.DB.Tx(ctx, func(tx *db.Tx) error {
			_, err := e.App.Auth.CreateUser(ctx, tx, auth.System(), auth.UserInput{Username: &name, DisplayName: &display, OrgID: &org,
				Roles: roles, PasswordHash: hash})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, siblingWalker{name, out[1-i].user, i, 1 - i})
	}
	return out
}

// pathVariant is a page's path with its parameters filled in: path names at least one
// record of the other town when foreign, and missing names no record where path names
// the other town's.
type pathVariant struct {
	path, missing string
	foreign       bool
}

// pathVariants fills in pg's path: without parameters, as it is; with them, once for
// each parameter set to the other town's record while the others name the user's own,
// and once with all of them naming the other town's records.
func pathVariants(t *testing.T, pg web.Page, own, other map[string]string) []pathVariant {
	path := strings.ReplaceAll(pg.Path, "{$}", "")
	var names []string
	for _, m := range regexp.MustCompile(`\{(\w+)\}`).FindAllStringSubmatch(path, -1) {
		names = append(names, m[1])
	}
	if len(names) == 0 {
		return []pathVariant{{path: path}}
	}
	kind := func(name string) string {
		if name == "id" {
			return pg.Object
		}
		k, ok := pageParams[name]
		if !ok {
			t.Fatalf("page %s %s has a parameter {%s} of no known kind: add it to pageParams", pg.Method, pg.Path, name)
		}
		return k
	}
	var sets [][]string // the parameters naming the other town's records, per variant
	for _, name := range names {
		sets = append(sets, []string{name})
	}
	if len(names) > 1 {
		sets = append(sets, names)
	}
	var out []pathVariant
	for _, foreign := range sets {
		p, m := path, path
		for _, name := range names {
			k := kind(name)
			ownID, ok1 := own[k]
			otherID, ok2 := other[k]
			if !ok1 || !ok2 {
				t.Fatalf("page %s %s names a %q but the fixture has no sample of that kind: add one to apptest.Fixture.Samples",
					pg.Method, pg.Path, k)
			}
			if slices.Contains(foreign, name) {
				p = strings.ReplaceAll(p, "{"+name+"}", otherID)
				m = strings.ReplaceAll(m, "{"+name+"}", missingID)
			} else {
				p = strings.ReplaceAll(p, "{"+name+"}", ownID)
				m = strings.ReplaceAll(m, "{"+name+"}", ownID)
			}
		}
		out = append(out, pathVariant{path: p, missing: m, foreign: true})
	}
	return out
}

// pageWalk is one town user's walk.
type pageWalk struct {
	t       *testing.T
	e       *apptest.Env
	markers []string
	// offered holds, by the path they post to, the forms the pages offer on the other
	// town's records to those who may use them.
	offered map[string][]url.Values
	// filters holds, by page, queries that set a filter of the page's forms to a record
	// of the other town.
	filters map[string][]string
}

func (w *pageWalk) page(b *apptest.Browser, user string, pg web.Page, v pathVariant) {
	t := w.t
	name := user + " " + pg.Method + " " + v.path
	if pg.Method == http.MethodGet {
		res := b.Get(v.path)
		if v.foreign {
			w.sameAsMissing(name, v, res, b.Get(v.missing))
		}
		w.noMarkers(name, res.Body)
		for _, q := range w.filters[v.path] {
			w.noMarkers(name+"?"+q, b.Get(v.path+"?"+q).Body)
		}
		return
	}
	forms := []url.Values{{}}
	if v.foreign {
		forms = append(forms, w.offered[v.path]...)
	}
	for i, form := range forms {
		name := fmt.Sprintf("%s (form %d of %d)", name, i+1, len(forms))
		before := fingerprint(t, w.e.App.DB)
		res := b.PostForm(v.path, form, true)
		if v.foreign {
			if after := fingerprint(t, w.e.App.DB); after != before {
				t.Errorf("%s: the other town's record was changed (%d): %s", name, res.Status, res.Body)
			}
			w.sameAsMissing(name, v, res, b.PostForm(v.missing, form, true))
		}
		w.noMarkers(name, res.Body)
	}
}

// sameAsMissing fails unless res, the answer about the other town's record, is a
// refusal identical to ref, the answer about no record (the address each page names,
// in its language switch say, aside).
func (w *pageWalk) sameAsMissing(name string, v pathVariant, res, ref *apptest.Response) {
	w.t.Helper()
	if res.Status < 400 {
		w.t.Errorf("%s: the other town's record answered %d", name, res.Status)
	}
	got, want := withoutPath(res.Body, v.path), withoutPath(ref.Body, v.missing)
	if res.Status != ref.Status || got != want {
		w.t.Errorf("%s: the other town's record answers %d, a missing id %d; the difference (-other town +missing):\n%s",
			name, res.Status, ref.Status, cmp.Diff(strings.Split(got, "\n"), strings.Split(want, "\n")))
	}
}

// withoutPath replaces path in a page, as it is and escaped in a query.
func withoutPath(page []byte, path string) string {
	return strings.NewReplacer(path, "{path}", url.QueryEscape(path), "{path}").Replace(string(page))
}

func (w *pageWalk) noMarkers(name string, body []byte) {
	w.t.Helper()
	assertNoMarkers(w.t, name, body, w.markers)
}

// fingerprint sums every row of every table a refused request must not change (all
// but the logs and the bookkeeping of sessions, sign-ins and jobs).
func fingerprint(t *testing.T, d *db.DB) string {
	t.Helper()
	ctx := context.Background()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if d.Engine() == db.Postgres {
		q = `SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`
	}
	tables := dbtest.Strings(t, d, q)
	slices.Sort(tables)
	skip := []string{"audit_log", "sessions", "login_throttle", "login_client_throttle", "job_runs", "goose_db_version"}
	h := sha256.New()
	for _, table := range tables {
		if slices.Contains(skip, table) {
			continue
		}
		rows, err := d.Query(ctx, `SELECT * FROM `+table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, fmt.Sprint(vals...))
		}
		rows.Close()
		slices.Sort(lines)
		fmt.Fprintln(h, table, len(lines), strings.Join(lines, "\n"))
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// harvestForms signs each of users in and reads every page about the records of
// samples, collecting the forms it offers that post to a page: by the path they post
// to, each form's fields as a person fills them in (the values shown, an empty field
// filled in, the first option of a list chosen when none is), once per named submit
// button. Of the pages naming no record, it collects by page the queries that set a
// filter (a list of a GET form) to an option showing one of markers: a record of that
// town.
func harvestForms(t *testing.T, e *apptest.Env, users []string, samples map[string]string, markers []string) (map[string][]url.Values, map[string][]string) {
	t.Helper()
	offered, filters := map[string][]url.Values{}, map[string][]string{}
	seen := map[string]bool{}
	for _, user := range users {
		b := e.SignIn(user)
		for _, pg := range e.App.Site.Pages() {
			if pg.Method != http.MethodGet || pg.Public {
				continue
			}
			path := samplePath(pg, samples)
			res := b.Get(path)
			if res.Status != http.StatusOK {
				continue
			}
			posts, gets := readForms(t, res.Body, markers)
			if pg.Path != path { // a page about a record: its forms
				for _, f := range posts {
					key := f.action + "?" + f.values.Encode()
					if !seen[key] {
						seen[key] = true
						offered[f.action] = append(offered[f.action], f.values)
					}
				}
				continue
			}
			for _, q := range gets {
				if key := path + "?" + q; !seen[key] {
					seen[key] = true
					filters[path] = append(filters[path], q)
				}
			}
		}
	}
	return offered, filters
}

// samplePath is pg's path with each parameter naming the record of its kind in samples.
func samplePath(pg web.Page, samples map[string]string) string {
	path := strings.ReplaceAll(pg.Path, "{$}", "")
	for _, m := range regexp.MustCompile(`\{(\w+)\}`).FindAllStringSubmatch(path, -1) {
		kind := pg.Object
		if m[1] != "id" {
			kind = pageParams[m[1]]
		}
		path = strings.ReplaceAll(path, m[0], samples[kind])
	}
	return path
}

func formCount(m map[string][]url.Values) int {
	n := 0
	for _, fs := range m {
		n += len(fs)
	}
	return n
}

type postForm struct {
	action string
	values url.Values
	kinds  map[string]string // each field's control: an input's type, "select", "textarea"
}

// readForms reads the forms of a page: the POST forms, filled in (file inputs left out:
// the walk posts url-encoded forms, which every page form also takes), and for the GET
// forms, one query per list whose options include one showing a string of markers.
func readForms(t *testing.T, page []byte, markers []string) (posts []postForm, gets []string) {
	t.Helper()
	doc, err := nethtml.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	for n := range doc.Descendants() {
		if n.Type != nethtml.ElementNode || n.Data != "form" {
			continue
		}
		action, _ := htmlAttr(n, "action")
		u, err := url.Parse(action)
		if err != nil || u.IsAbs() {
			continue
		}
		if m, _ := htmlAttr(n, "method"); !strings.EqualFold(m, "post") {
			for c := range n.Descendants() {
				if q := markedOption(c, markers); q != "" {
					gets = append(gets, q)
				}
			}
			continue
		}
		if u.Path == "" {
			continue
		}
		values, kinds := url.Values{}, map[string]string{}
		var buttons [][2]string
		for c := range n.Descendants() {
			if c.Type != nethtml.ElementNode {
				continue
			}
			name, _ := htmlAttr(c, "name")
			if name == "" || name == "csrf_token" {
				continue
			}
			typ, _ := htmlAttr(c, "type")
			typ = strings.ToLower(typ)
			val, _ := htmlAttr(c, "value")
			if kinds[name] = c.Data; c.Data == "input" {
				kinds[name] = typ
			}
			switch c.Data {
			case "input":
				switch typ {
				case "file", "reset", "image", "button":
				case "submit":
					buttons = append(buttons, [2]string{name, val})
				case "checkbox", "radio":
					if _, checked := htmlAttr(c, "checked"); checked {
						values.Add(name, val)
					}
				case "hidden":
					values.Add(name, val)
				default:
					values.Add(name, filled(typ, name, val))
				}
			case "button":
				if typ == "" || typ == "submit" {
					buttons = append(buttons, [2]string{name, val})
				}
			case "textarea":
				values.Add(name, filled("text", name, htmlText(c)))
			case "select":
				if v, ok := chosenOption(c); ok {
					values.Add(name, v)
				}
			}
		}
		if len(buttons) == 0 {
			posts = append(posts, postForm{u.Path, values, kinds})
		}
		for _, btn := range buttons {
			v := cloneForm(values)
			v.Set(btn[0], btn[1])
			posts = append(posts, postForm{u.Path, v, kinds})
		}
	}
	return posts, gets
}

// filled is what a person types into an empty field of a form, by the field's type
// (or name).
func filled(typ, name, val string) string {
	switch {
	case val != "":
		return val
	case name == "username":
		return "walk-user"
	case strings.Contains(name, "phone"):
		typ = "tel"
	}
	if v, ok := typedValues[typ]; ok {
		return v
	}
	return "走查"
}

var typedValues = map[string]string{"date": "2026-12-31", "datetime-local": "2026-03-02T10:00", "number": "1", "tel": "13800000000",
	"email": "walk@example.com", "password": "Walk-pass-2026-q"}

// chosenOption is the value a list sends: its selected option, else its first option
// with a value.
func chosenOption(sel *nethtml.Node) (string, bool) {
	first, hasFirst := "", false
	for o := range sel.Descendants() {
		if o.Type != nethtml.ElementNode || o.Data != "option" {
			continue
		}
		v, ok := htmlAttr(o, "value")
		if !ok {
			v = strings.TrimSpace(htmlText(o))
		}
		if _, sel := htmlAttr(o, "selected"); sel {
			return v, true
		}
		if !hasFirst && v != "" {
			first, hasFirst = v, true
		}
	}
	return first, hasFirst
}

// markedOption returns the query choosing, in list n, the first option that shows one
// of markers; "" when n is not a list or has none.
func markedOption(n *nethtml.Node, markers []string) string {
	name, _ := htmlAttr(n, "name")
	if n.Type != nethtml.ElementNode || n.Data != "select" || name == "" {
		return ""
	}
	for o := range n.Descendants() {
		if o.Type != nethtml.ElementNode || o.Data != "option" {
			continue
		}
		v, ok := htmlAttr(o, "value")
		label := htmlText(o)
		if ok && v != "" && slices.ContainsFunc(markers, func(m string) bool { return strings.Contains(label, m) }) {
			return url.Values{name: {v}}.Encode()
		}
	}
	return ""
}

func htmlAttr(n *nethtml.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func htmlText(n *nethtml.Node) string {
	var sb strings.Builder
	for c := range n.Descendants() {
		if c.Type == nethtml.TextNode {
			sb.WriteString(c.Data)
		}
	}
	return sb.String()
}

func cloneForm(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}
