// Package meeting is dedicated study (专题研究): the meetings at which the party standing
// committee, the government's executive meeting, the deputy heads, the departments and
// the towns study work safety, with their attendees, topics, decisions, minutes and
// photos; the frequency rules they are checked against, with every gap listed by unit and
// period; and each meeting proving, once, the duty tasks of every post it proves.
package meeting

import (
	"context"

	"github.com/safeduty/safeduty/internal/duty"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/kit"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// Module is the dedicated-study capability.
type Module struct {
	kit.Deps
	Duties      Duties
	Attachments web.Linker
	Uploader    web.Uploader
}

// Duties is what a meeting asks of the responsibility lists: to prove the duty tasks it
// proves, in the meeting's transaction.
type Duties interface {
	Prove(ctx context.Context, tx *db.Tx, actor *auth.Principal, ev duty.Evidence) (db.ID, []db.ID, error)
}
