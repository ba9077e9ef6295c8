// Package accounts keeps the people who log in: users with argon2id password
// hashes, browser sessions and API tokens. Secrets are stored only as hashes.
package accounts

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
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
// letters and digits, not the user name.
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
	if strings.EqualFold(pw, name) {
		return fmt.Errorf("密码不能与用户名相同")
	}
	return nil
}
