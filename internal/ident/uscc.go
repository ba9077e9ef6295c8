package ident

import (
	"strconv"
	"strings"
)

// The unified social credit code (统一社会信用代码, GB 32100-2015) is 18
// characters over 31 symbols, the digits and capitals without I, O, Z, S, V:
//
//	1     登记管理部门代码  registration authority
//	2     机构类别代码      organisation type within that authority
//	3–8   登记管理机关行政区划码 (GB/T 2260; 100000 for national bodies)
//	9–17  主体标识码: the organisation code of GB 11714, 8 characters and its
//	      own check character
//	18    校验码 over the first 17, modulus 31 (GB/T 17710 / ISO 7064 style)
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights are 3^i mod 31, the weights of the first 17 characters.
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// usccTypes lists the organisation types (第2位) each registration authority
// (第1位) assigns, after GB 32100-2015 appendix A and its 2016 amendment.
var usccTypes = map[byte]string{
	'1': "1239",   // 机构编制: 机关, 事业单位, 编办管理的群众团体, 其他
	'2': "19",     // 外交: 外国常住新闻机构, 其他
	'3': "123459", // 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
	'4': "19",     // 文化: 外国在华文化中心, 其他
	'5': "1239",   // 民政: 社会团体, 民办非企业单位, 基金会, 其他
	'6': "129",    // 旅游: 外国及港澳台旅游部门常驻代表机构, 其他
	'7': "129",    // 宗教: 宗教活动场所, 宗教院校, 其他
	'8': "19",     // 工会: 基层工会, 其他
	'9': "123",    // 工商(市场监管): 企业, 个体工商户, 农民专业合作社
	'A': "19",     // 中央军委改革和编制办公室: 军队事业单位, 其他
	'N': "1239",   // 农业: 组级, 村级, 乡镇级集体经济组织, 其他
	'Y': "1",      // 其他: 不再细分
}

// USCCCheckChar computes the 18th character from the first 17. It returns 0
// when first17 is not 17 characters of the code's alphabet.
func USCCCheckChar(first17 string) byte {
	if len(first17) != 17 {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(usccAlphabet, first17[i])
		if v < 0 {
			return 0
		}
		sum += v * usccWeights[i]
	}
	return usccAlphabet[(31-sum%31)%31]
}

// orgCodeWeights are GB 11714's weights for the 8-character body.
var orgCodeWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// orgCodeCheck computes the GB 11714 check character of an organisation
// code body: digits count as themselves and letters as A=10 … Z=35 (GB 11714
// uses the full alphabet even though the USCC body never contains I, O, S,
// V or Z); 11 − sum mod 11, with 10 written X and 11 written 0.
func orgCodeCheck(body8 string) byte {
	if len(body8) != 8 {
		return 0
	}
	sum := 0
	for i := 0; i < 8; i++ {
		var v int
		switch c := body8[i]; {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		default:
			return 0
		}
		sum += v * orgCodeWeights[i]
	}
	switch r := 11 - sum%11; r {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + r)
	}
}

// MakeUSCC builds a valid code from its parts — authority and type
// characters, a 6-digit area code and the 8-character organisation-code body
// (from usccAlphabet) — computing both check characters. For the demo-data
// generator; the parts are not checked.
func MakeUSCC(authority, orgType byte, area string, body8 string) string {
	b := make([]byte, 0, 18)
	b = append(b, authority, orgType)
	b = append(b, area...)
	b = append(b, body8...)
	b = append(b, orgCodeCheck(body8))
	return string(append(b, USCCCheckChar(string(b))))
}

// ParseUSCC validates a unified social credit code and returns it
// normalised (upper case, half-width, no spaces). It checks the length, the
// alphabet, that the organisation type fits the registration authority, that
// the area part is six digits, the organisation code's own check character
// and the final check character.
func ParseUSCC(s string) (string, error) {
	n := normalise(s)
	if n == "" {
		return "", fail(KindEmpty, "统一社会信用代码不能为空")
	}
	if count := len([]rune(n)); count != 18 {
		return "", fail(KindLength, "统一社会信用代码应为18位,现为"+strconv.Itoa(count)+"位")
	}
	for _, r := range n {
		if r > 0x7f || strings.IndexByte(usccAlphabet, byte(r)) < 0 {
			return "", fail(KindChars, "统一社会信用代码含有无效字符 "+string(r)+"(不使用 I、O、Z、S、V)")
		}
	}
	types, ok := usccTypes[n[0]]
	if !ok {
		return "", fail(KindFormat, "统一社会信用代码第1位(登记管理部门代码)无效")
	}
	if strings.IndexByte(types, n[1]) < 0 {
		return "", fail(KindFormat, "统一社会信用代码第2位(机构类别代码)与登记管理部门不符")
	}
	if !allDigits(n[2:8]) {
		return "", fail(KindFormat, "统一社会信用代码第3至8位(登记管理机关行政区划码)应为数字")
	}
	if orgCodeCheck(n[8:16]) != n[16] {
		return "", fail(KindCheck, "统一社会信用代码中的组织机构代码(第9至17位)校验位错误,请核对")
	}
	if USCCCheckChar(n[:17]) != n[17] {
		return "", fail(KindCheck, "统一社会信用代码校验位错误,请核对")
	}
	return n, nil
}
