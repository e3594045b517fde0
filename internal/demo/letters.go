package demo

import (
	"context"
	"strconv"
	"time"

	"github.com/safeduty/safeduty/internal/letter"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/kit"
)

// buildLetters builds the year's target responsibility letters with each town and
// department: the safety office generated the drafts on 20 January (the standard
// targets and duty items of a town or a department, the district head and each unit's
// main leader as signatories), and each was signed on a working day between 10 and 27
// February. A build before a letter's signing day leaves it a draft. Each letter's
// history (the audit log) tells both steps, done by the admin account.
func buildLetters(ctx context.Context, b *builder) error {
	now := b.now.In(clock.China)
	year := now.Year()
	drafted := time.Date(year, 1, 20, 9, 30, 0, 0, clock.China)
	if drafted.After(b.now) {
		drafted = b.now
	}
	clk := fixedClock(drafted)
	m := &letter.Module{Deps: kit.Deps{DB: b.db, Audit: &audit.Log{Clock: clk}, Clock: clk}}
	ids, err := m.GenerateTx(ctx, b.tx, auth.System(), year)
	if err != nil {
		return err
	}
	admin := b.d.byUsername["admin"]
	var adminID any
	if admin != nil {
		adminID = admin.ID
	}
	cols := []string{"at", "user_id", "username", "ip", "user_agent", "action", "object_type", "object_id", "result", "status", "detail"}
	var log [][]any
	for _, id := range ids {
		log = append(log, []any{drafted, adminID, "admin", "", "", "letter.generate", "letter", id.String(), "ok", 200, `{"year":` + strconv.Itoa(year) + `}`})
		day := time.Date(year, 2, 10, 10, 0, 0, 0, clock.China).AddDate(0, 0, b.rng.IntN(18))
		for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
			day = day.AddDate(0, 0, 1)
		}
		if day.After(b.now) {
			continue
		}
		signedOn := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, clock.China)
		if _, err := b.tx.Exec(ctx, `UPDATE letters SET status = 'signed', signed_at = ?, updated_at = ? WHERE id = ?`, signedOn, day, id); err != nil {
			return err
		}
		log = append(log, []any{day, adminID, "admin", "", "", "letter.sign", "letter", id.String(), "ok", 200,
			`{"signed_at":"` + signedOn.Format("2006-01-02") + `"}`})
	}
	return b.insertRows(ctx, "audit_log", cols, log, "", nil)
}
