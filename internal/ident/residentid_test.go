package ident

import (
	"errors"
	"testing"
	"time"
)

// today is fixed so that birth-date limits do not move under the tests.
var today = time.Date(2026, 1, 15, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// The valid numbers below were computed with the GB 11643 algorithm outside
// this package; 11010519491231002X and 440524188001010014 are the standard's
// own examples.
func TestParseResidentID(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		number   string
		area     string
		birth    time.Time
		male     bool
		upgraded bool
	}{
		{"standard example", "11010519491231002X", "11010519491231002X", "110105", date(1949, 12, 31), false, false},
		{"lower-case x", "11010519491231002x", "11010519491231002X", "110105", date(1949, 12, 31), false, false},
		{"full-width with spaces", " １１０１０５ １９４９１２３１ ００２ｘ ", "11010519491231002X", "110105", date(1949, 12, 31), false, false},
		{"Excel text apostrophe", "'11010519491231002X", "11010519491231002X", "110105", date(1949, 12, 31), false, false},
		{"legacy 15 digits", "110105491231002", "11010519491231002X", "110105", date(1949, 12, 31), false, true},
		{"abolished county 安塞县", "610624198005171233", "610624198005171233", "610624", date(1980, 5, 17), true, false},
		{"侯马市", "141081196503040010", "141081196503040010", "141081", date(1965, 3, 4), true, false},
		{"邯郸地区, gone since 1993", "132101196307150426", "132101196307150426", "132101", date(1963, 7, 15), false, false},
		{"延安地区 code", "612601197510010513", "612601197510010513", "612601", date(1975, 10, 1), true, false},
		{"leap day", "610603200002293313", "610603200002293313", "610603", date(2000, 2, 29), true, false},
		{"born today", "110105202601150011", "110105202601150011", "110105", date(2026, 1, 15), true, false},
		{"unlisted county, known prefecture", "610699198001010011", "610699198001010011", "610699", date(1980, 1, 1), true, false},
		{"市辖区 grouping code", "110100198001010014", "110100198001010014", "110100", date(1980, 1, 1), true, false},
	}
	for _, tt := range tests {
		got, err := ParseResidentID(tt.in, today)
		if err != nil {
			t.Errorf("%s: ParseResidentID(%q): %v", tt.name, tt.in, err)
			continue
		}
		want := ResidentID{Number: tt.number, AreaCode: tt.area, Birth: tt.birth, Male: tt.male, Upgraded: tt.upgraded}
		if got != want {
			t.Errorf("%s: ParseResidentID(%q) = %+v, want %+v", tt.name, tt.in, got, want)
		}
	}
}

func TestParseResidentIDErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		kind ErrorKind
		msg  string
	}{
		{"empty", "", KindEmpty, "身份证号码不能为空"},
		{"only spaces", " 　 ", KindEmpty, "身份证号码不能为空"},
		{"16 digits", "1101051949123100", KindLength, "身份证号码应为18位(或15位旧号码),现为16位"},
		{"19 digits", "11010519491231002X1", KindLength, "身份证号码应为18位(或15位旧号码),现为19位"},
		{"letter inside", "1101051949123A002X", KindChars, "身份证号码只能是17位数字加一位数字或X"},
		{"wrong last letter", "11010519491231002Y", KindChars, "身份证号码只能是17位数字加一位数字或X"},
		{"Chinese character", "11010519491231002号", KindChars, "身份证号码只能是17位数字加一位数字或X"},
		{"X in a 15-digit number", "11010549123100X", KindChars, "15位身份证号码只能包含数字"},
		{"no such province", "990101198001010019", KindArea, "身份证号码的地区码 990101 不存在"},
		{"no such prefecture", "619901198001010010", KindArea, "身份证号码的地区码 619901 不存在"},
		{"residence permit", "810000199001010027", KindArea, "这是港澳台居民居住证号码,请选择证件类型“港澳台居民居住证”"},
		{"30 February", "110105194902300012", KindBirth, "身份证号码中的出生日期 19490230 无效"},
		{"born tomorrow", "110105202601160017", KindBirth, "身份证号码中的出生日期 20260116 晚于今天"},
		{"before 1890", "110105188912310010", KindBirth, "身份证号码中的出生日期 18891231 无效"},
		{"GB 11643 example born 1880", "440524188001010014", KindBirth, "身份证号码中的出生日期 18800101 无效"},
		{"15-digit bad date", "110105491331002", KindBirth, "身份证号码中的出生日期 19491331 无效"},
		{"check digit", "110105194912310021", KindCheck, "身份证号码校验位错误,请核对"},
		{"swapped digits", "11010519491213002X", KindCheck, "身份证号码校验位错误,请核对"},
	}
	for _, tt := range tests {
		_, err := ParseResidentID(tt.in, today)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: ParseResidentID(%q) error = %v, want %q", tt.name, tt.in, err, tt.msg)
			continue
		}
		if e.Kind != tt.kind || e.Error() != tt.msg {
			t.Errorf("%s: ParseResidentID(%q) = [%s] %q, want [%s] %q", tt.name, tt.in, e.Kind, e.Msg, tt.kind, tt.msg)
		}
	}
}

