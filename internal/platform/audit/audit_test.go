package audit_test

import (
	"context"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

// A record's history is its entries that went through, newest first, each by the user's
// display name (or the name recorded when no user did it); other records' entries and
// refused attempts are not part of it.
func TestChanges_ARecordsHistory(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		fake := clock.NewFake(start)
		l := &audit.Log{Clock: fake}
		var org, user db.ID
		if err := d.QueryRow(ctx, `INSERT INTO orgs (kind, category, name, code, path, depth, created_at, updated_at)
			VALUES ('district', 'district', '测试区', 'T00', '/1/', 0, ?, ?) RETURNING id`, start, start).Scan(&org); err != nil {
			t.Fatal(err)
		}
		if err := d.QueryRow(ctx, `INSERT INTO users (username, display_name, password_hash, org_id, org_path, password_changed_at, created_at, updated_at)
			VALUES ('town01', '东湖镇用户', 'x', ?, '/1/', ?, ?, ?) RETURNING id`, org, start, start, start).Scan(&user); err != nil {
			t.Fatal(err)
		}
		record := func(e audit.Entry) {
			t.Helper()
			fake.Advance(time.Minute)
			if err := l.Record(ctx, d, e); err != nil {
				t.Fatal(err)
			}
		}
		record(audit.Entry{Action: "meeting.create", ObjectType: "meeting", ObjectID: "7", ActorName: "system"})
		record(audit.Entry{Action: "meeting.update", ObjectType: "meeting", ObjectID: "7", ActorID: &user, ActorName: "town01"})
		record(audit.Entry{Action: "meeting.update", ObjectType: "meeting", ObjectID: "7", ActorID: &user, ActorName: "town01", Result: audit.Failed})
		record(audit.Entry{Action: "meeting.update", ObjectType: "meeting", ObjectID: "8", ActorName: "system"})
		record(audit.Entry{Action: "letter.update", ObjectType: "letter", ObjectID: "7", ActorName: "system"})
		got, err := audit.Changes(ctx, d, "meeting", "7")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Action != "meeting.update" || got[0].By != "东湖镇用户" || got[1].By != "system" || !got[0].At.After(got[1].At) {
			t.Fatalf("history of meeting 7: %+v", got)
		}
		if both, err := audit.Changes(ctx, d, "meeting", "7", "8"); err != nil || len(both) != 3 {
			t.Errorf("history of meetings 7 and 8: %+v %v", both, err)
		}
	})
}
