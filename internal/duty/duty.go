// Package duty is the responsibility lists (责任清单) of 党政同责、一岗双责: the written
// safety duties of every leader's and department head's post, drawn from a template per
// kind of post and kept in yearly versions; the due tasks of recurring duties, created
// once per period by a job and done only when evidence proves them; and the evidence
// registry, where a meeting, an inspection, an accepted hazard, a document or a one-tap
// confirmation is entered once and linked to every task it proves (最多报一次).
package duty

import (
	"context"
	"embed"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"time"

	"github.com/safeduty/safeduty/internal/notify"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/kit"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// Module is the responsibility list capability.
type Module struct {
	kit.Deps
	Notify      *notify.Service
	Attachments web.Linker
	Uploader    web.Uploader
}

// Evidence kinds: what proves a duty's task.
var EvidenceKinds = []string{"meeting", "inspection", "hazard", "document", "confirm"}

// Evidence is a record that proves duties. A record of another capability (a meeting,
// an inspection, an accepted hazard: Kind and RefID) is entered once; proving it again
// updates it and links it to the tasks it newly proves.
type Evidence struct {
	Kind         string // one of EvidenceKinds
	RefID        *db.ID // the meeting, inspection or hazard
	AttachmentID *db.ID // a document or photo
	Title        string
	At           time.Time // when it happened: it proves the tasks whose period holds it
	OrgID        db.ID     // the unit it belongs to
	OrgPath      string
	// People are those whose duties it proves (a meeting's chair and attendees); the
	// tasks of every post in OrgID are proved too.
	People []db.ID
	// MeetingKind is a meeting's kind: it proves the duties asking for that kind of
	// meeting, or for any meeting.
	MeetingKind string
}

// Prove records ev and links it to every open task it proves: the tasks of the people it
// names or of the posts in its unit, whose duty asks for this kind of evidence, and whose
// period holds ev.At. Those tasks are done (late when past due). It returns the evidence
// and the tasks it closed. It runs in the caller's transaction, so the record and its
// proof commit together.
func (m *Module) Prove(ctx context.Context, tx *db.Tx, actor *auth.Principal, ev Evidence) (db.ID, []db.ID, error) {
	now := m.Clock.Now()
	var id db.ID
	if ev.RefID != nil {
		err := tx.QueryRow(ctx, `SELECT id FROM duty_evidence WHERE kind = ? AND ref_id = ?`, ev.Kind, *ev.RefID).Scan(&id)
		if err != nil && !db.IsNoRows(err) {
			return 0, nil, err
		}
		if id != 0 {
			if _, err := tx.Exec(ctx, `UPDATE duty_evidence SET title = ?, happened_at = ?, org_id = ?, org_path = ? WHERE id = ?`,
				ev.Title, ev.At, ev.OrgID, ev.OrgPath, id); err != nil {
				return 0, nil, err
			}
		}
	}
	if id == 0 {
		if err := tx.QueryRow(ctx, `INSERT INTO duty_evidence (kind, ref_id, attachment_id, title, happened_at, org_id, org_path, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, ev.Kind, ev.RefID, ev.AttachmentID, ev.Title, ev.At, ev.OrgID, ev.OrgPath,
			actor.UserRef(), now).Scan(&id); err != nil {
			return 0, nil, err
		}
	}
	var w db.Where
	if len(ev.People) > 0 {
		in, args := db.In("t.person_id", ev.People)
		w.Add("(t.org_id = ? OR "+in+")", append([]any{ev.OrgID}, args...)...)
	} else {
		w.Add("t.org_id = ?", ev.OrgID)
	}
	w.Add("t.status = 'open'")
	w.Add("i.evidence = ?", ev.Kind)
	w.Add("t.starts_at <= ? AND t.due_at > ?", ev.At, ev.At)
	if ev.Kind == "meeting" {
		w.Add("(i.meeting_kind = '' OR i.meeting_kind = ?)", ev.MeetingKind)
	}
	tasks, err := db.All(ctx, tx, `SELECT t.id FROM duty_tasks t JOIN duty_items i ON i.id = t.item_id`+w.SQL()+` ORDER BY t.id`, w.Args(), db.ScanID)
	if err != nil {
		return 0, nil, err
	}
	for _, t := range tasks {
		if _, err := tx.Exec(ctx, `INSERT INTO duty_task_evidence (task_id, evidence_id, linked_by, linked_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (task_id, evidence_id) DO NOTHING`, t, id, actor.UserRef(), now); err != nil {
			return 0, nil, err
		}
		if _, err := tx.Exec(ctx, `UPDATE duty_tasks SET status = 'done', done_at = ?, done_by = ?, late = (due_at < ?) WHERE id = ?`,
			now, actor.UserRef(), now, t); err != nil {
			return 0, nil, err
		}
	}
	err = m.Audit.Record(ctx, tx, audit.Entry{Action: "duty.evidence", ObjectType: "evidence", ObjectID: id.String(),
		Detail: map[string]any{"kind": ev.Kind, "title": ev.Title, "tasks_done": len(tasks)}})
	return id, tasks, err
}

// files are the capability's messages, page templates and stylesheet.
//
//go:embed messages/*.json templates/*.html static/*.css
var files embed.FS

func init() { i18n.MustRegister(files, "messages") }
