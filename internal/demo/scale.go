package demo

// The city dataset: the demo district and N more hazards and N/10 more enterprises, spread
// over the demo's grids, towns, industries and three years, written at bulk-load speed
// (Scale). The hazard benchmarks (internal/hazard/bench_load_test.go) and `safeduty demo
// --scale N` both use it.

import (
	"context"
	"fmt"
	"github.com/safeduty/safeduty/internal/hazard"
	"io"
	mrand "math/rand/v2"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// ScaleOptions says what Scale adds to the demo district.
type ScaleOptions struct {
	Hazards     int    // hazards to add
	Enterprises int    // enterprises to add; ScaleEnterprises(Hazards) when negative
	Seed        uint64 // the same seed, counts and Now give the same rows
	// Now is the dataset's present: hazards were found in the three years before it, and
	// open ones are overdue when their deadline is before it.
	Now time.Time
	// Progress receives a line about once a second while rows are written (rows done,
	// rows/s, time left) and one per later step; nil for none.
	Progress io.Writer
}

// ScaleEnterprises is the default number of enterprises added with n hazards: a tenth.
func ScaleEnterprises(n int) int { return n / 10 }

// ScaleResult reports what Scale wrote.
type ScaleResult struct {
	Hazards, Enterprises int
	Rows                 time.Duration // writing the rows
	Took                 time.Duration // everything: indexes dropped and rebuilt, BulkLoadSteps
}

// RowsPerSecond is the rows written per second of the whole load (indexes and steps included).
func (r ScaleResult) RowsPerSecond() float64 {
	if r.Took <= 0 {
		return 0
	}
	return float64(r.Hazards+r.Enterprises) / r.Took.Seconds()
}

// BulkLoadStep is work around a bulk load. Derived data that capabilities keep as rows are
// written — by triggers (a text-search table) or in the writing transaction (tallies) —
// slows a bulk load or is bypassed by it: its Before drops or disables it, its After
// rebuilds it from the loaded rows. Either may be nil.
type BulkLoadStep struct {
	Name   string
	Before func(ctx context.Context, d *db.DB) error
	After  func(ctx context.Context, d *db.DB) error
}

// BulkLoadSteps run around every bulk load (Scale): each Before in order once the demo
// district is built and before the rows are written, each After in order once the rows
// are in and the indexes are back. Add a step for derived data here, before "statistics",
// which must stay last so the planner sees the final tables.
var BulkLoadSteps = []BulkLoadStep{
	searchStep(),
	{Name: "hazard tallies", After: func(ctx context.Context, d *db.DB) error { return hazard.RebuildTallies(ctx, d) }},
	{Name: "statistics", After: analyze},
}

// searchStep keeps the text-search tables of SQLite (migration 00017: hazards_fts and
// enterprises_fts, kept by triggers) out of the load: their triggers would index every
// row as it goes in (21 s → 57 s for 100,000 hazards), so they are dropped before and made
// again from their saved definitions after, and each table is rebuilt once.
func searchStep() BulkLoadStep {
	type trigger struct{ table, def string }
	var saved []trigger
	return BulkLoadStep{
		Name: "text search",
		Before: func(ctx context.Context, d *db.DB) error {
			saved = nil
			if d.Engine() != db.SQLite {
				return nil
			}
			var names []string
			err := db.Each(ctx, d, `SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%\_fts\_%' ESCAPE '\' ORDER BY name`, nil,
				func(s db.Scanner) (trigger, error) {
					var name string
					var t trigger
					err := s.Scan(&name, &t.table, &t.def)
					names = append(names, name)
					return t, err
				}, func(t trigger) error { saved = append(saved, t); return nil })
			if err != nil {
				return err
			}
			for _, n := range names {
				if _, err := d.Exec(ctx, `DROP TRIGGER `+n); err != nil {
					return err
				}
			}
			return nil
		},
		After: func(ctx context.Context, d *db.DB) error {
			rebuilt := map[string]bool{}
			for _, t := range saved {
				if _, err := d.Exec(ctx, t.def); err != nil {
					return err
				}
				if fts := t.table + "_fts"; !rebuilt[fts] {
					rebuilt[fts] = true
					if _, err := d.Exec(ctx, `INSERT INTO `+fts+` (`+fts+`) VALUES ('rebuild')`); err != nil {
						return err
					}
				}
			}
			return nil
		},
	}
}

// analyze gathers the planner's statistics after a bulk load; on SQLite it also folds the
// WAL back into the database file.
func analyze(ctx context.Context, d *db.DB) error {
	if _, err := d.Exec(ctx, `ANALYZE`); err != nil {
		return err
	}
	if d.Engine() == db.SQLite {
		_, err := d.Exec(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
		return err
	}
	return nil
}

// Scale adds o.Hazards hazards and o.Enterprises enterprises to the demo district dd that
// Build has just written to d. The tables' non-unique indexes (as the database defines
// them) are dropped for the load and created again afterwards; rows go in with multi-row
// INSERTs in large transactions on SQLite and with COPY on PostgreSQL; BulkLoadSteps run
// around it.
func Scale(ctx context.Context, d *db.DB, dd *District, o ScaleOptions) (ScaleResult, error) {
	start := time.Now()
	if o.Enterprises < 0 {
		o.Enterprises = ScaleEnterprises(o.Hazards)
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	o.Now = o.Now.UTC()
	res := ScaleResult{Hazards: o.Hazards, Enterprises: o.Enterprises}
	say := func(format string, args ...any) {
		if o.Progress != nil {
			fmt.Fprintf(o.Progress, format+"\n", args...)
		}
	}
	for _, s := range BulkLoadSteps {
		if s.Before != nil {
			if err := s.Before(ctx, d); err != nil {
				return res, fmt.Errorf("%s before the load: %w", s.Name, err)
			}
		}
	}
	if d.Engine() == db.SQLite {
		restore, err := sqliteBulkMode(ctx, d)
		if err != nil {
			return res, err
		}
		defer restore()
	}
	var indexes []indexDef
	for _, table := range []string{"hazards", "enterprises"} {
		ix, err := nonUniqueIndexes(ctx, d, table)
		if err != nil {
			return res, err
		}
		indexes = append(indexes, ix...)
	}
	for _, ix := range indexes {
		if _, err := d.Exec(ctx, `DROP INDEX `+ix.name); err != nil {
			return res, err
		}
	}

	g, err := newScaleGen(ctx, d, dd, o)
	if err != nil {
		return res, err
	}
	w := newBulkWriter(d)
	p := &progress{out: o.Progress, total: o.Hazards + o.Enterprises, start: time.Now(), last: time.Now()}
	rowsStart := time.Now()
	if err := w.write(ctx, "enterprises", enterpriseCols, o.Enterprises, g.enterprise, p); err != nil {
		return res, fmt.Errorf("enterprises: %w", err)
	}
	if err := w.write(ctx, "hazards", hazardCols, o.Hazards, g.hazard, p); err != nil {
		return res, fmt.Errorf("hazards: %w", err)
	}
	res.Rows = time.Since(rowsStart)
	say("rows: %d in %v (%.0f rows/s)", o.Hazards+o.Enterprises, res.Rows.Round(time.Millisecond), float64(o.Hazards+o.Enterprises)/res.Rows.Seconds())
	if d.Engine() == db.Postgres {
		for _, table := range []string{"hazards", "enterprises"} {
			if _, err := d.Exec(ctx, `SELECT setval(pg_get_serial_sequence('`+table+`', 'id'), (SELECT MAX(id) FROM `+table+`))`); err != nil {
				return res, err
			}
		}
	}
	t := time.Now()
	for _, ix := range indexes {
		if _, err := d.Exec(ctx, ix.def); err != nil {
			return res, fmt.Errorf("%s: %w", ix.def, err)
		}
	}
	say("indexes: %d created again in %v", len(indexes), time.Since(t).Round(time.Millisecond))
	for _, s := range BulkLoadSteps {
		if s.After != nil {
			t := time.Now()
			if err := s.After(ctx, d); err != nil {
				return res, fmt.Errorf("%s after the load: %w", s.Name, err)
			}
			say("%s: %v", s.Name, time.Since(t).Round(time.Millisecond))
		}
	}
	res.Took = time.Since(start)
	say("done: %d hazards and %d enterprises added in %v (%.0f rows/s overall)", o.Hazards, o.Enterprises,
		res.Took.Round(time.Millisecond), res.RowsPerSecond())
	return res, nil
}

// progress prints rows done, rows/s and the time left, about once a second.
type progress struct {
	out         io.Writer
	total, done int
	start, last time.Time
}

func (p *progress) add(n int) {
	p.done += n
	if p.out == nil || time.Since(p.last) < time.Second {
		return
	}
	p.last = time.Now()
	rate := float64(p.done) / time.Since(p.start).Seconds()
	left := time.Duration(float64(p.total-p.done) / rate * float64(time.Second))
	fmt.Fprintf(p.out, "rows: %d of %d (%.0f%%), %.0f rows/s, about %v left\n", p.done, p.total,
		100*float64(p.done)/float64(max(p.total, 1)), rate, left.Round(time.Second))
}

// sqliteBulkMode sets the write connection up for a bulk load into a fresh database: a
// 256 MiB page cache and in-memory sorts (index builds), and no fsync — a crash during the
// load leaves a database to build again, never one a user relies on. restore puts back the
// settings every connection opens with (db.Open).
func sqliteBulkMode(ctx context.Context, d *db.DB) (restore func(), err error) {
	for _, p := range []string{`PRAGMA cache_size = -262144`, `PRAGMA temp_store = MEMORY`, `PRAGMA synchronous = OFF`} {
		if _, err := d.Exec(ctx, p); err != nil {
			return nil, err
		}
	}
	return func() {
		for _, p := range []string{`PRAGMA cache_size = -2000`, `PRAGMA temp_store = DEFAULT`, `PRAGMA synchronous = FULL`} {
			d.Exec(context.WithoutCancel(ctx), p) //nolint:errcheck // best effort: the connection is closed soon after a load
		}
	}, nil
}

type indexDef struct{ name, def string }

// nonUniqueIndexes lists the non-unique indexes of table as the database defines them.
func nonUniqueIndexes(ctx context.Context, d *db.DB, table string) ([]indexDef, error) {
	q := `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name`
	if d.Engine() == db.Postgres {
		q = `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ? ORDER BY indexname`
	}
	rows, err := d.Query(ctx, q, table)
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

// scaleTitles are a few hazard titles per industry (the demo has more); "脚手架" is the
// text search of the hazard benchmarks.
var scaleTitles = map[string][]string{
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

// scaleIndustries weights the industries as the demo does, roughly.
var scaleIndustries = []struct {
	code   string
	weight int
}{
	{"fire", 22}, {"construction", 13}, {"road_traffic", 14}, {"gas", 11}, {"special_equipment", 7},
	{"industry_trade", 8}, {"hazardous_chemicals", 4}, {"mines", 2}, {"education", 5}, {"tourism", 4},
	{"agriculture", 5}, {"water", 5},
}

var scalePlaces = []string{"农贸市场", "老旧小区", "村民自建房工地", "通组公路", "小区电梯", "加工作坊", "村小学", "农家乐", "渡口"}

// scaleGen draws the rows; it holds the ids it needs from the demo district.
type scaleGen struct {
	now        time.Time
	rng        *mrand.Rand
	weights    int
	grids      []scaleGrid
	patroller  map[db.ID]db.ID // village → user
	villager   map[db.ID]db.ID
	townUser   map[db.ID]db.ID // town → user
	townGov    map[db.ID]db.ID // town → its government unit
	dept       map[string][]db.ID
	deptUser   map[db.ID]db.ID // department → user
	deputy     map[string]db.ID
	ruleVer    int
	nextHazard int64
	nextEnt    int64
}

type scaleGrid struct {
	id, village, town db.ID
	path, name        string
}

func newScaleGen(ctx context.Context, d *db.DB, dd *District, o ScaleOptions) (*scaleGen, error) {
	g := &scaleGen{now: o.Now, rng: mrand.New(mrand.NewPCG(o.Seed, uint64(o.Hazards))),
		patroller: map[db.ID]db.ID{}, villager: map[db.ID]db.ID{}, townUser: map[db.ID]db.ID{},
		townGov: map[db.ID]db.ID{}, dept: map[string][]db.ID{}, deptUser: map[db.ID]db.ID{}, deputy: map[string]db.ID{}}
	for _, w := range scaleIndustries {
		g.weights += w.weight
	}
	for _, gr := range dd.Grids {
		g.grids = append(g.grids, scaleGrid{id: gr.ID, village: gr.Village.ID, town: gr.Village.Town.ID, path: gr.Village.Path, name: gr.Village.Name})
	}
	govTown := map[db.ID]db.ID{}
	for _, t := range dd.Towns {
		g.townGov[t.ID] = t.Gov.ID
		govTown[t.Gov.ID] = t.ID
	}
	for _, u := range dd.Users {
		for _, r := range u.Roles {
			switch r {
			case auth.Patroller:
				g.patroller[u.Org.ID] = u.ID
			case auth.Village:
				g.villager[u.Org.ID] = u.ID
			case auth.Town:
				g.townUser[govTown[u.Org.ID]] = u.ID
			case auth.Department:
				g.deptUser[u.Org.ID] = u.ID
			}
		}
		if u.Username == "dept-safety" {
			g.deptUser[u.Org.ID] = u.ID
		}
	}
	for _, w := range scaleIndustries {
		for _, u := range dd.DepartmentsFor(w.code) {
			g.dept[w.code] = append(g.dept[w.code], u.ID)
		}
		g.deputy[w.code] = dd.DeputyFor(w.code).ID
	}
	err := d.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM hazards`).Scan(&g.nextHazard)
	if err == nil {
		err = d.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM enterprises`).Scan(&g.nextEnt)
	}
	if err == nil {
		err = d.QueryRow(ctx, `SELECT COALESCE(MAX(color_rule_version), 0) FROM enterprises`).Scan(&g.ruleVer)
	}
	return g, err
}

func (g *scaleGen) industry() string {
	w := g.rng.IntN(g.weights)
	for _, bi := range scaleIndustries {
		if w < bi.weight {
			return bi.code
		}
		w -= bi.weight
	}
	return scaleIndustries[0].code
}
