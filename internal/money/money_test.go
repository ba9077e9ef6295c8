package money

import "testing"

func TestParseYuan(t *testing.T) {
	for in, want := range map[string]int64{"1200": 120000, "1200.5": 120050, "1,200.50": 120050, " 0.01 ": 1, "0": 0,
		"999999999999.99": 99999999999999} {
		if got, ok := ParseYuan(in); !ok || got != want {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "一千", "-5", "+5", "12.345", "12.", ".5", "1e3", "1200元", "1234567890123", "0x10"} {
		if _, ok := ParseYuan(in); ok {
			t.Errorf("ParseYuan(%q) accepted", in)
		}
	}
}

func TestYuan(t *testing.T) {
	for fen, want := range map[int64]string{0: "0.00", 1: "0.01", 120050: "1200.50", -1234: "-12.34", 100: "1.00"} {
		if got := Yuan(fen); got != want {
			t.Errorf("Yuan(%d) = %s, want %s", fen, got, want)
		}
	}
}
