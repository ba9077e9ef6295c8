package imports

import (
	"strings"

	"shequ/internal/register"
)

// Thresholds of the match score of a row against a register person found
// by name (the row's ID number being unknown to the register).
const (
	mergeScore  = 0.95 // the same person: the row is merged, field rules apply
	reviewScore = 0.6  // perhaps the same person: a person decides
)

// matchScore says how likely the row's person is the register person p,
// whose name is the same. The same birth date adds most, one a typo away
// (a digit or two) less, and a different one takes away; so do the same
// and a different sex. The address (or hukou address) and phone add, and
// with the same birth date so does an ID number that differs in one or two
// digits — a typo in the order code. A date within the month of a person
// whose birth is known to the month only is the same birth as far as
// anyone knows: the row brings the day (and its number) the register
// lacked.
func matchScore(in, p *register.Person) float64 {
	s := 0.4
	sameBirth := false
	switch {
	case in.BirthDate == "" || p.BirthDate == "":
	case p.MonthOnly():
		if p.SameBirthMonth(in.BirthDate) {
			s += 0.3
			sameBirth = true
		} else {
			s -= 0.2
		}
	case in.BirthDate == p.BirthDate:
		s += 0.3
		sameBirth = true
	case digitsApart(in.BirthDate, p.BirthDate) <= 2:
		s += 0.15
	default:
		s -= 0.2
	}
	switch {
	case in.Gender == "" || p.Gender == "":
	case in.Gender == p.Gender:
		s += 0.1
	default:
		s -= 0.1
	}
	switch {
	case in.Address != "" && p.Address != "":
		s += 0.2 * similarity(in.Address, p.Address)
	case in.HukouAddress != "" && p.HukouAddress != "":
		s += 0.2 * similarity(in.HukouAddress, p.HukouAddress)
	}
	if in.Phone != "" && in.Phone == p.Phone {
		s += 0.1
	}
	if d := digitsApart(in.IDNumber, p.IDNumber); sameBirth && d > 0 && d <= 2 {
		s += 0.1
	}
	return max(0, min(s, 1))
}

// noIDScore says how likely a row without a document number is the
// register person p of the same name: name, birth and address are all
// there is to go by. The same birth date, the same address and the same
// sex make the same person (1.0, merged); so does the same birth month
// when both the row and the register know only the month. A month on one
// side and a date in it on the other, or half the address, a person must
// confirm; a different birth or sex takes much away.
func noIDScore(in *incoming, p *register.Person) float64 {
	s := 0.4
	switch {
	case p.BirthDate == "":
	case p.MonthOnly() && in.birthMonth != "":
		if in.birthMonth == p.Birth() {
			s += 0.35
		} else {
			s -= 0.3
		}
	case p.MonthOnly() && in.person.BirthDate != "":
		if p.SameBirthMonth(in.person.BirthDate) {
			s += 0.2
		} else {
			s -= 0.3
		}
	case in.person.BirthDate != "":
		if in.person.BirthDate == p.BirthDate {
			s += 0.35
		} else {
			s -= 0.3
		}
	case in.birthMonth != "" && len(p.BirthDate) >= 7:
		if in.birthMonth == p.BirthDate[:7] {
			s += 0.2
		} else {
			s -= 0.3
		}
	}
	switch {
	case in.person.Gender == "" || p.Gender == "":
	case in.person.Gender == p.Gender:
		s += 0.05
	default:
		s -= 0.3
	}
	switch {
	case in.person.Address != "" && p.Address != "":
		s += 0.25 * similarity(in.person.Address, p.Address)
	case in.person.HukouAddress != "" && p.HukouAddress != "":
		s += 0.25 * similarity(in.person.HukouAddress, p.HukouAddress)
	}
	if in.person.Phone != "" && in.person.Phone == p.Phone {
		s += 0.1
	}
	return max(0, min(s, 1))
}

// noIDCreateRefusal says why a row without a document number cannot make
// a new person, or "" when it can: such a person is told apart by birth
// and sex alone, so both must be there, the birth as a date or a month.
func noIDCreateRefusal(p *register.Person, birthMonth string) string {
	switch {
	case p.BirthDate == "" && birthMonth == "":
		return "该行没有证件号码,也没有出生日期,无法新登记;请补填证件号码或出生日期后再导入"
	case p.Gender == "":
		return "该行没有证件号码,也没有性别,无法新登记;请补填证件号码或性别后再导入"
	}
	return ""
}

// otherDocument reports whether a row and a register person carry numbers
// of the same kind of document that differ: then they are two people,
// whatever their names (a typo in a resident ID fails its check digit).
func otherDocument(in, p *register.Person) bool {
	dt := func(d string) string {
		if d == "" {
			return "resident_id"
		}
		return d
	}
	return in.IDNumber != "" && p.IDNumber != "" && dt(in.DocType) == dt(p.DocType) && in.IDNumber != p.IDNumber
}

// matchKey is what a row is known by in the queue and in identity
// decisions: its document, or for a row without one its name, birth and
// address.
func matchKey(in *incoming) string {
	if in.noID {
		return noIDKey(in.person.Name, in.person.BirthDate, in.birthMonth, in.person.Address, in.person.HukouAddress)
	}
	return in.key
}

func noIDKey(name, birth, month, address, hukou string) string {
	if birth == "" {
		birth = month
	}
	if address == "" {
		address = hukou
	}
	return "noid:" + name + "|" + birth + "|" + addressKey(address)
}

// monthNumber turns YYYY-MM into YYYYMM; 0 if it is not one.
func monthNumber(m string) uint32 {
	if len(m) != 7 {
		return 0
	}
	return dateNumber(m+"-01") / 100
}

// similarity is the Dice coefficient of two texts' character pairs, after
// folding widths and dropping spaces: 1 for the same address however
// spaced, about 0.5 when half of it agrees.
func similarity(a, b string) float64 {
	a = strings.ReplaceAll(foldWidth(a), " ", "")
	b = strings.ReplaceAll(foldWidth(b), " ", "")
	if a == b {
		return 1
	}
	pa, pb := pairs(a), pairs(b)
	if len(pa) == 0 || len(pb) == 0 {
		return 0
	}
	common := 0
	for p, n := range pa {
		common += min(n, pb[p])
	}
	total := 0
	for _, n := range pa {
		total += n
	}
	for _, n := range pb {
		total += n
	}
	return 2 * float64(common) / float64(total)
}

func pairs(s string) map[string]int {
	r := []rune(s)
	out := map[string]int{}
	for i := 0; i+1 < len(r); i++ {
		out[string(r[i:i+2])]++
	}
	if len(r) == 1 {
		out[s]++
	}
	return out
}

// digitsApart counts the positions at which two numbers of the same length
// differ; -1 when the lengths differ.
func digitsApart(a, b string) int {
	if len(a) != len(b) {
		return -1
	}
	n := 0
	for i := 0; i < len(a); i++ {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}
