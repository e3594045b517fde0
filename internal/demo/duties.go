package demo

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/duty"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
)

// demoSchools is how many schools get a head with a school_head post (the "2530" duties)
// and an account school01 … on their village.
const demoSchools = 5

// behindUnits is how many units fall clearly behind on their duties (the overdue page's
// red rows): they leave about half their past tasks undone.
const behindUnits = 3

// buildDuties loads the default templates and holidays, gives a handful of schools a head
// (school01 … bound to the school's village), and draws a current list for the build
// year from the templates for every person whose post has a kind; then the year's tasks up
// to the build day (daily ones for the last four weeks only), most past ones done with a
// document or a confirmation, some done late, some overdue, a few units clearly behind.
// Tasks proved by meetings stay open: the meetings step proves them.
func buildDuties(ctx context.Context, b *builder) error {
	if err := duty.LoadDefaults(ctx, b.tx, b.now); err != nil {
		return err
	}
	if err := b.schoolHeads(ctx); err != nil {
		return err
	}
	templates := map[string][]duty.TemplateItem{}
	for _, t := range duty.DefaultTemplates {
		templates[t.PostKind] = t.Items
	}
	var tids = map[string]int64{}
	if err := b.query(ctx, `SELECT id, post_kind FROM duty_templates`, nil, func(r *sql.Rows) error {
		var id int64
		var kind string
		if err := r.Scan(&id, &kind); err != nil {
			return err
		}
		tids[kind] = id
		return nil
	}); err != nil {
		return err
	}

	year := b.now.In(clock.China).Year()
	type list struct {
		id     int64
		person *Person
		post   Post
		items  []int64 // item ids, in the template's order
	}
	lastList, err := b.nextID(ctx, "duty_lists")
	if err != nil {
		return err
	}
	lastItem, err := b.nextID(ctx, "duty_items")
	if err != nil {
		return err
	}
	var lists []*list
	var listRows, itemRows [][]any
	for _, p := range b.d.People {
		for _, po := range p.Posts {
			items, ok := templates[po.Kind]
			if po.Kind == "" || !ok {
				continue
			}
			lastList++
			l := &list{id: lastList, person: p, post: po}
			listRows = append(listRows, []any{l.id, p.ID, po.Org.ID, po.Org.Path, po.Title, po.Kind, year, 1, true, tids[po.Kind], "", nil, b.now})
			for i, it := range items {
				lastItem++
				l.items = append(l.items, lastItem)
				itemRows = append(itemRows, []any{lastItem, l.id, lastItem, i + 1, it.Body, it.Role, it.Text, it.Basis, it.Frequency, it.Evidence, it.MeetingKind, it.PhotoEvery})
			}
			lists = append(lists, l)
		}
	}
	if err := b.insertRows(ctx, "duty_lists", []string{"id", "person_id", "org_id", "org_path", "post_title", "post_kind", "year", "version", "current",
		"template_id", "note", "created_by", "created_at"}, listRows, "", nil); err != nil {
		return err
	}
	if err := b.insertRows(ctx, "duty_items", []string{"id", "list_id", "origin_id", "position", "body", "role", "text", "basis", "frequency", "evidence",
		"meeting_kind", "photo_every"}, itemRows, "", nil); err != nil {
		return err
	}

	// The units clearly behind: two town governments and one department, drawn.
	behind := map[string]bool{}
	for len(behind) < behindUnits {
		if len(behind) < behindUnits-1 {
			behind[b.d.Towns[b.rng.IntN(len(b.d.Towns))].Gov.Path] = true
		} else {
			behind[b.d.Departments[1+b.rng.IntN(len(b.d.Departments)-1)].Path] = true
		}
	}
	var holidays []duty.Period
	for _, h := range duty.DefaultHolidays {
		d, err := time.ParseInLocation(time.DateOnly, h.Day, clock.China)
		if err != nil {
			return err
		}
		if d.Year() == year && !d.After(b.now.AddDate(0, 0, 7)) {
			holidays = append(holidays, duty.Period{Key: h.Day, Start: d.AddDate(0, 0, -7), Due: d})
		}
	}
	lastTask, err := b.nextID(ctx, "duty_tasks")
	if err != nil {
		return err
	}
	lastEv, err := b.nextID(ctx, "duty_evidence")
	if err != nil {
		return err
	}
	dailyFrom := b.now.AddDate(0, 0, -28)
	var taskRows, evRows, linkRows [][]any
	for _, l := range lists {
		items := templates[l.post.Kind]
		rate := 0.9
		if behind[l.post.Org.Path] {
			rate = 0.45
		}
		for k, it := range items {
			var periods []duty.Period
			switch it.Frequency {
			case "":
				continue
			case "before_holidays":
				periods = holidays
			default:
				for _, pr := range duty.PeriodsOfYear(it.Frequency, year) {
					if pr.Start.After(b.now) {
						break
					}
					if it.Frequency == "daily" {
						if wd := pr.Start.Weekday(); wd == time.Saturday || wd == time.Sunday || pr.Start.Before(dailyFrom) {
							continue
						}
					}
					periods = append(periods, pr)
				}
			}
			for occ, pr := range periods {
				lastTask++
				photo := it.Evidence == "confirm" && it.PhotoEvery > 0 && (occ+1)%it.PhotoEvery == 0
				status, late := "open", false
				var doneAt any
				past := !pr.Due.After(b.now)
				r := b.rng.Float64()
				done := it.Evidence != "meeting" && ((past && r < rate) || (!past && r < 0.35))
				if done {
					span := pr.Due.Sub(pr.Start)
					at := pr.Start.Add(time.Duration(float64(span) * (0.3 + 0.6*b.rng.Float64())))
					if past && b.rng.Float64() < 0.12 {
						at, late = pr.Due.Add(time.Duration(1+b.rng.IntN(96))*time.Hour), true
					}
					if at.After(b.now) {
						at, late = b.now.Add(-time.Hour), b.now.Add(-time.Hour).After(pr.Due)
					}
					status, doneAt = "done", at
					lastEv++
					kind, title := it.Evidence, fmt.Sprintf("%s（%s）", it.Text, pr.Key)
					if kind == "confirm" {
						title = fmt.Sprintf("%s %s 已落实", l.post.Title, pr.Key)
					}
					evRows = append(evRows, []any{lastEv, kind, title, at, l.post.Org.ID, l.post.Org.Path, at})
					linkRows = append(linkRows, []any{lastTask, lastEv, at})
				}
				taskRows = append(taskRows, []any{lastTask, l.items[k], l.items[k], l.id, l.person.ID, l.post.Org.ID, l.post.Org.Path, pr.Key, pr.Start, pr.Due,
					status, photo, doneAt, late, pr.Start})
			}
		}
	}
	if err := b.insertRows(ctx, "duty_tasks", []string{"id", "item_id", "origin_id", "list_id", "person_id", "org_id", "org_path", "period", "starts_at",
		"due_at", "status", "photo_required", "done_at", "late", "created_at"}, taskRows, "", nil); err != nil {
		return err
	}
	if err := b.insertRows(ctx, "duty_evidence", []string{"id", "kind", "title", "happened_at", "org_id", "org_path", "created_at"}, evRows, "", nil); err != nil {
		return err
	}
	if err := b.insertRows(ctx, "duty_task_evidence", []string{"task_id", "evidence_id", "linked_at"}, linkRows, "", nil); err != nil {
		return err
	}
	for _, t := range []string{"duty_lists", "duty_items", "duty_tasks", "duty_evidence"} {
		if err := b.syncIDs(ctx, t); err != nil {
			return err
		}
	}
	return nil
}

