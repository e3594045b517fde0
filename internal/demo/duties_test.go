package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

// The demo's duties, built on a December day: a current list for every person whose post
// has a kind, the year's tasks once each, meeting tasks left to the meetings step, most
// other past tasks done with evidence, a few units clearly behind, and the schools'
// "2530" duties with their heads' accounts.
func TestDemo_Duties(t *testing.T) {
	d := dbtest.New(t, db.SQLite)
	buildAt(t, d, time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC))
	ctx := context.Background()
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := d.QueryRow(ctx, q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	now := time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		what string
		got  int
		want int
	}{
		{"templates", count(`SELECT COUNT(*) FROM duty_templates`), 11},
		{"posts with a kind but no list", count(`SELECT COUNT(*) FROM posts po WHERE po.kind <> '' AND NOT EXISTS
			(SELECT 1 FROM duty_lists l WHERE l.person_id = po.person_id AND l.org_id = po.org_id AND l.year = 2026 AND l.current = TRUE)`), 0},
		{"school heads' lists", count(`SELECT COUNT(*) FROM duty_lists WHERE post_kind = 'school_head'`), 5},
		{"school accounts bound to their head", count(`SELECT COUNT(*) FROM users u JOIN duty_lists l ON l.person_id = u.person_id
			WHERE u.username LIKE 'school%' AND l.org_id = u.org_id`), 5},
		{"done meeting tasks not proved by a meeting (the meetings step proves them)", count(`SELECT COUNT(*) FROM duty_tasks t
			JOIN duty_items i ON i.id = t.item_id WHERE i.evidence = 'meeting' AND t.status = 'done' AND NOT EXISTS (SELECT 1
			FROM duty_task_evidence x JOIN duty_evidence e ON e.id = x.evidence_id WHERE x.task_id = t.id AND e.kind = 'meeting')`), 0},
		{"the district head's executive-meeting duty of the third quarter (no meeting: the gap)", count(`SELECT COUNT(*) FROM duty_tasks t
			JOIN duty_items i ON i.id = t.item_id WHERE i.meeting_kind = 'executive' AND t.period = '2026-Q3' AND t.status = 'open'`), 1},
		{"done tasks without evidence", count(`SELECT COUNT(*) FROM duty_tasks t WHERE t.status = 'done'
			AND NOT EXISTS (SELECT 1 FROM duty_task_evidence x WHERE x.task_id = t.id)`), 0},
		{"open tasks with evidence", count(`SELECT COUNT(*) FROM duty_tasks t WHERE t.status = 'open'
			AND EXISTS (SELECT 1 FROM duty_task_evidence x WHERE x.task_id = t.id)`), 0},
		{"late flags that disagree with the due", count(`SELECT COUNT(*) FROM duty_tasks WHERE status = 'done' AND late <> (done_at > due_at)`), 0},
		{"tasks of the future", count(`SELECT COUNT(*) FROM duty_tasks WHERE starts_at > ?`, now), 0},
		{"weekend daily tasks", count(`SELECT COUNT(*) FROM duty_tasks t JOIN duty_items i ON i.id = t.item_id WHERE i.frequency = 'daily'
			AND t.period IN ('2026-11-07', '2026-11-08', '2026-11-14', '2026-11-15', '2026-11-21', '2026-11-22', '2026-11-28', '2026-11-29')`), 0},
	} {
		if c.got != c.want {
			t.Errorf("%s: %d, want %d", c.what, c.got, c.want)
		}
	}
	if n := count(`SELECT COUNT(*) FROM duty_tasks t JOIN duty_items i ON i.id = t.item_id WHERE i.evidence = 'meeting' AND t.status = 'done'`); n < 300 {
		t.Errorf("meeting duties proved by the year's meetings: %d, want the most of them", n)
	}
	if n := count(`SELECT COUNT(*) FROM duty_tasks`); n < 2000 || n > 20000 {
		t.Errorf("tasks: %d", n)
	}
	if n := count(`SELECT COUNT(*) FROM duty_tasks t JOIN duty_items i ON i.id = t.item_id WHERE i.frequency = 'before_holidays' AND t.photo_required = TRUE
		AND i.evidence = 'confirm'`); n != 5*7 {
		t.Errorf("schools' holiday talks (a photo each time): %d, want 35", n)
	}
	// Overdue: a few units clearly behind, the rest mostly done.
	rows, err := d.Query(ctx, `SELECT org_id, SUM(CASE WHEN t.status = 'open' AND t.due_at <= ? THEN 1 ELSE 0 END), COUNT(*)
		FROM duty_tasks t JOIN duty_items i ON i.id = t.item_id WHERE i.evidence <> 'meeting' AND t.due_at <= ? GROUP BY org_id`, now, now)
	if err != nil {
		t.Fatal(err)
	}
	behind, units := 0, 0
	for rows.Next() {
		var org db.ID
		var overdue, total int
		if err := rows.Scan(&org, &overdue, &total); err != nil {
			t.Fatal(err)
		}
		units++
		if total >= 10 && overdue*100/total >= 35 {
			behind++
		}
	}
	rows.Close()
	if behind < 2 || behind > 4 || units < 30 {
		t.Errorf("units clearly behind: %d of %d", behind, units)
	}
}
