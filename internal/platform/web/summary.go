package web

import (
	"bytes"
	"html"
	"slices"
	"strings"

	nethtml "golang.org/x/net/html"

	"github.com/safeduty/safeduty/internal/platform/i18n"
)

// The error summary of a refused form (the "form-errors" partial) lists every field
// error as a link to its field, labelled as the form labels it, in the order the form
// shows them. The partial renders the summary's heading and the messages FieldErrors
// gave; once the page is rendered, fillErrorSummary reads the form's fields (a ".field"
// element, its <label> or <legend>, its control and its "field-error" message) and
// writes the list, so every form gets it without naming its labels twice. A message
// that no field on the page shows stays in the list, as text.

// summaryMarker is the attribute of the summary element the partial renders.
const summaryMarker = "data-error-summary"

// summaryItem is one line of the summary.
type summaryItem struct {
	target  string   // the id of the control to focus; "" when there is none
	label   string   // the field's label; "" when it has none
	names   []string // the names of the field's controls
	message string
}

// summaryEntry is one message the partial listed: the field it is about and the text.
type summaryEntry struct {
	field, message string
	used           bool
}

// formField is a ".field" element as the scan meets it.
type formField struct {
	label    strings.Builder
	labelled bool   // its first <label> or <legend> has been read
	forID    string // that label's for attribute
	firstID  string // the id of its first control
	names    []string
}

func (f *formField) target() string {
	if f.forID != "" {
		return f.forID
	}
	return f.firstID
}

func (f *formField) labelText() string {
	s := strings.Join(strings.Fields(f.label.String()), " ")
	return strings.TrimRight(s, ":：*＊ ")
}

// openElem is one element on the scan's stack.
type openElem struct {
	tag     string
	field   *formField // set when the element is a ".field"
	hidden  bool       // aria-hidden or a hint: not part of a label's words
	summary bool
}

var voidElements = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true,
	"img": true, "input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true}

// summaryScan is what one pass over a rendered page finds.
type summaryScan struct {
	stack          []openElem
	inStart, inEnd int // the summary's inner bytes
	entries        []summaryEntry
	items          []summaryItem
	errText        *strings.Builder // the field-error being read
	errField       *formField
	entryText      *strings.Builder // the summary entry being read
	entryField     string
	labelOf        *formField // the field whose label is being read
}

func (s *summaryScan) innermost() *formField {
	for i := len(s.stack) - 1; i >= 0; i-- {
		if s.stack[i].field != nil {
			return s.stack[i].field
		}
	}
	return nil
}

func (s *summaryScan) within(pred func(openElem) bool) bool {
	return slices.ContainsFunc(s.stack, pred)
}

func (s *summaryScan) start(tag string, attrs map[string]string, end int, void bool) {
	classes := strings.Fields(attrs["class"])
	e := openElem{tag: tag, hidden: attrs["aria-hidden"] == "true" || slices.Contains(classes, "hint")}
	if _, ok := attrs[summaryMarker]; ok && s.inStart < 0 {
		e.summary = true
		s.inStart = end
	}
	if slices.Contains(classes, "field") {
		e.field = &formField{}
	}
	f := s.innermost()
	switch {
	case tag == "label" || tag == "legend":
		if f != nil && !f.labelled && s.labelOf == nil {
			s.labelOf = f
			if tag == "label" {
				f.forID = attrs["for"]
			}
		}
	case tag == "input" || tag == "select" || tag == "textarea":
		if typ := attrs["type"]; f != nil && typ != "hidden" && typ != "submit" && typ != "button" {
			if f.firstID == "" {
				f.firstID = attrs["id"]
			}
			f.names = append(f.names, attrs["name"])
		}
	case tag == "p" && slices.Contains(classes, "field-error") && !s.within(func(e openElem) bool { return e.summary }):
		s.errText, s.errField = &strings.Builder{}, f
	case tag == "li" && s.within(func(e openElem) bool { return e.summary }):
		if fld, ok := attrs["data-field"]; ok {
			s.entryText, s.entryField = &strings.Builder{}, fld
		}
	}
	if !void {
		s.stack = append(s.stack, e)
	}
}