// schoolHeads gives the first schools (小学) of different towns a head: a person at the
// school's village with a post "<school>校长" of kind school_head, and an account
// school01 … (village role, bound to that village, person the head).
func (b *builder) schoolHeads(ctx context.Context) error {
	towns := map[*Town]bool{}
	var heads []*Person
	var users []*User
	for _, e := range b.d.Enterprises {
		if len(heads) == demoSchools {
			break
		}
		if !strings.HasSuffix(e.Name, "小学") || e.Grid == nil || towns[e.Grid.Village.Town] {
			continue
		}
		v := e.Grid.Village
		towns[v.Town] = true
		p := b.person(&v.Node, 0.5)
		p.post(&v.Node, e.Name+"校长", false, 5, "school_head")
		heads = append(heads, p)
		u := &User{Username: fmt.Sprintf("school%02d", len(heads)), DisplayName: p.Name, Org: &v.Node, Person: p, Roles: []auth.Role{auth.Village}}
		users = append(users, u)
	}
	if err := b.storePeople(ctx, heads); err != nil {
		return err
	}
	if err := b.storeUsers(ctx, users); err != nil {
		return err
	}
	for _, u := range users {
		b.d.Users = append(b.d.Users, u)
		b.d.byUsername[u.Username] = u
	}
	return nil
}
