package filename

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestStem(t *testing.T) {
	for in, want := range map[string]string{
		`C:\扫描\凭证 3号.pdf`:   "凭证 3号",
		"../../etc/passwd":  "passwd",
		`a<b>c:d*e?"f|.png`: "abcdef",
		"":                  "备用",
		".":                 "备用",
		"\x01\x02.jpg":      "备用",
	} {
		if got := Stem(in, "备用"); got != want {
			t.Errorf("Stem(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Stem(strings.Repeat("长", 60)+".png", "备用"); utf8.RuneCountInString(got) != maxRunes {
		t.Errorf("a long name keeps %d runes", utf8.RuneCountInString(got))
	}
}
