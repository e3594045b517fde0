package tackling

import (
	"context"
	"net/http"

	"github.com/safeduty/safeduty/internal/platform/api"
	"github.com/safeduty/safeduty/internal/platform/auth"
)

// Routes registers the API.
func (m *Module) Routes(r *api.Registry) {
	r.Add(api.Route{Method: "GET", Path: "/api/v1/problems", ID: "listProblems", Tag: "tackling",
		Summary: "Problems of special tackling in scope (lead unit in scope, or a measure carried in scope), with their measures' counts",
		Params:  ProblemFilter{}, Response: Problem{}, List: true, Sorts: problemSorting.Fields(),
		Handler: api.ListHandler(problemSorting, m.problemExport(), m.listProblems)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/problems", ID: "createProblem", Tag: "tackling",
		Summary: "List a problem with its measures in one request", Perm: &PermWrite,
		Body: ProblemInput{}, Response: Problem{}, Status: http.StatusCreated, Handler: api.NewHandler(m.NewProblem, m.problemReader, "/api/v1/problems/")})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/problems/{id}", ID: "getProblem", Tag: "tackling", Summary: "One problem with its measures in scope",
		Object: "problem", Response: Problem{}, Handler: api.GetHandler("problem", m.problemReader)})
	r.Add(api.Route{Method: "PATCH", Path: "/api/v1/problems/{id}", ID: "updateProblem", Tag: "tackling",
		Summary: "Change a problem (its lead unit in scope); measures change on their own", Perm: &PermWrite,
		Object: "problem", Body: ProblemInput{}, Response: Problem{}, Handler: api.ChangeHandler("problem", m.UpdateProblem, m.problemReader)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/problems/{id}/measures", ID: "addMeasure", Tag: "tackling",
		Summary: "Add a measure to a problem", Perm: &PermWrite, Object: "problem", Body: MeasureInput{}, Response: Measure{},
		Status: http.StatusCreated, Handler: api.CreateHandler("problem", m.AddMeasure, m.MeasureWithHistory, "/api/v1/measures/")})

	r.Add(api.Route{Method: "GET", Path: "/api/v1/measures", ID: "listMeasures", Tag: "tackling",
		Summary: "Measures carried by units in scope, soonest deadline first; xlsx/csv is the ledger's spreadsheet",
		Params:  MeasureFilter{}, Response: Measure{}, List: true, Sorts: measureSorting.Fields(),
		Handler: api.ListHandler(measureSorting, m.measureExport(), m.listMeasures)})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/measures/figures", ID: "measureFigures", Tag: "tackling",
		Summary: "Measures per owning leader or responsible department: total, verified, on time, overdue, in progress (each equals the list's total with the same filter)",
		Params:  FiguresParams{}, Response: Figures{}, Handler: api.QueryHandler(m.FiguresOf)})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/measures/{id}", ID: "getMeasure", Tag: "tackling", Summary: "One measure with its history",
		Object: "measure", Response: Measure{}, Handler: api.GetHandler("measure", m.MeasureWithHistory)})
	r.Add(api.Route{Method: "PATCH", Path: "/api/v1/measures/{id}", ID: "updateMeasure", Tag: "tackling",
		Summary: "Change a measure's text, leader, department or deadline", Perm: &PermWrite,
		Object: "measure", Body: MeasureInput{}, Response: Measure{}, Handler: api.ChangeHandler("measure", m.UpdateMeasure, m.MeasureWithHistory)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/measures/{id}/progress", ID: "reportMeasureProgress", Tag: "tackling",
		Summary: "Report progress (text, percent, attachment ids) on a measure not yet verified: its department, or tackling.write",
		Object:  "measure", Body: ProgressInput{}, Response: Measure{}, Handler: api.ActionHandler("measure", http.StatusOK, m.ReportProgress)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/measures/{id}/complete", ID: "completeMeasure", Tag: "tackling",
		Summary: "Report an open measure done: its department, or tackling.write (409 unless open)",
		Object:  "measure", Body: StepInput{}, Response: Measure{}, Handler: api.ActionHandler("measure", http.StatusOK, m.CompleteMeasure)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/measures/{id}/verify", ID: "verifyMeasure", Tag: "tackling",
		Summary: "Verify a completed measure (tackling.verify): refused (403) to its owning leader and to whoever completed it; 409 unless completed",
		Object:  "measure", Perm: &PermVerify, Body: StepInput{}, Response: Measure{}, Handler: api.ActionHandler("measure", http.StatusOK, m.VerifyMeasure)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/measures/{id}/reject", ID: "rejectMeasure", Tag: "tackling",
		Summary: "Send a completed measure back to open with the reason (text required); same rules as verify",
		Object:  "measure", Perm: &PermVerify, Body: StepInput{}, Response: Measure{}, Handler: api.ActionHandler("measure", http.StatusOK, m.RejectMeasure)})

	r.Add(api.Route{Method: "GET", Path: "/api/v1/reflections", ID: "listReflections", Tag: "tackling",
		Summary: "五个反思 in scope", Params: ReflectionFilter{}, Response: Reflection{}, List: true, Sorts: reflectionSorting.Fields(),
		Handler: api.ListHandler(reflectionSorting, reflectionExport, m.listReflections)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/reflections", ID: "createReflection", Tag: "tackling",
		Summary: "Write a body's 五个反思 of a year (a draft, or submitted at once with submit: true)", Perm: &PermWrite,
		Body: ReflectionInput{}, Response: Reflection{}, Status: http.StatusCreated, Handler: api.NewHandler(m.CreateReflection, m.reflectionReader, "/api/v1/reflections/")})
	r.Add(api.Route{Method: "GET", Path: "/api/v1/reflections/{id}", ID: "getReflection", Tag: "tackling",
		Summary: "One 五个反思 with its answers and, once submitted, its measures", Object: "reflection", Response: Reflection{},
		Handler: api.GetHandler("reflection", m.reflectionReader)})
	r.Add(api.Route{Method: "PATCH", Path: "/api/v1/reflections/{id}", ID: "updateReflection", Tag: "tackling",
		Summary: "Change a draft 五个反思 (409 once submitted); submit: true submits it", Perm: &PermWrite, Object: "reflection",
		Body: ReflectionInput{}, Response: Reflection{}, Handler: api.ChangeHandler("reflection", m.UpdateReflection, m.reflectionReader)})
	r.Add(api.Route{Method: "POST", Path: "/api/v1/reflections/{id}/submit", ID: "submitReflection", Tag: "tackling",
		Summary: "Submit a draft: its actions become the measures of a problem of source_kind reflection (once: 409 when submitted)",
		Perm:    &PermWrite, Object: "reflection", Body: SubmitInput{}, Response: Reflection{}, Handler: api.ActionHandler("reflection", http.StatusOK, m.SubmitReflection)})
}

func (m *Module) listProblems(ctx context.Context, _ auth.Scope, f ProblemFilter, lp api.ListParams, each func(Problem) error) (int, error) {
	return m.ListProblems(ctx, auth.FromContext(ctx), f, lp, each)
}

func (m *Module) listMeasures(ctx context.Context, _ auth.Scope, f MeasureFilter, lp api.ListParams, each func(Measure) error) (int, error) {
	return m.ListMeasures(ctx, auth.FromContext(ctx), f, lp, each)
}

func (m *Module) listReflections(ctx context.Context, _ auth.Scope, f ReflectionFilter, lp api.ListParams, each func(Reflection) error) (int, error) {
	return m.ListReflections(ctx, auth.FromContext(ctx), f, lp, each)
}
