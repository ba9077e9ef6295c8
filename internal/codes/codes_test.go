package codes

import (
	"strings"
	"testing"
)

func TestAreaName(t *testing.T) {
	tests := []struct {
		code, name string
		current    bool
	}{
		{"610000", "陕西省", true},
		{"610600", "延安市", true},
		{"610603", "安塞区", true},
		{"610624", "安塞县", false}, // became 安塞区 in 2016
		{"612624", "安塞县", false}, // 延安地区 code, before 1996
		{"141000", "临汾市", true},
		{"141081", "侯马市", true},
		{"142602", "侯马市", false}, // 临汾地区 code, before 2000
		{"110105", "朝阳区", true},
		{"150302", "海勃湾区", true},
		{"132101", "邯郸市", false}, // 邯郸地区, 1980s IDs
		{"460321", "西沙群岛", false},
		{"810000", "香港特别行政区", true},
	}
	for _, tt := range tests {
		name, ok := AreaName(tt.code)
		if !ok || name != tt.name {
			t.Errorf("AreaName(%s) = %q, %v; want %q", tt.code, name, ok, tt.name)
		}
		if got := AreaCurrent(tt.code); got != tt.current {
			t.Errorf("AreaCurrent(%s) = %v, want %v", tt.code, got, tt.current)
		}
	}
	if _, ok := AreaName("990101"); ok {
		t.Error("AreaName(990101) should not exist")
	}
}

func TestValidArea(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{"110105", true},
		{"610624", true}, // historical
		{"132101", true}, // historical, prefix gone since 1993
		{"110100", true}, // 市辖区 grouping code: not listed, prefecture known
		{"610699", true}, // unlisted county under a known prefecture
		{"610000", true},
		{"619901", false}, // known province, unknown prefecture
		{"990101", false}, // no such province
		{"000000", false},
		{"6106", false},
		{"61060a", false},
		{"6106001", false},
		{"", false},
		{"６１０６０３", false}, // full-width digits are the caller's job
	}
	for _, tt := range tests {
		if got := ValidArea(tt.code); got != tt.want {
			t.Errorf("ValidArea(%q) = %v, want %v", tt.code, got, tt.want)
		}
	}
}

