package clock

import (
	"testing"
	"time"
)

// The due-day helpers at the edges of a China day, from UTC inputs: a deadline "due
// 2027-01-31" is stored as 2027-01-31T16:00:00Z (the next midnight, China time).
func TestDueDay_Edges(t *testing.T) {
	utc := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		at        string // UTC
		due       string // the day it is due
		long, en  string
		endOfDay  string // the end of the China day the instant falls on (UTC)
		dateOfDay string // the China day the instant falls on
	}{
		// 2027-02-01 00:00 China: the end of 31 January, so due that day.
		{"2027-01-31T16:00:00Z", "2027-01-31", "2027年1月31日", "31 January 2027", "2027-02-01T16:00:00Z", "2027-02-01"},
		// 23:59:59 China on 31 January: still 31 January.
		{"2027-01-31T15:59:59Z", "2027-01-31", "2027年1月31日", "31 January 2027", "2027-01-31T16:00:00Z", "2027-01-31"},
		// One nanosecond past midnight China: 1 February.
		{"2027-01-31T16:00:00.000000001Z", "2027-02-01", "2027年2月1日", "1 February 2027", "2027-02-01T16:00:00Z", "2027-02-01"},
		// 00:00 UTC is 08:00 China, the same day.
		{"2027-01-31T00:00:00Z", "2027-01-31", "2027年1月31日", "31 January 2027", "2027-01-31T16:00:00Z", "2027-01-31"},
		// The end of a year and of a month across a leap day.
		{"2027-12-31T16:00:00Z", "2027-12-31", "2027年12月31日", "31 December 2027", "2028-01-01T16:00:00Z", "2028-01-01"},
		{"2028-02-29T16:00:00Z", "2028-02-29", "2028年2月29日", "29 February 2028", "2028-03-01T16:00:00Z", "2028-03-01"},
	} {
		at := utc(c.at)
		if got := DueText(at); got != c.due {
			t.Errorf("DueText(%s) = %s, want %s", c.at, got, c.due)
		}
		if got := DueLong(at, "zh"); got != c.long {
			t.Errorf("DueLong(%s, zh) = %s, want %s", c.at, got, c.long)
		}
		if got := DueLong(at, "en"); got != c.en {
			t.Errorf("DueLong(%s, en) = %s, want %s", c.at, got, c.en)
		}
		if got := EndOfDay(at); !got.Equal(utc(c.endOfDay)) {
			t.Errorf("EndOfDay(%s) = %s, want %s", c.at, got.UTC().Format(time.RFC3339), c.endOfDay)
		}
		if got := DateText(at); got != c.dateOfDay {
			t.Errorf("DateText(%s) = %s, want %s", c.at, got, c.dateOfDay)
		}
	}
	// The end of the day of a date's midnight is the next midnight: what a form's date
	// field stores.
	day := time.Date(2027, 1, 31, 0, 0, 0, 0, China)
	if got, want := EndOfDay(day), utc("2027-01-31T16:00:00Z"); !got.Equal(want) {
		t.Errorf("EndOfDay(2027-01-31 China) = %s, want %s", got.UTC(), want)
	}
	if got := DueText(EndOfDay(day)); got != "2027-01-31" {
		t.Errorf("a date stored as its end reads back as %s", got)
	}
	if end := utc("2027-01-31T16:00:00Z"); !EndOfDay(DueDay(end)).Equal(end) {
		t.Errorf("the end of the day a deadline is due is not the deadline: %s", EndOfDay(DueDay(end)))
	}
}

// ThroughDay makes a date the exclusive end of a range that includes that day; a time
// that is not a China midnight stays.
func TestThroughDay(t *testing.T) {
	day := time.Date(2027, 1, 31, 0, 0, 0, 0, China)
	if got := ThroughDay(day); !got.Equal(day.Add(24 * time.Hour)) {
		t.Errorf("ThroughDay(date) = %s", got)
	}
	if got := ThroughDay(day.UTC()); !got.Equal(day.Add(24 * time.Hour)) {
		t.Errorf("ThroughDay(the same midnight in UTC) = %s", got)
	}
	noon := time.Date(2027, 1, 31, 12, 0, 0, 0, China)
	if got := ThroughDay(noon); !got.Equal(noon) {
		t.Errorf("ThroughDay(noon) = %s, want it kept", got)
	}
}
