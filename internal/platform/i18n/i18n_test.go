package i18n

import "testing"

func TestNegotiateAndTranslate(t *testing.T) {
	for h, want := range map[string]Lang{"": Zh, "en-US,en;q=0.9": En, "zh-CN,zh;q=0.9,en;q=0.8": Zh, "fr-FR": Zh, "de, en;q=0.5": En} {
		if got := Negotiate(h); got != want {
			t.Errorf("Negotiate(%q) = %s, want %s", h, got, want)
		}
	}
	c := NewCatalog()
	c.msgs[Zh]["x"] = "{what}不存在"
	c.msgs[En]["x"] = "no {what}"
	c.msgs[Zh]["object.grid"] = "网格"
	c.msgs[En]["object.grid"] = "grid"
	if got := c.T(En, "x", map[string]any{"what": Key("object.grid")}); got != "no grid" {
		t.Errorf("T = %q", got)
	}
	if got := c.T(Zh, "x", map[string]any{"what": Key("object.grid")}); got != "网格不存在" {
		t.Errorf("T = %q", got)
	}
	c.msgs[Zh]["only.zh"] = "中"
	if m := c.Missing(); len(m) != 1 || m[0] != "en:only.zh" {
		t.Errorf("Missing = %v", m)
	}
}
