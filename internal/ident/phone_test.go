package ident

import (
	"errors"
	"testing"
)

func TestParseMobile(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13812345678", "13812345678"},
		{"138 1234 5678", "13812345678"},
		{"138-1234-5678", "13812345678"},
		{"+86 138-1234-5678", "13812345678"},
		{"+8613812345678", "13812345678"},
		{"008613812345678", "13812345678"},
		{"8613812345678", "13812345678"},
		{"(86)13812345678", "13812345678"},
		{"１３８１２３４５６７８", "13812345678"},
		{"＋８６ １９９１２３４５６７８", "19912345678"},
		{"'13812345678", "13812345678"},
		{"12812345678", ""},  // 12x is not a mobile range
		{"1381234567", ""},   // 10 digits
		{"138123456789", ""}, // 12 digits
		{"0911-8123456", ""}, // fixed line
		{"861381234567", ""}, // 86 + 10 digits
		{"13812345678a", ""}, // trailing letter
		{"", ""},
	}
	for _, tt := range tests {
		got, err := ParseMobile(tt.in)
		if tt.want == "" {
			var e *Error
			if !errors.As(err, &e) || e.Msg != "手机号应为11位中国大陆手机号,如 13812345678" {
				t.Errorf("ParseMobile(%q) = %q, %v; want the mobile error", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseMobile(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestParsePhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13812345678", "13812345678"},
		{"+86 138-1234-5678", "13812345678"},
		{"８６１３８１２３４５６７８", "13812345678"},
		{"0911-8123456", "0911-8123456"}, // 延安, 4-digit area, 7-digit number
		{"09118123456", "0911-8123456"},  // no separator: the split is fixed
		{"(0911)8123456", "0911-8123456"},
		{"０９１１－８１２３４５６", "0911-8123456"},
		{"0357-4123456", "0357-4123456"}, // 临汾
		{"0473-12345678", ""},            // local numbers never start with 1
		{"0473-2123456", "0473-2123456"}, // 乌海
		{"010-62345678", "010-62345678"}, // Beijing, 3-digit area, 8 digits
		{"01062345678", "010-62345678"},
		{"021 6234 5678", "021-62345678"},
		{"010-6234567", ""}, // 3-digit areas have 8-digit numbers
		{"010-62345678-801", "010-62345678-801"},
		{"010-62345678转801", "010-62345678-801"},
		{"010-62345678 ext.801", "010-62345678-801"},
		{"0911-8123456#12", "0911-8123456-12"},
		{"+86 10 62345678", "010-62345678"},
		{"+86-911-8123456", "0911-8123456"},
		{"400-123-4567", "400-123-4567"},
		{"4001234567", "400-123-4567"},
		{"800 810 8888", "800-810-8888"},
		{"8123456", ""},      // no area code
		{"011-62345678", ""}, // no such area code
		{"0011-2345678", ""},
		{"12812345678", ""},
		{"0911-8123456-1234567", ""}, // extension too long
		{"abc", ""},
		{"0911-812345a", ""},
	}
	for _, tt := range tests {
		got, err := ParsePhone(tt.in)
		if tt.want == "" {
			var e *Error
			if !errors.As(err, &e) || e.Msg != "电话号码应为11位手机号或带区号的固定电话(如 0911-8123456)" {
				t.Errorf("ParsePhone(%q) = %q, %v; want the phone error", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParsePhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		// The normalised form is a fixed point.
		if again, err := ParsePhone(got); err != nil || again != got {
			t.Errorf("ParsePhone(%q) = %q, which re-parses to %q, %v", tt.in, got, again, err)
		}
	}
	if _, err := ParsePhone("  "); err == nil || err.Error() != "电话号码不能为空" {
		t.Errorf("ParsePhone(blank) error = %v", err)
	}
}
