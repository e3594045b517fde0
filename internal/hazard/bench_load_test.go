package hazard_test

// The loader of the hazard benchmarks (bench_test.go): a database holding the demo
// district and N more hazards (SAFEDUTY_BENCH_HAZARDS, default 1,000,000), written with
// multi-row INSERTs in transactions of 10,000 rows. Loading takes minutes, so the
// database is kept between runs: a SQLite file under bench/results/ (git-ignored), and a
// PostgreSQL database named after N on the SAFEDUTY_TEST_POSTGRES server. A meta row
// marks a complete load; SAFEDUTY_BENCH_FRESH=1 loads again.

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/demo"
	"github.com/safeduty/safeduty/internal/hazard"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

// Environment of the benchmarks.
const (
	envBenchHazards = "SAFEDUTY_BENCH_HAZARDS" // how many hazards to add to the demo's (default 1,000,000)
	envBenchDir     = "SAFEDUTY_BENCH_DIR"     // where the SQLite file is kept (default bench/results)
	envBenchFresh   = "SAFEDUTY_BENCH_FRESH"   // 1: load again even when a loaded database exists
	envBenchSQL     = "SAFEDUTY_BENCH_SQL"     // statements (;-separated) run on a scratch copy before measuring
)

// benchNow is the clock of the loaded database: hazards were found in the three years
// before it, and overdue means past the deadline at it.
var benchNow = time.Date(2026, 6, 30, 1, 0, 0, 0, time.UTC)

// loaderVersion changes when the loader writes different data, so old caches are not
// reused.
const loaderVersion = "hazards-bench-v2"

const benchPassword = "bench-hazards-2026"

// benchDB is a loaded database and what the benchmarks need to know about it.
type benchDB struct {
	DB      *db.DB
	Engine  db.Engine
	N       int    // hazards added to the demo's
	Total   int    // hazards in the table after loading
	MaxID   db.ID  // the largest loaded id; benchmarks delete what they add above it
	Where   string // the SQLite file or the PostgreSQL database
	Loaded  time.Duration
	Size    int64 // bytes on disk
	Scratch bool  // a copy with SAFEDUTY_BENCH_SQL applied
}

func benchN(tb testing.TB) int {
	n := 1_000_000
	if v := os.Getenv(envBenchHazards); v != "" {
		var err error
		if n, err = strconv.Atoi(strings.ReplaceAll(v, "_", "")); err != nil || n < 0 {
			tb.Fatalf("%s=%q: want a number", envBenchHazards, v)
		}
	}
	return n
}

