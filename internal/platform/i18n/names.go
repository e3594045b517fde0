package i18n

import "strings"

// Name is a code of a reference table the database holds (an industry: `gas`,
// `special_equipment`) used as a placeholder or an export cell: it shows as the code's
// name in the reader's language (城镇燃气, Town gas), or as the code itself when no name
// is known.
type Name struct{ Kind, Code string }

// Names is a list of codes of one kind, shown as their names joined in the reader's
// language ("、" in Chinese, ", " in English).
type Names struct {
	Kind  string
	Codes []string
}

// KindIndustry is the kind of the industries' names (行业领域).
const KindIndustry = "industry"

// Industry is the Name of an industry code.
func Industry(code string) Name { return Name{Kind: KindIndustry, Code: code} }

// Industries is the Names of industry codes.
func Industries(codes []string) Names { return Names{Kind: KindIndustry, Codes: codes} }

// SetNames replaces the names of kind's codes, each with its name per language; the
// application loads them from the database at start-up.
func (c *Catalog) SetNames(kind string, names map[string]map[Lang]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.names == nil {
		c.names = map[string]map[string]map[Lang]string{}
	}
	c.names[kind] = names
}

// Name returns the name of kind's code in lang: the default language's when lang has
// none, the code itself when the code has no name.
func (c *Catalog) Name(lang Lang, kind, code string) string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	n := c.names[kind][code]
	if s := n[lang]; s != "" {
		return s
	}
	if s := n[Zh]; s != "" {
		return s
	}
	return code
}

func (c *Catalog) namesText(lang Lang, v Names) string {
	parts := make([]string, len(v.Codes))
	for i, code := range v.Codes {
		parts[i] = c.Name(lang, v.Kind, code)
	}
	return join(lang, parts)
}

// join joins the parts of a list as the language writes one.
func join(lang Lang, parts []string) string {
	sep := ", "
	if lang == Zh {
		sep = "、"
	}
	return strings.Join(parts, sep)
}

// Name returns the name of kind's code in the localizer's language.
func (l Localizer) Name(kind, code string) string { return l.Catalog.Name(l.Lang, kind, code) }

// Text is a value that writes itself in the reader's language (a label built from parts).
type Text func(Localizer) string

// Value renders a placeholder or cell value that needs the reader's language (Key, Keys,
// Name, Names, Text) as text; ok is false for any other value.
func (l Localizer) Value(v any) (text string, ok bool) {
	switch v := v.(type) {
	case Text:
		return v(l), true
	case Key:
		return l.T(string(v)), true
	case Keys:
		parts := make([]string, len(v))
		for i, k := range v {
			parts[i] = l.T(string(k))
		}
		return join(l.Lang, parts), true
	case Name:
		return l.Catalog.Name(l.Lang, v.Kind, v.Code), true
	case Names:
		return l.Catalog.namesText(l.Lang, v), true
	}
	return "", false
}
