// Package tackling is special tackling (专项攻坚) and the yearly 五个反思: problem lists
// from a source (a State Council or city supervision group, an inspection, a meeting, a
// 五个反思), each problem split into measures with an owning leader, a responsible
// department and a deadline, progress reports and a completion verified by someone other
// than the owner; figures per leader and department; the printable ledger (台账).
package tackling

import (
	"embed"

	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/kit"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// files are the capability's messages, page templates and stylesheet.
//
//go:embed messages/*.json templates/*.html static/*.css
var files embed.FS

func init() { i18n.MustRegister(files, "messages") }

var (
	// PermWrite lists problems and their measures, changes them and writes the 五个反思.
	PermWrite = auth.NewPermission("tackling.write", auth.Admin, auth.SafetyOffice, auth.Leader, auth.Town)
	// PermVerify verifies (验收) a completed measure or sends it back; never the owning
	// leader nor whoever reported it done.
	PermVerify = auth.NewPermission("tackling.verify", auth.Admin, auth.SafetyOffice, auth.Leader, auth.Town)
)

// SourceKinds are where a problem list comes from.
var SourceKinds = []string{"state_council", "province", "city", "inspection", "reflection", "meeting", "other"}

// Measure statuses: open → completed (the department reports it done) → verified.
var MeasureStatuses = []string{"open", "completed", "verified"}

// Module is the special tackling capability.
type Module struct {
	kit.Deps
	Attachments web.Linker
	Uploader    web.Uploader
}

// ProblemInput creates a problem (title, source_kind and org required) with its measures,
// or changes one (nil fields unchanged; Measures ignored).
type ProblemInput struct {
	Year        *int           `json:"year,omitempty" form:"year" jsonschema:"description=defaults to the current year"`
	Code        *string        `json:"code,omitempty" form:"code" jsonschema:"description=the problem's number in its list (督导-07)"`
	Title       *string        `json:"title,omitempty" form:"title"`
	Description *string        `json:"description,omitempty" form:"description"`
	SourceKind  *string        `json:"source_kind,omitempty" form:"source_kind" jsonschema:"enum=state_council,enum=province,enum=city,enum=inspection,enum=reflection,enum=meeting,enum=other"`
	Source      *string        `json:"source,omitempty" form:"source" jsonschema:"description=the group or inspection's name (国务院安委会第七督导组)"`
	SourceID    *db.ID         `json:"source_id,omitempty" form:"source_id" jsonschema:"description=the reflection or meeting it came from"`
	OrgID       *db.ID         `json:"org_id,omitempty" form:"org_id" jsonschema:"description=the lead unit (牵头单位)"`
	Measures    []MeasureInput `json:"measures,omitempty" form:"-"`
}

// MeasureInput creates a measure (text, department and deadline required) or changes one.
type MeasureInput struct {
	Text         *string `json:"text,omitempty" form:"text"`
	LeaderID     *db.ID  `json:"leader_id,omitempty" form:"leader_id" jsonschema:"description=the owning leader (a person, usually a deputy head)"`
	DepartmentID *db.ID  `json:"department_id,omitempty" form:"department_id" jsonschema:"description=the responsible unit"`
	Deadline     *string `json:"deadline,omitempty" form:"deadline" jsonschema:"description=due day (YYYY-MM-DD, due by its end, China time)"`
}
