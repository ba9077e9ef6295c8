package ident

import (
	"regexp"
	"strings"
	"time"
)

// DocType is a kind of identity document (证件类型). The values are stored in
// the database; do not change them.
type DocType string

const (
	DocResidentID         DocType = "resident_id"          // 居民身份证
	DocPassport           DocType = "passport"             // 护照
	DocHKMacaoPermit      DocType = "hk_macao_permit"      // 港澳居民来往内地通行证 (回乡证)
	DocTaiwanPermit       DocType = "taiwan_permit"        // 台湾居民来往大陆通行证 (台胞证)
	DocForeignPermanent   DocType = "foreign_permanent"    // 外国人永久居留身份证
	DocHMTResidencePermit DocType = "hmt_residence_permit" // 港澳台居民居住证
	// DocNone is a person the register holds before any document number
	// is known: a child not yet entered in a 户口簿, a 流动人口 without
	// papers. Such a person has no number; birth date and sex are typed.
	DocNone DocType = "none" // 无证件
)

// docTypes is the display order, with each type's Chinese label and the
// other names people write in spreadsheets.
var docTypes = []struct {
	t       DocType
	label   string
	aliases []string
}{
	{DocResidentID, "居民身份证", []string{"身份证", "二代身份证", "公民身份号码"}},
	{DocPassport, "护照", nil},
	{DocHKMacaoPermit, "港澳居民来往内地通行证", []string{"回乡证", "港澳通行证", "港澳居民通行证"}},
	{DocTaiwanPermit, "台湾居民来往大陆通行证", []string{"台胞证", "台湾通行证"}},
	{DocForeignPermanent, "外国人永久居留身份证", []string{"外国人永久居留证", "永久居留证", "绿卡"}},
	{DocHMTResidencePermit, "港澳台居民居住证", []string{"居住证", "港澳居民居住证", "台湾居民居住证"}},
	{DocNone, "无证件", []string{"无", "暂无", "暂无证件", "无证件(号码待补)", "未办理"}},
}

// DocTypes lists the document types in display order.
func DocTypes() []DocType {
	out := make([]DocType, len(docTypes))
	for i, d := range docTypes {
		out[i] = d.t
	}
	return out
}

// Label is the Chinese name of the document type, or "" for an unknown one.
func (t DocType) Label() string {
	for _, d := range docTypes {
		if d.t == t {
			return d.label
		}
	}
	return ""
}

// ParseDocType accepts a type's stored value ("passport"), its Chinese
// label ("护照") or a common other name ("台胞证", "回乡证", "身份证").
func ParseDocType(s string) (DocType, error) {
	s = strings.TrimSpace(s)
	for _, d := range docTypes {
		if s == string(d.t) || s == d.label {
			return d.t, nil
		}
		for _, a := range d.aliases {
			if s == a {
				return d.t, nil
			}
		}
	}
	return "", fail(KindType, "证件类型无效")
}

var (
	// Passports: Chinese ones are E/G/P/S/D plus digits; foreign ones vary,
	// so only the length and the characters are checked.
	passportPattern = regexp.MustCompile(`^[A-Z0-9]{5,17}$`)
	// 回乡证: H (Hong Kong) or M (Macao) and 8 digits, or 10 on pre-2013 cards.
	hkMacaoPattern = regexp.MustCompile(`^[HM]([0-9]{8}|[0-9]{10})$`)
	// 台胞证: 8 digits since 2015; older booklets had 10 characters.
	taiwanPattern = regexp.MustCompile(`^([0-9]{8}|[0-9A-Z]{10})$`)
	// Pre-2023 永久居留身份证: ISO 3166 alpha-3 nationality and 12 digits.
	oldForeignPattern = regexp.MustCompile(`^[A-Z]{3}[0-9]{12}$`)
	// The GB 11643 layout: 17 digits and a check digit or X.
	eighteenPattern = regexp.MustCompile(`^[0-9]{17}[0-9X]$`)
)

// ParseDocument validates a document number of the given type and returns
// it normalised (half-width, upper case, no spaces). A resident ID goes
// through ParseResidentID and comes back in 18-digit form; today bounds
// birth dates there and in 居住证 numbers (zero means now). DocNone takes
// only an empty number.
func ParseDocument(t DocType, s string, today time.Time) (string, error) {
	n := normalise(s)
	if t == DocNone {
		// Nothing to check, and nothing may be given.
		if n != "" {
			return "", fail(KindFormat, "证件类型为“无证件”时不填写证件号码;有证件的请选择其证件类型")
		}
		return "", nil
	}
	if n == "" {
		return "", fail(KindEmpty, "证件号码不能为空")
	}
	switch t {
	case DocResidentID:
		id, err := ParseResidentID(n, today)
		return id.Number, err
	case DocPassport:
		if !passportPattern.MatchString(n) {
			return "", fail(KindFormat, "护照号码应为5到17位字母或数字")
		}
	case DocHKMacaoPermit:
		if !hkMacaoPattern.MatchString(n) {
			return "", fail(KindFormat, "港澳居民来往内地通行证号码应为H或M加8位或10位数字")
		}
	case DocTaiwanPermit:
		if !taiwanPattern.MatchString(n) {
			return "", fail(KindFormat, "台湾居民来往大陆通行证号码应为8位数字或10位字母数字")
		}
	case DocForeignPermanent:
		// Since 2023-12 the card number is 18 digits in the GB 11643
		// layout with a leading 9; older cards stay valid until they expire.
		switch {
		case oldForeignPattern.MatchString(n):
		case eighteenPattern.MatchString(n) && n[0] == '9':
			if ResidentIDCheckDigit(n[:17]) != n[17] {
				return "", fail(KindCheck, "外国人永久居留身份证号码校验位错误,请核对")
			}
		default:
			return "", fail(KindFormat, "外国人永久居留身份证号码应为以9开头的18位数字,或3位字母加12位数字的旧号码")
		}
	case DocHMTResidencePermit:
		// 居住证 numbers are 公民身份号码-shaped: 810000 (Hong Kong), 820000
		// (Macao) or 830000 (Taiwan), birth date, order code, check digit.
		if !eighteenPattern.MatchString(n) {
			return "", fail(KindFormat, "港澳台居民居住证号码应为18位(17位数字加一位数字或X)")
		}
		if p := n[:6]; p != "810000" && p != "820000" && p != "830000" {
			return "", fail(KindArea, "港澳台居民居住证号码应以810000、820000或830000开头")
		}
		if _, err := parseBirth(n[6:14], today); err != nil {
			return "", fail(KindBirth, "居住证号码中的出生日期 "+n[6:14]+" 无效")
		}
		if ResidentIDCheckDigit(n[:17]) != n[17] {
			return "", fail(KindCheck, "港澳台居民居住证号码校验位错误,请核对")
		}
	default:
		return "", fail(KindType, "证件类型无效")
	}
	return n, nil
}
