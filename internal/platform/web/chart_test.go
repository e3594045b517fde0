package web

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// cssColors reads app.css's color tokens as the file on disk declares them, declaration
// by declaration (not with the palette's own pattern), the first of a name winning.
func cssColors(t *testing.T) map[string]string {
	t.Helper()
	css, err := os.ReadFile(filepath.Join("static", "css", "app.css"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, decl := range strings.FieldsFunc(string(css), func(r rune) bool { return r == ';' || r == '{' || r == '}' }) {
		name, value, ok := strings.Cut(strings.TrimSpace(decl), ":")
		if value = strings.TrimSpace(value); ok && strings.HasPrefix(name, "--") && strings.HasPrefix(value, "#") && out[name[2:]] == "" {
			out[name[2:]] = value
		}
	}
	return out
}

// The palette is app.css's color tokens.
func TestPaletteIsTheStylesheetsTokens(t *testing.T) {
	want := cssColors(t)
	got := Palette()
	if len(want) < 20 || len(got) != len(want) {
		t.Errorf("palette has %d colors, app.css %d: %v", len(got), len(want), got)
	}
	for name, c := range want {
		if got[name] != c {
			t.Errorf("palette %s = %q, app.css says %q", name, got[name], c)
		}
	}
	if Color("brand") != want["brand"] || Color("c-red") != want["c-red"] {
		t.Errorf("Color(brand) = %s, Color(c-red) = %s", Color("brand"), Color("c-red"))
	}
	defer func() {
		if recover() == nil {
			t.Error("Color of a token app.css lacks did not panic")
		}
	}()
	Color("no-such-token")
}

var hexColor = regexp.MustCompile(`#[0-9a-fA-F]{6}\b|"#[0-9a-fA-F]{3}"`)

// Every color a chart's option holds is one of the palette's.
func TestChartsUseOnlyThePalette(t *testing.T) {
	bars := BarChart{Categories: strings.Split("a b c d e f g h i", " "), Stack: "s", ClickBase: "/x/", Bars: []Bar{
		{Name: "one", Color: "brand", Data: []int{1, 2}}, {Name: "two", Color: "r-major", Data: []int{3, 4}},
	}}.Option()
	donut := Donut{Total: "1,234", Label: "all", ClickBase: "/y?c=", Slices: []Slice{{ID: "g", Name: "G", Value: 3, Color: "c-green"}}}.Option()
	colors := map[string]bool{}
	for _, c := range Palette() {
		colors[c] = true
	}
	for name, opt := range map[string]map[string]any{"bars": bars, "donut": donut} {
		b, err := json.Marshal(opt)
		if err != nil {
			t.Fatal(err)
		}
		found := hexColor.FindAllString(string(b), -1)
		if len(found) < 4 {
			t.Errorf("%s: only %d colors in %s", name, len(found), b)
		}
		for _, c := range found {
			if !colors[strings.Trim(c, `"`)] {
				t.Errorf("%s holds %s, which is no token of app.css", name, c)
			}
		}
	}
	series := bars["series"].([]any)
	if s := series[1].(map[string]any); s["itemStyle"].(map[string]any)["color"] != Palette()["r-major"] || s["clickBase"] != "/x/" {
		t.Errorf("second bar = %v", s)
	}
	if rot := bars["xAxis"].(map[string]any)["axisLabel"].(map[string]any)["rotate"]; rot != 35 {
		t.Errorf("nine categories: labels turned %v, want 35", rot)
	}
}

// No Go file of the repository but the chart builder holds a color literal: a color is
// a token of app.css, which Color names.
func TestNoColorLiteralsInGo(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found: %v", err)
	}
	checked := 0
	err := filepath.Walk(root, func(p string, d os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "vendor" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		if rel == filepath.Join("internal", "platform", "web", "chart.go") || rel == filepath.Join("internal", "platform", "web", "chart_test.go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		checked++
		for i, line := range strings.Split(string(b), "\n") {
			if hexColor.MatchString(line) {
				t.Errorf("%s:%d holds a color literal (use web.Color with an app.css token): %s", rel, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Errorf("only %d Go files checked", checked)
	}
}
