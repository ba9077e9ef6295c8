// Package accounts keeps the people who log in: users with argon2id password
// hashes, browser sessions and API tokens. Secrets are stored only as hashes.
package accounts

import (
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are the argon2id cost parameters. Production uses OWASP's
// t=2, m=19 MiB, p=1 (~50 ms here); tests lower them through SetCost.
type Argon2Params struct {
	Time    uint32
	Memory  uint32 // KiB
	Threads uint8
}

var cost = Argon2Params{Time: 2, Memory: 19 * 1024, Threads: 1}

// SetCost changes the cost of new hashes (tests use a cheap one). Existing
// hashes keep the parameters they were made with.
func SetCost(p Argon2Params) { cost = p }

// HashPassword returns an encoded argon2id hash in the PHC string format.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, cost.Time, cost.Memory, cost.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, cost.Memory, cost.Time, cost.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPassword reports whether pw matches an encoded hash.
func CheckPassword(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// maxPasswordBytes bounds what is ever hashed: 128 characters of up to four
// bytes each.
const maxPasswordBytes = 512

// CheckPolicy enforces the password policy: at least 10 characters with
// letters and digits, without the account name in it (nor the name written
// backwards), and not one of the passwords guessers try first.
func CheckPolicy(name, pw string) error {
	if utf8.RuneCountInString(pw) < 10 {
		return fmt.Errorf("密码至少10位")
	}
	if utf8.RuneCountInString(pw) > 128 || len(pw) > maxPasswordBytes {
		return fmt.Errorf("密码不能超过128位")
	}
	var letter, digit bool
	for _, r := range pw {
		letter = letter || unicode.IsLetter(r)
		digit = digit || unicode.IsDigit(r)
	}
	if !letter || !digit {
		return fmt.Errorf("密码须同时包含字母和数字")
	}
	if containsName(name, pw) {
		return fmt.Errorf("密码不能包含用户名(倒过来写也不行)")
	}
	if isCommon(pw) {
		return fmt.Errorf("这是常用密码,很容易被猜中,请换一个")
	}
	return nil
}

// containsName reports whether pw holds the account name, forwards or
// backwards, ignoring case and the separators people drop (zhang.san in
// zhangsan2026). A name of one or two characters is found in too many
// good passwords (li in "believe"): such a name counts only when it is all
// the password holds besides digits and punctuation.
func containsName(name, pw string) bool {
	n, p := alnum(name), alnum(pw)
	if n == "" {
		return false
	}
	if utf8.RuneCountInString(n) < 3 {
		c := letters(pw)
		return c == n || c == reverse(n)
	}
	return strings.Contains(p, n) || strings.Contains(p, reverse(n))
}

// The common passwords are the most frequent ones of published leaks, lower
// case, one a line; lines starting with # are comments.
//
//go:embed common_passwords.txt
var commonPasswordList string

var commonPasswords = sync.OnceValue(func() map[string]bool {
	m := make(map[string]bool, 10100)
	for _, line := range strings.Split(commonPasswordList, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			m[line] = true
		}
	}
	return m
})

// isCommon reports whether pw is a common password, or one with digits and
// punctuation put around it (qwerty123456, !dragon2026) or a few letters
// written as digits and signs (p@ssw0rd), which guessers try next.
func isCommon(pw string) bool {
	list := commonPasswords()
	lower := strings.ToLower(pw)
	core := letters(pw)
	return list[lower] || list[core] || list[unleet(core)] || list[unleet(lower)]
}

// alnum is s in lower case without anything but letters and digits.
func alnum(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

// letters is s in lower case without the digits and punctuation around it.
func letters(s string) string {
	return strings.ToLower(strings.TrimFunc(s, func(r rune) bool { return !unicode.IsLetter(r) }))
}

func unleet(s string) string {
	return strings.NewReplacer("0", "o", "1", "i", "3", "e", "4", "a", "5", "s", "7", "t", "@", "a", "$", "s").Replace(s)
}

func reverse(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}
