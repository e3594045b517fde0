package db_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

// sessionLookup is the token check of auth.Service.Authenticate, run on every signed-in
// request.
const sessionLookup = `SELECT s.id, s.user_id, s.kind, s.csrf_token, s.last_seen_at, s.idle_expires_at, s.expires_at, u.disabled
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`

// BenchmarkSessionLookup: the token check's query through DB.QueryRow on SQLite, prepared
// anew each time (as database/sql does for a query text, before the statement cache) and
// through the statement cache, 50 goroutines on 2 cores, in the same run:
//
//	go test ./internal/platform/db -run '^$' -bench SessionLookup -benchtime 3s -count 3
func BenchmarkSessionLookup(b *testing.B) {
	d := dbtest.New(b, db.SQLite)
	ctx := context.Background()
	now := time.Now()
	must := func(_ any, err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	must(d.Exec(ctx, `INSERT INTO orgs (id, kind, category, name, code, path, depth, created_at, updated_at) VALUES (1, 'district', 'gov', 'D', 'd', '/1/', 0, ?, ?)`, now, now))
	for i := range 1000 {
		must(d.Exec(ctx, `INSERT INTO users (id, username, display_name, password_hash, org_id, org_path, password_changed_at, created_at, updated_at)
			VALUES (?, ?, 'U', 'x', 1, '/1/', ?, ?, ?)`, i+1, fmt.Sprintf("u%d", i), now, now, now))
		must(d.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, kind, csrf_token, created_at, last_seen_at, idle_expires_at, expires_at)
			VALUES (?, ?, 'api', 'c', ?, ?, ?, ?)`, fmt.Sprintf("hash-%d", i), i+1, now, now, now, now))
	}
	for _, mode := range []struct {
		name  string
		cache bool
	}{{"prepared-each-time", false}, {"statement-cache", true}} {
		b.Run(mode.name, func(b *testing.B) {
			d.SetStmtCache(mode.cache)
			b.SetParallelism(25) // × GOMAXPROCS goroutines
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				var (
					id, uid         int64
					kind, csrf      string
					seen, idle, exp time.Time
					disabled        bool
				)
				i := 0
				for pb.Next() {
					err := d.QueryRow(ctx, sessionLookup, fmt.Sprintf("hash-%d", i%1000)).
						Scan(&id, &uid, &kind, &csrf, &seen, &idle, &exp, &disabled)
					if err != nil {
						b.Error(err)
						return
					}
					i++
				}
			})
		})
	}
}
