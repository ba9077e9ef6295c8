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
// digits — a typo in the order code.
func matchScore(in, p *register.Person) float64 {
	s := 0.4
	sameBirth := false
	switch {
	case in.BirthDate == "" || p.BirthDate == "":
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