func TestProvinceOf(t *testing.T) {
	for in, want := range map[string]string{"610603": "610000", "61": "610000", "6": "", "": "", "x10603": ""} {
		if got := ProvinceOf(in); got != want {
			t.Errorf("ProvinceOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCountiesOf(t *testing.T) {
	tests := []struct {
		prefix string
		want   []string
	}{
		{"1503", []string{"150302", "150303", "150304"}}, // 乌海
		{"6106", []string{"610602", "610603", "610621", "610622", "610625", "610626", "610627", "610628", "610629", "610630", "610631", "610632", "610681"}},
		{"9999", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, a := range CountiesOf(tt.prefix) {
			got = append(got, a.Code)
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("CountiesOf(%s) = %v, want %v", tt.prefix, got, tt.want)
		}
	}
	sx := CountiesOf("61")
	if len(sx) < 100 {
		t.Fatalf("CountiesOf(61) = %d counties, want Shaanxi's ~107", len(sx))
	}
	for i, a := range sx {
		if !a.Current || !strings.HasPrefix(a.Code, "61") || strings.HasSuffix(a.Code, "00") {
			t.Errorf("CountiesOf(61) returned %+v", a)
		}
		if i > 0 && sx[i-1].Code >= a.Code {
			t.Errorf("CountiesOf(61) out of order at %s", a.Code)
		}
	}
}

// TestAreaFile checks the embedded data itself: one well-formed line per
// code, in order, each county under a listed province.
func TestAreaFile(t *testing.T) {
	var prev string
	n, current := 0, 0
	for i, line := range strings.Split(areasTSV, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 || !isDigits(f[0], 6) || f[1] == "" || (f[2] != "current" && f[2] != "historical") {
			t.Fatalf("areas.tsv line %d malformed: %q", i+1, line)
		}
		if f[0] <= prev {
			t.Fatalf("areas.tsv line %d: %s not after %s", i+1, f[0], prev)
		}
		if _, ok := AreaName(ProvinceOf(f[0])); !ok {
			t.Errorf("areas.tsv: %s has no province row", f[0])
		}
		prev = f[0]
		n++
		if f[2] == "current" {
			current++
		}
	}
	if n != len(Areas()) || current < 3000 || n-current < 3000 {
		t.Errorf("areas.tsv: %d codes (%d current), Areas() = %d", n, current, len(Areas()))
	}
}

func TestEthnicities(t *testing.T) {
	list := Ethnicities()
	if len(list) != 58 || list[0] != (Code{"01", "汉族"}) || list[55] != (Code{"56", "基诺族"}) {
		t.Fatalf("Ethnicities() = %d entries, first %v", len(list), list[0])
	}
	list[0].Name = "changed"
	if n, _ := EthnicityName("01"); n != "汉族" {
		t.Error("Ethnicities() must return a copy")
	}
	tests := []struct {
		name, code string
		ok         bool
	}{
		{"汉", "01", true},
		{"汉族", "01", true},
		{" 回族 ", "03", true},
		{"维吾尔", "05", true},
		{"基诺族", "56", true},
		{"其他", "97", true},
		{"其它", "97", true},
		{"外国血统中国籍人士", "98", true},
		{"", "", false},
		{"族", "", false},
		{"火星族", "", false},
	}
	for _, tt := range tests {
		code, ok := EthnicityByName(tt.name)
		if code != tt.code || ok != tt.ok {
			t.Errorf("EthnicityByName(%q) = %q, %v; want %q, %v", tt.name, code, ok, tt.code, tt.ok)
		}
	}
	for code, want := range map[string]string{"03": "回族", "56": "基诺族", "98": "外国血统中国籍人士"} {
		if n, ok := EthnicityName(code); !ok || n != want {
			t.Errorf("EthnicityName(%s) = %q, %v", code, n, ok)
		}
	}
	if _, ok := EthnicityName("57"); ok {
		t.Error("57 is not a code")
	}
}

func TestRelations(t *testing.T) {
	list := Relations()
	seen := map[string]bool{}
	keys := map[string]string{}
	for _, c := range list {
		if len(c.Code) != 2 || seen[c.Code] {
			t.Errorf("bad or repeated relation code %q", c.Code)
		}
		seen[c.Code] = true
		if other, dup := keys[relationKey(c.Name)]; dup {
			t.Errorf("relations %s and %s fold to the same name", other, c.Code)
		}
		keys[relationKey(c.Name)] = c.Code
	}
	if len(list) != 84 || seen["98"] {
		t.Errorf("%d relation codes (98 present: %v)", len(list), seen["98"])
	}
	tests := []struct {
		name, code string
	}{
		{"本人", "01"},
		{"户主", "02"},
		{"配偶", "10"},
		{"妻", "12"},
		{"妻子", "12"},
		{"长子", "22"},
		{"女婿", "28"},
		{"孙子、孙女或外孙子、外孙女", "40"},
		{"孙子、孙女、外孙子、外孙女", "40"},
		{"祖父母或外祖父母", "60"},
		{"兄、弟、姐、妹", "70"},
		{"兄弟姐妹", "70"},
		{"其它", "80"},
		{"姨父", "87"},
		{"姨夫", "87"},
		{"非亲属", "99"},
		{"", ""},
		{"邻居", ""},
	}
	for _, tt := range tests {
		code, ok := RelationByName(tt.name)
		if code != tt.code || ok != (tt.code != "") {
			t.Errorf("RelationByName(%q) = %q, %v; want %q", tt.name, code, ok, tt.code)
		}
	}
	if n, _ := RelationName("70"); n != "兄、弟、姐、妹" {
		t.Errorf("RelationName(70) = %q", n)
	}
	if !IsHead("02") || !IsHead("01") || IsHead("10") {
		t.Error("IsHead")
	}
}

func BenchmarkValidArea(b *testing.B) {
	ValidArea("110105")
	for i := 0; i < b.N; i++ {
		ValidArea("610624")
	}
}
