package clock

import (
	"fmt"
	"time"
)

// China is the district's time zone (UTC+8, no daylight saving): dates are read, shown
// and exported in it, and a day begins and ends at its midnight.
var China = time.FixedZone("CST", 8*3600)

// A due day (整改期限, a rectification order's or a suspension's deadline) is stored as the
// instant it ends: the next midnight, China time. "Due 2027-01-31" is stored as
// 2027-02-01T00:00+08:00, so a deadline is overdue exactly when that instant has passed,
// and every page, document, notice and export shows it as the day it ends, 2027-01-31.

// EndOfDay returns the end of the China day t falls on: the next midnight, China time.
func EndOfDay(t time.Time) time.Time {
	c := t.In(China)
	return time.Date(c.Year(), c.Month(), c.Day()+1, 0, 0, 0, 0, China)
}

// DueDay returns the day a due instant falls on, as that day's first midnight in China
// time: an instant at a midnight is the end of the day before it (2027-02-01T00:00+08:00
// is due 2027-01-31); any other instant belongs to its own day.
func DueDay(t time.Time) time.Time {
	c := t.In(China)
	y, m, d := c.Date()
	if c.Hour() == 0 && c.Minute() == 0 && c.Second() == 0 && c.Nanosecond() == 0 {
		d--
	}
	return time.Date(y, m, d, 0, 0, 0, 0, China)
}

// DateText writes the China day of t as 2027-01-31 (both languages).
func DateText(t time.Time) string {
	return t.In(China).Format(time.DateOnly)
}

// DateLong writes the China day of t as a document does: 2027年1月31日, or 31 January
// 2027 when lang is "en".
func DateLong(t time.Time, lang string) string {
	c := t.In(China)
	if lang == "en" {
		return c.Format("2 January 2006")
	}
	return fmt.Sprintf("%d年%d月%d日", c.Year(), int(c.Month()), c.Day())
}

// DueText writes the day a due instant falls on as 2027-01-31 (both languages).
func DueText(t time.Time) string { return DateText(DueDay(t)) }

// DueLong writes the day a due instant falls on as 2027年1月31日, or 31 January 2027
// when lang is "en".
func DueLong(t time.Time, lang string) string { return DateLong(DueDay(t), lang) }

// ThroughDay is the exclusive upper bound of a range that ends on t: a date as read from a
// form or a query (its China midnight) includes that whole day, so it becomes the next
// midnight; any other instant is kept as given.
func ThroughDay(t time.Time) time.Time {
	c := t.In(China)
	if c.Hour() == 0 && c.Minute() == 0 && c.Second() == 0 && c.Nanosecond() == 0 {
		return c.AddDate(0, 0, 1)
	}
	return t
}
