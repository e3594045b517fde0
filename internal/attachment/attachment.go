// Package attachment owns uploaded files (附件): the photos and PDF documents that other
// records — hazard rectification evidence, inspections, meetings — reference by id.
//
// An upload is streamed, never held in memory: counted against a size limit, hashed
// (SHA-256) and written to a temporary file, its type decided by its content (JPEG, PNG or
// PDF only), an image's dimensions read from its header before anything else is done with
// it, and only then handed to a Store under a random server-made key. A refused upload
// leaves no row, no stored file and no temporary file.
//
// Scope: an attachment carries an org_path and an optional industry. At upload they are
// the uploader's territorial scope; when a capability claims the attachment for one of its
// records (Link, inside the record's transaction) they become the record's, so whoever may
// see the record may see its attachments. The uploader always sees their own uploads.
// Anything else answers NotFound.
package attachment

import (
	"embed"
	"log/slog"
	"net/http"
	"time"

	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/kit"
)

//go:embed messages/*.json
var messages embed.FS

func init() { i18n.MustRegister(messages, "messages") }

// Attachment is a stored file's metadata. The bytes are at URL.
type Attachment struct {
	ID           db.ID     `json:"id"`
	SHA256       string    `json:"sha256" jsonschema:"description=hex SHA-256 of the content; also the ETag of the content"`
	SizeBytes    int64     `json:"size_bytes"`
	ContentType  string    `json:"content_type" jsonschema:"enum=image/jpeg,enum=image/png,enum=application/pdf"`
	OriginalName string    `json:"original_name" jsonschema:"description=the uploader's file name (base name only; at most 200 characters)"`
	Width        *int      `json:"width" jsonschema:"nullable,description=pixels; null for a PDF"`
	Height       *int      `json:"height" jsonschema:"nullable,description=pixels; null for a PDF"`
	UploadedAt   time.Time `json:"uploaded_at"`
	UploadedBy   *db.ID    `json:"uploaded_by" jsonschema:"nullable,description=user id; null when the platform stored it"`
	URL          string    `json:"url" jsonschema:"description=where to GET the content"`

	// StorageKey names the bytes in the Store; made by the server, never from user input.
	StorageKey string `json:"-"`
	// OrgPath and Industry decide who may see the attachment (see the package comment).
	OrgPath  string  `json:"-"`
	Industry *string `json:"-"`
	// Linked reports whether a record has claimed the attachment.
	Linked bool `json:"-"`
}

// Limits bound what an upload may be. Zero fields take the defaults.
type Limits struct {
	// MaxBytes caps the size of one file (default 10 MiB).
	MaxBytes int64
	// MaxSide caps an image's width and height in pixels (default 10,000).
	MaxSide int
	// MaxPixels caps an image's width × height (default 40 megapixels).
	MaxPixels int64
	// KeepUnlinked is how long an upload that no record has claimed is kept before
	// Sweep removes it (default 24 hours): long enough to finish a form, short enough
	// that refused or abandoned forms leave no files behind for long.
	KeepUnlinked time.Duration
}

// Defaults of Limits.
const (
	DefaultMaxBytes     = 10 << 20
	DefaultMaxSide      = 10_000
	DefaultMaxPixels    = 40_000_000
	DefaultKeepUnlinked = 24 * time.Hour
)

// orDefaults fills zero fields with the defaults.
func (l Limits) orDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxSide <= 0 {
		l.MaxSide = DefaultMaxSide
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = DefaultMaxPixels
	}
	if l.KeepUnlinked <= 0 {
		l.KeepUnlinked = DefaultKeepUnlinked
	}
	return l
}

// Module wires the capability into the server.
type Module struct {
	kit.Deps
	// Store keeps the bytes.
	Store Store
	// TempDir holds uploads while they are checked; best on the same disk as a
	// LocalStore. Empty means the system's temporary folder.
	TempDir string
	Limits  Limits
	// ErrorPage renders an error as the site's HTML error page; the content route uses
	// it when a browser tab asks for a file that is missing. Nil: a problem document.
	ErrorPage func(http.ResponseWriter, *http.Request, error)
	// Log receives warnings (a file missing from the store); nil: the default logger.
	Log *slog.Logger
}
