package indicators

import (
	"math"
	"strings"
	"testing"
)

// testEntities are the register's entities without a database.
func testEntities(t *testing.T) (person, household *Entity) {
	t.Helper()
	person, household, _, _, _, _ = registerEntities([]tagKind{{"dibao", "低保", false}, {"childbearing", "育龄妇女", false},
		{"correction", "社区矫正", true}})
	for _, e := range []*Entity{person, household} {
		if err := e.build(); err != nil {
			t.Fatal(err)
		}
	}
	return person, household
}

func TestParseFilters(t *testing.T) {
	p, h := testEntities(t)
	for _, tc := range []struct {
		e    *Entity
		src  string
		want string // canonical form, or the error's text
		err  bool
	}{
		{p, "", "全部", false},
		{p, "全部", "全部", false},
		{p, "性别 = 女 且 年龄 在 15 到 49", "性别 = 女 且 年龄 在 15 到 49", false},
		{p, "性别=女 且 年龄≥60", "性别 = 女 且 年龄 >= 60", false},
		{p, "gender = F and age between 15 and 49", "性别 = 女 且 年龄 在 15 到 49", false},
		{p, "（标签 含 低保 或 标签 含 育龄妇女）且 非 有工作单位", "(标签 含 低保 或 标签 含 育龄妇女) 且 非 有工作单位", false},
		{p, "人口类别 属于 (户籍, 常住)", "人口类别 属于 (户籍, 常住)", false},
		{p, "人口类别 属于 （户籍、常住）", "人口类别 属于 (户籍, 常住)", false},
		{p, "人口类别 非 属于 (流动)", "人口类别 不属于 (流动)", false},
		{p, "标签 不含 低保", "标签 不含 低保", false},
		{p, "标签 含 (低保, 育龄妇女)", "标签 含 (低保, 育龄妇女)", false},
		{p, "民族 = 01", "民族 = 汉族", false},
		{p, "有工作单位 = 否", "有工作单位 = 否", false},
		{p, "年龄 <> 3", "年龄 != 3", false},
		{p, "!租住 && 年龄 < 18 || 性别 = 男", "非 租住 且 年龄 < 18 或 性别 = 男", false},
		{h, "户人数 = 1 且 成员最小年龄 >= 60", "户人数 = 1 且 成员最小年龄 >= 60", false},
		// Errors point at the problem, in Chinese.
		{p, "性另 = 女", "第 1 个字符处:人口没有字段「性另」", true},
		{p, "性别 = 妇女", "第 6 个字符处:「性别」没有取值「妇女」。可选:男、女", true},
		{p, "性别=女且年龄>=60", "关键词「且」前后请加空格", true},
		{p, "年龄 >= 六十", "「年龄」应与数字比较", true},
		{p, "年龄 = 女", "「年龄」应与数字比较", true},
		{p, "性别 > 女", "「性别」不是数值", true},
		{p, "标签 = 低保", "请用「含」或「不含」", true},
		{p, "性别 含 女", "请用 =、!=、属于 或 不属于", true},
		{p, "年龄 在 49 到 15", "下限 49 大于上限 15", true},
		{p, "年龄 在 15", "之后应为「到」", true},
		{p, "(性别 = 女", "缺少与第 1 个字符处左括号对应的右括号", true},
		{p, "性别 = 女)", "多余的右括号", true},
		{p, "性别 = 女 年龄 > 3", "之前应有「且」或「或」", true},
		{p, "性别 = 女 且", "条件不完整", true},
		{p, "性别 =", "之后缺少取值", true},
		{p, "所属户 = 3", "只能用于去重计数", true},
		{p, "性别 = 女 # 1", "无法识别的字符「#」", true},
		{p, "性别 = \"女", "引号没有闭合", true},
		{p, "人口类别 属于 (户籍 常住)", "取值之间用逗号分隔", true},
		{h, "户人数 = 1 且 年龄 > 3", "户没有字段「年龄」", true},
	} {
		n, err := Parse(tc.e, tc.src)
		switch {
		case tc.err && err == nil:
			t.Errorf("%q: parsed as %s, want error %q", tc.src, n, tc.want)
		case tc.err && !strings.Contains(err.Error(), tc.want):
			t.Errorf("%q: error %q, want %q", tc.src, err, tc.want)
		case !tc.err && err != nil:
			t.Errorf("%q: %v", tc.src, err)
		case !tc.err && n.String() != tc.want:
			t.Errorf("%q: canonical %q, want %q", tc.src, n.String(), tc.want)
		}
		// The canonical form parses to itself.
		if err == nil {
			again, err := Parse(tc.e, n.String())
			if err != nil || again.String() != n.String() {
				t.Errorf("%q: canonical form does not round-trip: %v", n.String(), err)
			}
		}
	}
}

