package e2e_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/safeduty/safeduty/internal/apptest"
)

// partsFixture gives the fixture work for every role: 24 more hazards reported in 东湖镇
// (a list longer than a phone's page), the first assigned to the village's committee,
// and one at the enterprise, with a photo, rectified and submitted with an after photo
// to the construction department. It returns the submitted hazard's id.
func partsFixture(t *testing.T, e *apptest.Env) string {
	t.Helper()
	report := func(title string, photo bool) string {
		body := map[string]any{"title": title, "category": "unsafe_condition", "industry": "construction", "grade": "general",
			"grid_id": e.F.Grids[0][1].String(), "place": "东湖广场"}
		if photo {
			body["grid_id"] = e.F.Grids[0][2].String()
			body["enterprise_id"] = e.F.Enterprises[0].String()
			body["photos"] = []string{e.Upload(t, apptest.UserPatrol1)}
			delete(body, "place")
		}
		res := e.As(apptest.UserPatrol1, "POST", "/api/v1/hazards", body)
		if res.Status != http.StatusCreated {
			t.Fatalf("report: %d %s", res.Status, res.Body)
		}
		return res.Map(t)["id"].(string)
	}
	act := func(user, id string, body map[string]any) {
		t.Helper()
		if res := e.As(user, "POST", "/api/v1/hazards/"+id+"/actions", body); res.Status != http.StatusOK {
			t.Fatalf("%s %v: %d %s", user, body["action"], res.Status, res.Body)
		}
	}
	for i := range 23 {
		report(fmt.Sprintf("广场第%d处护栏松动", i+1), false)
	}
	act(apptest.UserTown1, e.F.Hazards[0].String(), map[string]any{"action": "assign", "owner_id": e.F.Users[apptest.UserVillage].String(),
		"supervisor_org_id": e.F.Units["town1gov"].String(), "measures": "清理通道", "deadline": "2026-03-20"})
	id := report("脚手架未全封闭", true)
	act(apptest.UserTown1, id, map[string]any{"action": "assign", "owner_id": e.F.Users[apptest.UserEnt].String(),
		"supervisor_org_id": e.F.Units["construction"].String(), "measures": "加装密目网", "deadline": "2026-03-20"})
	act(apptest.UserEnt, id, map[string]any{"action": "start"})
	act(apptest.UserEnt, id, map[string]any{"action": "submit", "comment": "已加装密目网", "attachments": []string{e.Upload(t, apptest.UserEnt)}})
	return id
}

