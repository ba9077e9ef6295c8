package verifycode

import (
	"strings"
	"testing"
)

func TestCodes(t *testing.T) {
	key := []byte(strings.Repeat("k", KeySize))
	code, err := New(key)
	if err != nil {
		t.Fatal(err)
	}
	if !Check(key, code) {
		t.Fatalf("a fresh code %q does not check", code)
	}
	if got := Normalise(" " + strings.ToLower(Format(code)) + " "); got != code {
		t.Errorf("Normalise(Format(%q)) = %q", code, got)
	}
	// Any one character changed breaks it.
	for i := range code {
		c := []byte(code)
		if c[i] == 'A' {
			c[i] = 'B'
		} else {
			c[i] = 'A'
		}
		if Check(key, string(c)) {
			t.Errorf("%q checks after character %d changed", c, i)
		}
	}
	if Check([]byte(strings.Repeat("x", KeySize)), code) {
		t.Error("a code checks under another key")
	}
	for _, bad := range []string{"", "ABC", code + "2", "0OIL" + code[4:]} {
		if Check(key, bad) {
			t.Errorf("%q checks", bad)
		}
	}
	if got := MaskName("王秀兰"); got != "王**" {
		t.Errorf("MaskName = %q", got)
	}
}
