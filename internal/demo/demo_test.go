package demo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/platform/audit"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

var buildTime = time.Date(2015, 1, 10, 9, 0, 0, 0, time.UTC)

func build(t testing.TB, d *db.DB, pw string) Result {
	t.Helper()
	res, err := Build(context.Background(), d, Options{Password: pw, Clock: clock.NewFake(buildTime)})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return res
}

func TestBuild(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		res := build(t, d, "")
		if !res.Built || !res.PasswordGenerated || res.District == nil {
			t.Fatalf("first build: %+v", res)
		}
		if key := auth.CheckPasswordRules(res.Password); key != "" {
			t.Errorf("generated password %q breaks %s", res.Password, key)
		}
		if res.Grids != TotalGrids || res.Towns != 12 {
			t.Errorf("result grids %d towns %d, want %d and 12", res.Grids, res.Towns, TotalGrids)
		}

		t.Run("Counts", func(t *testing.T) {
			for _, c := range []struct {
				what string
				q    string
				want int
			}{
				{"grids", `SELECT COUNT(*) FROM grids`, TotalGrids},
				{"districts", `SELECT COUNT(*) FROM orgs WHERE kind = 'district'`, 1},
				{"towns", `SELECT COUNT(*) FROM orgs WHERE kind = 'town'`, 12},
				{"villages", `SELECT COUNT(*) FROM orgs WHERE kind = 'village'`, res.Villages},
				{"villages with < 3 grids", `SELECT COUNT(*) FROM orgs v WHERE v.kind = 'village'
					AND (SELECT COUNT(*) FROM grids g WHERE g.village_id = v.id) < 3`, 0},
				{"grids without patroller", `SELECT COUNT(*) FROM grids WHERE patroller_id IS NULL`, 0},
				{"grids patrolled from another village", `SELECT COUNT(*) FROM grids g
					JOIN people p ON p.id = g.patroller_id WHERE p.org_id <> g.village_id`, 0},
				{"grids patrolled by a patroller", `SELECT COUNT(*) FROM grids g
					JOIN posts p ON p.person_id = g.patroller_id AND p.org_id = g.village_id WHERE p.title = '安全巡查员'`, TotalGrids},
				{"villages with other than one patroller", `SELECT COUNT(*) FROM orgs v WHERE v.kind = 'village'
					AND (SELECT COUNT(DISTINCT patroller_id) FROM grids g WHERE g.village_id = v.id) <> 1`, 0},
				{"towns without a government unit", `SELECT COUNT(*) FROM orgs t WHERE t.kind = 'town' AND NOT EXISTS
					(SELECT 1 FROM orgs u WHERE u.parent_id = t.id AND u.category = 'town_government')`, 0},
				{"industries without a department", `SELECT COUNT(*) FROM industries i WHERE NOT EXISTS
					(SELECT 1 FROM unit_industries ui JOIN orgs o ON o.id = ui.org_id
					 WHERE ui.industry = i.code AND o.category = 'department')`, 0},
				{"industries without a deputy head", `SELECT COUNT(*) FROM industries i WHERE NOT EXISTS
					(SELECT 1 FROM in_charge c JOIN posts p ON p.person_id = c.person_id
					 WHERE c.industry = i.code AND p.title LIKE '%副区长')`, 0},
				{"units without a main leader", `SELECT COUNT(*) FROM orgs o WHERE o.kind = 'unit' AND NOT EXISTS
					(SELECT 1 FROM posts p WHERE p.org_id = o.id AND p.is_main_leader)`, 0},
				{"people", `SELECT COUNT(*) FROM people`, res.People},
				{"users", `SELECT COUNT(*) FROM users`, res.Users},
				{"patroller users", `SELECT COUNT(*) FROM user_roles WHERE role = 'patroller'`, res.Villages},
				{"users without roles", `SELECT COUNT(*) FROM users u WHERE NOT EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id)`, 0},
				{"users with another hash", `SELECT COUNT(DISTINCT password_hash) FROM users`, 1},
				{"marker", `SELECT COUNT(*) FROM meta WHERE key = 'demo_built'`, 1},
				{"audit entry", `SELECT COUNT(*) FROM audit_log WHERE action = 'demo.build'`, 1},
			} {
				if got := dbtest.Int(t, d, c.q); got != c.want {
					t.Errorf("%s: %d, want %d", c.what, got, c.want)
				}
			}
			if res.Villages < 250 || res.Villages > 350 {
				t.Errorf("%d villages, want about 300", res.Villages)
			}
			if res.Departments < 20 {
				t.Errorf("%d departments, want at least 20", res.Departments)
			}
			for _, cat := range []string{"party_committee", "government", "congress", "cppcc"} {
				if n := dbtest.Int(t, d, `SELECT COUNT(*) FROM orgs o JOIN orgs p ON p.id = o.parent_id
					WHERE o.category = ? AND o.kind = 'unit' AND p.kind = 'district'`, cat); n != 1 {
					t.Errorf("%s: %d under the district, want 1", cat, n)
				}
			}
			if n := dbtest.Int(t, d, `SELECT COUNT(*) FROM orgs WHERE category = 'department'`); n < 20 {
				t.Errorf("%d departments stored, want at least 20", n)
			}
		})

		t.Run("Paths", func(t *testing.T) {
			type node struct {
				parent *db.ID
				path   string
				depth  int
			}
			nodes := map[db.ID]node{}
			rows, err := d.Query(ctx, `SELECT id, parent_id, path, depth FROM orgs`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id db.ID
				var n node
				if err := rows.Scan(&id, db.NullID{P: &n.parent}, &n.path, &n.depth); err != nil {
					t.Fatal(err)
				}
				nodes[id] = n
			}
			rows.Close()
			for id, n := range nodes {
				want, depth := "/"+id.String()+"/", 0
				if n.parent != nil {
					p := nodes[*n.parent]
					want, depth = p.path+id.String()+"/", p.depth+1
				}
				if n.path != want || n.depth != depth {
					t.Errorf("org %d: path %q depth %d, want %q depth %d", id, n.path, n.depth, want, depth)
				}
			}
			for _, c := range []struct{ what, q string }{
				{"grids", `SELECT COUNT(*) FROM grids g JOIN orgs v ON v.id = g.village_id WHERE g.org_path <> v.path OR v.kind <> 'village'`},
				{"people", `SELECT COUNT(*) FROM people p JOIN orgs o ON o.id = p.org_id WHERE p.org_path <> o.path`},
				{"users", `SELECT COUNT(*) FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.org_path <> o.path`},
			} {
				if n := dbtest.Int(t, d, c.q); n != 0 {
					t.Errorf("%d %s with a path other than their org's", n, c.what)
				}
			}
		})

		t.Run("Users", func(t *testing.T) {
			roles := map[string][]string{}
			rows, err := d.Query(ctx, `SELECT u.username, r.role FROM users u JOIN user_roles r ON r.user_id = u.id ORDER BY u.username, r.role`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var u, r string
				if err := rows.Scan(&u, &r); err != nil {
					t.Fatal(err)
				}
				roles[u] = append(roles[u], r)
			}
			rows.Close()
			want := map[string]string{
				"admin": "admin,safety_office", "secretary": "leader", "mayor": "leader", "deputy01": "leader",
				"deputy05": "leader", "dept-construction": "department", "dept-education": "department",
				"dept-transport": "department", "dept-market": "department", "dept-fire": "department",
				"dept-safety": "safety_office", "patrol0001": "patroller", "village0001": "village",
				"ent0001": "enterprise", "npc": "reader", "cppcc": "reader",
			}
			for i := 1; i <= 12; i++ {
				want[fmt.Sprintf("town%02d", i)] = "town"
			}
			want[fmt.Sprintf("patrol%04d", res.Villages)] = "patroller"
			for u, w := range want {
				if got := strings.Join(roles[u], ","); got != w {
					t.Errorf("%s: roles %q, want %q", u, got, w)
				}
			}
			// Accounts bound to the right node and person.
			for _, c := range []struct{ user, q string }{
				{"secretary", `SELECT COUNT(*) FROM users u JOIN posts p ON p.person_id = u.person_id AND p.org_id = u.org_id
					JOIN orgs o ON o.id = u.org_id WHERE u.username = 'secretary' AND p.title = '区委书记' AND p.is_main_leader AND o.category = 'party_committee'`},
				{"mayor", `SELECT COUNT(*) FROM users u JOIN posts p ON p.person_id = u.person_id AND p.org_id = u.org_id
					JOIN orgs o ON o.id = u.org_id WHERE u.username = 'mayor' AND p.title = '区长' AND o.category = 'government'`},
				{"patrol0001", `SELECT COUNT(*) FROM users u JOIN grids g ON g.village_id = u.org_id AND g.patroller_id = u.person_id
					WHERE u.username = 'patrol0001' AND g.code LIKE '%-01'`},
				{"town01", `SELECT COUNT(*) FROM users u JOIN orgs g ON g.id = u.org_id JOIN orgs t ON t.id = g.parent_id
					WHERE u.username = 'town01' AND g.category = 'town_government' AND t.kind = 'town'
					AND t.code = (SELECT MIN(code) FROM orgs WHERE kind = 'town')`},
				{"dept-construction", `SELECT COUNT(*) FROM users u JOIN unit_industries ui ON ui.org_id = u.org_id
					WHERE u.username = 'dept-construction' AND ui.industry = 'construction'`},
				{"ent0001", `SELECT COUNT(*) FROM users u JOIN orgs v ON v.id = u.org_id JOIN orgs t ON t.id = v.parent_id
					WHERE u.username = 'ent0001' AND v.kind = 'village' AND t.code = (SELECT MIN(code) FROM orgs WHERE kind = 'town')`},
				{"npc", `SELECT COUNT(*) FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.username = 'npc' AND o.category = 'congress'`},
				{"cppcc", `SELECT COUNT(*) FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.username = 'cppcc' AND o.category = 'cppcc'`},
			} {
				if n := dbtest.Int(t, d, c.q); n != 1 {
					t.Errorf("%s is not bound as expected (%d matches)", c.user, n)
				}
			}
		})

		t.Run("TownScope", func(t *testing.T) {
			svc := &auth.Service{DB: d, Clock: clock.System{}, Audit: &audit.Log{}, Cfg: auth.DefaultConfig()}
			lr, err := svc.Login(ctx, "town01", res.Password, auth.KindAPI)
			if err != nil {
				t.Fatalf("login town01: %v", err)
			}
			cond, args := lr.Principal.Scope.PathCond("org_path")
			inScope := dbtest.Int(t, d, `SELECT COUNT(*) FROM grids WHERE `+cond, args...)
			town := dbtest.Int(t, d, `SELECT COUNT(*) FROM grids g JOIN orgs v ON v.id = g.village_id
				WHERE v.parent_id = (SELECT id FROM orgs WHERE kind = 'town' ORDER BY code LIMIT 1)`)
			if inScope != town || inScope == 0 || inScope >= TotalGrids {
				t.Errorf("town01 sees %d grids; its town has %d of %d", inScope, town, TotalGrids)
			}
			if town != res.District.Towns[0].Grids {
				t.Errorf("town01's town has %d grids, the build says %d", town, res.District.Towns[0].Grids)
			}
			if _, err := svc.Login(ctx, "town01", res.Password+"x", auth.KindAPI); err == nil {
				t.Error("a wrong password signs in")
			}
		})

		t.Run("SecondBuildIsNoOp", func(t *testing.T) {
			tables := []string{"orgs", "grids", "people", "posts", "users", "user_roles", "audit_log"}
			before := map[string]int{}
			for _, tb := range tables {
				before[tb] = dbtest.Int(t, d, `SELECT COUNT(*) FROM `+tb)
			}
			again := build(t, d, "")
			if again.Built || again.Password != "" || again.District != nil {
				t.Errorf("second build: %+v", again)
			}
			for _, tb := range tables {
				if n := dbtest.Int(t, d, `SELECT COUNT(*) FROM `+tb); n != before[tb] {
					t.Errorf("%s: %d rows after the second build, %d before", tb, n, before[tb])
				}
			}
		})
	})
}

