package demo

import (
	"math/rand/v2"
	"time"
)

// Dates are handled as day numbers (days since 1970-01-01), which are cheap
// to draw and compare; they become strings or times only when written.

func dayOf(t time.Time) int {
	y, m, d := t.Date()
	return daysFromCivil(y, int(m), d)
}

// daysFromCivil and civilFromDays are H. Hinnant's proleptic Gregorian
// conversions.
func daysFromCivil(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func civilFromDays(z int) (y, m, d int) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era = (z - 146096) / 146097
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return
}

// dateString renders a day as YYYY-MM-DD.
func dateString(day int) string {
	var b [10]byte
	y, m, d := civilFromDays(day)
	b[0], b[1], b[2], b[3] = byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10)
	b[4] = '-'
	b[5], b[6] = byte('0'+m/10), byte('0'+m%10)
	b[7] = '-'
	b[8], b[9] = byte('0'+d/10), byte('0'+d%10)
	return string(b[:])
}

// yearOf is the calendar year of a day.
func yearOf(day int) int {
	y, _, _ := civilFromDays(day)
	return y
}

// addYears moves a day by whole years (29 February becomes 1 March).
func addYears(day, years int) int {
	y, m, d := civilFromDays(day)
	if m == 2 && d == 29 {
		m, d = 3, 1
	}
	return daysFromCivil(y+years, m, d)
}

// ageOn is the age in whole years on day of someone born on birth.
func ageOn(birth, day int) int {
	by, bm, bd := civilFromDays(birth)
	y, m, d := civilFromDays(day)
	age := y - by
	if m < bm || (m == bm && d < bd) {
		age--
	}
	return age
}

// clockTime is a moment during office hours on day, when a grid worker or
// clerk would have entered the row.
func clockTime(r *rand.Rand, day int) time.Time {
	return time.Unix(int64(day)*86400+8*3600+1800+int64(r.IntN(9*3600)), 0).UTC()
}

// idSeqs hands out the order codes (顺序码) of resident ID numbers so that
// no number repeats within a load: for each area, birth date and sex a
// counter, the n-th person getting the n-th free code of the preset's range
// (presets use disjoint ranges, so chengbei and zinan loaded into one
// database never collide either). The parity of the code is the sex.
type idSeqs struct {
	lo, slots int
	used      map[uint64]uint16
}

func newIDSeqs(lo, hi int) *idSeqs {
	return &idSeqs{lo: lo, slots: (hi - lo) / 2, used: make(map[uint64]uint16, 1<<14)}
}

// residentID makes a valid, unused number for a person born on day (moved a
// day earlier in the rare case that day's codes are used up) and returns it
// with the birth day actually used.
func (s *idSeqs) residentID(area string, day int, male bool) (string, int) {
	a := 0
	for i := 0; i < 6; i++ {
		a = a*10 + int(area[i]-'0')
	}
	sex := uint64(0)
	if male {
		sex = 1
	}
	for {
		key := uint64(a)<<19 | uint64(day+40000)<<1 | sex
		n := int(s.used[key])
		if n < s.slots {
			s.used[key] = uint16(n + 1)
			// A per-key offset spreads codes over the range as real ones are.
			k := (int((key*0x9E3779B97F4A7C15)>>40) + n) % s.slots
			return makeResidentID(area, day, s.lo+2*k+int(sex)), day
		}
		day--
	}
}

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// makeResidentID is ident.MakeResidentID without the time formatting, for
// the hot path; the tests check its numbers with ident.ParseResidentID.
func makeResidentID(area string, day, seq int) string {
	var b [18]byte
	copy(b[:6], area)
	y, m, d := civilFromDays(day)
	b[6], b[7], b[8], b[9] = byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10)
	b[10], b[11] = byte('0'+m/10), byte('0'+m%10)
	b[12], b[13] = byte('0'+d/10), byte('0'+d%10)
	b[14], b[15], b[16] = byte('0'+seq/100), byte('0'+seq/10%10), byte('0'+seq%10)
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(b[i]-'0') * idWeights[i]
	}
	b[17] = "10X98765432"[sum%11]
	return string(b[:])
}

// Mobile prefixes of the three carriers, the commoner ones repeated.
var mobilePrefixes = []string{"134", "135", "136", "137", "138", "139", "139", "138", "150", "151", "152", "157", "158",
	"159", "182", "183", "187", "188", "198", "130", "131", "132", "155", "156", "166", "185", "186", "186", "133",
	"153", "173", "177", "180", "181", "189", "189", "199", "178", "176", "175", "147"}

// phones makes mobile numbers, distinct within a load and across presets:
// the n-th number's last eight digits are n under a fixed permutation of
// 0…99,999,999, its prefix drawn at random.
type phones struct{ n uint64 }

func (p *phones) next(r *rand.Rand) string {
	p.n++
	v := (p.n*48271 + 12345679) % 100000000
	var b [11]byte
	copy(b[:3], mobilePrefixes[r.IntN(len(mobilePrefixes))])
	for i := 10; i >= 3; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return string(b[:])
}

// landline is an office number with the city's area code, as organisations
// list them (0911-2123456).
func landline(r *rand.Rand, areaCode string) string {
	b := make([]byte, 0, 13)
	b = append(b, areaCode...)
	b = append(b, '-', byte('2'+r.IntN(7)))
	for i := 0; i < 6; i++ {
		b = append(b, byte('0'+r.IntN(10)))
	}
	return string(b)
}

const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
