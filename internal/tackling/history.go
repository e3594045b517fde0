package tackling

import (
	"context"

	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// changes reads a record's audit entries that went through, newest first.
func (m *Module) changes(ctx context.Context, objectType string, id db.ID) ([]audit.Change, error) {
	return audit.Changes(ctx, m.DB, objectType, id.String())
}