// TestBuild_RefusesNonEmpty: a database holding a real tree is left untouched.
func TestBuild_RefusesNonEmpty(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Now()
		if _, err := d.Exec(ctx, `INSERT INTO orgs (kind, category, name, code, path, depth, created_at, updated_at)
			VALUES ('district', 'district', '某区', '110101', '/1/', 0, ?, ?)`, now, now); err != nil {
			t.Fatal(err)
		}
		_, err := Build(ctx, d, Options{Password: "linjiang-2015"})
		if !errors.Is(err, ErrNotEmpty) {
			t.Fatalf("Build on a non-empty database: %v, want ErrNotEmpty", err)
		}
		for _, q := range []string{`SELECT COUNT(*) FROM meta WHERE key = 'demo_built'`, `SELECT COUNT(*) FROM grids`, `SELECT COUNT(*) FROM users`} {
			if n := dbtest.Int(t, d, q); n != 0 {
				t.Errorf("%s: %d after a failed build", q, n)
			}
		}
		if n := dbtest.Int(t, d, `SELECT COUNT(*) FROM orgs`); n != 1 {
			t.Errorf("%d orgs after a failed build, want the 1 that was there", n)
		}
	})
}

func TestShareGrids(t *testing.T) {
	vs := make([]*Village, 300)
	for i := range vs {
		vs[i] = &Village{Node: Node{Code: fmt.Sprint(i)}, weight: 1 + i%13}
	}
	counts, err := shareGrids(TotalGrids, vs, MinGridsPerVillage)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, c := range counts {
		sum += c
	}
	if sum != TotalGrids || slices.Min(counts) < MinGridsPerVillage {
		t.Errorf("sum %d (want %d), min %d", sum, TotalGrids, slices.Min(counts))
	}
	// Heavier villages get at least as many grids.
	if counts[12] < counts[0] {
		t.Errorf("weight 13 got %d grids, weight 1 got %d", counts[12], counts[0])
	}
	if _, err := shareGrids(10, vs, 3); err == nil {
		t.Error("splitting too few grids succeeded")
	}
}

func TestGeneratePassword(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 50; i++ {
		pw, err := generatePassword()
		if err != nil {
			t.Fatal(err)
		}
		if auth.CheckPasswordRules(pw) != "" || len(pw) != 14 || strings.ContainsAny(pw, "01ilo") || seen[pw] {
			t.Errorf("bad or repeated password %q", pw)
		}
		seen[pw] = true
	}
}

// BenchmarkBuild measures a whole build on a fresh database of each engine under test
// (SQLite; PostgreSQL too when SAFEDUTY_TEST_POSTGRES is set).
func BenchmarkBuild(b *testing.B) {
	for _, e := range dbtest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				d := dbtest.New(b, e)
				b.StartTimer()
				res, err := Build(context.Background(), d, Options{Password: "linjiang-2015"})
				if err != nil || !res.Built {
					b.Fatalf("build: %v (built %v)", err, res.Built)
				}
			}
		})
	}
}
