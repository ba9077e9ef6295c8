package ident

import (
	"strconv"
	"time"

	"shequ/internal/codes"
)

// ResidentID is a parsed resident identity card number (居民身份证号码).
type ResidentID struct {
	Number   string // 18 characters, upper-case X
	AreaCode string // 6-digit GB/T 2260 code of the place of first registration
	Birth    time.Time
	Male     bool
	Upgraded bool // given as a legacy 15-digit number
}

// ISO 7064 MOD 11-2 weights of the first 17 digits.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// ResidentIDCheckDigit computes the 18th character from the first 17 digits.
func ResidentIDCheckDigit(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// MakeResidentID builds a valid number for area and birth date; seq (0–999)
// is the order code, whose parity gives the sex (odd for men).
func MakeResidentID(area string, birth time.Time, seq int) string {
	b := make([]byte, 0, 18)
	b = append(b, area...)
	b = birth.AppendFormat(b, "20060102")
	s := seq % 1000
	b = append(b, byte('0'+s/100), byte('0'+s/10%10), byte('0'+s%10))
	return string(append(b, ResidentIDCheckDigit(string(b))))
}

// ParseResidentID validates a resident ID number: length and characters, a
// known area code, a real birth date not after today, and the check digit.
// A legacy 15-digit number is upgraded to 18 digits.
func ParseResidentID(s string, today time.Time) (ResidentID, error) {
	n := normalise(s)
	if n == "" {
		return ResidentID{}, fail("身份证号码不能为空")
	}
	upgraded := false
	switch len(n) {
	case 15:
		if !allDigits(n) {
			return ResidentID{}, fail("15位身份证号码只能包含数字")
		}
		// 15-digit numbers were issued to people born in the 1900s.
		first17 := n[:6] + "19" + n[6:]
		n = first17 + string(ResidentIDCheckDigit(first17))
		upgraded = true
	case 18:
		if !allDigits(n[:17]) || !(n[17] == 'X' || (n[17] >= '0' && n[17] <= '9')) {
			return ResidentID{}, fail("身份证号码只能是17位数字加一位数字或X")
		}
	default:
		return ResidentID{}, fail("身份证号码应为18位(或15位旧号码),现为" + strconv.Itoa(len([]rune(n))) + "位")
	}
	area := n[:6]
	if !codes.ValidArea(area) {
		return ResidentID{}, fail("身份证号码的地区码 " + area + " 不存在")
	}
	birth, err := time.Parse("20060102", n[6:14])
	if err != nil || birth.Year() < 1890 || birth.After(today) {
		return ResidentID{}, fail("身份证号码中的出生日期 " + n[6:14] + " 无效")
	}
	if !upgraded && ResidentIDCheckDigit(n[:17]) != n[17] {
		return ResidentID{}, fail("身份证号码校验位错误,请核对")
	}
	return ResidentID{Number: n, AreaCode: area, Birth: birth, Male: (n[16]-'0')%2 == 1, Upgraded: upgraded}, nil
}
