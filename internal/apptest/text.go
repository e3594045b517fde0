package apptest

import (
	"html"
	"regexp"
	"strings"
)

var (
	// hiddenRE finds what a page does not show as text, and a record shown raw on purpose
	// (an element marked data-raw, such as an audit entry's detail).
	hiddenRE = regexp.MustCompile(`(?is)<(script|style|template|datalist)\b.*?</(script|style|template|datalist)>|<head\b.*?</head>|<pre data-raw>.*?</pre>`)
	tagRE    = regexp.MustCompile(`(?s)<[^>]*>`)
	// codeRE finds words that read as codes rather than language: a message key or an
	// audit action ("hazard.notice.report", "session.create"), an operation id
	// ("updateRiskPoint") or a record kind ("risk_point").
	codeRE = regexp.MustCompile(`\b[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+\b|\b[a-z]+(?:[A-Z][a-z]+)+\b|\b[a-z]+_[a-z_]+\b`)
)

// VisibleText is the text a person reads on an HTML page: no markup, attributes,
// scripts or the document head, entities decoded, whitespace collapsed.
func VisibleText(page []byte) string {
	s := hiddenRE.ReplaceAllString(string(page), " ")
	s = tagRE.ReplaceAllString(s, " ")
	return strings.Join(strings.Fields(html.UnescapeString(s)), " ")
}

// RawCodes lists the words of a page's visible text that look like codes or message keys
// instead of words of the reader's language. Addresses, e-mail domains and file names
// with a known extension are not codes.
func RawCodes(page []byte) []string {
	var out []string
	for _, m := range codeRE.FindAllString(VisibleText(page), -1) {
		switch {
		case strings.HasSuffix(m, ".png"), strings.HasSuffix(m, ".pdf"), strings.HasSuffix(m, ".xlsx"), strings.HasSuffix(m, ".jpg"),
			strings.HasSuffix(m, ".com"), strings.HasSuffix(m, ".cn"):
			continue
		}
		out = append(out, m)
	}
	return out
}
