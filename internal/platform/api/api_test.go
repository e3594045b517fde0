package api

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/db"
)

type filter struct {
	Kind   string     `query:"kind" enum:"a,b"`
	Town   *db.ID     `query:"town_id"`
	Open   *bool      `query:"open"`
	Tags   []string   `query:"tags"`
	N      int        `query:"n"`
	From   *time.Time `query:"from"`
	Ignore string
}

func TestDecodeQuery(t *testing.T) {
	r := httptest.NewRequest("GET", "/x?kind=b&town_id=7&open=false&tags=x,y&tags=z&n=3&from=2026-01-02&page=2", nil)
	var f filter
	if err := DecodeQuery(r, &f, true); err != nil {
		t.Fatal(err)
	}
	if f.Kind != "b" || f.Town == nil || *f.Town != 7 || f.Open == nil || *f.Open || len(f.Tags) != 3 || f.N != 3 {
		t.Errorf("decoded %+v", f)
	}
	if f.From.Format(time.RFC3339) != "2026-01-02T00:00:00+08:00" {
		t.Errorf("a date is midnight China time: %v", f.From)
	}
	for q, field := range map[string]string{"kind=c": "kind", "town_id=-1": "town_id", "open=perhaps": "open", "n=x": "n", "from=yesterday": "from", "zzz=1": "zzz"} {
		var f filter
		err := DecodeQuery(httptest.NewRequest("GET", "/x?"+q, nil), &f, false)
		e := apperr.As(err)
		if e.Code != apperr.BadRequest || len(e.Fields) != 1 || e.Fields[0].Field != field {
			t.Errorf("%s: %v", q, err)
		}
	}
	if err := DecodeQuery(httptest.NewRequest("GET", "/x?page=1", nil), &filter{}, false); err == nil {
		t.Error("page on a non-list route accepted")
	}
}

func TestListParams_OrderAndLimit(t *testing.T) {
	s := Sorting{Columns: map[string]string{"code": "g.code", "name": "g.name"}, Default: "code", Tiebreak: "g.id"}
	lp, err := ParseList(httptest.NewRequest("GET", "/x?sort=-name&page=3&per_page=20", nil), s)
	if err != nil {
		t.Fatal(err)
	}
	if got := lp.OrderBy(s); got != " ORDER BY g.name DESC, g.id DESC" {
		t.Errorf("OrderBy = %q", got)
	}
	if sql, args := lp.Limit(); sql != " LIMIT ? OFFSET ?" || args[0] != 20 || args[1] != 40 {
		t.Errorf("Limit = %q %v", sql, args)
	}
	if sql, _ := lp.All().Limit(); sql != "" {
		t.Errorf("All() still limits: %q", sql)
	}
}

func TestCSVSafe(t *testing.T) {
	for in, want := range map[string]string{"=1+1": "'=1+1", "@SUM(A1)": "'@SUM(A1)", "-12.5": "-12.5", "-cmd": "'-cmd", "+86": "'+86", "正常": "正常", "": ""} {
		if got := csvSafe(in); got != want {
			t.Errorf("csvSafe(%q) = %q, want %q", in, got, want)
		}
	}
}
