package letter

import (
	"context"
	"net/http"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
)

// Routes registers the API of the target responsibility letters.
func (m *Module) Routes(r *api.Registry) {
	r.Add(api.Route{Method: "GET", Path: "/api/v1/letters", ID: "listLetters", Tag: "letter",
		Summary: "Target responsibility letters of the units in scope, newest year first",
		Params:  LetterFilter{}, Response: Letter{}, List: true, Sorts: letterSorting.Fields(),
		Handler: api.ListHandler(letterSorting, letterExport, m.listScoped)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/letters", ID: "createLetter", Tag: "letter",
		Summary: "Draft a letter with a town's government or a department for a year (standard targets and items unless given)",
		Perm:    &PermWrite, Body: LetterInput{}, Response: Letter{}, Status: http.StatusCreated,
		Handler: api.NewHandler(m.Create, m.get, "/api/v1/letters/")})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/letters/generate", ID: "generateLetters", Tag: "letter",
		Summary: "Draft the year's letter of every town government and department that has none (idempotent)",
		Perm:    &PermWrite, Body: GenerateInput{}, Response: Generated{}, Handler: api.BodyHandler(http.StatusOK, m.Generate)})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/letters/targets", ID: "listLetterTargets", Tag: "letter",
		Summary: "Every target of every letter in scope, flat (what the yearly assessment reads)",
		Params:  LetterFilter{}, Response: TargetRow{}, List: true, Sorts: targetSorting.Fields(),
		Handler: api.ListHandler(targetSorting, targetExport, m.listTargetsScoped)})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/letters/{id}", ID: "getLetter", Tag: "letter",
		Summary: "One letter with its targets, duty items and history", Object: "letter", Response: Letter{},
		Handler: api.GetHandler("letter", m.get)})
	r.Add(api.Route{Method: "PATCH", Path: "/api/v1/letters/{id}", ID: "updateLetter", Tag: "letter",
		Summary: "Change a draft (targets and items replaced as a whole); a signed letter answers 409",
		Perm:    &PermWrite, Object: "letter", Body: LetterInput{}, Response: Letter{}, Handler: api.ChangeHandler("letter", m.Update, m.get)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/letters/{id}/sign", ID: "signLetter", Tag: "letter",
		Summary: "Mark a draft signed on a day; it becomes read-only", Perm: &PermWrite, Object: "letter",
		Body: SignInput{}, Response: Letter{}, Handler: api.ActionHandler("letter", http.StatusOK, m.Sign)})
}

func (m *Module) listScoped(ctx context.Context, _ auth.Scope, f LetterFilter, lp api.ListParams, each func(Letter) error) (int, error) {
	return m.List(ctx, auth.FromContext(ctx), f, lp, each)
}

func (m *Module) listTargetsScoped(ctx context.Context, _ auth.Scope, f LetterFilter, lp api.ListParams, each func(TargetRow) error) (int, error) {
	return m.ListTargets(ctx, auth.FromContext(ctx), f, lp, each)
}
