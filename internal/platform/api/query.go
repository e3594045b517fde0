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
var listParams = []string{"page", "per_page", "sort", "format", "after", "count"}

// commonParams are accepted everywhere.
var commonParams = []string{"lang"}

// DecodeQuery fills the `query`-tagged fields of the struct dst points to from the query
// string (see DecodeValues for the field types). Unknown parameters are refused, so a
// misspelt filter never silently widens a list; so is any parameter that is not text (a
// NUL character or invalid UTF-8, see input.Text), before anything reads it.
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
		for k := range DecodeValues(q, dst, "query", &v) {
			known[k] = true
		}
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

// DecodeValues fills the fields of the struct dst points to that carry tag ("query" for
// a query string, "form" for a page form) from vals, descending into embedded structs,
// and returns the names it knows. A value its field's type refuses is a field error in v
// (validate.id, validate.date, validate.int, validate.bool, validate.one_of). Supported
// types: string, []string, int, int64, bool, db.ID, []db.ID, time.Time and pointers to
// them; a pointer stays nil when its name is absent or empty, so the same struct serves
// a filter and a PATCH. Tag options after the name:
//   - `enum:"a,b"` (a tag of its own) restricts a string's values;
//   - ",due" reads a date as a due day (the end of that day, ParseDue), else midnight;
//   - ",checkbox" makes an absent name false (an unticked box sends nothing).
//
// A query's lists may be comma-separated ("status=a,b"); a form's are repeated names,
// its numbers may be written grouped ("1,000"), and an empty text field of a form is a
// value (it clears the text) where a query ignores it.
func DecodeValues(vals url.Values, dst any, tag string, v *apperr.Validation) map[string]bool {
	known := map[string]bool{}
	decodeFields(reflect.ValueOf(dst).Elem(), vals, tag, known, v)
	return known
}

func decodeFields(rv reflect.Value, vals url.Values, tag string, known map[string]bool, v *apperr.Validation) {
	rt := rv.Type()
	for i := 0; i < rt.NumField(); i++ {
		f := rt.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			decodeFields(rv.Field(i), vals, tag, known, v)
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get(tag), ",")
		if name == "" || name == "-" {
			continue
		}
		known[name] = true
		o := fieldOpts{form: tag == "form", enum: f.Tag.Get("enum")}
		for _, opt := range strings.Split(opts, ",") {
			switch opt {
			case "due":
				o.due = true
			case "checkbox":
				o.checkbox = true
			}
		}
		got, ok := vals[name]
		if !ok || len(got) == 0 || (len(got) == 1 && got[0] == "") {
			switch {
			case o.checkbox && !ok:
				got = []string{"false"}
			case o.form && ok && isText(f.Type):
				got = []string{""}
			default:
				continue
			}
		}
		if err := setField(rv.Field(i), got, o); err != "" {
			v.Add(name, err, enumArgs(o.enum))
		}
	}
}

// fieldOpts are how one field reads its values.
type fieldOpts struct {
	enum          string
	form          bool // a page form (else a query string)
	due, checkbox bool
}

// isText reports whether t is a string or a pointer to one.
func isText(t reflect.Type) bool {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind() == reflect.String
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
func setField(f reflect.Value, vals []string, o fieldOpts) string {
	if f.Kind() == reflect.Pointer {
		p := reflect.New(f.Type().Elem())
		if key := setField(p.Elem(), vals, o); key != "" {
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
		parse := ParseTime
		if o.due {
			parse = ParseDue
		}
		t, err := parse(s)
		if err != nil {
			return "validate.date"
		}
		f.Set(reflect.ValueOf(t))
	case f.Kind() == reflect.String:
		if o.enum != "" && s != "" && !inEnum(s, o.enum) {
			return "validate.one_of"
		}
		f.SetString(s)
	case f.Kind() == reflect.Slice:
		parts := listParts(vals, !o.form)
		sl := reflect.MakeSlice(f.Type(), len(parts), len(parts))
		for i, part := range parts {
			if key := setField(sl.Index(i), []string{part}, o); key != "" {
				return key
			}
		}
		f.Set(sl)
	case f.Kind() == reflect.Int || f.Kind() == reflect.Int64:
		if o.form { // people write 1,000 or 1，000
			s = strings.NewReplacer(",", "", "，", "", " ", "").Replace(s)
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return "validate.int"
		}
		f.SetInt(n)
	case f.Kind() == reflect.Bool:
		if o.form && s == "on" { // a ticked checkbox without a value
			s = "true"
		}
		b, err := strconv.ParseBool(s)
		if err != nil {
			return "validate.bool"
		}
		f.SetBool(b)
	default:
		panic("api: unsupported field type " + f.Type().String())
	}
	return ""
}

// listParts splits a list's values: repeated names, and with commas also "a,b"; empty
// parts are dropped.
func listParts(vals []string, commas bool) []string {
	var out []string
	for _, v := range vals {
		parts := []string{v}
		if commas {
			parts = strings.Split(v, ",")
		}
		for _, part := range parts {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
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

// Due reads the required due day s of field into v's errors: given, a date or time
// (ParseDue), and later than after, else the message tooEarly. ok reports no error.
func Due(v *apperr.Validation, field, s string, after time.Time, tooEarly string) (t time.Time, ok bool) {
	t, err := ParseDue(strings.TrimSpace(s))
	switch {
	case s == "":
		v.Add(field, "validate.required", nil)
	case err != nil:
		v.Add(field, "validate.date", nil)
	case !t.After(after):
		v.Add(field, tooEarly, nil)
	default:
		return t, true
	}
	return t, false
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
