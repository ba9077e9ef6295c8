package ident

import (
	"errors"
	"testing"
)

func TestParseUSCC(t *testing.T) {
	valid := []struct{ in, want string }{
		{"91350100M000100Y43", "91350100M000100Y43"}, // the example printed with GB 32100
		{"91110000600037341L", "91110000600037341L"}, // 北京, digits-only organisation code
		{"92371000MA3MXH0E3W", "92371000MA3MXH0E3W"}, // 个体工商户
		{"12440600MB2C07549J", "12440600MB2C07549J"}, // 事业单位
		{"9135021359498494XQ", "9135021359498494XQ"}, // organisation code check X
		{"91610603MA6W1234X0", "91610603MA6W1234X0"}, // computed independently, as below
		{"51610600500000015C", "51610600500000015C"}, // 社会团体
		{"N2610624MA0000015T", "N2610624MA0000015T"}, // 村级集体经济组织
		{"Y1100000ABCDEFGH5D", "Y1100000ABCDEFGH5D"}, // national registration area 100000
		{" 9135 0100 m000 100y 43 ", "91350100M000100Y43"},
		{"９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43"},
	}
	for _, tt := range valid {
		got, err := ParseUSCC(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseUSCC(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}

	invalid := []struct {
		in   string
		kind ErrorKind
		msg  string
	}{
		{"", KindEmpty, "统一社会信用代码不能为空"},
		{"91350100M000100Y4", KindLength, "统一社会信用代码应为18位,现为17位"},
		{"9135010OM000100Y43", KindChars, "统一社会信用代码含有无效字符 O(不使用 I、O、Z、S、V)"},
		{"91350100M0001I0Y43", KindChars, "统一社会信用代码含有无效字符 I(不使用 I、O、Z、S、V)"},
		{"91350100M000100Y4中", KindChars, "统一社会信用代码含有无效字符 中(不使用 I、O、Z、S、V)"},
		{"B1350100M000100Y43", KindFormat, "统一社会信用代码第1位(登记管理部门代码)无效"},
		{"94350100M000100Y43", KindFormat, "统一社会信用代码第2位(机构类别代码)与登记管理部门不符"},
		{"Y2350100M000100Y43", KindFormat, "统一社会信用代码第2位(机构类别代码)与登记管理部门不符"},
		{"913501A0M000100Y43", KindFormat, "统一社会信用代码第3至8位(登记管理机关行政区划码)应为数字"},
		{"91350100M000100Y53", KindCheck, "统一社会信用代码中的组织机构代码(第9至17位)校验位错误,请核对"},
		{"91350100M000100Y44", KindCheck, "统一社会信用代码校验位错误,请核对"},
		// A real Xiamen code registered before 2016 whose final character
		// does not follow the standard; no validator can accept it.
		{"91350203M0001QKT19", KindCheck, "统一社会信用代码校验位错误,请核对"},
	}
	for _, tt := range invalid {
		_, err := ParseUSCC(tt.in)
		var e *Error
		if !errors.As(err, &e) || e.Kind != tt.kind || e.Msg != tt.msg {
			t.Errorf("ParseUSCC(%q) error = %v, want [%s] %q", tt.in, err, tt.kind, tt.msg)
		}
	}
}

func TestMakeUSCC(t *testing.T) {
	tests := []struct {
		authority, orgType byte
		area, body, want   string
	}{
		{'9', '1', "350100", "M000100Y", "91350100M000100Y43"},
		{'9', '1', "610603", "MA6W1234", "91610603MA6W1234X0"},
		{'5', '1', "610600", "50000001", "51610600500000015C"},
		{'1', '2', "141081", "00000123", "12141081000001230C"},
	}
	for _, tt := range tests {
		got := MakeUSCC(tt.authority, tt.orgType, tt.area, tt.body)
		if got != tt.want {
			t.Errorf("MakeUSCC(%c, %c, %s, %s) = %s, want %s", tt.authority, tt.orgType, tt.area, tt.body, got, tt.want)
		}
		if _, err := ParseUSCC(got); err != nil {
			t.Errorf("MakeUSCC(...) = %s does not parse: %v", got, err)
		}
	}
}

func TestCheckCharsRejectBadInput(t *testing.T) {
	for _, s := range []string{"", "9135010", "91350100M000100YI", "91350100M000100Y4X"} {
		if c := USCCCheckChar(s); c != 0 {
			t.Errorf("USCCCheckChar(%q) = %q, want 0", s, c)
		}
	}
	for _, s := range []string{"", "M000100", "M00010-Y"} {
		if c := orgCodeCheck(s); c != 0 {
			t.Errorf("orgCodeCheck(%q) = %q, want 0", s, c)
		}
	}
}
