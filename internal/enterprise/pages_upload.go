package enterprise

import (
	"net/http"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/web"
)

// Page forms with files (an enforcement step's documents, a document of the file, the
// photos of a failed self-inspection item) post multipart with the CSRF token in the
// query, as the hazard pages do. Each file streams into the hazard capability's
// Uploader (the attachment store) as it arrives; a file the Uploader refuses is
// reported beside the form, not as an error, so the person keeps what they typed.

// carriedField carries the ids of files a refused submission of the form had stored.
const carriedField = web.CarriedField

// readForm reads a page form; the files of its inputs "files" and "photo_<item>" stream
// into the hazard capability's Uploader (web.ReadForm).
func (m *Module) readForm(w http.ResponseWriter, r *http.Request) (web.Form, error) {
	var up web.Uploader
	if m.Hazards != nil {
		up = m.Hazards.Uploader
	}
	return web.ReadForm(w, r, up, func(input string) bool {
		return input == "files" || strings.HasPrefix(input, "photo_")
	})
}
