package imports

import (
	"strings"
	"unicode"
)

// Field is something a column of a department's list can hold: a person
// field of the register, the household or community a new person goes to,
// or a fact about the tag the list is about (低保 since …).
type Field struct {
	Key      string `json:"key"`
	Label    string `json:"label"`
	synonyms []string
}

// Field keys beyond the person fields of the register.
const (
	FieldHousehold = "household_number" // 户号: the household a new person joins
	FieldCommunity = "community"        // 社区: where a new person goes when the import spans several
	FieldTagStart  = "tag_started_on"
	FieldTagEnd    = "tag_ended_on"
	FieldTagNote   = "tag_note" // several columns may feed it (残疾类别, 残疾等级)
)

// Fields lists what columns may be mapped to, in the order forms show them:
// the register's fields, the tag the list is about, then the tags a list
// may carry in columns of their own (tagColumns). The synonyms are how
// departments' lists name the column; header labels are compared after
// normalising (see labelKey).
var Fields = append(listFields, tagColumnFields()...)

var listFields = []Field{
	{"name", "姓名", []string{"姓名", "名字", "人员姓名", "居民姓名", "保障对象姓名", "残疾人姓名", "妇女姓名", "育龄妇女姓名", "申请人姓名", "对象姓名"}},
	{"id_number", "证件号码", []string{"公民身份号码", "身份证号", "身份证号码", "证件号码", "证件号", "身份证", "居民身份证号码", "身份证件号码", "公民身份证号码", "身份号码", "证件编号"}},
	{"doc_type", "证件类型", []string{"证件类型", "证件种类", "证件名称"}},
	{"gender", "性别", []string{"性别"}},
	{"birth_date", "出生日期", []string{"出生日期", "出生年月日", "出生年月", "生日", "出生时间"}},
	{"ethnicity", "民族", []string{"民族", "族别"}},
	{"relation", "与户主关系", []string{"与户主关系", "与户主的关系", "家庭关系", "关系", "户内关系"}},
	{"residence", "人口类别", []string{"人口类别", "人员类别", "人口类型", "户籍类别", "居住类别"}},
	{"phone", "联系电话", []string{"联系电话", "电话", "手机", "手机号", "手机号码", "联系方式", "电话号码", "联系手机", "本人电话"}},
	{"hukou_address", "户籍地址", []string{"户籍地址", "户籍地", "户口所在地", "户籍所在地", "户籍详址", "户口地址", "户籍住址", "户籍所在地详址"}},
	{"address", "现住址", []string{"现住址", "现居住地址", "居住地址", "住址", "现居住地", "家庭住址", "家庭地址", "地址", "现住地址", "实际居住地址", "居住地"}},
	{"occupation", "职业", []string{"职业", "工作", "职业类别"}},
	{"moved_in_on", "迁入日期", []string{"迁入日期", "迁入时间", "入住日期", "来本地日期", "来本地时间"}},
	{FieldHousehold, "户号", []string{"户号", "户编号", "户籍编号"}},
	{FieldCommunity, "所属社区", []string{"社区", "所属社区", "社区名称", "居委会", "所在社区"}},
	{FieldTagStart, "标签开始日期", []string{"起始日期", "开始日期", "批准日期", "享受日期", "发证日期", "认定日期", "纳入日期", "登记日期", "享受时间", "审批日期"}},
	{FieldTagEnd, "标签结束日期", []string{"终止日期", "结束日期", "停保日期", "退出日期", "注销日期"}},
	{FieldTagNote, "标签备注", []string{"残疾类别", "残疾等级", "残疾类型", "类别", "等级", "保障金额", "月保障金额", "残疾证号", "保障人数", "备注"}},
}

// tagColumn is a tag kind a list may carry in columns of its own, beside
// the tag the list is about: 计生's roster of women of child-bearing age
// gives 孕情 with 末次月经 and 预产期. A row holds the tag when its column says
// so (有, 是, 怀孕; other words become the tag's note) or gives one of its
// dates; 无, 否 say nothing about it.
type tagColumn struct {
	code, name           string
	holds, starts, ends  []string // header synonyms of each column
	startLabel, endLabel string
}

var tagColumns = []tagColumn{
	{"pregnant", "孕情", []string{"孕情", "孕情状况", "孕情情况", "现孕情况", "怀孕情况", "是否怀孕", "孕育情况", "孕产情况"},
		[]string{"孕期开始", "孕期开始日期", "怀孕日期", "怀孕时间", "末次月经", "末次月经日期", "末次月经时间", "孕情开始日期"},
		[]string{"预产期", "预产日期", "孕情结束日期", "分娩日期", "终止妊娠日期", "孕期结束"}, "孕期开始", "预产期(孕情结束)"},
	{"living_alone", "独居老人", []string{"是否独居", "独居", "独居老人", "是否独居老人"}, nil, nil, "", ""},
	{"veteran", "退役军人", []string{"是否退役军人", "退役军人"}, []string{"退役时间", "退役日期", "退伍时间", "退伍日期"}, nil,
		"退役日期", ""},
}

// tagColumnKey is the field key of a tag column: tag:<code> for whether the
// row holds it, tag:<code>:started_on and tag:<code>:ended_on for its dates.
func tagColumnKey(code, sub string) string {
	if sub == "" {
		return "tag:" + code
	}
	return "tag:" + code + ":" + sub
}

