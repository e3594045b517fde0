package enterprise

import "testing"

func TestCheckCreditCode(t *testing.T) {
	for code, want := range map[string]error{
		"91350100M000100Y43": nil, // a well-known published example
		"91110000600037341L": nil,
		"91350100M000100Y44": ErrCreditCheck,  // wrong check character
		"91350100M000100Y4":  ErrCreditLength, // too short
		"91350100M000100YI3": ErrCreditChar,   // I is not in the alphabet
		"91350100M000100Y4O": ErrCreditChar,
	} {
		if got := CheckCreditCode(code); got != want {
			t.Errorf("CheckCreditCode(%q) = %v, want %v", code, got, want)
		}
	}
	if NormalizeCreditCode(" 91350100m000100y43 ") != "91350100M000100Y43" {
		t.Error("normalize")
	}
	c, err := CreditCheckChar("91350100M000100Y4")
	if err != nil || c != '3' {
		t.Errorf("check char = %c, %v", c, err)
	}
}