func TestEvaluate(t *testing.T) {
	p, _ := testEntities(t)
	v := NewValues(p)
	for i := range v.Enum {
		v.Enum[i] = -1
	}
	set := func(field string, x any) {
		f := p.Field(field)
		switch val := x.(type) {
		case string:
			v.Enum[f.slot] = int32(f.ValueIndex(val))
		case float64:
			v.Num[f.slot] = val
		case uint64:
			v.Set[f.slot] = val
		case bool:
			v.Enum[f.slot] = boolIndex(val)
		}
	}
	set("gender", "女")
	set("age", 30.0)
	set("tags", uint64(1<<1)) // 育龄妇女
	set("employed", true)
	set("household_size", math.NaN())
	for _, tc := range []struct {
		src  string
		want bool
	}{
		{"性别 = 女 且 年龄 在 15 到 49", true},
		{"性别 = 男 或 年龄 > 29", true},
		{"标签 含 育龄妇女", true},
		{"标签 含 低保", false},
		{"标签 不含 低保", true},
		{"非 有工作单位", false},
		{"人口类别 = 户籍", false},   // unknown
		{"人口类别 != 户籍", true},   // unknown differs
		{"户人数 >= 1", false},    // unknown fails every comparison …
		{"户人数 != 1", true},     // … but !=
		{"年龄 在 30 到 30", true}, // inclusive
	} {
		n, err := Parse(p, tc.src)
		if err != nil {
			t.Fatal(err)
		}
		if got := n.eval(v); got != tc.want {
			t.Errorf("%q = %v, want %v", tc.src, got, tc.want)
		}
	}
}

// TestKeysSeparateWhatFiltersTell checks the engine's reduction of values
// to keys: two states with the same key meet the same filters.
func TestKeysSeparateWhatFiltersTell(t *testing.T) {
	p, _ := testEntities(t)
	var inds []*Compiled
	for i, f := range []string{"年龄 >= 60", "年龄 在 15 到 49", "年龄 = 0", "性别 = 女", "标签 含 低保", "人口类别 != 流动", ""} {
		c, err := Compile(&Registry{entities: map[string]*Entity{"person": p}, order: []*Entity{p}},
			Indicator{Code: "X" + itoa(i), Name: "x", Entity: "person", Filter: f, Measure: Count, Rule: AtEnd}, nil)
		if err != nil {
			t.Fatal(err)
		}
		inds = append(inds, c)
	}
	pl, err := newPlan(p, inds, []int{0, 1, 2, 3, 4, 5, 6})
	if err != nil {
		t.Fatal(err)
	}
	ages := []float64{math.NaN(), -1, 0, 0.5, 1, 14, 15, 16, 48, 49, 49.5, 50, 59, 60, 61, 100}
	for _, a := range ages {
		for _, g := range []int32{-1, 0, 1} {
			for _, tags := range []uint64{0, 1, 2, 3} {
				for _, res := range []int32{-1, 0, 2} {
					v := NewValues(p)
					for i := range v.Enum {
						v.Enum[i] = -1
					}
					v.Num[p.Field("age").slot] = a
					v.Enum[p.Field("gender").slot] = g
					v.Enum[p.Field("residence").slot] = res
					v.Enum[p.Field("status").slot] = 0 // 在册
					v.Set[p.Field("tags").slot] = tags
					m := pl.matches(pl.key(v))
					for i, c := range inds {
						want := c.Matches(v)
						got := m[i/64]&(1<<uint(i%64)) != 0
						if got != want {
							t.Errorf("%s on age %v gender %d tags %b residence %d: key says %v, filter %v", c.Filter, a, g, tags, res, got, want)
						}
					}
				}
			}
		}
	}
}