// tagColumnOf reads a tag column's field key.
func tagColumnOf(key string) (code, sub string, ok bool) {
	rest, ok := strings.CutPrefix(key, "tag:")
	if !ok {
		return "", "", false
	}
	code, sub, _ = strings.Cut(rest, ":")
	return code, sub, code != ""
}

func tagColumnFields() []Field {
	var out []Field
	for _, t := range tagColumns {
		out = append(out, Field{tagColumnKey(t.code, ""), t.name, t.holds})
		if len(t.starts) > 0 {
			out = append(out, Field{tagColumnKey(t.code, "started_on"), t.name + ":" + t.startLabel, t.starts})
		}
		if len(t.ends) > 0 {
			out = append(out, Field{tagColumnKey(t.code, "ended_on"), t.name + ":" + t.endLabel, t.ends})
		}
	}
	return out
}

// Ignored header labels: columns every list has that hold nothing for the
// register (the row number, an age computed from the birth date).
var ignoredLabels = []string{"序号", "编号", "年龄", "周岁", "说明"}

func fieldByKey(key string) (Field, bool) {
	for _, f := range Fields {
		if f.Key == key {
			return f, true
		}
	}
	return Field{}, false
}

// FieldLabel is the Chinese name of a field key ("不导入" for "").
func FieldLabel(key string) string {
	if key == "" {
		return "不导入"
	}
	if f, ok := fieldByKey(key); ok {
		return f.Label
	}
	return key
}

func isTagField(key string) bool {
	return key == FieldTagStart || key == FieldTagEnd || key == FieldTagNote
}

// personFields are the person fields a list can carry, compared with the
// register value by value.
var personFields = []string{"name", "doc_type", "gender", "birth_date", "ethnicity", "relation", "residence",
	"phone", "hukou_address", "address", "occupation", "moved_in_on"}

// labelKey normalises a header label for comparison: full-width forms
// folded, spaces, line breaks and marks of required columns (*) gone, text
// in brackets dropped ("身份证号码(18位)" → "身份证号码").
func labelKey(s string) string {
	s = foldWidth(s)
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(' || r == '（' || r == '[' || r == '【':
			depth++
		case r == ')' || r == '）' || r == ']' || r == '】':
			if depth > 0 {
				depth--
			}
		case depth > 0, unicode.IsSpace(r), r == '*', r == '＊', r == ':', r == '：', r == '/', r == '\\', r == '、':
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// match is how well a label names a field: 3 exact, 2 ends with a
// synonym (残疾人身份证号), 1 contains one; 0 not at all. length breaks
// ties: the longer synonym is the more specific.
type match struct {
	field  string
	level  int
	length int
}

func (m match) better(o match) bool {
	return m.level > o.level || m.level == o.level && m.length > o.length
}

// suggest finds the field a header label most likely names. Labels of two
// header rows come as "parent/child": the child alone and both together
// are tried.
func suggest(label string) match {
	var best match
	parts := strings.Split(label, "/")
	candidates := []string{labelKey(strings.Join(parts, ""))}
	if len(parts) > 1 {
		candidates = append(candidates, labelKey(parts[len(parts)-1]))
	}
	for _, key := range candidates {
		if key == "" {
			continue
		}
		for _, ig := range ignoredLabels {
			if key == ig {
				return match{field: "", level: 3, length: len(ig)}
			}
		}
		// Titles and notes are long; a header label is short.
		long := len([]rune(key)) > 14
		for _, f := range Fields {
			for _, syn := range f.synonyms {
				m := match{field: f.Key, length: len([]rune(syn))}
				switch {
				case key == syn:
					m.level = 3
				case long:
					continue
				case strings.HasSuffix(key, syn):
					m.level = 2
				case strings.Contains(key, syn) && len([]rune(syn)) >= 2:
					m.level = 1
				default:
					continue
				}
				if m.better(best) {
					best = m
				}
			}
		}
	}
	return best
}

// foldWidth turns full-width digits, letters and spaces into their
// half-width forms; Chinese punctuation stays as it is.
func foldWidth(s string) string {
	if !wide(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\u3000':
			return ' '
		case r >= '０' && r <= '９', r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ':
			return r - '０' + '0'
		}
		return r
	}, s)
}

// wide reports whether s holds a rune foldWidth changes: U+3000 (E3 80 80),
// U+FF10–FF19 and U+FF21–FF3A (EF BC 90–99, A1–BA), U+FF41–FF5A (EF BD
// 81–9A). It looks for the bytes E3 and EF, which only ever begin a
// sequence, rather than decoding every rune: the register's texts are
// mostly Chinese.
func wide(s string) bool {
	for t := s; ; {
		i := strings.IndexByte(t, 0xEF)
		if i < 0 || i+2 >= len(t) {
			break
		}
		switch c := t[i+2]; t[i+1] {
		case 0xBC:
			if c >= 0x90 && c <= 0x99 || c >= 0xA1 && c <= 0xBA {
				return true
			}
		case 0xBD:
			if c >= 0x81 && c <= 0x9A {
				return true
			}
		}
		t = t[i+1:]
	}
	for t := s; ; {
		i := strings.IndexByte(t, 0xE3)
		if i < 0 || i+2 >= len(t) {
			return false
		}
		if t[i+1] == 0x80 && t[i+2] == 0x80 {
			return true
		}
		t = t[i+1:]
	}
}
