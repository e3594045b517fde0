package hazard

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// fileField is the name of the file inputs of every page form; attachField carries the
// ids of files already stored (by an earlier, refused submission of the same form).
const (
	fileField   = "files"
	attachField = web.CarriedField
)

// readForm reads a page form, url-encoded or multipart; the files of its "files" inputs
// stream into the Uploader (web.ReadForm). form.Files[fileField] holds the carried ids
// first, then the new files.
func (m *Module) readForm(w http.ResponseWriter, r *http.Request) (web.Form, error) {
	return web.ReadForm(w, r, m.Uploader, func(input string) bool { return input == fileField })
}

// idField parses an id field of a form; "" is nil, a malformed id a field error.
func idField(vals url.Values, name string, v *apperr.Validation) *db.ID {
	s := strings.TrimSpace(vals.Get(name))
	if s == "" {
		return nil
	}
	id, err := db.ParseID(s)
	if err != nil {
		v.Add(name, "validate.id", nil)
		return nil
	}
	return &id
}
