package attachment_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/attachment"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// Uploads no record claims are removed by the server's own jobs once the keep period
// has passed — rows and bytes — and claimed or fresh ones stay.
func TestSweep_RemovesUnclaimedUploadsAfterTheKeepPeriod(t *testing.T) {
	apptest.Each(t, func(t *testing.T, ae *apptest.Env) {
		e := newEnv(t, ae)
		ctx := context.Background()
		village := e.orgPath(e.F.Villages[0][0])
		construction := "construction"

		abandoned1, abandoned2 := e.uploadPNG(apptest.UserTown1), e.uploadPNG(apptest.UserVillage)
		claimed := e.uploadPNG(apptest.UserTown1)
		if _, err := e.link(apptest.UserTown1, []db.ID{claimed}, village, &construction); err != nil {
			t.Fatal(err)
		}
		ae.Clock.Advance(attachment.DefaultKeepUnlinked - time.Minute)
		fresh := e.uploadPNG(apptest.UserTown1)
		if n, err := ae.App.Attachments.Sweep(ctx, ae.Clock.Now()); err != nil || n != 0 {
			t.Fatalf("a sweep within the keep period removed %d (%v), want 0", n, err)
		}

		before := e.stored()
		ae.Clock.Advance(2 * time.Minute)
		if err := ae.App.Jobs.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		if got := e.stored(); got != before-2 {
			t.Errorf("stored files %d → %d, want two fewer", before, got)
		}
		status := func(user string, id db.ID) int {
			return e.As(user, "GET", "/api/v1/attachments/"+id.String(), nil).Status
		}
		if status(apptest.UserTown1, abandoned1) != http.StatusNotFound || status(apptest.UserVillage, abandoned2) != http.StatusNotFound {
			t.Error("an abandoned upload is still there after the keep period")
		}
		if status(apptest.UserTown1, claimed) != http.StatusOK || status(apptest.UserTown1, fresh) != http.StatusOK {
			t.Error("the sweep removed a claimed upload or one still within its keep period")
		}
		if res := e.As(apptest.UserTown1, "GET", "/api/v1/attachments/"+claimed.String()+"/content", nil); res.Status != http.StatusOK {
			t.Errorf("the claimed upload's bytes: %d", res.Status)
		}
		// A form that comes back with a swept upload is told it is unknown.
		if _, err := e.link(apptest.UserTown1, []db.ID{abandoned1}, village, &construction); fieldRule(err) != "unknown" {
			t.Errorf("linking a swept upload: %v, want the unknown rule", err)
		}
		// One audit entry names what went (the fixture's own unclaimed uploads too).
		var detail string
		if err := ae.App.DB.QueryRow(ctx, `SELECT detail FROM audit_log WHERE action = 'attachment.sweep'`).Scan(&detail); err != nil {
			t.Fatalf("the sweep's audit entry: %v", err)
		}
		var d struct{ IDs []string }
		if err := json.Unmarshal([]byte(detail), &d); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(d.IDs, abandoned1.String()) || !slices.Contains(d.IDs, abandoned2.String()) ||
			slices.Contains(d.IDs, claimed.String()) || slices.Contains(d.IDs, fresh.String()) {
			t.Errorf("the audit entry names %v", d.IDs)
		}
		if n := e.count(`SELECT COUNT(*) FROM attachments WHERE linked = FALSE AND uploaded_at < ?`, ae.Clock.Now().Add(-attachment.DefaultKeepUnlinked)); n != 0 {
			t.Errorf("%d unclaimed uploads older than the keep period remain", n)
		}
	})
}
