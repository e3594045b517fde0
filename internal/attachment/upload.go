package attachment

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// Create checks and stores one uploaded file for actor and returns its record. name is the
// client's file name (only kept, cleaned, as original_name); body is read once, to its
// end or to just past the size limit.
//
// The content is streamed into a temporary file while it is counted and hashed; its type
// comes from its first bytes; an image's dimensions come from its header, before
// anything else reads it. Only a file that passes every check is put in the Store, and
// its row and audit entry ("attachment.create") are written in one transaction. On any
// failure nothing remains: no row, no stored file, no temporary file.
//
// Errors: TooLarge (over Limits.MaxBytes), Unsupported (not JPEG, PNG or PDF), Invalid on
// the field "file" (empty, a damaged image, too many pixels), BadRequest (the body was
// cut short).
func (m *Module) Create(ctx context.Context, actor *auth.Principal, name string, body io.Reader) (Attachment, error) {
	lim := m.Limits.orDefaults()
	head := make([]byte, SniffLen)
	n, err := io.ReadFull(body, head)
	switch {
	case errors.Is(err, io.EOF):
		v := apperr.Validation{}
		v.Add("file", "attachment.empty", nil)
		return Attachment{}, v.Err()
	case errors.Is(err, io.ErrUnexpectedEOF):
		head = head[:n] // a small file: all of it is in head
	case err != nil:
		return Attachment{}, m.readErr(err)
	}
	typ, err := Sniff(head)
	if err != nil {
		return Attachment{}, err
	}
	if int64(n) > lim.MaxBytes {
		return Attachment{}, m.tooLarge()
	}

	tmp, err := m.tempFile()
	if err != nil {
		return Attachment{}, err
	}
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}()
	sum := sha256.New()
	out := io.MultiWriter(tmp, sum)
	if _, err := out.Write(head); err != nil {
		return Attachment{}, err
	}
	// One byte past the limit is enough to know the file is too large; the rest is
	// never read.
	rest, err := io.Copy(out, io.LimitReader(body, lim.MaxBytes-int64(n)+1))
	if err != nil {
		return Attachment{}, m.readErr(err)
	}
	size := int64(n) + rest
	if size > lim.MaxBytes {
		return Attachment{}, m.tooLarge()
	}

	now := m.Clock.Now().UTC()
	a := Attachment{
		SHA256:       hex.EncodeToString(sum.Sum(nil)),
		SizeBytes:    size,
		ContentType:  typ.MIME,
		OriginalName: CleanName(name),
		UploadedAt:   now,
		OrgPath:      actor.Scope.Path,
	}
	if a.OriginalName == "" {
		a.OriginalName = "attachment" + typ.Ext
	}
	if actor.UserID != 0 {
		id := actor.UserID
		a.UploadedBy = &id
	}
	if typ.Image {
		if _, err := tmp.Seek(0, io.SeekStart); err != nil {
			return Attachment{}, err
		}
		w, h, err := lim.Dimensions(bufio.NewReader(io.LimitReader(tmp, size)), typ)
		if err != nil {
			return Attachment{}, err
		}
		a.Width, a.Height = &w, &h
	}

	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return Attachment{}, err
	}
	if a.StorageKey, err = newKey(now); err != nil {
		return Attachment{}, err
	}
	if err := m.Store.Put(ctx, a.StorageKey, WithSize(io.LimitReader(tmp, size), size)); err != nil {
		return Attachment{}, err
	}
	err = m.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := insert(ctx, tx, &a); err != nil {
			return err
		}
		e := audit.Entry{Action: "attachment.create", ObjectType: "attachment", ObjectID: a.ID.String(),
			Detail: map[string]any{"sha256": a.SHA256, "size_bytes": a.SizeBytes, "content_type": a.ContentType, "original_name": a.OriginalName}}
		e.ActorID, e.ActorName = a.UploadedBy, actor.Username
		return m.Audit.Record(ctx, tx, e)
	})
	if err != nil {
		// The row did not commit: the stored bytes must not outlive it.
		_ = m.Store.Delete(context.WithoutCancel(ctx), a.StorageKey)
		return Attachment{}, err
	}
	a.URL = ContentURL(a.ID)
	return a, nil
}

func (m *Module) tempFile() (*os.File, error) {
	dir := m.TempDir
	if dir == "" {
		dir = os.TempDir()
	} else if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	return os.CreateTemp(dir, "upload-*")
}

// tooLarge names the limit in the message and, for programs, in max_bytes.
func (m *Module) tooLarge() error {
	lim := m.Limits.orDefaults()
	e := apperr.New(apperr.TooLarge, "attachment.too_large", apperr.E{"max": sizeText(lim.MaxBytes)})
	e.Extra = map[string]any{"max_bytes": lim.MaxBytes}
	return e
}

// readErr classifies a failure to read the upload: the request body's own limit, a body
// cut short, or anything else (internal).
func (m *Module) readErr(err error) error {
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return m.tooLarge()
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return apperr.Wrap(err, apperr.BadRequest, "attachment.bad_form")
	}
	return err
}

// newKey makes a storage key: the month of the upload and 128 random bits, so keys never
// collide, never repeat a user's file name and say nothing about the content.
func newKey(now time.Time) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return now.Format("2006/01") + "/" + hex.EncodeToString(b), nil
}
