package home_test

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/apptest"
)

// todoHeadRE reads a group of the to-do card: its list link, label and count.
var todoHeadRE = regexp.MustCompile(`<a class="todo-head" href="([^"]+)"><span class="todo-label">([^<]+)</span><span class="todo-count">([^<]+)</span>`)

// listTotalRE reads a list page's total ("共 3 条").
var listTotalRE = regexp.MustCompile(`共 ([0-9,]+) 条`)

// The to-do card on each role's home: the groups the role's work gives it, first on the
// page, each count the total of the list its link opens (the page and the API, as that
// user), and the home's badges carrying the sum.
func TestHome_TodoCountsMatchTheirLists(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		act := func(user, id string, body map[string]any) {
			t.Helper()
			if res := e.As(user, "POST", "/api/v1/hazards/"+id+"/actions", body); res.Status != http.StatusOK {
				t.Fatalf("%s %v: %d %s", user, body["action"], res.Status, res.Body)
			}
		}
		// 东湖镇's reported hazard goes to the village's committee, due 2026-03-05.
		h0 := e.F.Hazards[0].String()
		act(apptest.UserTown1, h0, map[string]any{"action": "assign", "owner_id": e.F.Users[apptest.UserVillage].String(),
			"supervisor_org_id": e.F.Units["town1gov"].String(), "measures": "清理通道", "deadline": "2026-03-05"})
		// A second one, at the enterprise, rectified and submitted to the department.
		res := e.As(apptest.UserPatrol1, "POST", "/api/v1/hazards", map[string]any{
			"title": "脚手架未全封闭", "category": "unsafe_condition", "industry": "construction", "grade": "general",
			"grid_id": e.F.Grids[0][2].String(), "enterprise_id": e.F.Enterprises[0].String()})
		if res.Status != http.StatusCreated {
			t.Fatalf("report: %d %s", res.Status, res.Body)
		}
		h2 := res.Map(t)["id"].(string)
		act(apptest.UserTown1, h2, map[string]any{"action": "assign", "owner_id": e.F.Users[apptest.UserEnt].String(),
			"supervisor_org_id": e.F.Units["construction"].String(), "measures": "加装密目网", "deadline": "2026-03-20"})
		act(apptest.UserEnt, h2, map[string]any{"action": "start"})
		act(apptest.UserEnt, h2, map[string]any{"action": "submit", "comment": "已加装", "attachments": []string{e.Upload(t, apptest.UserEnt)}})
		// 东湖镇's enterprise was due for a supervision visit on 2026-03-05.
		if _, err := e.App.DB.Exec(context.Background(), `UPDATE enterprises SET next_inspection_at = ? WHERE id = ?`,
			apptest.Start.Add(3*24*time.Hour), e.F.Enterprises[0]); err != nil {
			t.Fatal(err)
		}
		e.Clock.Set(apptest.Start.Add(5 * 24 * time.Hour)) // 2026-03-07: the village's hazard is overdue

		want := map[string]map[string]int{
			apptest.UserAdmin:   {"待交办": 1, "待验收": 1, "已逾期": 1, "待检查企业": 1},
			apptest.UserTown1:   {"已逾期": 1, "待检查企业": 1},
			apptest.UserTown2:   {"待交办": 1},
			apptest.UserDept:    {"待验收": 1, "待检查企业": 1},
			apptest.UserVillage: {"待整改": 1},
			apptest.UserEnt:     {},
			apptest.UserPatrol1: {},
			apptest.UserLeader:  {},
			apptest.UserReader:  {},
		}
		for user, groups := range want {
			b := e.SignIn(user)
			home := b.Get("/")
			apptest.WantPage(t, user+" home", home, http.StatusOK, []string{"待我处理"}, nil)
			body := string(home.Body)
			card := strings.Index(body, `<section class="card todo-card"`)
			head := strings.Index(body, `class="page-head"`)
			if card < 0 || head > card || strings.Contains(body[head:card], "<section") {
				t.Errorf("%s: the to-do card is not the first block after the heading", user)
			}
			if first := strings.Index(body, `class="panel`); first >= 0 && first < card {
				t.Errorf("%s: a panel comes before the to-do card", user)
			}
			// The village's assigned work is on its card, not among its own reports.
			if n := strings.Count(body, "消防通道被杂物占用"); user == apptest.UserVillage && n != 1 {
				t.Errorf("village1: its assigned hazard shows %d times on its home, want once (the card)", n)
			}
			got := map[string]int{}
			sum := 0
			for _, m := range todoHeadRE.FindAllStringSubmatch(body, -1) {
				href, label := html.UnescapeString(m[1]), m[2]
				n, err := strconv.Atoi(strings.ReplaceAll(m[3], ",", ""))
				if err != nil {
					t.Fatalf("%s: count %q", user, m[3])
				}
				got[label] = n
				sum += n
				// The list the group links to shows exactly that many.
				list := b.Get(href)
				tm := listTotalRE.FindStringSubmatch(string(list.Body))
				if list.Status != http.StatusOK || tm == nil || strings.ReplaceAll(tm[1], ",", "") != m[3] {
					t.Errorf("%s: %s counts %d, its list %s shows %v (status %d)", user, label, n, href, tm, list.Status)
				}
				var page struct{ Total int }
				api := "/api/v1" + href
				if e.As(user, "GET", api, nil).JSON(t, &page); page.Total != n {
					t.Errorf("%s: %s counts %d, the API %s %d", user, label, n, api, page.Total)
				}
			}
			if len(got) != len(groups) {
				t.Errorf("%s: to-do groups %v, want %v", user, got, groups)
			}
			for label, n := range groups {
				if got[label] != n {
					t.Errorf("%s: %s = %d, want %d (card %v)", user, label, got[label], n, got)
				}
			}
			if sum == 0 {
				if !strings.Contains(body, "眼下没有等您处理的事项") || strings.Contains(body, "nav-button-count") {
					t.Errorf("%s: nothing waits, but the card or the menu button says otherwise", user)
				}
				continue
			}
			badge := `<span class="nav-button-count" aria-label="` + strconv.Itoa(sum) + ` 条待处理">` + strconv.Itoa(sum) + `</span>`
			if !strings.Contains(body, badge) {
				t.Errorf("%s: the menu button lacks the badge %s", user, badge)
			}
		}
	})
}
