package enterprise

import (
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/input"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// importView is the data of the import page: the upload form and, after an upload, the
// report — how many rows were created, updated and rejected, and why each was.
type importView struct {
	Report   *ImportReport
	FileName string
	Form     *web.Form // a refused import: no file, or one the reader refused as a whole
	Columns  []importColumn
	// MaxSize and MaxRows state the limits of ImportLimits.
	MaxSize string
	MaxRows int
}

// importColumn is one column of the workbook, named in the reader's language.
type importColumn struct {
	Header   string
	Required bool
}

// newImportView is the import page with the workbook's columns in the reader's language.
func newImportView(r *http.Request) importView {
	v := importView{MaxSize: input.Size(MaxImportBytes), MaxRows: MaxImportRows, Form: web.NewForm(nil)}
	en := i18n.FromContext(r.Context()).Lang == i18n.En
	for _, c := range importColumns {
		h := c.zh
		if en {
			h = c.en
		}
		v.Columns = append(v.Columns, importColumn{Header: h, Required: c.required})
	}
	return v
}

// importPage shows the upload form (/enterprises/import).
func (m *Module) importPage(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		return s.Render(w, r, t.imports, newImportView(r))
	}
}

// importSubmit streams the workbook of the multipart form (field "file") into Import
// and shows the report. A workbook that cannot be read at all answers 422 with why.
func (m *Module) importSubmit(s *web.Site, t pageTemplates) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		v := newImportView(r)
		rep, name, err := m.readImport(w, r)
		if err == nil {
			v.Report, v.FileName = &rep, name
			return s.Render(w, r, t.imports, v)
		}
		e := apperr.As(err)
		if !v.Form.Refuse(r, err) {
			if e.Code != apperr.TooLarge {
				return err
			}
			v.Form.Message, v.Form.Status = i18n.FromContext(ctx).TArgs(e.Key, e.Args), apperr.Status(e.Code)
		}
		if len(rep.Rejected) > 0 || rep.Rows > 0 {
			v.Report = &rep
		}
		return s.RenderStatus(w, r, v.Form.Status, t.imports, v)
	}
}

// noImportFile is the refusal of an import form without its file.
func noImportFile() error {
	v := apperr.Validation{}
	v.Add("file", "ent.import_pick_file", nil)
	return v.Err()
}

// readImport finds the file part of the form and imports it.
func (m *Module) readImport(w http.ResponseWriter, r *http.Request) (ImportReport, string, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		return ImportReport{}, "", noImportFile()
	}
	r.Body = http.MaxBytesReader(w, r.Body, importBodyLimit)
	mr, err := r.MultipartReader()
	if err != nil {
		return ImportReport{}, "", noImportFile()
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return ImportReport{}, "", noImportFile()
		}
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				return ImportReport{}, "", importTooLarge()
			}
			return ImportReport{}, "", noImportFile()
		}
		if part.FormName() != "file" {
			continue
		}
		if part.FileName() == "" {
			return ImportReport{}, "", noImportFile()
		}
		rep, err := m.Import(r.Context(), auth.FromContext(r.Context()), part)
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			err = importTooLarge()
		}
		return rep, part.FileName(), err
	}
}
