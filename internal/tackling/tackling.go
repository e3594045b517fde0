// Package tackling is special tackling (专项攻坚) and the yearly 五个反思: problem lists
// from a source (a State Council or city supervision group, an inspection, a meeting, a
// 五个反思), each problem split into measures with an owning leader, a responsible
// department and a deadline, progress reports and a completion verified by someone other
// than the owner; figures per leader and department; the printable ledger (台账).
package tackling

import (
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/kit"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// Module is the special tackling capability.
type Module struct {
	kit.Deps
	Attachments web.Linker
	Uploader    web.Uploader
}

// ProblemInput creates a problem (title, source_kind and org required) with its measures,
// or changes one (nil fields unchanged; Measures ignored).
type ProblemInput struct {
	Year        *int           `json:"year,omitempty" form:"year"`
	Code        *string        `json:"code,omitempty" form:"code"`
	Title       *string        `json:"title,omitempty" form:"title"`
	Description *string        `json:"description,omitempty" form:"description"`
	SourceKind  *string        `json:"source_kind,omitempty" form:"source_kind"`
	Source      *string        `json:"source,omitempty" form:"source"`
	SourceID    *db.ID         `json:"source_id,omitempty" form:"source_id"`
	OrgID       *db.ID         `json:"org_id,omitempty" form:"org_id"`
	Measures    []MeasureInput `json:"measures,omitempty"`
}

// MeasureInput creates a measure (text, department and deadline required) or changes one.
type MeasureInput struct {
	Text         *string `json:"text,omitempty" form:"text"`
	LeaderID     *db.ID  `json:"leader_id,omitempty" form:"leader_id"`
	DepartmentID *db.ID  `json:"department_id,omitempty" form:"department_id"`
	Deadline     *string `json:"deadline,omitempty" form:"deadline"`
}
