package ident

import (
	"strconv"
	"time"

	"shequ/internal/codes"
)

// ResidentID is a parsed resident identity card number (居民身份证号码,
// 公民身份号码): 6-digit area code, 8-digit birth date, 3-digit sequence
// (顺序码, odd for men) and an ISO 7064 MOD 11-2 check character.
type ResidentID struct {
	Number   string    // 18 characters, check character X upper-case
	AreaCode string    // GB/T 2260 code of the place of first registration, possibly abolished since
	Birth    time.Time // midnight UTC
	Male     bool      // the 17th digit is odd
	Upgraded bool      // given as a legacy 15-digit number and converted
}

// earliestBirth is the oldest birth date accepted. The first resident cards
// (1984) went to living people; 1890 leaves room for the oldest of them
// while still catching a mistyped century. (GB 11643's own worked example,
// 440524188001010014, is therefore rejected.)
var earliestBirth = time.Date(1890, 1, 1, 0, 0, 0, 0, time.UTC)

// ISO 7064 MOD 11-2 weights (2^(17-i) mod 11) of the first 17 digits.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCheckChars maps the weighted sum mod 11 to the check character.
const idCheckChars = "10X98765432"

// ResidentIDCheckDigit computes the 18th character ('0'–'9' or 'X') from the
// first 17 digits. It returns 0 when first17 is not 17 ASCII digits.
func ResidentIDCheckDigit(first17 string) byte {
	if len(first17) != 17 || !allDigits(first17) {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// MakeResidentID builds a valid number for area (six digits) and birth date.
// seq is the 3-digit order code (0–999, taken modulo 1000); its last digit,
// the 17th of the number, gives the sex: odd for men, even for women. The
// demo-data generator uses it; nothing checks that area exists.
func MakeResidentID(area string, birth time.Time, seq int) string {
	s := seq % 1000
	if s < 0 {
		s += 1000
	}
	b := make([]byte, 0, 18)
	b = append(b, area...)
	b = birth.AppendFormat(b, "20060102")
	b = append(b, byte('0'+s/100), byte('0'+s/10%10), byte('0'+s%10))
	return string(append(b, ResidentIDCheckDigit(string(b))))
}

// ParseResidentID validates a resident ID number and returns it in 18-digit
// form. It checks, in order: that something was entered, the length (18, or
// 15 for pre-1999 cards), the characters, the area code (current or
// historical, see codes.ValidArea), the birth date (a real date between
// 1890-01-01 and today) and the check digit. A 15-digit number is upgraded
// the way the public security bureau did it: "19" goes before its YYMMDD
// birth date and the check digit is computed, so it has none to verify.
// A zero today means the current date.
func ParseResidentID(s string, today time.Time) (ResidentID, error) {
	n := normalise(s)
	if n == "" {
		return ResidentID{}, fail(KindEmpty, "身份证号码不能为空")
	}
	upgraded := false
	switch count := len([]rune(n)); {
	case count == 15:
		if !allDigits(n) {
			return ResidentID{}, fail(KindChars, "15位身份证号码只能包含数字")
		}
		first17 := n[:6] + "19" + n[6:]
		n = first17 + string(ResidentIDCheckDigit(first17))
		upgraded = true
	case count == 18:
		if !allDigits(n[:17]) || !(n[17] == 'X' || (n[17] >= '0' && n[17] <= '9')) {
			return ResidentID{}, fail(KindChars, "身份证号码只能是17位数字加一位数字或X")
		}
	default:
		return ResidentID{}, fail(KindLength, "身份证号码应为18位(或15位旧号码),现为"+strconv.Itoa(count)+"位")
	}

	area := n[:6]
	switch area {
	case "810000", "820000", "830000":
		// Same layout and checksum, but issued to 港澳台 residents.
		return ResidentID{}, fail(KindArea, "这是港澳台居民居住证号码,请选择证件类型“港澳台居民居住证”")
	}
	if !codes.ValidArea(area) {
		return ResidentID{}, fail(KindArea, "身份证号码的地区码 "+area+" 不存在")
	}
	birth, err := parseBirth(n[6:14], today)
	if err != nil {
		return ResidentID{}, err
	}
	if !upgraded && ResidentIDCheckDigit(n[:17]) != n[17] {
		return ResidentID{}, fail(KindCheck, "身份证号码校验位错误,请核对")
	}
	return ResidentID{Number: n, AreaCode: area, Birth: birth, Male: (n[16]-'0')%2 == 1, Upgraded: upgraded}, nil
}

// parseBirth reads a YYYYMMDD birth date and checks it lies between
// earliestBirth and today (a zero today meaning now).
func parseBirth(yyyymmdd string, today time.Time) (time.Time, error) {
	birth, err := time.Parse("20060102", yyyymmdd)
	if err != nil || birth.Before(earliestBirth) {
		return time.Time{}, fail(KindBirth, "身份证号码中的出生日期 "+yyyymmdd+" 无效")
	}
	if today.IsZero() {
		today = time.Now()
	}
	// Compare calendar dates: a birth "today" is fine whatever today's clock
	// time or time zone.
	y, m, d := today.Date()
	if birth.After(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) {
		return time.Time{}, fail(KindBirth, "身份证号码中的出生日期 "+yyyymmdd+" 晚于今天")
	}
	return birth, nil
}
