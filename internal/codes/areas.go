package codes

import (
	_ "embed"
	"sort"
	"strings"
	"sync"
)

// areas.tsv lists current codes and the codes of abolished divisions: ID
// numbers keep the code of the place where they were first issued, so a
// validator that knew only today's list would reject real people (a
// 1980s Hebei ID may start 1321xx, a 邯郸地区 code gone since 1993).
//
//go:embed areas.tsv
var areasTSV string

// Area is one administrative division (行政区划).
type Area struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	Current bool   `json:"current"` // false: abolished, kept for old ID numbers
}

var (
	areasOnce sync.Once
	areaList  []Area // in code order, as in the file
	areaIndex map[string]int
	prefix4   map[string]bool // first four digits of every known code
)

// loadAreas parses the embedded list on first use, so a process that never
// looks at a division pays nothing at startup.
func loadAreas() {
	lines := strings.Split(areasTSV, "\n")
	areaList = make([]Area, 0, len(lines))
	areaIndex = make(map[string]int, len(lines))
	prefix4 = make(map[string]bool, 512)
	for _, line := range lines {
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 || !isDigits(f[0], 6) {
			continue // the file is checked by tests; a bad line is skipped, not fatal
		}
		areaList = append(areaList, Area{Code: f[0], Name: f[1], Current: f[2] == "current"})
		prefix4[f[0][:4]] = true
	}
	// The file is in code order already; sorting again keeps CountiesOf's
	// binary search correct if someone appends a line by hand.
	sort.Slice(areaList, func(i, j int) bool { return areaList[i].Code < areaList[j].Code })
	for i, a := range areaList {
		areaIndex[a.Code] = i
	}
}

func lookupArea(code string) (Area, bool) {
	areasOnce.Do(loadAreas)
	i, ok := areaIndex[code]
	if !ok {
		return Area{}, false
	}
	return areaList[i], true
}

// AreaName returns the name of a six-digit division code, current or
// historical.
func AreaName(code string) (string, bool) {
	a, ok := lookupArea(code)
	return a.Name, ok
}

// AreaCurrent reports whether a code is in force today.
func AreaCurrent(code string) bool {
	a, _ := lookupArea(code)
	return a.Current
}

// ValidArea reports whether code can be the area part of an ID number: a
// known code, current or historical, or else an unlisted code whose
// province (XX0000) is known and whose first four digits (the prefecture)
// belong to a known code. The fallback covers codes the lists missed (short-
// lived counties, 市辖区 grouping codes such as 110100) without accepting
// made-up provinces or prefectures; a wrong last pair of digits in a real ID
// is caught by the check digit anyway.
func ValidArea(code string) bool {
	if !isDigits(code, 6) {
		return false
	}
	if _, ok := lookupArea(code); ok {
		return true
	}
	if _, ok := lookupArea(code[:2] + "0000"); !ok {
		return false
	}
	return prefix4[code[:4]]
}

// ProvinceOf returns the province-level code (XX0000) of a code, or "" when
// code is too short to have one.
func ProvinceOf(code string) string {
	if len(code) < 2 || !isDigits(code[:2], 2) {
		return ""
	}
	return code[:2] + "0000"
}

// CountiesOf lists the current county-level divisions (区、县、县级市、旗)
// whose code starts with prefix — two digits for a province, four for a
// prefecture — in code order. Province and prefecture rows (xxxx00) are left
// out.
func CountiesOf(prefix string) []Area {
	areasOnce.Do(loadAreas)
	// areaList is sorted, so the matches form one run starting at the first
	// code >= prefix.
	i := sort.Search(len(areaList), func(i int) bool { return areaList[i].Code >= prefix })
	var out []Area
	for ; i < len(areaList) && strings.HasPrefix(areaList[i].Code, prefix); i++ {
		a := areaList[i]
		if a.Current && a.Code[4:] != "00" {
			out = append(out, a)
		}
	}
	return out
}

// Areas lists every known division, current and historical, in code order.
func Areas() []Area {
	areasOnce.Do(loadAreas)
	return append([]Area(nil), areaList...)
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
