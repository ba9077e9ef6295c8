package ident

import (
	"regexp"
	"time"
)

// DocType is a kind of identity document (证件类型).
type DocType string

const (
	DocResidentID         DocType = "resident_id"          // 居民身份证
	DocPassport           DocType = "passport"             // 护照
	DocHKMacaoPermit      DocType = "hk_macao_permit"      // 港澳居民来往内地通行证
	DocTaiwanPermit       DocType = "taiwan_permit"        // 台湾居民来往大陆通行证
	DocForeignPermanent   DocType = "foreign_permanent"    // 外国人永久居留身份证
	DocHMTResidencePermit DocType = "hmt_residence_permit" // 港澳台居民居住证
)

var docLabels = map[DocType]string{
	DocResidentID:         "居民身份证",
	DocPassport:           "护照",
	DocHKMacaoPermit:      "港澳居民来往内地通行证",
	DocTaiwanPermit:       "台湾居民来往大陆通行证",
	DocForeignPermanent:   "外国人永久居留身份证",
	DocHMTResidencePermit: "港澳台居民居住证",
}

// DocTypes lists the document types in display order.
func DocTypes() []DocType {
	return []DocType{DocResidentID, DocPassport, DocHKMacaoPermit, DocTaiwanPermit, DocForeignPermanent, DocHMTResidencePermit}
}

// Label is the Chinese name of the document type.
func (t DocType) Label() string { return docLabels[t] }

// ParseDocType accepts a type's code or its Chinese name.
func ParseDocType(s string) (DocType, error) {
	for t, l := range docLabels {
		if s == string(t) || s == l {
			return t, nil
		}
	}
	return "", fail("证件类型无效")
}

var (
	passportPattern   = regexp.MustCompile(`^[A-Z0-9]{5,17}$`)
	hkMacaoPattern    = regexp.MustCompile(`^[HM]([0-9]{8}|[0-9]{10})$`)
	taiwanPattern     = regexp.MustCompile(`^([0-9]{8}|[0-9]{10}|[A-Z0-9]{10})$`)
	oldForeignPattern = regexp.MustCompile(`^[A-Z]{3}[0-9]{12}$`)
	eighteenPattern   = regexp.MustCompile(`^[0-9]{17}[0-9X]$`)
)

// ParseDocument validates a document number of the given type and returns it
// normalised.
func ParseDocument(t DocType, s string, today time.Time) (string, error) {
	n := normalise(s)
	if n == "" {
		return "", fail("证件号码不能为空")
	}
	switch t {
	case DocResidentID:
		id, err := ParseResidentID(n, today)
		return id.Number, err
	case DocPassport:
		if !passportPattern.MatchString(n) {
			return "", fail("护照号码应为5到17位字母或数字")
		}
	case DocHKMacaoPermit:
		if !hkMacaoPattern.MatchString(n) {
			return "", fail("港澳通行证号码应为 H 或 M 加8位或10位数字")
		}
	case DocTaiwanPermit:
		if !taiwanPattern.MatchString(n) {
			return "", fail("台湾居民来往大陆通行证号码应为8位或10位")
		}
	case DocForeignPermanent:
		switch {
		case oldForeignPattern.MatchString(n):
		case eighteenPattern.MatchString(n) && n[0] == '9':
			if ResidentIDCheckDigit(n[:17]) != n[17] {
				return "", fail("永久居留身份证号码校验位错误")
			}
		default:
			return "", fail("外国人永久居留身份证号码应为以9开头的18位,或3位字母加12位数字的旧号码")
		}
	case DocHMTResidencePermit:
		if !eighteenPattern.MatchString(n) || !(n[:6] == "810000" || n[:6] == "820000" || n[:6] == "830000") {
			return "", fail("港澳台居民居住证号码应为以810000、820000或830000开头的18位")
		}
		if ResidentIDCheckDigit(n[:17]) != n[17] {
			return "", fail("居住证号码校验位错误")
		}
	default:
		return "", fail("证件类型无效")
	}
	return n, nil
}
