package ident

import (
	"testing"
	"time"
)

var today = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)

func TestParseResidentID(t *testing.T) {
	tests := []struct {
		in, want string
		male     bool
		errMsg   string
	}{
		{"11010519491231002X", "11010519491231002X", false, ""},
		{"11010519491231002x", "11010519491231002X", false, ""},
		{" １１０１０５１９４９１２３１００２Ｘ ", "11010519491231002X", false, ""},
		{MakeResidentID("610624", time.Date(1980, 5, 17, 0, 0, 0, 0, time.UTC), 123), "", true, ""},
		{"110105491231002", "11010519491231002X", false, ""}, // 15-digit upgraded
		{"", "", false, "身份证号码不能为空"},
		{"1101051949123100", "", false, "身份证号码应为18位(或15位旧号码),现为16位"},
		{"11010519491231002Y", "", false, "身份证号码只能是17位数字加一位数字或X"},
		{"110105194912310021", "", false, "身份证号码校验位错误,请核对"},
		{MakeResidentID("990101", time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), 1), "", false, "身份证号码的地区码 990101 不存在"},
		{MakeResidentID("110105", time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), 1), "", false, "身份证号码中的出生日期 20300101 无效"},
		{"110105194902300015", "", false, "身份证号码中的出生日期 19490230 无效"},
	}
	for _, tt := range tests {
		got, err := ParseResidentID(tt.in, today)
		if tt.errMsg != "" {
			if err == nil || err.Error() != tt.errMsg {
				t.Errorf("ParseResidentID(%q) error = %v, want %q", tt.in, err, tt.errMsg)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseResidentID(%q): %v", tt.in, err)
			continue
		}
		if tt.want != "" && got.Number != tt.want {
			t.Errorf("ParseResidentID(%q) = %q, want %q", tt.in, got.Number, tt.want)
		}
		if got.Male != tt.male {
			t.Errorf("ParseResidentID(%q) male = %v", tt.in, got.Male)
		}
	}
}

func FuzzParseResidentID(f *testing.F) {
	f.Add("11010519491231002X")
	f.Add("110105491231002")
	f.Add("６１０６２４１９８００５１７１２３５")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseResidentID(s, today)
		if err != nil {
			return
		}
		again, err := ParseResidentID(id.Number, today)
		if err != nil || again.Number != id.Number {
			t.Fatalf("%q parsed to %q which does not re-parse: %v", s, id.Number, err)
		}
	})
}

func TestUSCC(t *testing.T) {
	code := MakeUSCC('9', '1', "610603", "MA6W1234")
	if _, err := ParseUSCC(code); err != nil {
		t.Fatalf("made code %s does not validate: %v", code, err)
	}
	for _, tt := range []struct{ in, err string }{
		{"91350100M000100Y43", ""}, // a published example
		{"9135010OM000100Y43", "统一社会信用代码含有无效字符 O(不使用 I、O、Z、S、V)"},
		{"91350100M000100Y4", "统一社会信用代码应为18位"},
		{"91350100M000100Y44", "统一社会信用代码校验位错误,请核对"},
		{"Z1350100M000100Y43", "统一社会信用代码含有无效字符 Z(不使用 I、O、Z、S、V)"},
	} {
		_, err := ParseUSCC(tt.in)
		if (err == nil) != (tt.err == "") || (err != nil && err.Error() != tt.err) {
			t.Errorf("ParseUSCC(%q) = %v, want %q", tt.in, err, tt.err)
		}
	}
}

func TestPhones(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"13812345678", "13812345678"},
		{"+86 138-1234-5678", "13812345678"},
		{"８６１３８１２３４５６７８", "13812345678"},
		{"0911-8123456", "0911-8123456"},
		{"12812345678", ""},
		{"1381234567", ""},
		{"abc", ""},
	} {
		got, err := ParsePhone(tt.in)
		if tt.want == "" {
			if err == nil {
				t.Errorf("ParsePhone(%q) = %q, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParsePhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := ParseMobile("0911-8123456"); err == nil {
		t.Error("a fixed line is not a mobile number")
	}
}

func TestDocuments(t *testing.T) {
	for _, tt := range []struct {
		t     DocType
		in    string
		valid bool
	}{
		{DocPassport, "E12345678", true},
		{DocPassport, "E1", false},
		{DocHKMacaoPermit, "H12345678", true},
		{DocHKMacaoPermit, "X12345678", false},
		{DocTaiwanPermit, "12345678", true},
		{DocForeignPermanent, "USA123456789012", true},
		{DocForeignPermanent, MakeResidentID("911100", time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), 5)[:17] + "0", false},
		{DocHMTResidencePermit, MakeResidentID("810000", time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), 5), true},
		{DocHMTResidencePermit, MakeResidentID("110105", time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), 5), false},
	} {
		_, err := ParseDocument(tt.t, tt.in, today)
		if (err == nil) != tt.valid {
			t.Errorf("ParseDocument(%s, %q) error = %v, want valid=%v", tt.t, tt.in, err, tt.valid)
		}
	}
	if _, err := ParseDocType("护照"); err != nil {
		t.Error(err)
	}
}

func TestMasks(t *testing.T) {
	if got := MaskID("11010519491231002X"); got != "1101**********002X" {
		t.Errorf("MaskID = %q", got)
	}
	if got := MaskPhone("13812345678"); got != "138****5678" {
		t.Errorf("MaskPhone = %q", got)
	}
}
