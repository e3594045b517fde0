package enterprise

import (
	"net/http"

	"github.com/safeduty/safeduty/internal/platform/web"
)

// readForm reads a page form of the file whose input "files" carries a document: the file
// posts multipart with the CSRF token in its first part, and streams into the Uploader
// (the attachment store) as it arrives; a file the Uploader refuses is reported beside
// the form (Form.Refused), not as an error, so the person keeps what they typed.
func (m *Module) readForm(w http.ResponseWriter, r *http.Request) (*web.Form, error) {
	return web.ReadForm(w, r, m.Uploader, func(input string) bool { return input == "files" })
}
