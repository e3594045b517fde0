package web

import (
	"context"
	"testing"

	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/db/dbtest"
)

func TestNamedChoices(t *testing.T) {
	type choice struct {
		ID   db.ID
		Name string
	}
	mk := func(id db.ID, name string) choice { return choice{id, name} }
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		got, err := NamedChoices(ctx, d, mk, `SELECT id, name FROM (SELECT 7 AS id, '乙镇' AS name UNION ALL SELECT 3, '甲镇' UNION ALL SELECT 1, '丙镇') t WHERE id > ? ORDER BY id`, 2)
		if err != nil {
			t.Fatal(err)
		}
		if want := []choice{{3, "甲镇"}, {7, "乙镇"}}; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
			t.Errorf("NamedChoices = %v, want %v", got, want)
		}
		if _, err := NamedChoices(ctx, d, mk, `SELECT id, name FROM no_such_table`); err == nil {
			t.Errorf("a failing query gave no error")
		}
		names := map[db.ID]string{}
		if err := EachNamed(ctx, d, func(id db.ID, name string) { names[id] = name }, `SELECT 4 AS id, '丁镇' AS name UNION ALL SELECT 9, '壬镇'`); err != nil {
			t.Fatal(err)
		}
		if len(names) != 2 || names[4] != "丁镇" || names[9] != "壬镇" {
			t.Errorf("EachNamed handed %v, want 4: 丁镇, 9: 壬镇", names)
		}
	})
}

func TestCollect(t *testing.T) {
	var items []string
	add := Collect(&items)
	for _, s := range []string{"甲", "乙"} {
		if err := add(s); err != nil {
			t.Fatal(err)
		}
	}
	if len(items) != 2 || items[0] != "甲" || items[1] != "乙" {
		t.Errorf("Collect gathered %q, want [甲 乙]", items)
	}
}
