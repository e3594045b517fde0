package hazard

import (
	"net/http"

	"github.com/safeduty/safeduty/internal/platform/web"
)

// fileField is the name of the file inputs of every page form (web.CarriedField carries
// the ids of files an earlier, refused submission of the same form had stored).
const fileField = "files"

// readForm reads a page form, url-encoded or multipart; the files of its "files" inputs
// stream into the Uploader (web.ReadForm). form.Files[fileField] holds the carried ids
// first, then the new files.
func (m *Module) readForm(w http.ResponseWriter, r *http.Request) (*web.Form, error) {
	return web.ReadForm(w, r, m.Uploader, func(input string) bool { return input == fileField })
}