func TestPeriods(t *testing.T) {
	for _, tc := range []struct {
		in, str, start, end, before, label string
	}{
		{"2026-10", "2026-10", "2026-10-01", "2026-10-31", "2026-09-30", "2026年10月"},
		{"2026-02", "2026-02", "2026-02-01", "2026-02-28", "2026-01-31", "2026年2月"},
		{"2024-02", "2024-02", "2024-02-01", "2024-02-29", "2024-01-31", "2024年2月"},
		{"2026-Q4", "2026-Q4", "2026-10-01", "2026-12-31", "2026-09-30", "2026年第4季度"},
		{"2026-q1", "2026-Q1", "2026-01-01", "2026-03-31", "2025-12-31", "2026年第1季度"},
		{"2026", "2026", "2026-01-01", "2026-12-31", "2025-12-31", "2026年"},
	} {
		p, err := ParsePeriod(tc.in)
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if p.String() != tc.str || p.Start() != tc.start || p.End() != tc.end || p.Before() != tc.before || p.Label() != tc.label {
			t.Errorf("%s: %s %s %s %s %s", tc.in, p, p.Start(), p.End(), p.Before(), p.Label())
		}
	}
	for _, bad := range []string{"", "2026-13", "2026-1", "26-10", "2026-Q5", "2026/10", "abcd"} {
		if _, err := ParsePeriod(bad); err == nil || !strings.Contains(err.Error(), "报告期") {
			t.Errorf("%q accepted or error not in Chinese: %v", bad, err)
		}
	}
	oct, _ := ParsePeriod("2026-10")
	dec, _ := ParsePeriod("2026-12")
	q4, _ := ParsePeriod("2026-Q4")
	if oct.Due(Quarterly) || !dec.Due(Quarterly) || !dec.Due(Yearly) || !q4.Due(Quarterly) || q4.Due(Monthly) {
		t.Error("due items wrong")
	}
	if dec.Of(Quarterly) != q4 || oct.Previous().String() != "2026-09" {
		t.Error("Of / Previous wrong")
	}
	if a := ageOn(19600601, 20261031); a != 66 {
		t.Errorf("age = %v", a)
	}
	if a := ageOn(19601101, 20261031); a != 65 {
		t.Errorf("age before birthday = %v", a)
	}
}

func TestMeasuresAndRules(t *testing.T) {
	for _, tc := range []struct {
		in, m, arg string
		err        bool
	}{
		{"计数", Count, "", false},
		{"count", Count, "", false},
		{"去重计数(所属户)", Distinct, "所属户", false},
		{"平均(年龄)", Avg, "年龄", false},
		{"占比(A001)", Share, "A001", false},
		{"手工填报", Manual, "", false},
		{"求和", "", "", true},
		{"计数(人)", "", "", true},
		{"平均(年龄", "", "", true},
		{"总数", "", "", true},
	} {
		m, arg, err := ParseMeasure(tc.in)
		if (err != nil) != tc.err || m != tc.m || arg != tc.arg {
			t.Errorf("%q: %q %q %v", tc.in, m, arg, err)
		}
	}
	if r, err := ParseRule("期内新增"); err != nil || r != New {
		t.Error("期内新增")
	}
	if _, err := ParseRule("当月"); err == nil {
		t.Error("当月 accepted")
	}
}