func TestParseResidentIDZeroToday(t *testing.T) {
	if _, err := ParseResidentID("11010519491231002X", time.Time{}); err != nil {
		t.Errorf("zero today should mean now: %v", err)
	}
}

func TestResidentIDCheckDigit(t *testing.T) {
	tests := []struct {
		first17 string
		want    byte
	}{
		{"11010519491231002", 'X'},
		{"44052418800101001", '4'},
		{"61062419800517123", '3'},
		{"14108119650304001", '0'},
		{"13210119630715042", '6'},
		{"1101051949123100", 0},   // too short
		{"1101051949123100A", 0},  // not digits
		{"110105194912310021", 0}, // too long
	}
	for _, tt := range tests {
		if got := ResidentIDCheckDigit(tt.first17); got != tt.want {
			t.Errorf("ResidentIDCheckDigit(%q) = %q, want %q", tt.first17, got, tt.want)
		}
	}
}

func TestMakeResidentID(t *testing.T) {
	tests := []struct {
		area  string
		birth time.Time
		seq   int
		want  string
	}{
		{"110105", date(1949, 12, 31), 2, "11010519491231002X"},
		{"610624", date(1980, 5, 17), 123, "610624198005171233"},
		{"150302", date(1999, 12, 31), 999, "150302199912319990"},
		{"150302", date(1999, 12, 31), 1999, "150302199912319990"}, // modulo 1000
		{"141081", date(1965, 3, 4), -999, "141081196503040010"},   // negative wraps
	}
	for _, tt := range tests {
		got := MakeResidentID(tt.area, tt.birth, tt.seq)
		if got != tt.want {
			t.Errorf("MakeResidentID(%s, %s, %d) = %s, want %s", tt.area, tt.birth.Format("20060102"), tt.seq, got, tt.want)
			continue
		}
		id, err := ParseResidentID(got, today)
		if err != nil || id.Male != (tt.seq%2 != 0) {
			t.Errorf("MakeResidentID(...) = %s: parse %+v, %v; male should be %v", got, id, err, tt.seq%2 != 0)
		}
	}
}

// FuzzParseResidentID checks that parsing never panics, that what it
// accepts is in canonical form, and that the canonical form parses to the
// same result.
func FuzzParseResidentID(f *testing.F) {
	for _, s := range []string{
		"11010519491231002X", "11010519491231002x", "110105491231002", "６１０６２４１９８００５１７１２３３",
		"440524188001010014", "810000199001010027", "1101051949123100", "'132101196307150426", "", "X",
		"11010519491231002号", "\u200b110105\ufeff19491231002X",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseResidentID(s, today)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Msg == "" || e.Kind == "" {
				t.Fatalf("ParseResidentID(%q) returned %T %v, want a non-empty *Error", s, err, err)
			}
			return
		}
		if len(id.Number) != 18 || id.AreaCode != id.Number[:6] || ResidentIDCheckDigit(id.Number[:17]) != id.Number[17] {
			t.Fatalf("ParseResidentID(%q) = %+v, not a canonical 18-character number", s, id)
		}
		again, err := ParseResidentID(id.Number, today)
		if err != nil {
			t.Fatalf("%q parsed to %q, which does not re-parse: %v", s, id.Number, err)
		}
		again.Upgraded = id.Upgraded // the 18-digit form is never an upgrade
		if again != id {
			t.Fatalf("%q parsed to %+v, re-parsed to %+v", s, id, again)
		}
	})
}
