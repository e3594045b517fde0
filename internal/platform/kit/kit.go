// Package kit holds what the capabilities share that belongs to no one platform part.
package kit

import (
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// Deps is what every capability that keeps records is given: the database, the audit
// log its changes are written to in their own transaction, and the clock. A capability
// embeds it in its Module (m.DB, m.Audit, m.Clock) and app.Wire builds one for all.
type Deps struct {
	DB    *db.DB
	Audit *audit.Log
	Clock clock.Clock
}
