package duty

import (
	"testing"
	"time"

	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

func TestPeriodOf(t *testing.T) {
	at := time.Date(2026, 12, 3, 23, 30, 0, 0, clock.China) // a Thursday
	for _, c := range []struct {
		freq, key, start, due string
	}{
		{"daily", "2026-12-03", "2026-12-03", "2026-12-04"},
		{"weekly", "2026-W49", "2026-11-30", "2026-12-07"},
		{"monthly", "2026-12", "2026-12-01", "2027-01-01"},
		{"quarterly", "2026-Q4", "2026-10-01", "2027-01-01"},
		{"half_yearly", "2026-H2", "2026-07-01", "2027-01-01"},
		{"yearly", "2026", "2026-01-01", "2027-01-01"},
	} {
		p, ok := PeriodOf(c.freq, at.UTC())
		if !ok || p.Key != c.key || p.Start.Format("2006-01-02") != c.start || p.Due.In(clock.China).Format("2006-01-02") != c.due {
			t.Errorf("%s: got %+v %v, want %s %s–%s", c.freq, p, ok, c.key, c.start, c.due)
		}
		if !clock.EndOfDay(p.Due.Add(-time.Second)).Equal(p.Due) {
			t.Errorf("%s: due %v is not the end of a China day", c.freq, p.Due)
		}
	}
	if _, ok := PeriodOf("before_holidays", at); ok {
		t.Error("before_holidays has no calendar period")
	}
	if n := len(PeriodsOfYear("quarterly", 2026)); n != 4 {
		t.Errorf("quarters of 2026: %d", n)
	}
	if n := len(PeriodsOfYear("monthly", 2026)); n != 12 {
		t.Errorf("months of 2026: %d", n)
	}
}

func TestPeriodName(t *testing.T) {
	zh := i18n.Localizer{Lang: i18n.Zh, Catalog: i18n.Default}
	en := i18n.Localizer{Lang: i18n.En, Catalog: i18n.Default}
	for key, want := range map[string][2]string{
		"2026":       {"2026年", "2026"},
		"2026-Q3":    {"2026年第三季度", "Q3 2026"},
		"2026-H1":    {"2026年上半年", "H1 2026"},
		"2026-12":    {"2026年12月", "December 2026"},
		"2026-W49":   {"2026年第49周", "week 49, 2026"},
		"2026-12-03": {"2026年12月3日", "3 December 2026"},
		"later":      {"later", "later"},
	} {
		if got := PeriodName(key)(zh); got != want[0] {
			t.Errorf("%s in Chinese: %q, want %q", key, got, want[0])
		}
		if got := PeriodName(key)(en); got != want[1] {
			t.Errorf("%s in English: %q, want %q", key, got, want[1])
		}
	}
}