// The page parts for the acting user on a 390×844 phone: every role's home starts with
// its to-do card; the hazard list is 20 two-line items a page, each one link; the
// acceptor meets the evidence before the accept button; the language switch keeps the
// list's filters.
func TestBrowser_PartsForTheActingUser(t *testing.T) {
	s := newSession(t, 390, 844, true)
	submitted := partsFixture(t, s.e)

	// (1) Each role's home: the to-do card is the first block after the heading, and
	// near the top of the screen.
	for _, c := range []struct{ user, want string }{
		{apptest.UserTown1, "待交办"},
		{apptest.UserVillage, "待整改"},
		{apptest.UserDept, "待验收"},
		{apptest.UserAdmin, "待交办"},
		{apptest.UserEnt, "眼下没有等您处理的事项"},
		{apptest.UserPatrol1, "眼下没有等您处理的事项"},
		{apptest.UserReader, "眼下没有等您处理的事项"},
	} {
		s.open("/login")
		s.signIn(c.user, apptest.Password)
		first := value(s, chromedp.Evaluate[string](`(function(){
			var el = document.querySelector('main .page-head').nextElementSibling;
			while (el && el.classList.contains('flash')) el = el.nextElementSibling;
			if (!el) return 'nothing';
			return el.className + '@' + Math.round(el.getBoundingClientRect().top);})()`))
		cls, top, _ := strings.Cut(first, "@")
		if !strings.Contains(cls, "todo-card") {
			t.Errorf("%s: the first block of the home is %q, not the to-do card", c.user, cls)
		} else if n := atoi(top); n > 300 {
			t.Errorf("%s: the to-do card starts %dpx down a 844px phone screen", c.user, n)
		}
		if got := s.text(".todo-card"); !strings.Contains(got, c.want) {
			t.Errorf("%s: the to-do card says %q, want %q", c.user, got, c.want)
		}
		if c.user == apptest.UserTown1 {
			s.shot("parts-home-town-phone")
		}
		s.signOut()
	}

	// (2) The hazard list as the town: 20 items, each two lines and one link.
	s.open("/login")
	s.signIn(apptest.UserTown1, apptest.Password)
	s.open("/hazards")
	var list struct {
		Items, Height    int
		MaxItem, MinLink float64
		NotOneLink       []string
		Badge            string
	}
	js := value(s, chromedp.Evaluate[string](`(function(){
		var rows = document.querySelectorAll('table.hz-list tbody tr'), out = {Items: rows.length, Height: document.documentElement.scrollHeight, MaxItem: 0, MinLink: 1e9, NotOneLink: []};
		rows.forEach(function(tr, i){
			var r = tr.getBoundingClientRect(), a = tr.querySelector('a.li-link');
			out.MaxItem = Math.max(out.MaxItem, r.height);
			if (!a) { out.NotOneLink.push(i + ': no link'); return; }
			out.MinLink = Math.min(out.MinLink, a.getBoundingClientRect().height);
			tr.scrollIntoView({block: 'center'});
			r = tr.getBoundingClientRect();
			[[r.left + 6, r.top + 6], [r.left + r.width / 2, r.top + r.height / 2], [r.right - 6, r.bottom - 6], [r.left + 10, r.bottom - 10]].forEach(function(p){
				var hit = document.elementFromPoint(p[0], p[1]);
				if (!hit || hit.closest('a') !== a) out.NotOneLink.push(i + ' at ' + p.map(Math.round) + ': ' + (hit ? hit.tagName + '.' + hit.className : 'nothing'));
			});
		});
		var b = document.querySelector('.nav-button-count'); out.Badge = b ? b.textContent : '';
		return JSON.stringify(out);})()`))
	if err := json.Unmarshal([]byte(js), &list); err != nil {
		t.Fatalf("list metrics %s: %v", js, err)
	}
	if list.Items != 20 {
		t.Errorf("the phone's page lists %d hazards, want 20", list.Items)
	}
	if list.MaxItem > 100 {
		t.Errorf("the tallest item is %.0fpx, want two lines (≤ 100px)", list.MaxItem)
	}
	if list.MinLink < 44 {
		t.Errorf("an item's link is %.0fpx tall, want ≥ 44px", list.MinLink)
	}
	for _, p := range list.NotOneLink {
		t.Errorf("a tap on an item misses its link: %s", p)
	}
	if list.Height > 3000 {
		t.Errorf("the page of 20 is %dpx tall, want under 3,000px", list.Height)
	}
	if list.Badge != "23" { // the 23 reported hazards of 东湖镇 wait to be assigned
		t.Errorf("the menu button counts %q of the town's work, want 23", list.Badge)
	}
	s.shot("parts-hazards-town-phone")

	// (3) The language switch keeps the list's filters.
	s.open("/hazards?status=reported&grade=general")
	s.do(chromedp.Click(css("form.lang-switch button")), chromedp.WaitReady(css(`html[lang="en"] #main`)))
	if loc := value(s, chromedp.Location()); !strings.Contains(loc, "status=reported") || !strings.Contains(loc, "grade=general") {
		t.Errorf("after the language switch the address is %s, without the filters", loc)
	}
	if !value(s, chromedp.Evaluate[bool](`document.querySelector('input[name=status][value=reported]').checked && document.querySelector('#grade').value === 'general'`)) {
		t.Errorf("after the language switch the filter form lost the filters")
	}
	s.do(chromedp.Click(css("form.lang-switch button")), chromedp.WaitReady(css(`html[lang="zh-CN"] #main`)))
	s.signOut()

	// (4) The acceptor meets the evidence (before and after photos) before the accept
	// button, and the accept form is the one open.
	s.open("/login")
	s.signIn(apptest.UserDept, apptest.Password)
	s.open("/hazards/" + submitted)
	var acc struct {
		Evidence, Button float64
		Before, After    int
		Open             []string
	}
	js = value(s, chromedp.Evaluate[string](`(function(){
		var e = document.querySelector('.hz-evidence'), b = document.querySelector('details.act-accept button[type=submit]');
		return JSON.stringify({Evidence: e ? e.getBoundingClientRect().top : -1, Button: b ? b.getBoundingClientRect().top : -1,
			Before: document.querySelectorAll('.hz-evidence .evidence-side:not(.evidence-after) img').length,
			After: document.querySelectorAll('.hz-evidence .evidence-after img').length,
			Open: Array.from(document.querySelectorAll('details.act[open]')).map(function(d){ return d.id; })});})()`))
	if err := json.Unmarshal([]byte(js), &acc); err != nil {
		t.Fatalf("acceptor metrics %s: %v", js, err)
	}
	if acc.Evidence < 0 || acc.Button < 0 || acc.Evidence >= acc.Button {
		t.Errorf("the evidence (top %.0f) does not come before the accept button (top %.0f)", acc.Evidence, acc.Button)
	}
	if acc.Before != 1 || acc.After != 1 {
		t.Errorf("the evidence shows %d photos before and %d after, want 1 and 1", acc.Before, acc.After)
	}
	if strings.Join(acc.Open, ",") != "act-accept" {
		t.Errorf("open forms %v, want the accept form alone", acc.Open)
	}
	s.shot("parts-accept-dept-phone")
	s.noProblems()
}

func atoi(s string) int {
	n := 0
	fmt.Sscan(s, &n)
	return n
}
