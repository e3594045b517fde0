package org

import "github.com/safeduty/safeduty/internal/platform/web"

// Pages registers the organization pages and home panels.
func (m *Module) Pages(s *web.Site) {}