func (s *summaryScan) end(tag string, at int) {
	i := len(s.stack) - 1
	for i >= 0 && s.stack[i].tag != tag {
		i--
	}
	if i < 0 {
		return // a stray end tag
	}
	for _, e := range s.stack[i:] {
		if e.summary {
			s.inEnd = at
		}
	}
	s.stack = s.stack[:i]
	switch {
	case (tag == "label" || tag == "legend") && s.labelOf != nil:
		s.labelOf.labelled = true
		s.labelOf = nil
	case tag == "p" && s.errText != nil:
		it := summaryItem{message: strings.Join(strings.Fields(s.errText.String()), " ")}
		if f := s.errField; f != nil {
			it.target, it.label, it.names = f.target(), f.labelText(), slices.Clone(f.names)
		}
		if it.message != "" {
			s.items = append(s.items, it)
		}
		s.errText, s.errField = nil, nil
	case tag == "li" && s.entryText != nil:
		s.entries = append(s.entries, summaryEntry{field: s.entryField, message: strings.Join(strings.Fields(s.entryText.String()), " ")})
		s.entryText = nil
	}
}

func (s *summaryScan) text(t string) {
	if s.errText != nil {
		s.errText.WriteString(t)
	}
	if s.entryText != nil {
		s.entryText.WriteString(t)
	}
	if s.labelOf != nil && !s.within(func(e openElem) bool { return e.hidden }) {
		s.labelOf.label.WriteString(t)
	}
}

// fillErrorSummary writes the list of the page's error summary; a page without one, or
// whose summary names no field, is returned as it is.
func fillErrorSummary(page []byte, loc i18n.Localizer) []byte {
	if !bytes.Contains(page, []byte(summaryMarker)) {
		return page
	}
	s := summaryScan{inStart: -1, inEnd: -1}
	z := nethtml.NewTokenizer(bytes.NewReader(page))
	offset := 0
	for {
		tt := z.Next()
		if tt == nethtml.ErrorToken {
			break
		}
		raw := string(z.Raw()) // copied: TagName and TagAttr below reuse the buffer
		switch tt {
		case nethtml.StartTagToken, nethtml.SelfClosingTagToken:
			name, more := z.TagName()
			attrs := map[string]string{}
			for more {
				var k, v []byte
				k, v, more = z.TagAttr()
				attrs[string(k)] = string(v)
			}
			tag := string(name)
			s.start(tag, attrs, offset+len(raw), tt == nethtml.SelfClosingTagToken || voidElements[tag])
		case nethtml.EndTagToken:
			name, _ := z.TagName()
			s.end(string(name), offset)
		case nethtml.TextToken:
			s.text(html.UnescapeString(raw))
		}
		offset += len(raw)
	}
	if s.inStart < 0 || s.inEnd < s.inStart || len(s.entries) == 0 {
		return page
	}
	// Each field's message takes the partial's entry for the same input, or else the one
	// with the same words; the entries left are messages no field shows.
	list := s.items
	for i := range list {
		j := slices.IndexFunc(s.entries, func(e summaryEntry) bool { return !e.used && slices.Contains(list[i].names, e.field) })
		if j < 0 {
			j = slices.IndexFunc(s.entries, func(e summaryEntry) bool { return !e.used && e.message == list[i].message })
		}
		if j >= 0 {
			s.entries[j].used = true
		}
	}
	for _, e := range s.entries {
		if !e.used {
			list = append(list, summaryItem{message: e.message})
		}
	}
	var b bytes.Buffer
	b.WriteString(`<p class="error-summary-title" data-count-text="`)
	b.WriteString(html.EscapeString(loc.T("error.invalid_fields", "n", "{n}")))
	b.WriteString(`" data-none-text="`)
	b.WriteString(html.EscapeString(loc.T("form.errors_fixed")))
	b.WriteString(`">`)
	b.WriteString(html.EscapeString(loc.T("error.invalid_fields", "n", len(list))))
	b.WriteString(`</p><ul class="error-summary-list">`)
	for _, it := range list {
		text := it.message
		if it.label != "" {
			text = loc.T("form.error_item", "label", it.label, "message", it.message)
		}
		if it.target != "" {
			b.WriteString(`<li><a href="#` + html.EscapeString(it.target) + `" data-target="` + html.EscapeString(it.target) + `">`)
			b.WriteString(html.EscapeString(text))
			b.WriteString(`</a></li>`)
		} else {
			b.WriteString(`<li>` + html.EscapeString(text) + `</li>`)
		}
	}
	b.WriteString(`</ul>`)
	out := make([]byte, 0, len(page)+b.Len())
	out = append(out, page[:s.inStart]...)
	out = append(out, b.Bytes()...)
	return append(out, page[s.inEnd:]...)
}
