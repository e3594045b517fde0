package meeting

import "github.com/safeduty/safeduty/internal/platform/web"

// Pages registers the pages.
func (m *Module) Pages(s *web.Site) {}
