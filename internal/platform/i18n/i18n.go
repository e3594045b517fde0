// Package i18n is SafeDuty's message catalog. Every user-facing string is a key with a
// Chinese (default) and an English text. The platform and each capability register their
// own messages/zh.json and messages/en.json; a test fails when a key is missing in either.
package i18n

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"golang.org/x/text/language"
)

// Lang is a supported language.
type Lang string

// The supported languages; Chinese is the default.
const (
	Zh Lang = "zh"
	En Lang = "en"
)

// Langs lists the supported languages, default first.
var Langs = []Lang{Zh, En}

// Key is a message key used as a placeholder value: it is translated before insertion.
type Key string

// Keys is a list of message keys used as one placeholder value: each is translated and
// the list joined in the reader's language ("、" in Chinese, ", " in English).
type Keys []Key

// Catalog holds messages per language.
type Catalog struct {
	mu    sync.RWMutex
	msgs  map[Lang]map[string]string
	names map[string]map[string]map[Lang]string // kind -> code -> language -> name (names.go)
}

// NewCatalog returns an empty catalog.
func NewCatalog() *Catalog {
	c := &Catalog{msgs: map[Lang]map[string]string{}}
	for _, l := range Langs {
		c.msgs[l] = map[string]string{}
	}
	return c
}

// Default is the process-wide catalog that packages register into at init.
var Default = NewCatalog()

// Load adds dir/zh.json and dir/en.json from fsys. A key defined twice is an error.
func (c *Catalog) Load(fsys fs.FS, dir string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, l := range Langs {
		b, err := fs.ReadFile(fsys, dir+"/"+string(l)+".json")
		if err != nil {
			return err
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("%s/%s.json: %w", dir, l, err)
		}
		for k, v := range m {
			if _, dup := c.msgs[l][k]; dup {
				return fmt.Errorf("message %q defined twice (%s)", k, l)
			}
			c.msgs[l][k] = v
		}
	}
	return nil
}

// MustRegister loads a package's messages into Default, panicking on error (at init).
func MustRegister(fsys fs.FS, dir string) {
	if err := Default.Load(fsys, dir); err != nil {
		panic(err)
	}
}

// T returns the text of key in lang with {name} placeholders filled from args. A missing
// key falls back to the other language, then to the key itself (tests catch both).
func (c *Catalog) T(lang Lang, key string, args map[string]any) string {
	c.mu.RLock()
	s, ok := c.msgs[lang][key]
	if !ok {
		s, ok = c.msgs[Zh][key]
	}
	c.mu.RUnlock()
	if !ok {
		s = key
	}
	if len(args) == 0 || !strings.Contains(s, "{") {
		return s
	}
	pairs := make([]string, 0, 2*len(args))
	for k, v := range args {
		var text string
		switch v := v.(type) {
		case Key:
			text = c.T(lang, string(v), nil)
		case Keys:
			parts := make([]string, len(v))
			for i, k := range v {
				parts[i] = c.T(lang, string(k), nil)
			}
			text = join(lang, parts)
		case Name:
			text = c.Name(lang, v.Kind, v.Code)
		case Names:
			text = c.namesText(lang, v)
		case fmt.Stringer:
			text = v.String()
		default:
			text = fmt.Sprint(v)
		}
		pairs = append(pairs, "{"+k+"}", text)
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// Has reports whether key exists in every language.
func (c *Catalog) Has(key string) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	for _, l := range Langs {
		if _, ok := c.msgs[l][key]; !ok {
			return false
		}
	}
	return true
}

// Missing lists "lang:key" for every key present in one language but not another.
func (c *Catalog) Missing() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var out []string
	for _, a := range Langs {
		for k := range c.msgs[a] {
			for _, b := range Langs {
				if _, ok := c.msgs[b][k]; !ok {
					out = append(out, string(b)+":"+k)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// Keys returns every key of the default language, sorted.
func (c *Catalog) Keys() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]string, 0, len(c.msgs[Zh]))
	for k := range c.msgs[Zh] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var matcher = language.NewMatcher([]language.Tag{language.Chinese, language.English})

// Parse returns the supported language named by s ("zh", "en", "zh-CN", "en-US"…), or Zh.
func Parse(s string) Lang {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case strings.HasPrefix(s, "en"):
		return En
	default:
		return Zh
	}
}

// Negotiate picks a language from an Accept-Language header; Chinese when nothing matches.
func Negotiate(acceptLanguage string) Lang {
	if acceptLanguage == "" {
		return Zh
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return Zh
	}
	_, idx, conf := matcher.Match(tags...)
	if conf == language.No {
		return Zh
	}
	if idx == 1 {
		return En
	}
	return Zh
}

// Localizer is a catalog bound to one language, handed to templates and handlers.
type Localizer struct {
	Lang    Lang
	Catalog *Catalog
}

// T translates key with optional alternating name/value pairs: T("x", "n", 3).
func (l Localizer) T(key string, kv ...any) string {
	var args map[string]any
	if len(kv) > 1 {
		args = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			args[fmt.Sprint(kv[i])] = kv[i+1]
		}
	}
	return l.Catalog.T(l.Lang, key, args)
}

// TArgs translates key with an argument map.
func (l Localizer) TArgs(key string, args map[string]any) string {
	return l.Catalog.T(l.Lang, key, args)
}

type ctxKey struct{}

// WithLang returns a context whose requests are answered in lang.
func WithLang(ctx context.Context, lang Lang) context.Context {
	return context.WithValue(ctx, ctxKey{}, lang)
}

// FromContext returns a Localizer for the request's language (Chinese by default).
func FromContext(ctx context.Context) Localizer {
	lang, ok := ctx.Value(ctxKey{}).(Lang)
	if !ok {
		lang = Zh
	}
	return Localizer{Lang: lang, Catalog: Default}
}