// openBench returns the loaded database of engine e with n hazards, loading it when no
// complete load is kept.
func openBench(tb testing.TB, e db.Engine, n int) *benchDB {
	tb.Helper()
	ctx := context.Background()
	marker := fmt.Sprintf("%s n=%d", loaderVersion, n)
	fresh := os.Getenv(envBenchFresh) == "1"
	var bd *benchDB
	switch e {
	case db.SQLite:
		dir := os.Getenv(envBenchDir)
		if dir == "" {
			dir = filepath.Join("..", "..", "bench", "results")
		}
		path, err := filepath.Abs(filepath.Join(dir, fmt.Sprintf("hazards-sqlite-%d", n), "safeduty.db"))
		if err != nil {
			tb.Fatal(err)
		}
		if fresh || !sqliteLoaded(path, marker) {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(path + suffix)
			}
		}
		if os.Getenv(envBenchSQL) != "" {
			if !sqliteLoaded(path, marker) {
				tb.Fatalf("%s needs a loaded database: run once without it", envBenchSQL)
			}
			path = scratchSQLite(tb, path)
		}
		d, err := db.Open(ctx, db.Config{SQLitePath: path})
		if err != nil {
			tb.Fatal(err)
		}
		bd = &benchDB{DB: d, Engine: e, N: n, Where: path}
	case db.Postgres:
		server := os.Getenv(dbtest.EnvPostgres)
		if server == "" {
			tb.Skipf("%s is not set", dbtest.EnvPostgres)
		}
		name := fmt.Sprintf("safeduty_bench_hazards_%d", n)
		admin, err := sql.Open("pgx", server)
		if err != nil {
			tb.Fatal(err)
		}
		defer admin.Close()
		if fresh || !postgresLoaded(server, name, marker) {
			if _, err := admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`); err != nil {
				tb.Fatal(err)
			}
			if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
				tb.Fatal(err)
			}
		}
		if os.Getenv(envBenchSQL) != "" {
			scratch := name + "_scratch"
			if _, err := admin.Exec(`DROP DATABASE IF EXISTS ` + scratch + ` WITH (FORCE)`); err != nil {
				tb.Fatal(err)
			}
			if !postgresLoaded(server, name, marker) {
				tb.Fatalf("%s needs a loaded database: run once without it", envBenchSQL)
			}
			if _, err := admin.Exec(`CREATE DATABASE ` + scratch + ` TEMPLATE ` + name); err != nil {
				tb.Fatal(err)
			}
			tb.Cleanup(func() {
				if a, err := sql.Open("pgx", server); err == nil {
					a.Exec(`DROP DATABASE IF EXISTS ` + scratch + ` WITH (FORCE)`) //nolint:errcheck
					a.Close()
				}
			})
			name = scratch
		}
		d, err := db.Open(ctx, db.Config{URL: dbtest.WithDatabase(server, name), MaxOpen: 8})
		if err != nil {
			tb.Fatal(err)
		}
		bd = &benchDB{DB: d, Engine: e, N: n, Where: name}
	default:
		tb.Fatalf("engine %s", e)
	}
	tb.Cleanup(func() { bd.DB.Close() })
	if _, err := bd.DB.Migrate(ctx, nil); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	var got string
	err := bd.DB.QueryRow(ctx, `SELECT value FROM meta WHERE key = 'bench_hazards'`).Scan(&got)
	switch {
	case err == nil && got == marker:
		var secs float64
		var loadedAt string
		if err := bd.DB.QueryRow(ctx, `SELECT value FROM meta WHERE key = 'bench_hazards_load'`).Scan(&loadedAt); err == nil {
			secs, _ = strconv.ParseFloat(loadedAt, 64)
		}
		bd.Loaded = time.Duration(secs * float64(time.Second))
	case err == nil || db.IsNoRows(err):
		start := time.Now()
		if err := loadBench(ctx, bd.DB, n); err != nil {
			tb.Fatalf("load %d hazards: %v", n, err)
		}
		bd.Loaded = time.Since(start)
		if _, err := bd.DB.Exec(ctx, `INSERT INTO meta (key, value) VALUES ('bench_hazards_load', ?), ('bench_hazards', ?)`,
			strconv.FormatFloat(bd.Loaded.Seconds(), 'f', 1, 64), marker); err != nil {
			tb.Fatal(err)
		}
		tb.Logf("loaded %d hazards into %s %s in %v", n, e, bd.Where, bd.Loaded.Round(time.Second))
	default:
		tb.Fatal(err)
	}
	if sqlText := os.Getenv(envBenchSQL); sqlText != "" {
		bd.Scratch = true
		for _, stmt := range strings.Split(sqlText, ";") {
			if stmt = strings.TrimSpace(stmt); stmt == "" {
				continue
			}
			start := time.Now()
			if _, err := bd.DB.Exec(ctx, stmt); err != nil {
				tb.Fatalf("%s: %v", stmt, err)
			}
			tb.Logf("scratch %s: %s (%v)", e, stmt, time.Since(start).Round(time.Millisecond))
		}
	}
	if err := bd.DB.QueryRow(ctx, `SELECT COUNT(*), MAX(id) FROM hazards`).Scan(&bd.Total, &bd.MaxID); err != nil {
		tb.Fatal(err)
	}
	bd.Size = bd.size(ctx)
	return bd
}

func (bd *benchDB) size(ctx context.Context) int64 {
	if bd.Engine == db.Postgres {
		var n int64
		_ = bd.DB.QueryRow(ctx, `SELECT pg_database_size(current_database())`).Scan(&n)
		return n
	}
	var n int64
	for _, suffix := range []string{"", "-wal"} {
		if fi, err := os.Stat(bd.Where + suffix); err == nil {
			n += fi.Size()
		}
	}
	return n
}

// sqliteLoaded reports whether the file holds a complete load of this loader.
func sqliteLoaded(path, marker string) bool {
	if _, err := os.Stat(path); err != nil {
		return false
	}
	d, err := db.Open(context.Background(), db.Config{SQLitePath: path})
	if err != nil {
		return false
	}
	defer d.Close()
	var v string
	err = d.QueryRow(context.Background(), `SELECT value FROM meta WHERE key = 'bench_hazards'`).Scan(&v)
	return err == nil && v == marker
}

// postgresLoaded reports whether the database exists and holds a complete load.
func postgresLoaded(server, name, marker string) bool {
	d, err := sql.Open("pgx", dbtest.WithDatabase(server, name))
	if err != nil {
		return false
	}
	defer d.Close()
	var v string
	err = d.QueryRow(`SELECT value FROM meta WHERE key = 'bench_hazards'`).Scan(&v)
	return err == nil && v == marker
}

// scratchSQLite copies a loaded SQLite file to a temporary folder, so statements tried
// on it (a proposed index) leave the kept load as it is.
func scratchSQLite(tb testing.TB, path string) string {
	tb.Helper()
	// Fold the WAL into the file first, so the copy is complete.
	d, err := db.Open(context.Background(), db.Config{SQLitePath: path})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := d.Exec(context.Background(), `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		tb.Fatal(err)
	}
	d.Close()
	dst := filepath.Join(tb.TempDir(), "safeduty.db")
	in, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		tb.Fatal(err)
	}
	if err := out.Close(); err != nil {
		tb.Fatal(err)
	}
	return dst
}

