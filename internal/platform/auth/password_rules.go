package auth

import (
	"bufio"
	"embed"
	"strings"
	"sync"
	"unicode"
)

// The common passwords a new password may not be, nor be built on:
//
//   - passwords/common.txt is John the Ripper's password.lst (3,546 passwords most often
//     seen on Unix systems and in the published leaks of 2006–2010, most common first),
//     compiled by Solar Designer of the Openwall Project, in the public domain as its
//     header says; taken unchanged from Debian's john-data 1.9.0-2
//     (/usr/share/john/password.lst).
//   - passwords/extra.txt is ours: pinyin and product words (its header says which).
//
//go:embed passwords/common.txt passwords/extra.txt
var passwordLists embed.FS

// commonPasswords is the lower-cased union of the lists.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	set := map[string]struct{}{}
	for _, name := range []string{"passwords/common.txt", "passwords/extra.txt"} {
		f, err := passwordLists.Open(name)
		if err != nil {
			panic(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line != "" && !strings.HasPrefix(line, "#!") {
				set[strings.ToLower(line)] = struct{}{}
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			panic(err)
		}
	}
	return set
})

// CheckPasswordRules reports the message key of the first rule a new password breaks,
// or "" when it passes:
//
//   - validate.password_short: at least 10 characters;
//   - validate.password_mix: letters and digits;
//   - validate.password_common: not a common password, nor one with digits or symbols
//     put before or after it ("Password2026!", "p@ssw0rd99"), case-insensitive;
//   - validate.password_personal: none of personal — the username, the person's display
//     name, the unit's name — in it, forwards or reversed, case-insensitive (so
//     "town08town08" and "town08-2026" fail for town08; "张三abc12345" for 张三). Words
//     of one or two Latin letters are ignored; CJK names count from two characters;
//   - validate.password_pattern: not one part repeated ("abc123abc123") nor mostly
//     runs of sequential, repeated or keyboard-neighbouring characters ("x1234567890",
//     "qwertyu7654321", "1qaz2wsx3edc").
func CheckPasswordRules(pw string, personal ...string) string {
	if len([]rune(pw)) < 10 {
		return "validate.password_short"
	}
	var letter, digit bool
	for _, r := range pw {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'):
			letter = true
		}
	}
	if !letter || !digit {
		return "validate.password_mix"
	}
	lower := strings.ToLower(pw)
	if isCommonPassword(lower) {
		return "validate.password_common"
	}
	for _, word := range personalWords(personal) {
		if strings.Contains(lower, word) || strings.Contains(lower, reverse(word)) {
			return "validate.password_personal"
		}
	}
	if repeatsOnePart(lower) || mostlyRuns(lower) {
		return "validate.password_pattern"
	}
	return ""
}

// isCommonPassword: the password is listed, or is a listed one with digits or symbols
// put before or after it (up to eight on each side), plain or with common letter
// substitutions undone.
func isCommonPassword(lower string) bool {
	set := commonPasswords()
	listed := func(s string) bool {
		if len(s) < 3 {
			return false
		}
		_, ok := set[s]
		if !ok {
			_, ok = set[unLeet(s)]
		}
		return ok
	}
	if listed(lower) {
		return true
	}
	notLetter := func(r rune) bool { return !unicode.IsLetter(r) }
	lead := len(lower) - len(strings.TrimLeftFunc(lower, notLetter))
	trail := len(lower) - len(strings.TrimRightFunc(lower, notLetter))
	if lead == len(lower) {
		return false // no letters: the list's all-digit entries are already too short
	}
	for i := 0; i <= min(lead, 8); i++ {
		for j := len(lower); j >= len(lower)-min(trail, 8); j-- {
			if listed(lower[i:j]) {
				return true
			}
		}
	}
	return false
}

// unLeet undoes the substitutions people make to dress a word up ("p@ssw0rd").
func unLeet(s string) string {
	return strings.NewReplacer("@", "a", "4", "a", "0", "o", "1", "i", "!", "i", "3", "e", "$", "s", "5", "s", "7", "t").Replace(s)
}

