// Package notify is the in-app inbox (消息) and the outbox to external channels. Other
// capabilities call Send inside their own transaction, so a notice exists exactly when
// the change that caused it does. A notice stores a message key and arguments, not text,
// so each reader sees it in their own language. A delivery job hands undelivered notices
// to a Sender (SMS gateway, webhook…); the default sender writes them to the log.
package notify

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

//go:embed messages/*.json
var messages embed.FS

//go:embed templates/*.html
var templates embed.FS

func init() { i18n.MustRegister(messages, "messages") }

// Notice is one message to one user.
type Notice struct {
	UserID      db.ID
	Kind        string // e.g. "hazard.overdue"
	SubjectType string // e.g. "hazard"
	SubjectID   string
	Key         string         // message key of the text
	Args        map[string]any // its placeholders
	Link        string         // where the notice leads, e.g. "/hazards/12"
}

// Notification is a stored notice as its reader sees it.
type Notification struct {
	ID          db.ID      `json:"id"`
	CreatedAt   time.Time  `json:"created_at"`
	Kind        string     `json:"kind"`
	SubjectType string     `json:"subject_type"`
	SubjectID   string     `json:"subject_id"`
	Text        string     `json:"text" jsonschema:"description=in the reader's language"`
	Link        string     `json:"link"`
	ReadAt      *time.Time `json:"read_at" jsonschema:"nullable"`

	UserID db.ID          `json:"-"`
	Key    string         `json:"-"`
	Args   map[string]any `json:"-"`
}

// Sender delivers a notice outside the application (SMS, webhook, e-mail).
type Sender interface {
	Deliver(ctx context.Context, n Notification, text string) error
}

// LogSender writes notices to the log: the default, so nothing is lost when no gateway
// is configured.
type LogSender struct{ Log *slog.Logger }

// Deliver logs the notice.
func (s LogSender) Deliver(_ context.Context, n Notification, text string) error {
	s.Log.Info("notice", "user_id", n.UserID, "kind", n.Kind, "subject", n.SubjectType+" "+n.SubjectID, "text", text)
	return nil
}

// WebhookSender posts each notice as JSON to a URL (e.g. a government SMS gateway's
// adapter). A non-2xx answer is a failure and the notice is retried.
type WebhookSender struct {
	URL    string
	Client *http.Client
}

// Deliver posts the notice.
func (s WebhookSender) Deliver(ctx context.Context, n Notification, text string) error {
	body, _ := json.Marshal(map[string]any{
		"id": n.ID, "user_id": n.UserID, "kind": n.Kind, "subject_type": n.SubjectType,
		"subject_id": n.SubjectID, "text": text, "link": n.Link, "created_at": n.CreatedAt,
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	c := s.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("webhook answered %s", res.Status)
	}
	return nil
}

// Service stores and delivers notices.
type Service struct {
	DB     *db.DB
	Clock  clock.Clock
	Sender Sender
	Log    *slog.Logger
}

// Send stores notices in tx (the transaction of the change that causes them).
func (s *Service) Send(ctx context.Context, tx *db.Tx, notices ...Notice) error {
	if len(notices) == 0 {
		return nil
	}
	now := s.Clock.Now()
	// One multi-row INSERT (at most 100 rows each): one round trip for a town's users.
	for len(notices) > 0 {
		batch := notices[:min(len(notices), 100)]
		notices = notices[len(batch):]
		q := `INSERT INTO notifications (user_id, created_at, kind, subject_type, subject_id, message_key, args, link) VALUES `
		vals := make([]any, 0, 8*len(batch))
		for i, n := range batch {
			args, err := json.Marshal(n.Args)
			if err != nil {
				return err
			}
			if i > 0 {
				q += ", "
			}
			q += "(?, ?, ?, ?, ?, ?, ?, ?)"
			vals = append(vals, n.UserID, now, n.Kind, n.SubjectType, n.SubjectID, n.Key, string(args), n.Link)
		}
		if _, err := tx.Exec(ctx, q, vals...); err != nil {
			return err
		}
	}
	return nil
}

// Deliver hands up to batch undelivered notices to the Sender, oldest first, and
// records each result. It is the body of the delivery job.
func (s *Service) Deliver(ctx context.Context, batch int) (delivered int, err error) {
	rows, err := s.DB.Query(ctx, `SELECT n.id, n.user_id, n.created_at, n.kind, n.subject_type, n.subject_id, n.message_key, n.args, n.link, u.lang
		FROM notifications n JOIN users u ON u.id = n.user_id
		WHERE n.delivered_at IS NULL AND n.attempts < 5 ORDER BY n.id LIMIT ?`, batch)
	if err != nil {
		return 0, err
	}
	type item struct {
		n    Notification
		lang string
	}
	var items []item
	for rows.Next() {
		var it item
		var args string
		if err := rows.Scan(&it.n.ID, &it.n.UserID, &it.n.CreatedAt, &it.n.Kind, &it.n.SubjectType, &it.n.SubjectID, &it.n.Key, &args, &it.n.Link, &it.lang); err != nil {
			rows.Close()
			return 0, err
		}
		_ = json.Unmarshal([]byte(args), &it.n.Args)
		items = append(items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, it := range items {
		text := noticeText(i18n.Localizer{Lang: i18n.Parse(it.lang), Catalog: i18n.Default}, it.n)
		derr := s.Sender.Deliver(ctx, it.n, text)
		now := s.Clock.Now()
		if derr != nil {
			msg := derr.Error()
			if len(msg) > 500 {
				msg = msg[:500]
			}
			_, err = s.DB.Exec(ctx, `UPDATE notifications SET attempts = attempts + 1, last_error = ? WHERE id = ?`, msg, it.n.ID)
		} else {
			delivered++
			_, err = s.DB.Exec(ctx, `UPDATE notifications SET attempts = attempts + 1, delivered_at = ?, last_error = '' WHERE id = ?`, now, it.n.ID)
		}
		if err != nil {
			return delivered, err
		}
	}
	return delivered, nil
}

// noticeText is a notice in the reader's language. A notice whose message the catalog
// lacks (written by an older or a newer version) reads as a notice about its subject,
// never as its message key.
func noticeText(loc i18n.Localizer, n Notification) string {
	if loc.Catalog.Has(n.Key) {
		return loc.TArgs(n.Key, n.Args)
	}
	if obj := "object." + n.SubjectType; n.SubjectType != "" && loc.Catalog.Has(obj) {
		return loc.T("notify.fallback_about", "object", i18n.Key(obj))
	}
	return loc.T("notify.fallback")
}

// Unread counts a user's unread notices (shown on the navigation).
func (s *Service) Unread(ctx context.Context, userID db.ID) (int, error) {
	var n int
	err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL`, userID).Scan(&n)
	return n, err
}
