// Package letter is the target responsibility letters (安全生产目标责任书) the district
// signs each year with each town and department: the targets (indicators and their
// limits) that feed the later assessment, the duty items, the signatories, and the
// printable A4 letter.
package letter

import (
	"github.com/safeduty/safeduty/internal/platform/kit"
)

// Module is the letters capability.
type Module struct {
	kit.Deps
}
