package tackling

import (
	"context"
	"time"

	"github.com/safeduty/safeduty/internal/platform/db"
)

// Change is one audited change of a problem or a reflection: when, by whom, what (the
// message key of the audit action).
type Change struct {
	At     time.Time
	By     string
	Action string
}

// changes reads a record's audit entries that went through, newest first.
func (m *Module) changes(ctx context.Context, objectType string, id db.ID) ([]Change, error) {
	return db.All(ctx, m.DB, `SELECT a.at, COALESCE(u.display_name, a.username), a.action FROM audit_log a
		LEFT JOIN users u ON u.id = a.user_id
		WHERE a.object_type = ? AND a.object_id = ? AND a.result = 'ok' ORDER BY a.at DESC, a.id DESC`,
		[]any{objectType, id.String()}, func(s db.Scanner) (Change, error) {
			var c Change
			err := s.Scan(&c.At, &c.By, &c.Action)
			c.Action = "admin.action." + c.Action
			return c, err
		})
}