// benchTitles are a few hazard titles per industry (the demo has more); "脚手架" is the
// text search of the benchmarks.
var benchTitles = map[string][]string{
	"fire":                {"消防通道堵塞", "灭火器过期失效", "电动自行车楼道停放充电", "安全出口锁闭", "易燃杂物堆放"},
	"construction":        {"脚手架未设置密目网", "临边洞口无防护", "高处作业未系安全带", "施工临时用电私拉乱接"},
	"road_traffic":        {"农村道路临水临崖无护栏", "急弯陡坡缺少警示标志", "面包车超员载客"},
	"gas":                 {"液化气钢瓶与明火同室", "未安装可燃气体报警装置", "燃气软管老化超长"},
	"special_equipment":   {"电梯维保记录缺失", "电梯超期未检验", "叉车无牌无证使用"},
	"industry_trade":      {"粉尘涉爆场所未配置除尘设施", "机械设备防护罩缺失", "仓库货物超高堆放"},
	"hazardous_chemicals": {"农药化肥与食品混存", "氧气瓶乙炔瓶混放", "卸油作业未静电接地"},
	"mines":               {"采石场高陡边坡未治理", "废弃矿洞未封闭"},
	"education":           {"校园围墙倾斜", "周边水域防溺水警示缺失", "学校食堂未安装燃气报警器"},
	"tourism":             {"游步道护栏松动", "游船未配足救生衣", "民宿无消防设施"},
	"agriculture":         {"拖拉机无牌无证上路", "农机具违规载人", "秸秆堆放紧邻民房"},
	"water":               {"危险水域无警示标志", "渡口渡船超载", "水库溢洪道堵塞"},
}

