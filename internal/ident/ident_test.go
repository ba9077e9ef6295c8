package ident

import "testing"

func TestNormalise(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{" 1101 05 ", "110105"},
		{"１２３ｘＸ", "123XX"},
		{"\t'e12345678\n", "E12345678"},
		{"\ufeff\u200b123", "123"}, // byte-order mark, zero-width space
		{"１２３　４５６", "123456"},      // ideographic space
		{"－＋（）", "-+()"},
		{"''1", "'1"}, // only one leading apostrophe goes
	}
	for _, tt := range tests {
		if got := normalise(tt.in); got != tt.want {
			t.Errorf("normalise(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"11010519491231002X", "1101**********002X"},
		{"610624198005171233", "6106**********1233"},
		{"110105491231002", "1101*******1002"},
		{"E12345678", "E1*****78"},
		{"H12345678", "H1*****78"},
		{"12345678", "12****78"},
		{"USA123456789012", "USA1*******9012"},
		{"123", "***"},
		{"", ""},
		{"港澳台居民", "港***民"},
	}
	for _, tt := range tests {
		got := MaskID(tt.in)
		if got != tt.want {
			t.Errorf("MaskID(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if len([]rune(got)) != len([]rune(tt.in)) {
			t.Errorf("MaskID(%q) changed the length", tt.in)
		}
	}
}

func TestMaskPhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13812345678", "138****5678"},
		{"13900000001", "139****0001"},
		{"0911-8123456", "091****3456"},
		{"09118123456", "091****3456"},
		{"010-62345678-801", "010****5678-801"},
		{"400-123-4567", "400***4567"},
		{"1234567", "1*****7"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MaskPhone(tt.in); got != tt.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	err := fail(KindCheck, "身份证号码校验位错误,请核对")
	if err.Error() != "身份证号码校验位错误,请核对" {
		t.Errorf("Error() = %q", err.Error())
	}
}

// FuzzCanonicalForms checks that the other parsers never panic and that
// every value they accept is a fixed point: parsing the output again gives
// the output.
func FuzzCanonicalForms(f *testing.F) {
	for _, s := range []string{"91350100M000100Y43", "+86 138-1234-5678", "010-62345678转801", "(0911)8123456",
		"400-123-4567", "E12345678", "H1234567801", "USA123456789012", "911560199001010025", "830000198511110035", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fixed := func(name string, parse func(string) (string, error)) {
			out, err := parse(s)
			if err != nil {
				return
			}
			if again, err := parse(out); err != nil || again != out {
				t.Fatalf("%s(%q) = %q, which re-parses to %q, %v", name, s, out, again, err)
			}
		}
		fixed("ParseUSCC", ParseUSCC)
		fixed("ParseMobile", ParseMobile)
		fixed("ParsePhone", ParsePhone)
		for _, dt := range DocTypes() {
			fixed("ParseDocument/"+string(dt), func(v string) (string, error) { return ParseDocument(dt, v, today) })
		}
		_ = MaskID(s)
		_ = MaskPhone(s)
	})
}
