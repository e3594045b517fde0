package duty

import (
	"context"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// EvidenceRecord is an entry of the evidence registry.
type EvidenceRecord struct {
	ID           db.ID     `json:"id"`
	Kind         string    `json:"kind" jsonschema:"enum=meeting,enum=inspection,enum=hazard,enum=document,enum=confirm"`
	RefID        *db.ID    `json:"ref_id" jsonschema:"nullable,description=the meeting, inspection or hazard"`
	AttachmentID *db.ID    `json:"attachment_id" jsonschema:"nullable,description=the document or photo"`
	Title        string    `json:"title"`
	HappenedAt   time.Time `json:"happened_at"`
	OrgID        db.ID     `json:"org_id"`
	OrgName      string    `json:"org_name"`
	Tasks        int       `json:"tasks" jsonschema:"description=how many tasks it proves"`
	CreatedAt    time.Time `json:"created_at"`

	path string
}

// EvidenceFilter selects evidence.
type EvidenceFilter struct {
	Kind  []string `query:"kind" enum:"meeting,inspection,hazard,document,confirm"`
	OrgID *db.ID   `query:"org_id"`
	Q     string   `query:"q" doc:"title contains"`
}

// EvidenceInput links evidence to a task: an evidence id of the registry, an uploaded
// attachment (a document or photo) or an accepted hazard, exactly one of them.
type EvidenceInput struct {
	EvidenceID   *db.ID  `json:"evidence_id,omitempty" form:"evidence_id"`
	AttachmentID *db.ID  `json:"attachment_id,omitempty" form:"attachment_id" jsonschema:"description=uploaded first through POST /api/v1/attachments"`
	HazardID     *db.ID  `json:"hazard_id,omitempty" form:"hazard_id" jsonschema:"description=a hazard closed after acceptance"`
	Title        *string `json:"title,omitempty" form:"title" jsonschema:"description=what the document is (defaults to the duty)"`
}

// ConfirmInput confirms a confirm duty's task; PhotoID is required when the task asks for
// a photo.
type ConfirmInput struct {
	PhotoID *db.ID `json:"photo_id,omitempty" form:"photo_id" jsonschema:"description=an uploaded photo's attachment id"`
}

var evidenceSorting = api.Sorting{
	Columns: map[string]string{"happened_at": "e.happened_at", "kind": "e.kind", "title": "e.title"},
	Default: "-happened_at", Tiebreak: "e.id",
}

var evidenceExport = api.Export[EvidenceRecord]{Name: "duty.export_evidence", Columns: []api.Column[EvidenceRecord]{
	{Header: "duty.field.evidence_title", Value: func(e EvidenceRecord) any { return e.Title }, Width: 40},
	{Header: "duty.field.evidence_kind", Value: func(e EvidenceRecord) any { return i18n.Key("duty.evidence." + e.Kind) }, Width: 10},
	{Header: "duty.field.happened_at", Value: func(e EvidenceRecord) any { return e.HappenedAt }, Width: 17},
	{Header: "duty.field.org", Value: func(e EvidenceRecord) any { return e.OrgName }, Width: 24},
	{Header: "duty.field.tasks", Value: func(e EvidenceRecord) any { return e.Tasks }, Width: 8},
}}

const selectEvidence = `SELECT e.id, e.kind, e.ref_id, e.attachment_id, e.title, e.happened_at, e.org_id, o.name,
	(SELECT COUNT(*) FROM duty_task_evidence x WHERE x.evidence_id = e.id), e.created_at, e.org_path
	FROM duty_evidence e JOIN orgs o ON o.id = e.org_id`

func scanEvidence(s db.Scanner) (EvidenceRecord, error) {
	var e EvidenceRecord
	err := s.Scan(&e.ID, &e.Kind, &e.RefID, &e.AttachmentID, &e.Title, &e.HappenedAt, &e.OrgID, &e.OrgName, &e.Tasks, &e.CreatedAt, &e.path)
	return e, err
}

// ListEvidence calls each for the evidence in the caller's scope matching f.
func (m *Module) ListEvidence(ctx context.Context, p *auth.Principal, f EvidenceFilter, lp api.ListParams, each func(EvidenceRecord) error) (int, error) {
	var w db.Where
	w.AddCond(p.Scope.PathCond("e.org_path"))
	w.AddCond(db.In("e.kind", f.Kind))
	w.Eq("e.org_id", f.OrgID)
	w.AddCond(m.DB.Engine().ContainsAny(f.Q, "e.title"))
	lq := api.ListQuery{Select: selectEvidence, Count: `FROM duty_evidence e`, Where: w, Sorting: evidenceSorting}
	return api.QueryList(ctx, m.DB, lq, lp, scanEvidence, each)
}

// GetEvidence returns an evidence record in the caller's scope. Errors: NotFound.
func (m *Module) GetEvidence(ctx context.Context, q db.Querier, p *auth.Principal, id db.ID) (EvidenceRecord, error) {
	e, err := scanEvidence(q.QueryRow(ctx, selectEvidence+` WHERE e.id = ?`, id))
	if db.IsNoRows(err) || (err == nil && !p.Scope.Contains(e.path)) {
		return EvidenceRecord{}, apperr.NotFoundf("evidence")
	}
	return e, err
}

func (m *Module) getEvidence(ctx context.Context, p *auth.Principal, id db.ID) (EvidenceRecord, error) {
	return m.GetEvidence(ctx, m.DB, p, id)
}

// Fitting lists the evidence in the caller's scope that could prove the task and is not
// linked to it yet: of the kind the duty asks for or a document (minutes, a report), of
// the task's unit or already proving a task of the same person, that happened within the
// task's period; eight at most, the kind asked for first, then the newest.
func (m *Module) Fitting(ctx context.Context, p *auth.Principal, t Task) ([]EvidenceRecord, error) {
	var w db.Where
	w.AddCond(p.Scope.PathCond("e.org_path"))
	w.Add("(e.kind = ? OR e.kind = 'document')", t.Evidence)
	w.Add(`(e.org_id = ? OR EXISTS (SELECT 1 FROM duty_task_evidence x JOIN duty_tasks y ON y.id = x.task_id WHERE x.evidence_id = e.id AND y.person_id = ?))`,
		t.OrgID, t.PersonID)
	w.Add("e.happened_at >= ? AND e.happened_at < ?", t.StartsAt, t.DueAt)
	w.Add("NOT EXISTS (SELECT 1 FROM duty_task_evidence z WHERE z.evidence_id = e.id AND z.task_id = ?)", t.ID)
	return db.All(ctx, m.DB, selectEvidence+w.SQL()+` ORDER BY CASE WHEN e.kind = ? THEN 0 ELSE 1 END, e.happened_at DESC, e.id DESC LIMIT 8`,
		append(w.Args(), t.Evidence), scanEvidence)
}

// CanAct reports whether p may do a task's paperwork: the users of the owner person, and
// the users bound to the task's unit (its clerk), but not readers.
func CanAct(p *auth.Principal, t Task) bool {
	if p == nil || p.UserID == 0 || (p.Has(auth.Reader) && len(p.Roles) == 1) {
		return false
	}
	return (p.PersonID != nil && *p.PersonID == t.PersonID) || p.OrgID == t.OrgID
}

// actable reads a task in the caller's scope that the caller may act on, in tx.
// Errors: NotFound, Forbidden.
func (m *Module) actable(ctx context.Context, tx *db.Tx, p *auth.Principal, id db.ID) (Task, error) {
	t, err := m.GetTask(ctx, tx, p, id)
	if err != nil {
		return Task{}, err
	}
	if !CanAct(p, t) {
		return Task{}, apperr.New(apperr.Forbidden, "duty.not_yours", nil)
	}
	return t, nil
}

// link links evidence ev to task t and marks it done (late when past due).
func (m *Module) link(ctx context.Context, tx *db.Tx, p *auth.Principal, t Task, ev db.ID, now time.Time) error {
	if _, err := tx.Exec(ctx, `INSERT INTO duty_task_evidence (task_id, evidence_id, linked_by, linked_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (task_id, evidence_id) DO NOTHING`, t.ID, ev, p.UserRef(), now); err != nil {
		return err
	}
	if t.Status == "open" {
		if _, err := tx.Exec(ctx, `UPDATE duty_tasks SET status = 'done', done_at = ?, done_by = ?, late = ? WHERE id = ?`,
			now, p.UserRef(), !t.DueAt.After(now), t.ID); err != nil {
			return err
		}
	}
	return m.Audit.Record(ctx, tx, audit.Entry{Action: "duty.task_evidence", ObjectType: "task", ObjectID: t.ID.String(),
		Detail: map[string]any{"evidence_id": ev.String(), "late": t.Status == "open" && !t.DueAt.After(now)}})
}

// LinkEvidence links evidence to a task (an evidence id of the registry in scope, an
// uploaded attachment, or an accepted hazard in scope), which marks it done. Errors:
// NotFound, Forbidden, Invalid.
func (m *Module) LinkEvidence(ctx context.Context, p *auth.Principal, id db.ID, in EvidenceInput) (Task, error) {
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		t, err := m.actable(ctx, tx, p, id)
		if err != nil {
			return err
		}
		now := m.Clock.Now()
		v := &apperr.Validation{}
		given := 0
		for _, x := range []*db.ID{in.EvidenceID, in.AttachmentID, in.HazardID} {
			if x != nil {
				given++
			}
		}
		if given != 1 {
			v.Add("evidence_id", "duty.evidence_one", nil)
			return v.Err()
		}
		title := strings.TrimSpace(db.Text(in.Title))
		if len([]rune(title)) > 200 {
			v.Add("title", "validate.max_len", apperr.E{"max": 200})
			return v.Err()
		}
		var ev db.ID
		switch {
		case in.EvidenceID != nil:
			e, err := m.GetEvidence(ctx, tx, p, *in.EvidenceID)
			if err != nil {
				v.Add("evidence_id", "validate.unknown_ref", nil)
				return v.Err()
			}
			ev = e.ID
		case in.HazardID != nil:
			var title, path string
			var closed *time.Time
			err := tx.QueryRow(ctx, `SELECT title, org_path, closed_at FROM hazards WHERE id = ? AND status = 'closed'`, *in.HazardID).Scan(&title, &path, &closed)
			if db.IsNoRows(err) || (err == nil && !p.Scope.Contains(path)) {
				v.Add("hazard_id", "validate.unknown_ref", nil)
				return v.Err()
			}
			if err != nil {
				return err
			}
			at := now
			if closed != nil {
				at = *closed
			}
			ev, _, err = m.Prove(ctx, tx, p, Evidence{Kind: "hazard", RefID: in.HazardID, Title: title, At: at, OrgID: t.OrgID, OrgPath: t.path})
			if err != nil {
				return err
			}
		default:
			if m.Attachments != nil {
				if err := m.Attachments.Link(ctx, tx, p, []db.ID{*in.AttachmentID}, t.path, nil, nil); err != nil {
					if c := apperr.CodeOf(err); c != apperr.Internal {
						v.Add("attachment_id", "validate.unknown_ref", nil)
						return v.Err()
					}
					return err
				}
			}
			if title == "" {
				title = t.Text
			}
			if err := tx.QueryRow(ctx, `INSERT INTO duty_evidence (kind, attachment_id, title, happened_at, org_id, org_path, created_by, created_at)
				VALUES ('document', ?, ?, ?, ?, ?, ?, ?) RETURNING id`, *in.AttachmentID, title, now, t.OrgID, t.path, p.UserRef(), now).Scan(&ev); err != nil {
				return err
			}
		}
		t, err = m.GetTask(ctx, tx, p, id) // Prove may have closed it already
		if err != nil {
			return err
		}
		return m.link(ctx, tx, p, t, ev, now)
	})
	if err != nil {
		return Task{}, err
	}
	return m.GetTask(ctx, m.DB, p, id)
}

