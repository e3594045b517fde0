package attachment

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/web"
)

// MissingFile is an attachment whose bytes are not in the store.
type MissingFile struct {
	ID   db.ID
	Name string // the uploader's file name
	Key  string // the storage key, the path under a LocalStore's folder
}

func (m MissingFile) String() string { return fmt.Sprintf("#%s %s (%s)", m.ID, m.Name, m.Key) }

// Missing checks that the store holds the bytes of every attachment row, and returns how
// many it lacks with the first sample of them by id. A backup calls it so that an archive
// made with the wrong files folder is refused instead of silently leaving every upload
// out. It reads the rows in one pass and opens each file once.
func Missing(ctx context.Context, q db.Querier, store Store, sample int) (n int, first []MissingFile, err error) {
	rows, err := q.Query(ctx, `SELECT id, storage_key, original_name FROM attachments ORDER BY id`)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var m MissingFile
		if err := rows.Scan(&m.ID, &m.Key, &m.Name); err != nil {
			return 0, nil, err
		}
		rc, err := store.Open(ctx, m.Key)
		if err == nil {
			rc.Close()
			continue
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return 0, nil, err
		}
		n++
		if len(first) < sample {
			first = append(first, m)
		}
	}
	return n, first, rows.Err()
}

// fileMissing answers a request for the content of an attachment whose row outlived its
// bytes (a restore from a backup that left the uploads out, a files folder lost): 404
// with a message that says so in the user's language, never a 500. What answers depends
// on who asks: an <img> gets a placeholder picture carrying the message (so the page
// shows it where the photo would be), a browser tab (a download link) an error page,
// and an API client the problem document.
func (m *Module) fileMissing(w http.ResponseWriter, r *http.Request, a Attachment) error {
	log := m.Log
	if log == nil {
		log = slog.Default()
	}
	log.Warn("attachment file missing", "id", a.ID, "key", a.StorageKey)
	err := apperr.New(apperr.NotFound, "attachment.file_missing", apperr.E{"name": a.OriginalName})
	switch dest := r.Header.Get("Sec-Fetch-Dest"); {
	case dest == "image" || (dest == "" && strings.HasPrefix(r.Header.Get("Accept"), "image/")):
		loc := i18n.FromContext(r.Context())
		name := []rune(a.OriginalName)
		if len(name) > 12 { // what fits a square thumbnail of the frame
			name = append(name[:11], '…')
		}
		h := w.Header()
		h.Set("Content-Type", "image/svg+xml")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNotFound)
		_, werr := fmt.Fprintf(w, missingSVG, html.EscapeString(loc.T("attachment.file_missing_short")), html.EscapeString(string(name)))
		return werr
	case (dest == "document" || dest == "iframe" || strings.Contains(r.Header.Get("Accept"), "text/html")) && m.ErrorPage != nil:
		w.Header().Set("Cache-Control", "no-store")
		m.ErrorPage(w, r, err)
		return nil
	}
	return err
}

// missingSVG is the placeholder shown instead of a photo whose file is missing: a
// 4:3 grey frame with the message and the file's name, in the web kit's colors.
var missingSVG = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240" viewBox="0 0 320 240">` +
	`<rect x="1" y="1" width="318" height="238" rx="6" fill="` + web.Color("neutral-bg") + `" stroke="` + web.Color("border-strong") +
	`" stroke-width="2" stroke-dasharray="8 6"/>` +
	`<text x="160" y="124" font-family="sans-serif" font-size="40" text-anchor="middle" fill="` + web.Color("muted") + `">%s</text>` +
	`<text x="160" y="164" font-family="sans-serif" font-size="18" text-anchor="middle" fill="` + web.Color("faint") + `">%s</text></svg>`
