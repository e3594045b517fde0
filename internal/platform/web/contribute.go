package web

import (
	"crypto/sha256"
	"encoding/hex"
	"html/template"
	"io/fs"
	"slices"
	"strings"
)

// What a capability contributes to every page besides its own pages: its stylesheet,
// and the template parts that pages of other capabilities show (an enterprise's color
// badge on a risk point's page). Both stay in the capability's folder, embedded there.

// AddStylesheet adds a capability's stylesheet (file in fsys, its own embedded files):
// the layout links it after the kit's app.css on every page, as /static/css/<name>.css,
// fingerprinted and cached like the kit's own files. One stylesheet per capability:
// app.css keeps the tokens, the layout and the parts every page shares, a capability's
// file the rules of its own pages. It panics (at start-up) when the file is missing or
// the name is taken.
func (s *Site) AddStylesheet(name string, fsys fs.FS, file string) {
	b, err := fs.ReadFile(fsys, file)
	if err != nil {
		panic(err)
	}
	path := "css/" + name + ".css"
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.assets[path]; taken || name == "" || strings.ContainsAny(name, "/.") {
		panic("web: stylesheet name " + name + " is taken or not a plain name")
	}
	sum := sha256.Sum256(b)
	s.assets[path] = hex.EncodeToString(sum[:6])
	s.extra[path] = b
	s.stylesheets = append(s.stylesheets, path)
}

// Stylesheets returns the static paths of the contributed stylesheets, in the order they
// were added (the layout links each with Asset).
func (s *Site) Stylesheets() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.stylesheets)
}

// AddPartials adds template parts that the pages of several capabilities show to the
// layout every page template starts from (MustParse): a capability contributes the
// parts of its records that others display. Pages parsed before it do not have them,
// so the wiring calls the owner's Pages before the pages that use its parts. A part
// named like one already there is a programming error: it panics (at start-up).
func (s *Site) AddPartials(fsys fs.FS, files ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			panic(err)
		}
		probe := template.Must(template.New(f).Funcs(s.funcs(s.baseLoc())).Parse(string(b)))
		for _, t := range probe.Templates() {
			if t.Name() != f && s.base.Lookup(t.Name()) != nil {
				panic("web: partial " + t.Name() + " of " + f + " is already defined")
			}
		}
		template.Must(s.base.New(f).Parse(string(b)))
	}
}
