package admin

import "github.com/safeduty/safeduty/internal/platform/web"

// Pages registers the administration pages.
func (m *Module) Pages(s *web.Site) {}
