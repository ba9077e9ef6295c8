package imports

import (
	"math/rand"
	"testing"
	"unicode/utf8"
)

// runeWide is wide as foldWidth first wrote it, rune by rune.
func runeWide(s string) bool {
	for _, r := range s {
		if r == '\u3000' || r >= '０' && r <= '９' || r >= 'Ａ' && r <= 'Ｚ' || r >= 'ａ' && r <= 'ｚ' {
			return true
		}
	}
	return false
}

// TestWide checks that wide, which looks at bytes, finds what decoding
// the runes finds, valid UTF-8 or not.
func TestWide(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		for _, s := range []string{string(r), "a" + string(r), "张" + string(r) + "x", "\xe3" + string(r), "\xef\xbc" + string(r), string(r) + "\xef"} {
			if wide(s) != runeWide(s) {
				t.Fatalf("%U %q: %v %v", r, s, wide(s), runeWide(s))
			}
		}
	}
	alpha := []byte{0xE3, 0xEF, 0xBC, 0xBD, 0x80, 0x90, 0x99, 0x9A, 0x81, 0xA1, 0xBA, 0xBB, 0x8F, 'a', 0xC3, 0xF0, 0x9F, 0xE4, 0xB8}
	rng := rand.New(rand.NewSource(1))
	for n := 0; n < 300000; n++ {
		b := make([]byte, rng.Intn(10))
		for i := range b {
			b[i] = alpha[rng.Intn(len(alpha))]
		}
		if s := string(b); wide(s) != runeWide(s) {
			t.Fatalf("%q: %v %v", s, wide(s), runeWide(s))
		}
	}
}
