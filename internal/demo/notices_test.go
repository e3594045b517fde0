package demo_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// checkNotices checks the demo's inboxes (TestDemo runs it on both engines): every
// distinct notice kind and message key stored is one the product writes, and reads as a
// real message in Chinese and in English with its placeholders filled, never as its key.
func checkNotices(t *testing.T, d *db.DB) {
	rows, err := d.Query(context.Background(), `SELECT kind, message_key, MIN(args), COUNT(*) FROM notifications GROUP BY kind, message_key ORDER BY kind`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	kinds := 0
	for rows.Next() {
		var kind, key, args string
		var n int
		if err := rows.Scan(&kind, &key, &args, &n); err != nil {
			t.Fatal(err)
		}
		kinds++
		// The loop names a notice after its step (hazard.assign → hazard.notice.assign).
		if want := strings.Replace(kind, "hazard.", "hazard.notice.", 1); key != want {
			t.Errorf("%d notices of kind %s carry the message %s, want %s", n, kind, key, want)
		}
		if !i18n.Default.Has(key) {
			t.Errorf("%d notices of kind %s: the catalog lacks %s in a language", n, kind, key)
			continue
		}
		var a map[string]any
		if err := json.Unmarshal([]byte(args), &a); err != nil {
			t.Errorf("%s: args %s: %v", kind, args, err)
		}
		for _, lang := range i18n.Langs {
			text := i18n.Default.T(lang, key, a)
			if text == key || strings.ContainsAny(text, "{}") {
				t.Errorf("%s (%s) reads %q", kind, lang, text)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if kinds < 5 {
		t.Errorf("the demo's inboxes hold %d kinds of notice, want the loop's and the escalation's", kinds)
	}
}
