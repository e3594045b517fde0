package web

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/safeduty/safeduty/internal/platform/apperr"
	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// summaryForm is a refused form as the pages write one: the summary partial above, fields
// with a label (a required mark and a hint that are not part of it), a fieldset of radios
// with a legend, a message outside any field, and one field whose input is named
// differently from its error ("attachments" shown at the input "files").
const summaryForm = `{{define "title"}}表单{{end}}{{define "content"}}{{$e := .Data.Fields}}
{{template "form-errors" (dict "Message" .Data.Message "Fields" $e)}}
<form method="post" action="/things">
  <input type="hidden" name="csrf_token" value="t">
  <div class="field{{if index $e "title"}} has-error{{end}}">
    <label for="title">标题 <span class="req" aria-hidden="true">*</span></label>
    <input type="text" id="title" name="title">
    <p class="hint">不超过 100 字</p>
    {{template "field-error" (index $e "title")}}
  </div>
  <fieldset class="field">
    <legend>类别 <span class="req" aria-hidden="true">*</span></legend>
    <label><input type="radio" id="category-a" name="category" value="a"><span>甲</span></label>
    <label><input type="radio" name="category" value="b"><span>乙</span></label>
    {{template "field-error" (index $e "category")}}
  </fieldset>
  <div class="field file-field">
    <label for="files">照片</label>
    <input type="file" id="files" name="files">
    {{template "field-error" (index $e "attachments")}}
  </div>
  {{template "field-error" (index $e "grid_id")}}
</form>{{end}}`

func renderSummary(t *testing.T, err error, lang i18n.Lang) string {
	t.Helper()
	s := NewSite(http.NewServeMux(), nil, nil, nil)
	tpl := s.MustParse(fstest.MapFS{"form.html": {Data: []byte(summaryForm)}}, "form.html")
	r := httptest.NewRequest("POST", "/things", nil)
	r = r.WithContext(i18n.WithLang(r.Context(), lang))
	fields, msg, ok := FieldErrors(r, err)
	if !ok {
		t.Fatalf("FieldErrors: not a form error: %v", err)
	}
	w := httptest.NewRecorder()
	if err := s.RenderStatus(w, r, http.StatusUnprocessableEntity, tpl, map[string]any{"Message": msg, "Fields": fields}); err != nil {
		t.Fatal(err)
	}
	return w.Body.String()
}

var summaryRE = regexp.MustCompile(`(?s)<div class="alert error-summary"[^>]*>(.*?)</div>`)

// summaryLines is the summary's heading and items, as "text → target".
func summaryLines(t *testing.T, page string) []string {
	t.Helper()
	m := summaryRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no error summary on the page:\n%s", page)
	}
	var out []string
	for _, li := range regexp.MustCompile(`<p class="error-summary-title"[^>]*>([^<]*)</p>|<li>(?:<a href="#([^"]*)"[^>]*>([^<]*)</a>|([^<]*))</li>`).FindAllStringSubmatch(m[1], -1) {
		switch {
		case li[1] != "":
			out = append(out, li[1])
		case li[2] != "":
			out = append(out, li[3]+" → #"+li[2])
		default:
			out = append(out, li[4])
		}
	}
	return out
}

// A refused form's summary lists every field error, in the form's order, as a link to the
// field's control with the field's label; a message no field shows is listed as text; the
// count is the list's length.
func TestErrorSummary_ListsEveryFieldWithItsLabel(t *testing.T) {
	v := apperr.Validation{}
	v.Add("grid_id", "validate.required", nil)
	v.Add("attachments", "validate.max_len", apperr.E{"max": 9})
	v.Add("category", "validate.required", nil)
	v.Add("title", "validate.required", nil)
	v.Add("org_path", "validate.id", nil) // a field the form does not show
	page := renderSummary(t, v.Err(), i18n.Zh)
	want := []string{
		"有 5 处输入需要修改：",
		"标题：必填 → #title",
		"类别：必填 → #category-a",
		"照片：不能超过 9 个字符 → #files",
		"必填",      // grid_id: shown outside any field, so no label and no link
		"不是有效的编号", // org_path: shown nowhere but in the summary
	}
	if diff := cmp.Diff(want, summaryLines(t, page)); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	if !strings.Contains(page, `data-count-text="有 {n} 处输入需要修改："`) || !strings.Contains(page, `data-none-text="已全部改好，请再次提交。"`) {
		t.Errorf("the summary lacks the texts the script counts with")
	}
	if !strings.Contains(page, `role="alert" tabindex="-1"`) {
		t.Errorf("the summary is not an alert that can take the focus")
	}
	if strings.Contains(page, `<li data-field=`) {
		t.Errorf("the partial's plain entries were left beside the list")
	}

	en := summaryLines(t, renderSummary(t, v.Err(), i18n.En))
	if en[0] != "5 field(s) need correcting:" || en[1] != "标题: is required → #title" {
		t.Errorf("English summary: %q", en)
	}
}

// A refusal that is not about fields shows its message alone.
func TestErrorSummary_MessageWithoutFields(t *testing.T) {
	page := renderSummary(t, apperr.Conflictf("error.duplicate", nil), i18n.Zh)
	if got := summaryLines(t, page); len(got) != 1 || got[0] != "已存在相同的记录。" {
		t.Errorf("summary %q", got)
	}
}

// Markup in a message or label stays text.
func TestErrorSummary_EscapesText(t *testing.T) {
	page := []byte(`<div class="alert error-summary" data-error-summary><p class="error-summary-title">x</p><ul><li data-field="a">&lt;b&gt;</li></ul></div>` +
		`<div class="field"><label for="a">A&amp;B</label><input id="a" name="a"><p class="field-error">&lt;b&gt;</p></div>`)
	out := string(fillErrorSummary(page, i18n.Localizer{Lang: i18n.En, Catalog: i18n.Default}))
	if !strings.Contains(out, `<a href="#a" data-target="a">A&amp;B: &lt;b&gt;</a>`) || strings.Contains(out, "<b>") {
		t.Errorf("escaping:\n%s", out)
	}
}
