package auth

import (
	"strings"
	"testing"
	"unicode"
)

func TestPassword_HashAndVerify(t *testing.T) {
	h, err := HashPassword("correct horse 42")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash format: %s", h)
	}
	if ok, err := VerifyPassword(h, "correct horse 42"); !ok || err != nil {
		t.Errorf("right password: %v %v", ok, err)
	}
	if ok, _ := VerifyPassword(h, "correct horse 43"); ok {
		t.Error("wrong password verified")
	}
	h2, _ := HashPassword("correct horse 42")
	if h == h2 {
		t.Error("two hashes of one password are equal: salt not random")
	}
	if _, err := VerifyPassword("$2a$10$bcrypt", "x"); err == nil {
		t.Error("foreign hash format accepted")
	}
}

func TestScope_Conditions(t *testing.T) {
	s := Scope{Path: "/1/5/"}
	if !s.Contains("/1/5/23/") || s.Contains("/1/50/") || s.Contains("/1/") {
		t.Error("Contains is not a subtree test")
	}
	cond, args := s.PathCond("g.org_path")
	if cond != "(g.org_path >= ? AND g.org_path < ?)" || args[0] != "/1/5/" || args[1] != "/1/50" {
		t.Errorf("PathCond = %s %v", cond, args)
	}
	if cond, args := (Scope{Path: "/1/", Whole: true}).PathCond("x"); cond != "1 = 1" || len(args) != 0 {
		t.Errorf("the whole tree needs no path condition, got %s %v", cond, args)
	}
	if cond, _ := (Scope{}).PathCond("x"); cond != "1 = 0" {
		t.Errorf("empty scope must match nothing, got %s", cond)
	}
	if cond, _ := s.IndustryCond("e.industry"); cond != "" {
		t.Errorf("no industry restriction: %q", cond)
	}
	d := Scope{Path: "/1/", Industries: []string{}}
	if cond, _ := d.IndustryCond("e.industry"); cond != "1 = 0" {
		t.Errorf("department without industries must match nothing: %q", cond)
	}
	d.Industries = []string{"construction", "gas"}
	if cond, args := d.IndustryCond("e.industry"); cond != "e.industry IN (?, ?)" || len(args) != 2 {
		t.Errorf("IndustryCond = %s %v", cond, args)
	}
	if !d.AllowsIndustry("gas") || d.AllowsIndustry("mines") {
		t.Error("AllowsIndustry")
	}
}

func TestIndustryBound(t *testing.T) {
	if !industryBound([]Role{Department}) {
		t.Error("a department is bound to its industries")
	}
	if industryBound([]Role{Department, Leader}) || industryBound([]Role{Town}) {
		t.Error("a district-wide or territorial role is not industry-bound")
	}
}

func TestClientKey(t *testing.T) {
	for ip, want := range map[string]string{
		"203.0.113.7":             "203.0.113.7",
		"::ffff:203.0.113.7":      "203.0.113.7",
		"2001:db8:1:2::10":        "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::99":   "2001:db8:1:2::/64",
		"fe80::1%eth0":            "fe80::/64",
		"":                        "",
		"@unix-socket-peer":       "@unix-socket-peer",
		"2001:db8:1:3:0:0:0:0010": "2001:db8:1:3::/64",
	} {
		if got := ClientKey(ip); got != want {
			t.Errorf("ClientKey(%q) = %q, want %q", ip, got, want)
		}
	}
}

// One client must not be able to lock an account: the lockout threshold has to exceed
// the client's budget.
func TestConfig_CheckThrottle(t *testing.T) {
	if err := DefaultConfig().CheckThrottle(); err != nil {
		t.Errorf("defaults: %v", err)
	}
	c := DefaultConfig()
	c.LockoutThreshold = c.ClientLimit
	if err := c.CheckThrottle(); err == nil || !strings.Contains(err.Error(), "--lockout-threshold") {
		t.Errorf("threshold = client limit: %v", err)
	}
	c = DefaultConfig()
	c.ClientWindow = 0
	if err := c.CheckThrottle(); err == nil {
		t.Error("zero window accepted")
	}
}

