package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/input"
)

// badText walks the JSON document body and refuses the first string, key or value,
// that is not text, naming its path ("title", "items[2].name"). encoding/json would
// turn a bad byte or a lone surrogate escape into U+FFFD without a word, and keeps a
// NUL (written \u0000) that PostgreSQL then refuses; so each string is checked in its
// raw form: invalid UTF-8, or a U+FFFD the decoder made that the raw text does not
// hold, breaks input.RuleUTF8; a NUL breaks input.RuleNUL. A document that does not
// parse is left to the decoder to report.
func badText(body []byte) error {
	type frame struct {
		object  bool
		key     string // the current key of an object
		index   int    // the current index of an array
		wantKey bool   // an object's next string is a key
	}
	var stack []frame
	// path names the current value, or the key of the innermost object when key is set.
	path := func(key string) string {
		var b strings.Builder
		for i, f := range stack {
			if key != "" && i == len(stack)-1 {
				break
			}
			if f.object {
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(f.key)
			} else {
				fmt.Fprintf(&b, "[%d]", f.index)
			}
		}
		if key != "" {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(key)
		}
		return input.Printable(b.String())
	}
	refuse := func(field, rule string) error {
		v := apperr.Validation{}
		v.Add(field, rule, nil)
		return badRequest(v)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		var top *frame
		if len(stack) > 0 {
			top = &stack[len(stack)-1]
		}
		closing := false
		if d, ok := tok.(json.Delim); ok {
			closing = d == '}' || d == ']'
		}
		if top != nil && top.object && top.wantKey && !closing {
			key, _ := tok.(string)
			if rule := rawText(body[start:dec.InputOffset()], key); rule != "" {
				return refuse(path(key), rule)
			}
			top.key, top.wantKey = key, false
			continue
		}
		if closing {
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				return nil
			}
			if p := &stack[len(stack)-1]; p.object {
				p.wantKey = true
			}
			continue
		}
		// A value of the innermost container, or the start of one.
		if top != nil && !top.object {
			top.index++
		}
		if s, ok := tok.(string); ok {
			if rule := rawText(body[start:dec.InputOffset()], s); rule != "" {
				return refuse(path(""), rule)
			}
		}
		if d, ok := tok.(json.Delim); ok {
			stack = append(stack, frame{object: d == '{', index: -1, wantKey: d == '{'})
			continue
		}
		if top != nil && top.object {
			top.wantKey = true
		}
	}
}

// rawText checks one string token: raw is its JSON text (with the punctuation and
// spaces since the previous token), s what the decoder made of it.
func rawText(raw []byte, s string) string {
	if !utf8.Valid(raw) {
		return input.RuleUTF8
	}
	if strings.IndexByte(s, 0) >= 0 {
		return input.RuleNUL
	}
	if made := strings.Count(s, "\uFFFD"); made > 0 {
		lower := bytes.ToLower(raw)
		written := bytes.Count(raw, []byte("\uFFFD")) + bytes.Count(lower, []byte(`\ufffd`)) - bytes.Count(lower, []byte(`\\ufffd`))
		if made > written {
			return input.RuleUTF8
		}
	}
	return ""
}

// failingField names the top-level field of a JSON object whose value the type of the
// struct dst points to refuses (time.Time's own parser, for one, says nothing of the
// field): each field is decoded alone into a fresh value of its type. It returns nil
// when no single field is to blame.
func failingField(body []byte, dst any) error {
	rt := reflect.TypeOf(dst)
	if rt == nil || rt.Kind() != reflect.Pointer || rt.Elem().Kind() != reflect.Struct {
		return nil
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil {
		return nil
	}
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		ft, ok := jsonField(rt.Elem(), name)
		if !ok {
			continue
		}
		err := json.Unmarshal(fields[name], reflect.New(ft).Interface())
		if err == nil {
			continue
		}
		var (
			timeErr *time.ParseError
			typeErr *json.UnmarshalTypeError
		)
		v := apperr.Validation{}
		switch {
		case errors.As(err, &timeErr) || (ft == timeType || ft == reflect.PointerTo(timeType)):
			v.Add(name, "input.time", nil)
		case errors.As(err, &typeErr):
			v.Add(name, "validate.type", apperr.E{"type": typeErr.Type.String()})
		default:
			return nil
		}
		return badRequest(v)
	}
	return nil
}

// jsonField returns the type of the field of struct type rt that JSON names name,
// looking into embedded structs as encoding/json does.
func jsonField(rt reflect.Type, name string) (reflect.Type, bool) {
	for i := 0; i < rt.NumField(); i++ {
		f := rt.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == "-" {
			continue
		}
		if f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct {
			if t, ok := jsonField(f.Type, name); ok {
				return t, true
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if tag == "" {
			tag = f.Name
		}
		if strings.EqualFold(tag, name) {
			return f.Type, true
		}
	}
	return nil, false
}