// repeatsOnePart: the password is one shorter part written two or more times.
func repeatsOnePart(s string) bool {
	r := []rune(s)
	for n := 1; n <= len(r)/2; n++ {
		if len(r)%n != 0 {
			continue
		}
		same := true
		for i := n; i < len(r) && same; i++ {
			same = r[i] == r[i-n]
		}
		if same {
			return true
		}
	}
	return false
}

// mostlyRuns: at most one character in three starts something new, the others each
// continue a run from the one before (the next or previous letter or digit, the same
// character, or its neighbour on the keyboard).
func mostlyRuns(s string) bool {
	r := []rune(s)
	starts := 1
	for i := 1; i < len(r); i++ {
		if !continues(r[i-1], r[i]) {
			starts++
		}
	}
	return starts*3 <= len(r)
}

func continues(a, b rune) bool {
	if a == b {
		return true
	}
	alnum := func(r rune) bool { return (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') }
	if alnum(a) && alnum(b) && (b == a+1 || b == a-1) && unicode.IsDigit(a) == unicode.IsDigit(b) {
		return true
	}
	return keyboardNeighbours(a, b)
}

// keyboardRows is the US layout every Chinese keyboard has, unshifted.
var keyboardRows = [4]string{"`1234567890-=", "qwertyuiop[]\\", "asdfghjkl;'", "zxcvbnm,./"}

// keyboardNeighbours: a and b touch on the same row, or on adjacent rows. Each row sits
// a quarter to half a key to the right of the one above, so key i of a letter row
// touches keys i-1 and i of the row below; the number row, which starts with "`",
// touches with its key i the keys i-2 and i-1 below ("1qaz", "2wsx", "zaq1").
func keyboardNeighbours(a, b rune) bool {
	ra, ia := keyPos(a)
	rb, ib := keyPos(b)
	if ra < 0 || rb < 0 {
		return false
	}
	if ra > rb {
		ra, ia, rb, ib = rb, ib, ra, ia
	}
	switch rb - ra {
	case 0:
		return ia-ib == 1 || ib-ia == 1
	case 1:
		if ra == 0 {
			ia--
		}
		return ib == ia || ib == ia-1
	}
	return false
}

func keyPos(c rune) (row, col int) {
	for r, keys := range keyboardRows {
		if i := strings.IndexRune(keys, c); i >= 0 {
			return r, i
		}
	}
	return -1, -1
}

// personalWords returns the lower-cased words a password may not contain: each value
// whole (spaces removed), and its parts split at spaces, dots, dashes, underscores and
// between letters and digits ("dept-construction" → "construction"; "town08" → "town"),
// and a unit's name without its last word of kind ("东湖镇人民政府" → "东湖镇"). Latin
// words shorter than three letters are too common to refuse; CJK ones count from two
// characters (a Chinese name).
func personalWords(values []string) []string {
	var out []string
	add := func(w string) {
		rs := []rune(w)
		cjk := false
		for _, r := range rs {
			if unicode.Is(unicode.Han, r) {
				cjk = true
				break
			}
		}
		if len(rs) >= 3 || (cjk && len(rs) >= 2) {
			out = append(out, w)
		}
	}
	for _, v := range values {
		v = strings.ToLower(strings.TrimSpace(v))
		if v == "" {
			continue
		}
		add(strings.ReplaceAll(v, " ", ""))
		for _, kind := range []string{"人民政府", "政府", "委员会", "常委会"} {
			if stem, ok := strings.CutSuffix(v, kind); ok {
				add(stem)
			}
		}
		parts := strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == '.' || r == '-' || r == '_' })
		for _, p := range parts {
			add(p)
			for _, run := range splitLettersDigits(p) {
				if len([]rune(run)) >= 4 { // "town" of town08, not "08"
					add(run)
				}
			}
		}
	}
	return out
}

// splitLettersDigits splits "town08" into "town" and "08".
func splitLettersDigits(s string) []string {
	var out []string
	var cur []rune
	for i, r := range []rune(s) {
		if i > 0 && unicode.IsDigit(r) != unicode.IsDigit(cur[len(cur)-1]) {
			out = append(out, string(cur))
			cur = cur[:0]
		}
		cur = append(cur, r)
	}
	if len(cur) > 0 {
		out = append(out, string(cur))
	}
	return out
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}
