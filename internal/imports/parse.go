package imports

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/fault"
	"shequ/internal/ident"
	"shequ/internal/register"
	"shequ/internal/sheets"
)

// incoming is one data row of a list, read and checked, before it meets
// the register.
type incoming struct {
	seq    int // the row's place among the rows the import handles
	sheet  int
	rowNum int
	cells  []string // the row's texts as read, for the rejected-rows file

	skip    bool     // a blank or closing row (合计, 填表人): not data
	dup     bool     // the same person with the same values as an earlier row of the file
	reasons []string // why the row cannot be taken; empty when it can
	parsed  int      // how many of the reasons reading the row found
	bad     []int    // the columns at fault

	person register.Person // the values the row gives, normalised
	has    fieldSet        // which person fields the row gives
	key    string          // the document number the register is matched by
	rkey   uint64          // key as a number, for a resident ID (rok)
	rok    bool
	// what the roster found for key at lookup (roster.found): generation+1
	// (0 when not looked up), index and whether found
	rgen   int
	ridx   int32
	rfound bool

	// birthMonth is a 出生年月 given without a day (YYYY-MM): checked
	// against the ID number, or used for matching a row without one.
	birthMonth string
	// noID marks a row without a document number: it is found by name,
	// birth and address, or not at all.
	noID bool

	household string // 户号
	community string // 社区
	tag       *tagIn
	// extra are the tags the row holds by tag columns (孕情), one per
	// kind, in the order of their first columns.
	extra []*tagIn
}

// tagIn is what a row says about the tag its list is about.
type tagIn struct {
	Code      string `json:"code"`
	StartedOn string `json:"started_on,omitempty"`
	EndedOn   string `json:"ended_on,omitempty"`
	Note      string `json:"note,omitempty"`

	denied bool // a tag column says the row does not hold it (无, 否)
}

// fieldSet is a set of person fields, by their index in personFields.
type fieldSet uint32

func fieldIndex(f string) int {
	for i, p := range personFields {
		if p == f {
			return i
		}
	}
	return -1
}

func (s fieldSet) with(f string) fieldSet    { return s | 1<<fieldIndex(f) }
func (s fieldSet) without(f string) fieldSet { return s &^ (1 << fieldIndex(f)) }
func (s fieldSet) has(f string) bool {
	i := fieldIndex(f)
	return i >= 0 && s&(1<<i) != 0
}

// parser turns rows of one sheet into incoming rows. It touches no
// database, so it runs beside the matching and writing of earlier rows.
type parser struct {
	layout   *SheetLayout
	date1904 bool
	today    time.Time
	tag      string
}

func (ps *parser) reject(in *incoming, col int, msg string) {
	label := ""
	if col >= 0 && col < len(ps.layout.Labels) {
		label = "【" + ps.layout.Labels[col] + "】"
		in.bad = append(in.bad, col)
	}
	in.reasons = append(in.reasons, label+msg)
}

// firstColumns holds, for each field a row gives, the first column that
// gave it a value. A row has a dozen fields: a short list made per row
// costs a fraction of a map.
type firstColumns []fieldColumn

type fieldColumn struct {
	field string
	col   int
}

func (fc firstColumns) get(f string) (int, bool) {
	for _, x := range fc {
		if x.field == f {
			return x.col, true
		}
	}
	return 0, false
}

// at is the column of f, or 0 when the row does not give it.
func (fc firstColumns) at(f string) int {
	c, _ := fc.get(f)
	return c
}

func (fc *firstColumns) add(f string, c int) {
	if _, ok := fc.get(f); !ok {
		*fc = append(*fc, fieldColumn{f, c})
	}
}

// parse reads one data row.
func (ps *parser) parse(row sheets.Row, seq int) *incoming {
	in := ps.read(row, seq)
	in.parsed = len(in.reasons)
	return in
}

