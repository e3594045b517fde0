package duty

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// The templates page (/duty-templates): every kind of post's template, readable by all;
// the safety office adds and removes items. And the safety office's forms on /duties:
// draw a person's list from the template, copy the year's lists to the next year.

// templatesView is /duty-templates.
type templatesView struct {
	Templates                                    []Template
	CanEdit                                      bool
	Open                                         string // the kind whose form was refused
	Form                                         *web.Form
	Empty                                        *web.Form // the other kinds' forms
	Bodies, Roles, Freqs, Evidence, MeetingKinds []string
}

func (m *Module) templatesPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		return m.renderTemplates(w, r, s, t, http.StatusOK, "", web.NewForm(nil))
	}
}

func (m *Module) renderTemplates(w http.ResponseWriter, r *http.Request, s *web.Site, t pageTemplates, status int, open string, f *web.Form) error {
	ts, err := m.Templates(r.Context(), m.DB)
	if err != nil {
		return err
	}
	v := templatesView{Templates: ts, CanEdit: auth.FromContext(r.Context()).Can(PermWrite), Open: open, Form: f, Empty: web.NewForm(nil),
		Bodies: Bodies, Roles: Roles, Freqs: Frequencies, Evidence: EvidenceKinds, MeetingKinds: MeetingKinds}
	return s.RenderStatus(w, r, status, t.templates, v)
}

// templateOf finds the template of a kind of post among ts.
func templateOf(ts []Template, kind string) (Template, bool) {
	i := slices.IndexFunc(ts, func(t Template) bool { return t.PostKind == kind })
	if i < 0 {
		return Template{}, false
	}
	return ts[i], true
}

// templateAddSubmit adds an item to a template.
func (m *Module) templateAddSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		f, err := web.PostedForm(r)
		if err != nil {
			return err
		}
		kind := f.Get("post_kind")
		var it TemplateItem
		if err = f.Decode(&it); err == nil {
			var ts []Template
			if ts, err = m.Templates(ctx, m.DB); err == nil {
				tp, ok := templateOf(ts, kind)
				if !ok {
					return apperr.NotFoundf("duty_template")
				}
				items := append(slices.Clone(tp.Items), it)
				_, err = m.SaveTemplate(ctx, p, TemplateInput{PostKind: kind, Items: items})
				err = itemErr(err, len(items)-1)
			}
		}
		return f.Done(w, r, err, "flash.duty_template_saved", "/duty-templates#tpl-"+kind, func() error {
			return m.renderTemplates(w, r, s, t, f.Status, kind, f)
		})
	}
}

// templateRemoveSubmit removes an item ("kind/position", the button's value).
func (m *Module) templateRemoveSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := auth.FromContext(ctx)
		f, err := web.PostedForm(r)
		if err != nil {
			return err
		}
		kind, pos, _ := strings.Cut(f.Get("item"), "/")
		i, perr := strconv.Atoi(pos)
		ts, err := m.Templates(ctx, m.DB)
		if err != nil {
			return err
		}
		tp, ok := templateOf(ts, kind)
		if !ok || perr != nil || i < 0 || i >= len(tp.Items) {
			return apperr.NotFoundf("duty_template")
		}
		if len(tp.Items) == 1 {
			return apperr.Conflictf("duty.last_item", nil)
		}
		_, err = m.SaveTemplate(ctx, p, TemplateInput{PostKind: kind, Items: slices.Delete(slices.Clone(tp.Items), i, i+1)})
		return f.Done(w, r, err, "flash.duty_template_saved", "/duty-templates#tpl-"+kind, func() error {
			return m.renderTemplates(w, r, s, t, f.Status, kind, web.NewForm(nil))
		})
	}
}

// Unlisted are the people in scope holding a post of a kind without a current list for
// the year: whom the safety office may draw a list for.
func (m *Module) unlisted(r *http.Request, year int) ([]choice, error) {
	p := auth.FromContext(r.Context())
	var w db.Where
	w.AddCond(p.Scope.PathCond("o.path"))
	w.Add("po.kind <> ''")
	w.Add("NOT EXISTS (SELECT 1 FROM duty_lists l WHERE l.person_id = po.person_id AND l.org_id = po.org_id AND l.year = ?)", year)
	return web.NamedChoices(r.Context(), m.DB, func(id db.ID, name string) choice { return choice{ID: id, Name: name} },
		`SELECT DISTINCT po.person_id, pe.name || '（' || o.name || po.title || '）' FROM posts po JOIN people pe ON pe.id = po.person_id
		JOIN orgs o ON o.id = po.org_id`+w.SQL()+` ORDER BY 2`, w.Args()...)
}

// createListSubmit draws a person's list for the year from the template (/duties).
func (m *Module) createListSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		f, err := web.PostedForm(r)
		if err != nil {
			return err
		}
		var in ListInput
		var id db.ID
		if err = f.Decode(&in); err == nil {
			id, err = m.CreateList(ctx, auth.FromContext(ctx), in)
		}
		return f.Done(w, r, err, "flash.duty_list_created", "/duty-lists/"+id.String(), func() error {
			return m.renderLists(w, r, s, t, f.Status, f)
		})
	}
}

// copySubmit copies the year's lists to the next year (the button's value).
func (m *Module) copySubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		f, err := web.PostedForm(r)
		if err != nil {
			return err
		}
		var in CopyInput
		if err = f.Decode(&in); err == nil {
			_, err = m.CopyYear(ctx, auth.FromContext(ctx), in)
		}
		next := m.Clock.Now().In(clock.China).Year() + 1
		if in.Year != nil {
			next = *in.Year + 1
		}
		return f.Done(w, r, err, "flash.duty_lists_copied", "/duties?year="+strconv.Itoa(next), func() error {
			return m.renderLists(w, r, s, t, f.Status, f)
		})
	}
}

// choice is a record to pick in a form.
type choice struct {
	ID   db.ID
	Name string
}