func TestPasswordRules(t *testing.T) {
	for _, c := range []struct {
		pw       string
		personal []string
		want     string
	}{
		// Length, and letters mixed with digits.
		{"short1", nil, "validate.password_short"},
		{"onlyletterslong", nil, "validate.password_mix"},
		{"1234567890123", nil, "validate.password_mix"},
		{"letters-and-123", nil, ""},
		{"中文密码很长但是没有数字啊", nil, "validate.password_mix"},
		// The operators' and the demo's own passwords stay valid.
		{"demo-pass-2026", nil, ""},
		{"linjiang-2015", nil, ""},
		{"fixture-pass-2026", []string{"town01", "东湖镇用户", "东湖镇人民政府"}, ""},
		{"k7mp-x3fa-q9tw", nil, ""},
		{"Zhangsan#1990", []string{"town08", "张三", "城关镇"}, ""},
		// Common passwords, and common ones dressed up with digits, symbols, leet.
		{"butterfly1", nil, "validate.password_common"},
		{"Password2026!", nil, "validate.password_common"},
		{"p@ssw0rd1234", nil, "validate.password_common"},
		{"2026woaini1314", nil, "validate.password_common"},
		{"Administrator1", nil, "validate.password_common"},
		// Repeats and runs.
		{"abc123abc123", nil, "validate.password_pattern"},
		{"a123456789", nil, "validate.password_common"},
		{"x1234567890", nil, "validate.password_pattern"},
		{"qwerty123456", nil, "validate.password_common"},
		{"qwertyu7654321", nil, "validate.password_pattern"},
		{"1qaz2wsx3edc", nil, "validate.password_pattern"},
		{"mnbvcxz654321", nil, "validate.password_pattern"},
		{"zaq12wsxcde3", nil, "validate.password_pattern"},
		// Personal: the username, contained, repeated, reversed, its word; the names.
		{"town08town08", []string{"town08"}, "validate.password_personal"},
		{"East-lake-77x", []string{"town01", "东湖镇用户", "东湖镇人民政府"}, ""},
		{"东湖镇-Good-77x", []string{"town01", "东湖镇用户", "东湖镇人民政府"}, "validate.password_personal"},
		{"town08-2026x", []string{"town08"}, "validate.password_personal"},
		{"x9-80nwot-q7", []string{"town08"}, "validate.password_personal"},
		{"Town-is-mine-7", []string{"town08"}, "validate.password_personal"},
		{"construction2026", []string{"dept-construction"}, "validate.password_personal"},
		{"张三abc12345", []string{"patrol0001", "张三"}, "validate.password_personal"},
		{"城关镇aq2026xy", []string{"town08", "王五", "城关镇"}, "validate.password_personal"},
		{"ADMIN-x7-2026", []string{"admin"}, "validate.password_personal"},
	} {
		if got := CheckPasswordRules(c.pw, c.personal...); got != c.want {
			t.Errorf("%q (%v): %q, want %q", c.pw, c.personal, got, c.want)
		}
	}
}

// Every entry of the lists of three or more characters with a letter is refused: as it is, and with digits or
// symbols around it.
func TestPasswordRules_ListsAreUsed(t *testing.T) {
	n := 0
	for w := range commonPasswords() {
		n++
		if len(w) < 3 || strings.IndexFunc(w, unicode.IsLetter) < 0 {
			continue // one or two letters are too short to refuse
		}
		for _, pw := range []string{w, w + "2026", "#" + w + "99!"} {
			if !isCommonPassword(pw) {
				t.Errorf("%q is listed but %q is not refused", w, pw)
			}
		}
	}
	if n < 3400 {
		t.Errorf("%d common passwords loaded, want the whole list", n)
	}
}