func (ps *parser) read(row sheets.Row, seq int) *incoming {
	in := &incoming{seq: seq, sheet: ps.layout.Index, rowNum: row.Num}
	in.cells = make([]string, len(row.Cells))
	nonEmpty := 0
	first, banner := "", true
	for i, c := range row.Cells {
		in.cells[i] = cellText(c, ps.date1904)
		if !blankCell(in.cells[i]) {
			nonEmpty++
			if first == "" {
				first = in.cells[i]
			} else if in.cells[i] != first {
				banner = false
			}
		}
	}
	// Blank separators, closing lines (合计:400人, 制表人 …) and a line
	// merged across the columns (the reader copies its text into each)
	// are no one's data, whatever columns they happen to fill.
	if nonEmpty == 0 || isFooter(first) || banner && nonEmpty > 1 {
		in.skip = true
		return in
	}
	cols := make(firstColumns, 0, 16)
	var notes []string
	p := &in.person
	for c, f := range ps.layout.Fields {
		if f == "" || c >= len(row.Cells) {
			continue
		}
		cell := row.Cells[c]
		text := cleanText(in.cells[c])
		if text == "" || blankCell(text) {
			continue
		}
		cols.add(f, c)
		switch f {
		case "name":
			p.Name = cleanName(text)
		case "id_number":
			if v, lost := lostDigits(cell); lost {
				ps.reject(in, c, fmt.Sprintf("证件号码被 Excel 存成了数字(%s),15位以后的数字已经丢失,无法还原;请把该列设为“文本”格式后重新填写号码", v))
				continue
			}
			p.IDNumber = strings.TrimSpace(cell.Value)
			if cell.Number {
				p.IDNumber = text
			}
		case "doc_type":
			p.DocType = text
		case "gender":
			g, ok := genderCode(text)
			if !ok {
				ps.reject(in, c, "性别应为 男 或 女,现为“"+text+"”")
				continue
			}
			p.Gender = g
		case "birth_date":
			d, month, err := parseBirthValue(cell, ps.date1904, monthLabel(ps.layout.Labels[c]))
			if err != nil {
				ps.reject(in, c, err.Error())
				continue
			}
			p.BirthDate, in.birthMonth = d, month
		case "moved_in_on", FieldTagStart, FieldTagEnd:
			d, err := parseDateValue(cell, ps.date1904)
			if err != nil {
				ps.reject(in, c, err.Error())
				continue
			}
			switch f {
			case "moved_in_on":
				p.MovedInOn = d
			case FieldTagStart:
				in.tagValue().StartedOn = d
			case FieldTagEnd:
				in.tagValue().EndedOn = d
			}
		case "residence":
			r, ok := residenceCode(text)
			if !ok {
				ps.reject(in, c, "人口类别应为 户籍、常住、流动 或 境外,现为“"+text+"”")
				continue
			}
			p.Residence = r
		case "phone":
			p.Phone = firstPhone(text)
		case "ethnicity":
			p.Ethnicity = text
		case "relation":
			p.Relation = text
		case "hukou_address":
			p.HukouAddress = text
		case "address":
			p.Address = text
		case "occupation":
			p.Occupation = text
		case FieldHousehold:
			in.household = text
		case FieldCommunity:
			in.community = text
		default:
			if code, sub, ok := tagColumnOf(f); ok {
				ps.readTagColumn(in, c, cell, text, code, sub)
				continue
			}
		case FieldTagNote:
			label := ps.layout.Labels[c]
			if i := strings.LastIndex(label, "/"); i >= 0 {
				label = label[i+1:]
			}
			notes = append(notes, label+":"+text)
		}
		if fieldIndex(f) >= 0 && (f != "birth_date" || p.BirthDate != "") {
			in.has = in.has.with(f)
		}
	}
	if len(notes) > 0 {
		in.tagValue().Note = strings.Join(notes, ",")
		if utf8.RuneCountInString(in.tagValue().Note) > 200 {
			ps.reject(in, cols.at(FieldTagNote), "备注过长(超过200字)")
		}
	}
	if ps.tag != "" {
		in.tagValue().Code = ps.tag
	}
	in.extra = heldTags(in.extra)
	_, hasID := cols.get("id_number")
	_, hasName := cols.get("name")
	if !hasID && len(in.reasons) == 0 {
		// A row without a number is a note, unless it carries a person's
		// data.
		if !hasName && nonEmpty <= 1 {
			in.skip = true
			return in
		}
		if !hasName {
			in.reasons = append(in.reasons, "缺少姓名和证件号码")
			return in
		}
	}
	ps.check(in, cols)
	return in
}

// readTagColumn reads a cell of a tag column: whether the row holds the
// tag (sub "") or one of its dates.
func (ps *parser) readTagColumn(in *incoming, c int, cell sheets.Cell, text, code, sub string) {
	if sub != "" {
		d, err := parseDateValue(cell, ps.date1904)
		if err != nil {
			ps.reject(in, c, err.Error())
			return
		}
		t := in.extraTag(code)
		if sub == "started_on" {
			t.StartedOn = d
		} else {
			t.EndedOn = d
		}
		return
	}
	held, said := holdsTag(text)
	if !said {
		return
	}
	t := in.extraTag(code)
	t.denied = !held
	if held && !yesWord(text) {
		// 早孕, 孕16周: what the list says of it.
		t.Note = text
		if utf8.RuneCountInString(t.Note) > 200 {
			ps.reject(in, c, "内容过长(超过200字)")
		}
	}
}

