package enterprise

import (
	"errors"
	"strings"
)

// creditAlphabet is the 31-character alphabet of the unified social credit code
// (统一社会信用代码, GB 32100-2015): digits and capital letters without I, O, S, V, Z.
const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditWeights weigh the first 17 characters for the check character.
var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// Errors of CheckCreditCode, each with its message key.
var (
	ErrCreditLength = errors.New("enterprise.credit_length")
	ErrCreditChar   = errors.New("enterprise.credit_char")
	ErrCreditCheck  = errors.New("enterprise.credit_check")
)

// NormalizeCreditCode trims a code and upper-cases it (people type it in lower case).
func NormalizeCreditCode(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// CreditCheckChar computes the check character of the first 17 characters of a code.
func CreditCheckChar(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, ErrCreditLength
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditAlphabet, first17[i])
		if v < 0 {
			return 0, ErrCreditChar
		}
		sum += v * creditWeights[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return creditAlphabet[c], nil
}

// CheckCreditCode validates a normalized code: 18 characters of the alphabet whose last
// is the check character of the others.
func CheckCreditCode(code string) error {
	if len(code) != 18 {
		return ErrCreditLength
	}
	want, err := CreditCheckChar(code[:17])
	if err != nil {
		return err
	}
	if strings.IndexByte(creditAlphabet, code[17]) < 0 {
		return ErrCreditChar
	}
	if code[17] != want {
		return ErrCreditCheck
	}
	return nil
}
