package meeting

import "github.com/safeduty/safeduty/internal/platform/api"

// Routes registers the API.
func (m *Module) Routes(r *api.Registry) {}
