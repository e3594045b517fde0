package tackling

import (
	"net/http"
	"slices"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// The steps a measure's page offers, in order.
const (
	stepProgress = "progress"
	stepComplete = "complete"
	stepVerify   = "verify"
	stepReject   = "reject"
)

// fileField is the file input of the progress form.
const fileField = "files"

// stepForm is one step's form on a measure's page.
type stepForm struct {
	Step string
	Open bool // unfolded: the viewer's next step, or a refused form
	*web.Form
	Carried []db.ID
}

// measureView is a measure's page.
type measureView struct {
	X       Measure
	Forms   []stepForm
	Message string // why a refused step was refused (a 403 or 409)
	// Why tells a verifier who may not verify this one why (owning leader, completer).
	Why string
}

// steps are the steps p may take on x, the viewer's next one open first: the
// department reports and completes an open measure; a verifier verifies or sends back a
// completed one.
func steps(p *auth.Principal, x Measure) ([]string, string) {
	var out []string
	why := ""
	switch x.Status {
	case "open":
		if carries(p, x) {
			out = append(out, stepComplete, stepProgress)
		}
	case "completed":
		err := mayVerify(p, x)
		if err == nil {
			out = append(out, stepVerify, stepReject)
		} else if e := apperr.As(err); e.Code == apperr.Forbidden && e.Key != "error.forbidden" {
			why = e.Key
		}
		if carries(p, x) {
			out = append(out, stepProgress)
		}
	}
	return out, why
}

func (m *Module) renderMeasure(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, status int, x Measure,
	refused *stepForm, msg string) error {
	p := auth.FromContext(r.Context())
	v := measureView{X: x, Message: msg}
	var names []string
	names, v.Why = steps(p, x)
	// an open measure: progress first unless it is all done (100%)
	if x.Status == "open" && x.Progress < 100 && len(names) == 2 {
		names = []string{stepProgress, stepComplete}
	}
	for i, n := range names {
		f := stepForm{Step: n, Form: web.NewForm(nil), Open: i == 0 && refused == nil}
		if n == stepProgress {
			f.Values.Set("percent", "")
		}
		if refused != nil && refused.Step == n {
			f = *refused
			f.Open = true
		}
		v.Forms = append(v.Forms, f)
	}
	return s.RenderStatus(w, r, status, t.measure, v)
}

func (m *Module) measurePage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		_, x, err := web.PathRecord(r, "measure", func(id db.ID) (Measure, error) { return m.MeasureWithHistory(ctx, p, id) })
		if err != nil {
			return err
		}
		return m.renderMeasure(w, r, s, t, http.StatusOK, x, nil, "")
	}
}

var stepFlash = map[string]string{stepProgress: "flash.tackling_progress", stepComplete: "flash.tackling_complete",
	stepVerify: "flash.tackling_verify", stepReject: "flash.tackling_reject"}

// measureStepSubmit takes a step's form (progress with photos, complete, verify,
// reject) and goes back to the measure; a refused one comes back as typed.
func (m *Module) measureStepSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		id, err := api.PathID(r, "id", "measure")
		if err != nil {
			return err
		}
		if _, err := m.GetMeasure(ctx, m.DB, p, id); err != nil { // out of scope: 404 before anything is stored
			return err
		}
		form, err := web.ReadForm(w, r, m.Uploader, func(input string) bool { return input == fileField })
		if err != nil {
			return err
		}
		step := form.Get("step")
		if !slices.Contains([]string{stepProgress, stepComplete, stepVerify, stepReject}, step) {
			return apperr.New(apperr.BadRequest, "error.bad_request", nil)
		}
		switch step {
		case stepProgress:
			var in ProgressInput
			if err = form.Decode(&in); err == nil {
				in.AttachmentIDs = form.Files[fileField]
				_, err = m.ReportProgress(ctx, p, id, in)
			}
		default:
			var in StepInput
			if err = form.Decode(&in); err == nil {
				switch step {
				case stepComplete:
					_, err = m.CompleteMeasure(ctx, p, id, in)
				case stepVerify:
					_, err = m.VerifyMeasure(ctx, p, id, in)
				case stepReject:
					_, err = m.RejectMeasure(ctx, p, id, in)
				}
			}
		}
		if err == nil {
			web.SetFlash(w, stepFlash[step])
			http.Redirect(w, r, "/measures/"+id.String(), http.StatusSeeOther)
			return nil
		}
		x, gerr := m.MeasureWithHistory(ctx, p, id)
		if gerr != nil {
			return gerr
		}
		f := &stepForm{Step: step, Form: form, Carried: form.Files[fileField]}
		e := apperr.As(err)
		var msg string
		switch {
		case form.Refuse(r, err):
			msg = form.Message
		case e.Code == apperr.Forbidden || e.Code == apperr.Conflict:
			msg = i18n.FromContext(ctx).TArgs(e.Key, e.Args)
		default:
			return err
		}
		return m.renderMeasure(w, r, s, t, apperr.Status(e.Code), x, f, msg)
	}
}
