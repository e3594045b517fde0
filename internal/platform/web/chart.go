package web

import (
	"fmt"
	"regexp"
	"sync"
)

// The charts' colors are app.css's tokens, read from the embedded stylesheet once: a chart
// and the page around it change together, and no Go file holds a color of its own.
var (
	paletteOnce sync.Once
	palette     map[string]string
	tokenRe     = regexp.MustCompile(`--([a-z0-9-]+):\s*(#[0-9a-fA-F]{3,8})\b`)
)

// Palette returns app.css's color tokens: each custom property whose value is a hex color
// ("--brand: #1456b8" is "brand" → "#1456b8"), the first definition of a name winning.
func Palette() map[string]string {
	paletteOnce.Do(func() {
		css, err := staticFiles.ReadFile("static/css/app.css")
		if err != nil {
			panic(err) // embedded: cannot happen
		}
		palette = map[string]string{}
		for _, m := range tokenRe.FindAllStringSubmatch(string(css), -1) {
			if _, ok := palette[m[1]]; !ok {
				palette[m[1]] = m[2]
			}
		}
	})
	return palette
}

// Color returns the color of app.css's token name ("brand", "c-red", "r-major"); a name
// the stylesheet lacks is a programming error.
func Color(token string) string {
	c, ok := Palette()[token]
	if !ok {
		panic(fmt.Sprintf("web.Color: app.css has no color token --%s", token))
	}
	return c
}

// Bar is one series of a bar chart: its legend name, its color token and one value per
// category (numbers, or {"value": n, "id": "…"} for a chart whose bars open a page).
type Bar struct {
	Name  string
	Color string // a color token of app.css
	Data  any
}

// BarChart is a stacked bar chart over categories (towns, groups).
type BarChart struct {
	Categories []string
	Stack      string
	// ClickBase, when set, makes a bar open ClickBase + the bar's id (app.js reads it).
	ClickBase string
	Bars      []Bar
}

// Option returns the chart's ECharts option, as the pages' chart element carries it:
// legend on top, category labels turned when there are more than eight.
func (c BarChart) Option() map[string]any {
	rotate := 0
	if len(c.Categories) > 8 {
		rotate = 35
	}
	series := make([]any, 0, len(c.Bars))
	for _, b := range c.Bars {
		s := map[string]any{"name": b.Name, "type": "bar", "stack": c.Stack, "data": b.Data,
			"barMaxWidth": 40, "itemStyle": map[string]any{"color": Color(b.Color)}}
		if c.ClickBase != "" {
			s["clickBase"], s["cursor"] = c.ClickBase, "pointer"
		}
		series = append(series, s)
	}
	return map[string]any{
		"tooltip": map[string]any{"trigger": "axis", "axisPointer": map[string]any{"type": "shadow"}},
		"legend":  map[string]any{"top": 0, "left": 0, "itemWidth": 12, "itemHeight": 12},
		"grid":    map[string]any{"left": 8, "right": 8, "top": 36, "bottom": 8, "containLabel": true},
		"xAxis": map[string]any{"type": "category", "data": c.Categories,
			"axisLabel": map[string]any{"interval": 0, "rotate": rotate, "color": Color("muted")},
			"axisLine":  map[string]any{"lineStyle": map[string]any{"color": Color("border-strong")}}, "axisTick": map[string]any{"show": false}},
		"yAxis": map[string]any{"type": "value", "minInterval": 1, "axisLabel": map[string]any{"color": Color("faint")},
			"splitLine": map[string]any{"lineStyle": map[string]any{"color": Color("neutral-bg")}}},
		"series": series,
	}
}

// Slice is one part of a donut.
type Slice struct {
	ID    string // what a click appends to the donut's ClickBase
	Name  string
	Value int
	Color string // a color token of app.css
}

// Donut is a ring of slices around a total.
type Donut struct {
	Total, Label string // the figure in the middle and the word under it
	// ClickBase, when set, makes a slice open ClickBase + the slice's id (app.js reads it).
	ClickBase string
	Slices    []Slice
}

// Option returns the donut's ECharts option.
func (d Donut) Option() map[string]any {
	data := make([]map[string]any, 0, len(d.Slices))
	for _, s := range d.Slices {
		data = append(data, map[string]any{"name": s.Name, "value": s.Value, "id": s.ID,
			"itemStyle": map[string]any{"color": Color(s.Color)}})
	}
	series := map[string]any{
		"type": "pie", "radius": []string{"54%", "78%"}, "center": []string{"50%", "50%"}, "avoidLabelOverlap": true,
		"padAngle":  1,
		"itemStyle": map[string]any{"borderColor": Color("surface"), "borderWidth": 2, "borderRadius": 4},
		"label":     map[string]any{"show": true, "formatter": "{c}", "fontSize": 13, "color": Color("text")},
		"labelLine": map[string]any{"length": 8, "length2": 6},
		"data":      data,
	}
	if d.ClickBase != "" {
		series["clickBase"], series["cursor"] = d.ClickBase, "pointer"
	}
	return map[string]any{
		"tooltip": map[string]any{"trigger": "item", "formatter": "{b}：{c}（{d}%）"},
		"title": map[string]any{"text": d.Total, "subtext": d.Label, "left": "center", "top": "40%",
			"textStyle":    map[string]any{"fontSize": 26, "fontWeight": 600, "color": Color("text")},
			"subtextStyle": map[string]any{"fontSize": 13, "color": Color("muted")}, "itemGap": 4},
		"series": []any{series},
	}
}
