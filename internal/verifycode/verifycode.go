// Package verifycode makes and checks the verification codes printed on
// certificates (the service hall's 证明, the volunteers' 志愿服务记录证明):
// 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown
// as XXXX-XXXX-XXXX — 8 random, then 4 of an HMAC of those under the
// deployment's key. Changing any character breaks the HMAC, so a typo or a
// forged code is refused before any database is asked. Each capability
// keeps its own key and looks its own codes up.
package verifycode

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"strings"
)

const alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// KeySize is the length of a key New expects (random bytes).
const KeySize = 32

// New makes a code under key.
func New(key []byte) (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	body := make([]byte, 8)
	for i, x := range b {
		body[i] = alphabet[int(x)%len(alphabet)]
	}
	return string(body) + mac(key, string(body)), nil
}

func mac(key []byte, body string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(body))
	sum := m.Sum(nil)
	out := make([]byte, 4)
	for i := range out {
		out[i] = alphabet[int(sum[i])%len(alphabet)]
	}
	return string(out)
}

// Check reports whether a normalised code carries its key's check
// characters.
func Check(key []byte, code string) bool {
	if len(code) != 12 {
		return false
	}
	for i := 0; i < len(code); i++ {
		if !strings.ContainsRune(alphabet, rune(code[i])) {
			return false
		}
	}
	return hmac.Equal([]byte(code[8:]), []byte(mac(key, code[:8])))
}

// Normalise strips dashes and spaces and upper-cases a code as typed.
func Normalise(code string) string {
	code = strings.ToUpper(strings.TrimSpace(code))
	return strings.NewReplacer("-", "", " ", "", "－", "").Replace(code)
}

// Format shows a code in groups of four.
func Format(code string) string {
	if len(code) != 12 {
		return code
	}
	return code[:4] + "-" + code[4:8] + "-" + code[8:]
}

// MaskName keeps a holder's first character, as verify pages show it: 张**.
func MaskName(n string) string {
	r := []rune(n)
	if len(r) <= 1 {
		return n
	}
	return string(r[0]) + strings.Repeat("*", len(r)-1)
}
