package auth

import (
	"strings"
	"testing"
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

func TestPasswordRules(t *testing.T) {
	for pw, want := range map[string]string{
		"short1":          "validate.password_short",
		"onlyletterslong": "validate.password_mix",
		"1234567890123":   "validate.password_mix",
		"letters-and-123": "",
		"中文密码很长但是没有数字啊": "validate.password_mix",
	} {
		if got := CheckPasswordRules(pw); got != want {
			t.Errorf("%q: %q, want %q", pw, got, want)
		}
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
