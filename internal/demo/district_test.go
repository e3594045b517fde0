package demo_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

// TestDemo builds the demo district once per engine (the build is the slow part, above
// all under the race detector) and checks what it holds: the chosen password, the
// enterprises, the hazards and the notices.
func TestDemo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		res := buildAt(t, d, hazardsBuilt)
		t.Run("GivenPassword", func(t *testing.T) {
			// The chosen password signs every demo user in.
			if res.PasswordGenerated || res.Password != hazardsPassword {
				t.Fatalf("build: generated %v, password %q", res.PasswordGenerated, res.Password)
			}
			svc := &auth.Service{DB: d, Clock: clock.NewFake(hazardsBuilt), Audit: &audit.Log{Clock: clock.NewFake(hazardsBuilt)}, Cfg: auth.DefaultConfig()}
			for _, u := range []string{"admin", "patrol0001"} {
				lr, err := svc.Login(context.Background(), u, hazardsPassword, auth.KindBrowser)
				if err != nil {
					t.Fatalf("login %s: %v", u, err)
				}
				if u == "admin" && (lr.Principal.Scope.Path != res.District.Path || !lr.Principal.Has(auth.Admin)) {
					t.Errorf("admin: scope %q roles %v", lr.Principal.Scope.Path, lr.Principal.Roles)
				}
			}
		})
		t.Run("Enterprises", func(t *testing.T) { checkEnterprises(t, d, res) })
		t.Run("Hazards", func(t *testing.T) { checkHazards(t, d, res) })
		t.Run("Notices", func(t *testing.T) { checkNotices(t, d) })
	})
}

// TestDemo_Deterministic: two builds at the same time make the same district, people,
// users, enterprises, enforcement, visits, colors, hazards, histories and notices.
func TestDemo_Deterministic(t *testing.T) {
	digest := func() string {
		d := dbtest.New(t, db.SQLite)
		buildAt(t, d, hazardsBuilt)
		h := sha256.New()
		for _, q := range []string{
			`SELECT code || '|' || name || '|' || path FROM orgs ORDER BY code`,
			`SELECT p.name || '|' || p.phone || '|' || p.gender || '|' || o.code FROM people p JOIN orgs o ON o.id = p.org_id ORDER BY p.id`,
			`SELECT code || '|' || name FROM grids ORDER BY code`,
			`SELECT username || '|' || display_name FROM users ORDER BY username`,
			`SELECT CAST(id AS TEXT) || '|' || name || '|' || credit_code || '|' || address || '|' || safety_phone || '|' || color || '|' ||
				color_reasons || '|' || CAST(color_since AS TEXT) || '|' || COALESCE(CAST(next_inspection_at AS TEXT), '') FROM enterprises ORDER BY id`,
			`SELECT CAST(enterprise_id AS TEXT) || '|' || name || '|' || grade || '|' || CAST(controls_ok AS TEXT) FROM risk_points ORDER BY id`,
			`SELECT CAST(enterprise_id AS TEXT) || '|' || kind || '|' || doc_number || '|' || CAST(decided_at AS TEXT) || '|' || outcome FROM enforcement_actions ORDER BY id`,
			`SELECT CAST(enterprise_id AS TEXT) || '|' || kind || '|' || CAST(visited_at AS TEXT) FROM enterprise_visits ORDER BY id`,
			`SELECT CAST(enterprise_id AS TEXT) || '|' || to_color || '|' || CAST(at AS TEXT) || '|' || reasons || '|' || cause FROM enterprise_colors ORDER BY id`,
			`SELECT code || '|' || title || '|' || status || '|' || place || '|' || CAST(found_at AS TEXT) || '|' ||
				COALESCE(CAST(deadline AS TEXT), '') || '|' || COALESCE(CAST(owner_id AS TEXT), '') || '|' ||
				COALESCE(CAST(enterprise_id AS TEXT), '') || '|' || COALESCE(CAST(risk_point_id AS TEXT), '') FROM hazards ORDER BY id`,
			`SELECT CAST(hazard_id AS TEXT) || '|' || action || '|' || CAST(at AS TEXT) || '|' || actor_name || '|' || data
				FROM hazard_events ORDER BY id`,
			`SELECT CAST(user_id AS TEXT) || '|' || kind || '|' || args FROM notifications ORDER BY id`,
		} {
			rows, err := d.Query(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var s *string
				if err := rows.Scan(&s); err != nil {
					t.Fatal(err)
				}
				if s != nil {
					h.Write([]byte(*s + "\n"))
				}
			}
			rows.Close()
		}
		return hex.EncodeToString(h.Sum(nil))
	}
	if a, b := digest(), digest(); a != b {
		t.Errorf("two builds differ: %s vs %s", a, b)
	}
}
