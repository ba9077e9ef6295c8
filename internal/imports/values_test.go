package imports

import (
	"strings"
	"testing"

	"shequ/internal/register"
	"shequ/internal/sheets"
)

func TestParseDateValue(t *testing.T) {
	for _, c := range []struct {
		cell sheets.Cell
		want string
		err  string
	}{
		{sheets.Cell{Value: "1990-1-2"}, "1990-01-02", ""},
		{sheets.Cell{Value: "1990.01.02"}, "1990-01-02", ""},
		{sheets.Cell{Value: "1990年1月2日"}, "1990-01-02", ""},
		{sheets.Cell{Value: "19900102"}, "1990-01-02", ""},
		{sheets.Cell{Value: "1990/1/2"}, "1990-01-02", ""},
		{sheets.Cell{Value: "１９９０－０１－０２"}, "1990-01-02", ""},
		{sheets.Cell{Value: " 1990-01-02 00:00:00 "}, "1990-01-02", ""},
		{sheets.Cell{Value: "32875"}, "1990-01-02", ""},
		{sheets.Cell{Value: "32875", Number: true, Date: true}, "1990-01-02", ""},
		{sheets.Cell{Value: "32875.5", Number: true}, "1990-01-02", ""},
		{sheets.Cell{Value: "19900102", Number: true}, "1990-01-02", ""},
		{sheets.Cell{Value: ""}, "", ""},
		{sheets.Cell{Value: "1990.01"}, "", "缺少日"},
		{sheets.Cell{Value: "1990年1月"}, "", "缺少日"},
		{sheets.Cell{Value: "1990-02-30"}, "", "不是有效日期"},
		{sheets.Cell{Value: "不详"}, "", "不是有效日期"},
	} {
		got, err := parseDateValue(c.cell, false)
		if got != c.want || (c.err == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), c.err) {
			t.Errorf("parseDateValue(%+v) = %q, %v; want %q %q", c.cell, got, err, c.want, c.err)
		}
	}
}

func TestLostDigits(t *testing.T) {
	for _, c := range []struct {
		cell sheets.Cell
		lost bool
	}{
		{sheets.Cell{Value: "6.10603E+17"}, true},
		{sheets.Cell{Value: "6.10603196803091E+17", Number: true}, true},
		{sheets.Cell{Value: "610603196803091000", Number: true}, true},
		{sheets.Cell{Value: "610603196803091315", Number: true}, false}, // all 18 digits kept by whoever wrote it
		{sheets.Cell{Value: "610603680309131", Number: true}, false},    // a 15-digit number fits
		{sheets.Cell{Value: "610603196803091000"}, false},               // text: the check digit decides
		{sheets.Cell{Value: "1.5E+3"}, false},
	} {
		if _, lost := lostDigits(c.cell); lost != c.lost {
			t.Errorf("lostDigits(%+v) = %v", c.cell, lost)
		}
	}
}

func TestCleaning(t *testing.T) {
	for in, want := range map[string]string{
		"张  三":       "张三",
		"李　四 ":       "李四",
		"买买提•艾力":     "买买提·艾力",
		"John Smith": "John Smith",
		" 王五\t":      "王五",
	} {
		if got := cleanName(in); got != want {
			t.Errorf("cleanName(%q) = %q", in, got)
		}
	}
	for in, want := range map[string]string{
		"城北路１２号  ３号楼": "城北路12号 3号楼",
		"plain":       "plain",
		" x ":         "x",
		"a\u00a0b":    "a b",
		"":            "",
	} {
		if got := cleanText(in); got != want {
			t.Errorf("cleanText(%q) = %q", in, got)
		}
	}
	if g, ok := genderCode("女性"); !ok || g != "F" {
		t.Error("女性")
	}
	if r, ok := residenceCode("流动人口"); !ok || r != register.ResidenceFloating {
		t.Error("流动人口")
	}
	if p := firstPhone("13812345678/0911-8123456"); p != "13812345678" {
		t.Errorf("firstPhone = %q", p)
	}
	if c := cellText(sheets.Cell{Value: "1.3812345678E10", Number: true}, false); c != "13812345678" {
		t.Errorf("cellText = %q", c)
	}
}

func TestSuggest(t *testing.T) {
	for label, want := range map[string]string{
		"姓名": "name", "名字": "name", "公民身份号码": "id_number", "身份证号码(18位)": "id_number", "证件号码": "id_number",
		"联系电话": "phone", "手机号": "phone", "户籍地址": "hukou_address", "现居住地址": "address", "出生年月": "birth_date",
		"基本情况/身份证号": "id_number", "残疾情况/类别": "tag_note", "户主姓名": "name", "序号": "", "备 注": "tag_note",
		"城北社区第一居民小组户籍人口登记表(姓名、身份证号)": "",
	} {
		if got := suggest(label).field; got != want {
			t.Errorf("suggest(%q) = %q, want %q", label, got, want)
		}
	}
	// 姓名 beats 户主姓名 for the person's name; the other is left out.
	fields, _ := mapColumns([]string{"户主姓名", "姓名", "身份证号", "残疾类别", "残疾等级"}, nil, true)
	if strings.Join(fields, ",") != ",name,id_number,tag_note,tag_note" {
		t.Errorf("mapColumns = %q", fields)
	}
	fields, _ = mapColumns([]string{"姓名", "身份证号", "残疾类别"}, map[string]string{"姓名": ""}, false)
	if strings.Join(fields, ",") != ",id_number," {
		t.Errorf("saved mapping and no tag: %q", fields)
	}
}

func row(n int, cells ...string) sheets.Row {
	r := sheets.Row{Num: n}
	for _, c := range cells {
		r.Cells = append(r.Cells, sheets.Cell{Value: c})
	}
	return r
}

func TestFindHeader(t *testing.T) {
	// A title over everything, a blank line, a header of two rows with 序号
	// merged down and 基本情况 across.
	rows := []sheets.Row{
		row(1, "花名册", "花名册", "花名册"),
		row(3, "序号", "基本情况", "基本情况"),
		row(4, "序号", "姓名", "身份证号"),
		row(5, "1", "张三", "610603196803091315"),
	}
	merges := []sheets.Range{{Row1: 1, Col1: 0, Row2: 1, Col2: 2}, {Row1: 3, Col1: 0, Row2: 4, Col2: 0}, {Row1: 3, Col1: 1, Row2: 3, Col2: 2}}
	start, data, labels, ok := findHeader(rows, merges)
	if !ok || start != 1 || data != 3 || strings.Join(labels, ",") != "序号,基本情况/姓名,基本情况/身份证号" {
		t.Errorf("findHeader = %d %d %q %v", start, data, labels, ok)
	}
	// A csv header on its first line.
	start, data, _, ok = findHeader([]sheets.Row{row(1, "姓名", "身份证号"), row(2, "张三", "1")}, nil)
	if !ok || start != 0 || data != 1 {
		t.Errorf("csv header: %d %d %v", start, data, ok)
	}
	// A sheet of notes has none.
	if _, _, _, ok := findHeader([]sheets.Row{row(1, "填表说明"), row(2, "1. 以户为单位")}, nil); ok {
		t.Error("a header in a sheet of notes")
	}
}
