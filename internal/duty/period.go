package duty

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// Frequencies a duty recurs at; "" is a duty without recurring tasks. A before_holidays
// duty falls due on the day before each holiday (table holidays).
var Frequencies = []string{"daily", "weekly", "monthly", "quarterly", "half_yearly", "yearly", "before_holidays"}

// Period is one occurrence of a recurring duty: its key (2026-12-03, 2026-W49, 2026-12,
// 2026-Q4, 2026-H2, 2026), its first instant and its due instant (the end of its last
// day, China time, as every deadline is stored).
type Period struct {
	Key   string
	Start time.Time
	Due   time.Time
}

// PeriodOf returns the period of frequency freq that the China day of t falls in. It
// answers false for "" and before_holidays (whose periods come from the holidays).
func PeriodOf(freq string, t time.Time) (Period, bool) {
	c := t.In(clock.China)
	y, mo, d := c.Date()
	day := time.Date(y, mo, d, 0, 0, 0, 0, clock.China)
	span := func(key string, start, next time.Time) (Period, bool) {
		return Period{Key: key, Start: start, Due: next}, true
	}
	switch freq {
	case "daily":
		return span(day.Format("2006-01-02"), day, day.AddDate(0, 0, 1))
	case "weekly":
		wd := (int(day.Weekday()) + 6) % 7 // Monday 0
		start := day.AddDate(0, 0, -wd)
		iy, iw := start.ISOWeek()
		return span(fmt.Sprintf("%d-W%02d", iy, iw), start, start.AddDate(0, 0, 7))
	case "monthly":
		start := time.Date(y, mo, 1, 0, 0, 0, 0, clock.China)
		return span(start.Format("2006-01"), start, start.AddDate(0, 1, 0))
	case "quarterly":
		q := (int(mo) - 1) / 3
		start := time.Date(y, time.Month(q*3+1), 1, 0, 0, 0, 0, clock.China)
		return span(fmt.Sprintf("%d-Q%d", y, q+1), start, start.AddDate(0, 3, 0))
	case "half_yearly":
		h := (int(mo) - 1) / 6
		start := time.Date(y, time.Month(h*6+1), 1, 0, 0, 0, 0, clock.China)
		return span(fmt.Sprintf("%d-H%d", y, h+1), start, start.AddDate(0, 6, 0))
	case "yearly":
		start := time.Date(y, 1, 1, 0, 0, 0, 0, clock.China)
		return span(fmt.Sprintf("%d", y), start, start.AddDate(1, 0, 0))
	}
	return Period{}, false
}

// PeriodsOfYear lists the periods of freq in year, in order (before_holidays and "" give
// none).
func PeriodsOfYear(freq string, year int) []Period {
	var out []Period
	t := time.Date(year, 1, 1, 0, 0, 0, 0, clock.China)
	end := t.AddDate(1, 0, 0)
	for t.Before(end) {
		p, ok := PeriodOf(freq, t)
		if !ok {
			return nil
		}
		if p.Start.Year() == year || len(out) == 0 && freq == "weekly" {
			out = append(out, p)
		}
		t = p.Due
	}
	return out
}

// periodMessages are the messages of quarters and halves by the end of a period's key.
var periodMessages = map[string]string{"Q1": "duty.period.q1", "Q2": "duty.period.q2", "Q3": "duty.period.q3",
	"Q4": "duty.period.q4", "H1": "duty.period.h1", "H2": "duty.period.h2"}

// PeriodName words a period's key (PeriodOf, or a holiday's day) in the reader's
// language: 2026年12月3日, 2026年第49周, 2026年12月, 2026年第四季度, 2026年下半年, 2026年. A
// key it does not know is shown as it is.
func PeriodName(key string) i18n.Text {
	return func(l i18n.Localizer) string {
		year, rest, _ := strings.Cut(key, "-")
		switch {
		case len(year) != 4:
		case rest == "":
			return l.T("duty.period.year", "year", year)
		case periodMessages[rest] != "":
			return l.T(periodMessages[rest], "year", year)
		case strings.HasPrefix(rest, "W"):
			if w, err := strconv.Atoi(rest[1:]); err == nil {
				return l.T("duty.period.week", "year", year, "week", w)
			}
		case len(rest) == 2:
			if m, err := strconv.Atoi(rest); err == nil && m >= 1 && m <= 12 {
				month := strconv.Itoa(m)
				if l.Lang != i18n.Zh {
					month = time.Month(m).String()
				}
				return l.T("duty.period.month", "year", year, "month", month)
			}
		default:
			if d, err := time.ParseInLocation(time.DateOnly, key, clock.China); err == nil {
				return clock.DateLong(d, string(l.Lang))
			}
		}
		return key
	}
}