// benchIndustries weights the industries as the demo does, roughly.
var benchIndustries = []struct {
	code   string
	weight int
}{
	{"fire", 22}, {"construction", 13}, {"road_traffic", 14}, {"gas", 11}, {"special_equipment", 7},
	{"industry_trade", 8}, {"hazardous_chemicals", 4}, {"mines", 2}, {"education", 5}, {"tourism", 4},
	{"agriculture", 5}, {"water", 5},
}

var benchPlaces = []string{"农贸市场", "老旧小区", "村民自建房工地", "通组公路", "小区电梯", "加工作坊", "村小学", "农家乐", "渡口"}

// benchPeople are the ids the loader needs, read from the demo district.
type benchPeople struct {
	grids     []benchGrid
	patroller map[db.ID]db.ID // village → user
	villager  map[db.ID]db.ID
	townUser  map[db.ID]db.ID // town → user
	townGov   map[db.ID]db.ID // town → its government unit
	dept      map[string][]db.ID
	deptUser  map[db.ID]db.ID // department → user
	deputy    map[string]db.ID
}

type benchGrid struct {
	id, village, town db.ID
	path, name        string
}

// loadBench builds the demo district in db, then adds n hazards in transactions of
// 10,000 rows. The hazards' non-unique indexes are dropped for the load and created
// again afterwards (from the definitions the database reports), the usual way to bulk
// load; PostgreSQL then gets ANALYZE, as autovacuum would do shortly after such a load.
func loadBench(ctx context.Context, d *db.DB, n int) error {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	res, err := demo.Build(ctx, d, demo.Options{Password: benchPassword, Clock: clock.NewFake(benchNow), Log: log})
	if err != nil {
		return err
	}
	if !res.Built {
		return fmt.Errorf("the database already held a demo district")
	}
	people := peopleOf(res.District)
	indexes, err := hazardIndexes(ctx, d)
	if err != nil {
		return err
	}
	for _, ix := range indexes {
		if _, err := d.Exec(ctx, `DROP INDEX `+ix.name); err != nil {
			return err
		}
	}
	var last int64
	if err := d.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM hazards`).Scan(&last); err != nil {
		return err
	}
	rng := mrand.New(mrand.NewPCG(20140401, uint64(n)))
	weights := 0
	for _, w := range benchIndustries {
		weights += w.weight
	}
	const perTx = 10_000
	cols := []string{"id", "code", "title", "description", "category", "industry", "grade", "source", "status", "place",
		"grid_id", "org_path", "town_id", "address", "found_by", "found_at", "owner_id", "supervisor_org_id", "measures",
		"deadline", "responsibility", "funds_yuan", "contingency_plan", "listed", "listing_leader_id", "listed_at",
		"listing_doc", "submitted_at", "closed_at", "closed_by", "closed_on_time", "rejections", "created_at", "updated_at"}
	per := 30000 / len(cols)
	one := "(" + db.Placeholders(len(cols)) + ")"
	for done := 0; done < n; {
		err := d.Tx(ctx, func(tx *db.Tx) error {
			for k := 0; k < perTx && done < n; {
				m := min(per, perTx-k, n-done)
				var q strings.Builder
				q.WriteString("INSERT INTO hazards (" + strings.Join(cols, ", ") + ") VALUES ")
				args := make([]any, 0, m*len(cols))
				for i := 0; i < m; i++ {
					if i > 0 {
						q.WriteString(", ")
					}
					q.WriteString(one)
					last++
					args = append(args, benchRow(rng, people, db.ID(last), weights)...)
				}
				if _, err := tx.Exec(ctx, q.String(), args...); err != nil {
					return err
				}
				k += m
				done += m
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if d.Engine() == db.Postgres {
		if _, err := d.Exec(ctx, `SELECT setval(pg_get_serial_sequence('hazards', 'id'), (SELECT MAX(id) FROM hazards))`); err != nil {
			return err
		}
	}
	for _, ix := range indexes {
		if _, err := d.Exec(ctx, ix.def); err != nil {
			return fmt.Errorf("%s: %w", ix.def, err)
		}
	}
	if err := hazard.RebuildTallies(ctx, d); err != nil {
		return err
	}
	if d.Engine() == db.Postgres {
		if _, err := d.Exec(ctx, `VACUUM ANALYZE`); err != nil {
			return err
		}
	} else if _, err := d.Exec(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return err
	}
	return nil
}

type indexDef struct{ name, def string }

// hazardIndexes lists the non-unique indexes of the hazards table as the database
// defines them.
func hazardIndexes(ctx context.Context, d *db.DB) ([]indexDef, error) {
	q := `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'hazards' AND sql IS NOT NULL ORDER BY name`
	if d.Engine() == db.Postgres {
		q = `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'hazards' AND indexdef NOT LIKE 'CREATE UNIQUE%' ORDER BY indexname`
	}
	rows, err := d.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []indexDef
	for rows.Next() {
		var ix indexDef
		if err := rows.Scan(&ix.name, &ix.def); err != nil {
			return nil, err
		}
		if !strings.HasPrefix(strings.ToUpper(ix.def), "CREATE UNIQUE") {
			out = append(out, ix)
		}
	}
	return out, rows.Err()
}

func peopleOf(dd *demo.District) *benchPeople {
	p := &benchPeople{patroller: map[db.ID]db.ID{}, villager: map[db.ID]db.ID{}, townUser: map[db.ID]db.ID{},
		townGov: map[db.ID]db.ID{}, dept: map[string][]db.ID{}, deptUser: map[db.ID]db.ID{}, deputy: map[string]db.ID{}}
	for _, g := range dd.Grids {
		p.grids = append(p.grids, benchGrid{id: g.ID, village: g.Village.ID, town: g.Village.Town.ID, path: g.Village.Path, name: g.Village.Name})
	}
	govTown := map[db.ID]db.ID{}
	for _, t := range dd.Towns {
		p.townGov[t.ID] = t.Gov.ID
		govTown[t.Gov.ID] = t.ID
	}
	for _, u := range dd.Users {
		for _, r := range u.Roles {
			switch r {
			case auth.Patroller:
				p.patroller[u.Org.ID] = u.ID
			case auth.Village:
				p.villager[u.Org.ID] = u.ID
			case auth.Town:
				p.townUser[govTown[u.Org.ID]] = u.ID
			case auth.Department:
				p.deptUser[u.Org.ID] = u.ID
			}
		}
		if u.Username == "dept-safety" {
			p.deptUser[u.Org.ID] = u.ID
		}
	}
	for _, w := range benchIndustries {
		for _, u := range dd.DepartmentsFor(w.code) {
			p.dept[w.code] = append(p.dept[w.code], u.ID)
		}
		p.deputy[w.code] = dd.DeputyFor(w.code).ID
	}
	return p
}

// benchRow draws one hazard found in the three years before benchNow: about 90% closed
// (10% of them late), the open ones found in the last 90 days with about 7% past the
// deadline, 1% major (listed once assigned).
func benchRow(rng *mrand.Rand, p *benchPeople, id db.ID, weights int) []any {
	g := p.grids[rng.IntN(len(p.grids))]
	w := rng.IntN(weights)
	industry := benchIndustries[0].code
	for _, bi := range benchIndustries {
		if w < bi.weight {
			industry = bi.code
			break
		}
		w -= bi.weight
	}
	titles := benchTitles[industry]
	title := titles[rng.IntN(len(titles))]
	category := hazard.Categories[rng.IntN(len(hazard.Categories))]
	grade := hazard.General
	if rng.IntN(100) == 0 {
		grade = hazard.Major
	}
	var source string
	switch r := rng.IntN(100); {
	case r < 38:
		source = "grid_patrol"
	case r < 62:
		source = "self_inspection"
	case r < 78:
		source = "department_inspection"
	case r < 88:
		source = "campaign"
	case r < 95:
		source = "tipoff"
	default:
		source = "supervision_group"
	}
	depts := p.dept[industry]
	dept := depts[rng.IntN(len(depts))]
	foundBy := p.patroller[g.village]
	switch source {
	case "self_inspection":
		foundBy = p.villager[g.village]
	case "department_inspection", "campaign", "supervision_group":
		foundBy = p.deptUser[dept]
	case "tipoff":
		foundBy = p.townUser[g.town]
	}
	const day = 24 * time.Hour
	var status hazard.Status
	switch r := rng.IntN(1000); {
	case r < 900:
		status = hazard.Closed
	case r < 920:
		status = hazard.Reported
	case r < 945:
		status = hazard.Assigned
	case r < 980:
		status = hazard.Rectifying
	default:
		status = hazard.Submitted
	}
	var found time.Time
	if status == hazard.Closed {
		found = benchNow.Add(-time.Duration(rng.Int64N(int64(3 * 365 * day))))
	} else {
		found = benchNow.Add(-time.Duration(rng.Int64N(int64(90 * day))))
	}
	created := found.Add(time.Duration(rng.Int64N(int64(2 * time.Hour))))
	updated := created
	var owner, supervisor, deadline, funds, leader, listedAt, submitted, closedAt, closedBy, onTime any
	measures, responsibility, contingency, doc := "", "", "", ""
	listed := false
	rejections := 0
	if status != hazard.Reported {
		assigned := created.Add(time.Duration(rng.Int64N(int64(3 * day))))
		owner = p.villager[g.village]
		var supUser db.ID
		supervisor, supUser = dept, p.deptUser[dept]
		if rng.IntN(2) == 0 {
			supervisor, supUser = p.townGov[g.town], p.townUser[g.town]
		}
		measures = "按要求落实整改措施，专人复查。"
		days := []int{7, 10, 15, 20, 30, 45, 60}[rng.IntN(7)]
		dl := assigned.Add(time.Duration(days) * day)
		if status != hazard.Closed {
			// Open: about 7% past the deadline, the others due after now.
			if rng.IntN(100) < 7 {
				dl = benchNow.Add(-time.Duration(1+rng.IntN(40)) * day)
			} else if !dl.After(benchNow) {
				dl = benchNow.Add(time.Duration(1+rng.IntN(40)) * day)
			}
		}
		deadline = dl
		updated = assigned
		if grade == hazard.Major {
			responsibility, contingency, doc = "村委会主任负责整改，行业部门督导", "设置警戒区域，专人值守", "临安委督〔2026〕1号"
			funds, leader, listedAt, listed = int64(100000), p.deputy[industry], assigned, true
		}
		if status == hazard.Submitted || status == hazard.Closed {
			s := assigned.Add(time.Duration(float64(dl.Sub(assigned)) * (0.2 + 0.6*rng.Float64())))
			if rng.IntN(10) == 0 {
				s = dl.Add(time.Duration(1+rng.IntN(20)) * day) // late
			}
			if s.After(benchNow) {
				s = benchNow.Add(-time.Hour)
			}
			submitted, updated = s, s
			if status == hazard.Closed {
				c := s.Add(time.Duration(rng.Int64N(int64(3 * day))))
				if c.After(benchNow) {
					c = benchNow
				}
				closedAt, closedBy, onTime, updated = c, supUser, !c.After(dl), c
			}
			if rng.IntN(10) == 0 {
				rejections = 1
			}
		}
	}
	return []any{id, hazard.Code(found, id), title, "", category, industry, grade, source, string(status),
		g.name + benchPlaces[rng.IntN(len(benchPlaces))], g.id, g.path, g.town, "", foundBy, found,
		owner, supervisor, measures, deadline, responsibility, funds, contingency, listed, leader, listedAt,
		doc, submitted, closedAt, closedBy, onTime, rejections, created, updated}
}
