package visits

import (
	"strings"
	"unicode"
)

// The walking route through a grid: building by building (in natural
// order: 2号楼 before 10号楼), in each building unit by unit, floor by
// floor, door by door, read from the 房号 (2-301: unit 2, floor 3, door 01;
// 1202: floor 12, door 02; 东5: no floor).

// place is where a household's door is on the route.
type place struct {
	building   string
	unit       int
	floor      int
	door       int
	house      string
	buildingID int64
}

// placeOf reads the unit, floor and door from a 房号.
func placeOf(building string, buildingID int64, house string) place {
	p := place{building: building, buildingID: buildingID, house: house}
	parts := strings.FieldsFunc(house, func(r rune) bool { return r == '-' || r == '—' || r == '－' || r == '单' || r == '元' })
	if len(parts) >= 2 {
		p.unit = leadingNumber(parts[len(parts)-2])
	}
	if len(parts) > 0 {
		room := leadingNumber(parts[len(parts)-1])
		if room >= 100 {
			p.floor, p.door = room/100, room%100
		} else {
			p.door = room
		}
	}
	return p
}

// leadingNumber is the first run of digits in s (0 if none).
func leadingNumber(s string) int {
	n, in := 0, false
	for _, r := range s {
		if r >= '0' && r <= '9' {
			if n < 1e8 {
				n = n*10 + int(r-'0')
			}
			in = true
		} else if in {
			break
		}
	}
	return n
}

// routeLess orders two places along the route.
func routeLess(a, b place) bool {
	if c := naturalCompare(a.building, b.building); c != 0 {
		return c < 0
	}
	if a.buildingID != b.buildingID {
		return a.buildingID < b.buildingID
	}
	if a.unit != b.unit {
		return a.unit < b.unit
	}
	if a.floor != b.floor {
		return a.floor < b.floor
	}
	if a.door != b.door {
		return a.door < b.door
	}
	return naturalCompare(a.house, b.house) < 0
}

// naturalCompare compares strings with runs of digits compared as numbers.
func naturalCompare(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	i, j := 0, 0
	for i < len(ra) && j < len(rb) {
		if unicode.IsDigit(ra[i]) && unicode.IsDigit(rb[j]) {
			si, sj := i, j
			for i < len(ra) && unicode.IsDigit(ra[i]) {
				i++
			}
			for j < len(rb) && unicode.IsDigit(rb[j]) {
				j++
			}
			na := strings.TrimLeft(string(ra[si:i]), "0")
			nb := strings.TrimLeft(string(rb[sj:j]), "0")
			if len(na) != len(nb) {
				if len(na) < len(nb) {
					return -1
				}
				return 1
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			continue
		}
		if ra[i] != rb[j] {
			if ra[i] < rb[j] {
				return -1
			}
			return 1
		}
		i++
		j++
	}
	switch {
	case len(ra)-i < len(rb)-j:
		return -1
	case len(ra)-i > len(rb)-j:
		return 1
	}
	return 0
}
