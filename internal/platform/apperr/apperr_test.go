package apperr

import (
	"errors"
	"strings"
	"testing"
)

// Text refuses a required field missing on creation or blank at any time, and a field
// longer than its maximum once trimmed; an absent field of a change is left alone.
func TestValidation_Text(t *testing.T) {
	str := func(s string) *string { return &s }
	for _, c := range []struct {
		name               string
		s                  *string
		creating, required bool
		want               string // the rule broken, "" for none
	}{
		{"required, missing on creation", nil, true, true, "validate.required"},
		{"required, missing in a change", nil, false, true, ""},
		{"required, blank in a change", str("  "), false, true, "validate.required"},
		{"optional, missing on creation", nil, true, false, ""},
		{"optional, blank", str(""), true, false, ""},
		{"at the maximum once trimmed", str(" 五个汉字啊 "), true, true, ""},
		{"past the maximum", str("六个汉字啊啊"), false, false, "validate.max_len"},
	} {
		v := Validation{}
		v.Text("name", c.s, c.creating, c.required, 5)
		got := ""
		if len(v.Fields) > 0 {
			got = v.Fields[0].Key
			if v.Fields[0].Field != "name" || len(v.Fields) > 1 {
				t.Errorf("%s: %+v", c.name, v.Fields)
			}
			if got == "validate.max_len" && v.Fields[0].Args["max"] != 5 {
				t.Errorf("%s: args %v", c.name, v.Fields[0].Args)
			}
		}
		if got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// RenameFields reports a callee's field errors under the caller's names and passes an
// error without fields on as it is.
func TestRenameFields(t *testing.T) {
	v := Validation{}
	v.Add("attachments", "validate.required", nil)
	v.Add("title", "validate.too_long", E{"max": 100})
	got := RenameFields(v.Err(), func(f string) string { return "results[2]." + f })
	var e *Error
	if !errors.As(got, &e) || e.Code != Invalid || len(e.Fields) != 2 ||
		e.Fields[0].Field != "results[2].attachments" || e.Fields[1].Field != "results[2].title" || e.Fields[1].Args["max"] != 100 {
		t.Errorf("renamed: %v", got)
	}
	plain := NotFoundf("risk_point")
	if RenameFields(plain, strings.ToUpper) != plain || RenameFields(nil, strings.ToUpper) != nil {
		t.Error("an error without fields (or none) is not passed on unchanged")
	}
}
