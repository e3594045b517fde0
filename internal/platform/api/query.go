package api

import (
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/clock"
	"github.com/safeduty/safeduty/internal/platform/db"
	"github.com/safeduty/safeduty/internal/platform/input"
)

// Query parameters every list understands, beside its filters.
var listParams = []string{"page", "per_page", "sort", "format"}

// commonParams are accepted everywhere.
var commonParams = []string{"lang"}

// DecodeQuery fills the `query`-tagged fields of the struct dst points to from the query
// string. Supported field types: string, []string (comma-separated or repeated), int,
// bool, db.ID, time.Time (a date 2006-01-02 or RFC 3339) and pointers to them (nil when
// absent). `enum:"a,b"` restricts a string's values. Unknown parameters are refused,
// so a misspelt filter never silently widens a list; so is any parameter that is not
// text (a NUL character or invalid UTF-8, see input.Text), before anything reads it.
func DecodeQuery(r *http.Request, dst any, list bool) error {
	q := r.URL.Query()
	var notText apperr.Validation
	if input.CheckValues(q, &notText); len(notText.Fields) > 0 {
		e := apperr.As(badRequest(notText))
		e.Key = "input.query_not_text" // what a page shows, having no field to mark
		return e
	}
	known := map[string]bool{}
	for _, k := range commonParams {
		known[k] = true
	}
	if list {
		for _, k := range listParams {
			known[k] = true
		}
	}
	v := apperr.Validation{}
	if dst != nil {
		decodeFields(reflect.ValueOf(dst).Elem(), q, known, &v)
	}
	for k := range q {
		if !known[k] {
			v.Add(k, "validate.unknown_param", nil)
		}
	}
	if len(v.Fields) > 0 {
		return badRequest(v)
	}
	return nil
}

// decodeFields fills the query-tagged fields of the struct rv, descending into embedded
// structs (a stats request embeds the list's filter).
func decodeFields(rv reflect.Value, q url.Values, known map[string]bool, v *apperr.Validation) {
	rt := rv.Type()
	for i := 0; i < rt.NumField(); i++ {
		f := rt.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			decodeFields(rv.Field(i), q, known, v)
			continue
		}
		name := f.Tag.Get("query")
		if name == "" {
			continue
		}
		known[name] = true
		vals, ok := q[name]
		if !ok || len(vals) == 0 || (len(vals) == 1 && vals[0] == "") {
			continue
		}
		if err := setField(rv.Field(i), vals, f.Tag.Get("enum")); err != "" {
			v.Add(name, err, enumArgs(f.Tag.Get("enum")))
		}
	}
}

func enumArgs(enum string) apperr.E {
	if enum == "" {
		return nil
	}
	return apperr.E{"values": strings.ReplaceAll(enum, ",", ", ")}
}

var (
	idType   = reflect.TypeOf(db.ID(0))
	timeType = reflect.TypeOf(time.Time{})
)

// setField parses vals into f; it returns a message key on failure.
func setField(f reflect.Value, vals []string, enum string) string {
	if f.Kind() == reflect.Pointer {
		p := reflect.New(f.Type().Elem())
		if key := setField(p.Elem(), vals, enum); key != "" {
			return key
		}
		f.Set(p)
		return ""
	}
	s := strings.TrimSpace(vals[len(vals)-1])
	switch {
	case f.Type() == idType:
		id, err := db.ParseID(s)
		if err != nil {
			return "validate.id"
		}
		f.Set(reflect.ValueOf(id))
	case f.Type() == timeType:
		t, err := ParseTime(s)
		if err != nil {
			return "validate.date"
		}
		f.Set(reflect.ValueOf(t))
	case f.Kind() == reflect.String:
		if enum != "" && !inEnum(s, enum) {
			return "validate.one_of"
		}
		f.SetString(s)
	case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
		var out []string
		for _, v := range vals {
			for _, part := range strings.Split(v, ",") {
				if part = strings.TrimSpace(part); part != "" {
					if enum != "" && !inEnum(part, enum) {
						return "validate.one_of"
					}
					out = append(out, part)
				}
			}
		}
		sl := reflect.MakeSlice(f.Type(), len(out), len(out))
		for i, s := range out {
			sl.Index(i).SetString(s)
		}
		f.Set(sl)
	case f.Kind() == reflect.Int || f.Kind() == reflect.Int64:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return "validate.int"
		}
		f.SetInt(n)
	case f.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return "validate.bool"
		}
		f.SetBool(b)
	default:
		panic("api: unsupported query field type " + f.Type().String())
	}
	return ""
}

func inEnum(s, enum string) bool {
	for _, e := range strings.Split(enum, ",") {
		if e == s {
			return true
		}
	}
	return false
}

// ParseTime reads a date (2006-01-02, midnight China time) or an RFC 3339 time.
func ParseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.ParseInLocation("2006-01-02", s, clock.China)
}

// ParseDue reads a due day: a date (2006-01-02) is due by the end of that day, China time
// (the next midnight, see clock.EndOfDay); an RFC 3339 time is kept as given.
func ParseDue(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, clock.China)
	if err != nil {
		return time.Time{}, err
	}
	return clock.EndOfDay(t), nil
}
