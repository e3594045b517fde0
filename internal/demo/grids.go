package demo

import (
	"context"
	"fmt"

	"github.com/safeduty/safeduty/internal/platform/db"
)

// TotalGrids is the number of basic grids (基础网格) of the report's district.
const TotalGrids = 2831

// MinGridsPerVillage is the fewest grids a village or community gets.
const MinGridsPerVillage = 3

// buildGrids divides every village and community into grids, TotalGrids in all, each
// patrolled by its village's patroller ("每个村(社区)一名安全巡查员").
func buildGrids(ctx context.Context, b *builder) error {
	d := b.d
	counts, err := shareGrids(TotalGrids, d.Villages, MinGridsPerVillage)
	if err != nil {
		return err
	}
	byCode := make(map[string]*Grid, TotalGrids)
	rows := make([][]any, 0, TotalGrids)
	for i, v := range d.Villages {
		for k := 1; k <= counts[i]; k++ {
			g := &Grid{Code: fmt.Sprintf("%s-%02d", v.Code, k), Name: fmt.Sprintf("%s第%d网格", v.Name, k), Village: v}
			v.Grids = append(v.Grids, g)
			d.Grids = append(d.Grids, g)
			byCode[g.Code] = g
			rows = append(rows, []any{g.Code, g.Name, v.ID, v.Path, v.Patroller.ID, b.now, b.now})
		}
		v.Town.Grids += counts[i]
	}
	cols := []string{"code", "name", "village_id", "org_path", "patroller_id", "created_at", "updated_at"}
	err = b.insertKeyed(ctx, "grids", cols, rows, "code", func(code string, id db.ID) {
		if g := byCode[code]; g != nil {
			g.ID = id
		}
	})
	if err != nil {
		return err
	}
	for _, g := range d.Grids {
		if g.ID == 0 {
			return fmt.Errorf("grid %s: no id returned", g.Code)
		}
	}
	return nil
}

// shareGrids splits total grids over villages in proportion to their weights, none
// getting fewer than least (largest remainders take the grids left after rounding down;
// ties go to the earlier village, so the split is stable).
func shareGrids(total int, villages []*Village, least int) ([]int, error) {
	n := len(villages)
	if n == 0 || total < n*least {
		return nil, fmt.Errorf("cannot split %d grids over %d villages with at least %d each", total, n, least)
	}
	sum := 0
	for _, v := range villages {
		sum += v.weight
	}
	if sum <= 0 {
		return nil, fmt.Errorf("villages have no weight")
	}
	rest := total - n*least
	counts := make([]int, n)
	rems := make([]int, n)
	given := 0
	for i, v := range villages {
		share := rest * v.weight
		counts[i] = least + share/sum
		rems[i] = share % sum
		given += counts[i]
	}
	for given < total {
		best := 0
		for i := range rems {
			if rems[i] > rems[best] {
				best = i
			}
		}
		counts[best]++
		rems[best] = -1
		given++
	}
	for i, c := range counts {
		if c > 99 {
			return nil, fmt.Errorf("village %s: %d grids do not fit two-digit codes", villages[i].Code, c)
		}
	}
	return counts, nil
}