// extraTag is the row's tag of a kind its tag columns give, made on first
// use.
func (in *incoming) extraTag(code string) *tagIn {
	for _, t := range in.extra {
		if t.Code == code {
			return t
		}
	}
	t := &tagIn{Code: code}
	in.extra = append(in.extra, t)
	return t
}

// heldTags keeps the tags a row holds: those its column does not deny.
func heldTags(ts []*tagIn) []*tagIn {
	out := ts[:0]
	for _, t := range ts {
		if !t.denied {
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func (in *incoming) tagValue() *tagIn {
	if in.tag == nil {
		in.tag = &tagIn{}
	}
	return in.tag
}

// check applies the register's own rules to what the row gives, normalising
// the values: fields the row leaves out are filled with stand-ins for the
// check and their errors ignored, since a list need not carry every field
// of the register.
func (ps *parser) check(in *incoming, cols firstColumns) {
	p := &in.person
	if p.IDNumber == "" {
		col, mapped := cols.get("id_number")
		lost := false
		for _, b := range in.bad {
			lost = lost || mapped && b == col
		}
		_, named := cols.get("name")
		if lost {
			return
		}
		if !named {
			ps.reject(in, col, "证件号码不能为空")
			return
		}
		// A row without a number is still someone: it is matched by
		// name, birth and address.
		in.noID = true
	}
	q := *p
	if in.noID {
		// Checked as the person it would be: one without a document,
		// whose birth date and sex the row gives or not.
		q.DocType = string(ident.DocNone)
	}
	if q.Name == "" {
		q.Name = "甲"
	}
	if q.Residence == "" {
		q.Residence = register.ResidenceRegistered
	}
	q.OrgID = 1
	givenBirth, givenGender := p.BirthDate, p.Gender
	err := register.ValidatePerson(&q, ps.today)
	var fe fault.Fields
	if err != nil && !errors.As(err, &fe) {
		in.reasons = append(in.reasons, err.Error())
		return
	}
	fields := make([]string, 0, len(fe))
	for f := range fe {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for _, f := range fields {
		col, given := cols.get(f)
		if f == "birth_date" && givenBirth == "" {
			// A birth month alone is no date, and no error either.
			given = false
		}
		if !given {
			switch f {
			case "birth_date", "gender":
				// A document that is not a resident ID carries neither; a
				// row without one may still match by what it has.
				if q.DocType != string(ident.DocResidentID) && !in.noID {
					in.reasons = append(in.reasons, fe[f]+"(非居民身份证须填写出生日期和性别)")
				}
			}
			continue
		}
		ps.reject(in, col, fe[f])
	}
	if len(in.reasons) > 0 {
		return
	}
	if in.noID {
		name, residence := p.Name, p.Residence
		*p = q
		p.Name, p.Residence, p.OrgID = name, residence, 0
		// Whatever a 证件类型 column says, the row has no number: the
		// register's document is not compared with it.
		in.has = in.has.without("doc_type")
		return
	}
	if q.DocType == string(ident.DocResidentID) {
		if in.birthMonth != "" && in.birthMonth != q.BirthDate[:7] {
			ps.reject(in, cols.at("birth_date"), fmt.Sprintf("出生年月 %s 与身份证号码中的 %s 不一致", in.birthMonth, q.BirthDate[:7]))
		}
		if givenBirth != "" && givenBirth != q.BirthDate {
			ps.reject(in, cols.at("birth_date"), fmt.Sprintf("出生日期 %s 与身份证号码中的 %s 不一致", givenBirth, q.BirthDate))
		}
		if givenGender != "" && givenGender != q.Gender {
			ps.reject(in, cols.at("gender"), fmt.Sprintf("性别“%s”与身份证号码不符", register.GenderNames[givenGender]))
		}
		in.has = in.has.with("birth_date").with("gender")
	}
	// Keep the normalised values of the fields given.
	name, residence := p.Name, p.Residence
	*p = q
	p.Name, p.Residence, p.OrgID = name, residence, 0
	in.has = in.has.with("doc_type")
	in.key = docKey(p.DocType, p.IDNumber)
	in.rkey, in.rok = residentKey(in.key)
}

// docKey is how a person is found by document: the number itself for a
// resident ID, the type and number for other documents.
func docKey(docType, number string) string {
	if docType == "" || docType == string(ident.DocResidentID) {
		return number
	}
	return docType + ":" + number
}