// MarkDone closes a task that has evidence linked; without evidence it is refused
// (Conflict: a duty is done only when evidence proves it). Errors: NotFound, Forbidden,
// Conflict.
func (m *Module) MarkDone(ctx context.Context, p *auth.Principal, id db.ID, _ struct{}) (Task, error) {
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		t, err := m.actable(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if len(t.Proofs) == 0 {
			if t.Evidence == "confirm" {
				return apperr.Conflictf("duty.no_evidence_confirm", nil)
			}
			return apperr.Conflictf("duty.no_evidence", nil)
		}
		if t.Status == "done" {
			return nil
		}
		now := m.Clock.Now()
		return m.link(ctx, tx, p, t, t.Proofs[0].ID, now)
	})
	if err != nil {
		return Task{}, err
	}
	return m.GetTask(ctx, m.DB, p, id)
}

// Confirm closes a confirm duty's task with one tap (with a photo when the task asks for
// one). Errors: NotFound, Forbidden, Conflict (not a confirm duty, or done), Invalid.
func (m *Module) Confirm(ctx context.Context, p *auth.Principal, id db.ID, in ConfirmInput) (Task, error) {
	err := m.DB.Tx(ctx, func(tx *db.Tx) error {
		t, err := m.actable(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if t.Evidence != "confirm" {
			return apperr.Conflictf("duty.not_confirm", nil)
		}
		if t.Status == "done" {
			return apperr.Conflictf("duty.already_done", nil)
		}
		if t.PhotoRequired && in.PhotoID == nil {
			v := &apperr.Validation{}
			v.Add("photo", "duty.photo_required", nil)
			return v.Err()
		}
		if in.PhotoID != nil && m.Attachments != nil {
			if err := m.Attachments.Link(ctx, tx, p, []db.ID{*in.PhotoID}, t.path, nil, nil); err != nil {
				if c := apperr.CodeOf(err); c != apperr.Internal {
					v := &apperr.Validation{}
					v.Add("photo", "validate.unknown_ref", nil)
					return v.Err()
				}
				return err
			}
		}
		now := m.Clock.Now()
		var ev db.ID
		if err := tx.QueryRow(ctx, `INSERT INTO duty_evidence (kind, attachment_id, title, happened_at, org_id, org_path, created_by, created_at)
			VALUES ('confirm', ?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.PhotoID, t.Text+" "+t.PeriodName()(i18n.Localizer{Lang: i18n.Zh, Catalog: i18n.Default}), now, t.OrgID, t.path, p.UserRef(), now).Scan(&ev); err != nil {
			return err
		}
		return m.link(ctx, tx, p, t, ev, now)
	})
	if err != nil {
		return Task{}, err
	}
	return m.GetTask(ctx, m.DB, p, id)
}
