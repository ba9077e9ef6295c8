package ident

import "strings"

// The unified social credit code (统一社会信用代码, GB 32100-2015) is 18
// characters over 31 symbols (no I, O, Z, S, V): registration authority,
// organisation type, 6-digit area code, 9-character organisation code (GB
// 11714, with its own check character) and a final check character.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// Organisation types allowed for each registration authority.
var usccTypes = map[byte]string{
	'1': "1239",   // 机构编制
	'2': "19",     // 外交
	'3': "123459", // 宗教/司法行政等
	'4': "19",
	'5': "1239", // 民政
	'6': "129",
	'7': "129",
	'8': "19",
	'9': "123", // 工商
	'A': "19",
	'N': "12349", // 农业
	'Y': "1",
}

// USCCCheckChar computes the 18th character from the first 17.
func USCCCheckChar(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(usccAlphabet, first17[i]) * usccWeights[i]
	}
	return usccAlphabet[(31-sum%31)%31]
}

// GB 11714 organisation code check character over the first 8 characters.
var orgCodeWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

func orgCodeCheck(body8 string) byte {
	sum := 0
	for i := 0; i < 8; i++ {
		c := body8[i]
		v := int(c - '0')
		if c >= 'A' && c <= 'Z' {
			v = int(c-'A') + 10
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

// MakeUSCC builds a valid code from its parts, computing both check characters.
func MakeUSCC(authority, orgType byte, area string, body8 string) string {
	b := []byte{authority, orgType}
	b = append(b, area...)
	b = append(b, body8...)
	b = append(b, orgCodeCheck(body8))
	return string(append(b, USCCCheckChar(string(b))))
}

// ParseUSCC validates a unified social credit code and returns it normalised.
func ParseUSCC(s string) (string, error) {
	n := normalise(s)
	if len(n) != 18 {
		return "", fail("统一社会信用代码应为18位")
	}
	for i := 0; i < 18; i++ {
		if strings.IndexByte(usccAlphabet, n[i]) < 0 {
			return "", fail("统一社会信用代码含有无效字符 " + string(n[i]) + "(不使用 I、O、Z、S、V)")
		}
	}
	types, ok := usccTypes[n[0]]
	if !ok || strings.IndexByte(types, n[1]) < 0 {
		return "", fail("统一社会信用代码的登记管理部门或机构类别代码无效")
	}
	if !allDigits(n[2:8]) {
		return "", fail("统一社会信用代码的行政区划码应为6位数字")
	}
	if USCCCheckChar(n[:17]) != n[17] {
		return "", fail("统一社会信用代码校验位错误,请核对")
	}
	return n, nil
}
