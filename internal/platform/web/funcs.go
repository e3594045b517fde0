package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/i18n"
	"github.com/safeduty/safeduty/internal/platform/privacy"
)

var startTime = time.Now()

func (s *Site) funcs(loc i18n.Localizer) template.FuncMap {
	return template.FuncMap{
		"t":     loc.T,
		"lang":  func() string { return string(loc.Lang) },
		"asset": s.Asset,
		// date shows the China day of a time (a decision, a visit): 2027-01-31, or "".
		"date": func(t any) string {
			tm, ok := asTime(t)
			if !ok {
				return ""
			}
			return clock.DateText(tm)
		},
		"datetime": func(t any) string {
			tm, ok := asTime(t)
			if !ok {
				return ""
			}
			return tm.In(clock.China).Format("2006-01-02 15:04")
		},
		// dueDate shows a deadline (stored as the end of its day) as the day it is due:
		// 2027-01-31, or "".
		"dueDate": func(t any) string {
			tm, ok := asTime(t)
			if !ok {
				return ""
			}
			return clock.DueText(tm)
		},
		// dueDateLong shows a deadline as a document writes it: 2027年1月31日, or
		// 31 January 2027.
		"dueDateLong": func(t any) string {
			tm, ok := asTime(t)
			if !ok {
				return ""
			}
			return clock.DueLong(tm, string(loc.Lang))
		},
		// dateLong shows the China day of a time as a document writes it.
		"dateLong": func(t any) string {
			tm, ok := asTime(t)
			if !ok {
				return ""
			}
			return clock.DateLong(tm, string(loc.Lang))
		},
		"mask":     privacy.Phone,
		"roleName": func(r auth.Role) string { return loc.T(r.MessageKey()) },
		"json": func(v any) (string, error) {
			b, err := json.Marshal(v)
			return string(b), err
		},
		"add": func(a, b int) int { return a + b },
		"sub": func(a, b int) int { return a - b },
		"pct": func(a, b int) string {
			if b == 0 {
				return "—"
			}
			return strconv.FormatFloat(float64(a)*100/float64(b), 'f', 1, 64) + "%"
		},
		// num writes a whole number with thousands separators (516,000); an absent
		// one (a nil *int64) is "".
		"num": func(n any) string {
			switch n := n.(type) {
			case int:
				return GroupDigits(int64(n))
			case int64:
				return GroupDigits(n)
			case *int64:
				if n != nil {
					return GroupDigits(*n)
				}
				return ""
			}
			return fmt.Sprint(n)
		},
		"initial": func(s string) string {
			for _, r := range s {
				return string(r)
			}
			return ""
		},
		"isActive": func(current, item string) bool {
			if item == "/" {
				return current == "/"
			}
			return current == item || strings.HasPrefix(current, item+"/")
		},
		// qs returns q with key set to value (or removed when value is ""), as a query string.
		"qs": func(q url.Values, kv ...any) string {
			c := url.Values{}
			for k, v := range q {
				c[k] = append([]string(nil), v...)
			}
			for i := 0; i+1 < len(kv); i += 2 {
				k := fmt.Sprint(kv[i])
				v := fmt.Sprint(kv[i+1])
				if v == "" {
					c.Del(k)
				} else {
					c.Set(k, v)
				}
			}
			return "?" + c.Encode()
		},
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
		"slist": func(s ...string) []string { return s },
		// facts is the texts of a list item's line of facts (the "li-facts" partial): its
		// arguments as text, leaving out the empty ones (a false "and", a nil deadline).
		"facts": func(parts ...any) []string {
			var out []string
			for _, p := range parts {
				if p == nil {
					continue
				}
				if v := reflect.ValueOf(p); v.IsZero() || (v.Kind() == reflect.Pointer && v.IsNil()) {
					continue
				}
				s, ok := loc.Value(p)
				if !ok {
					s = fmt.Sprint(p)
				}
				if s != "" {
					out = append(out, s)
				}
			}
			return out
		},
		// text writes a value that needs the reader's language (i18n.Text, Key, Name …).
		"text": func(v any) string {
			if s, ok := loc.Value(v); ok {
				return s
			}
			return fmt.Sprint(v)
		},
		// industry shows an industry code by its name in the reader's language.
		"industry": func(code string) string { return loc.Name(i18n.KindIndustry, code) },
		"has": func(list []string, s string) bool {
			for _, x := range list {
				if x == s {
					return true
				}
			}
			return false
		},
	}
}

func asTime(v any) (time.Time, bool) {
	switch t := v.(type) {
	case time.Time:
		return t, !t.IsZero()
	case *time.Time:
		if t == nil {
			return time.Time{}, false
		}
		return *t, !t.IsZero()
	}
	return time.Time{}, false
}

// GroupDigits writes n with thousands separators: 516,000.
func GroupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
