package codes

import (
	_ "embed"
	"sort"
	"strings"
	"sync"
)

// areas.tsv lists current codes and the codes of abolished counties: ID
// numbers keep the code of the place where they were first issued, so a
// validator that knew only today's list would reject real people.
//
//go:embed areas.tsv
var areasTSV string

// Area is one administrative division.
type Area struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	Current bool   `json:"current"`
}

var (
	areasOnce sync.Once
	areas     map[string]Area
	prefixes4 map[string]bool
)

func loadAreas() {
	areas = make(map[string]Area, 4200)
	prefixes4 = map[string]bool{}
	for _, line := range strings.Split(areasTSV, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			continue
		}
		areas[f[0]] = Area{Code: f[0], Name: f[1], Current: f[2] == "current"}
		prefixes4[f[0][:4]] = true
	}
}

// AreaName returns the name of a six-digit division code.
func AreaName(code string) (string, bool) {
	areasOnce.Do(loadAreas)
	a, ok := areas[code]
	return a.Name, ok
}

// AreaCurrent reports whether a code is in force today.
func AreaCurrent(code string) bool {
	areasOnce.Do(loadAreas)
	return areas[code].Current
}

// ValidArea accepts a known code, current or historical, and also an unknown
// county code under a known prefecture: the list reaches back to 2002 and
// older ID numbers may carry codes abolished before then.
func ValidArea(code string) bool {
	if len(code) != 6 {
		return false
	}
	for i := 0; i < 6; i++ {
		if code[i] < '0' || code[i] > '9' {
			return false
		}
	}
	areasOnce.Do(loadAreas)
	if _, ok := areas[code]; ok {
		return true
	}
	return code[4:] != "00" && prefixes4[code[:4]]
}

// ProvinceOf returns the province-level code (XX0000) of a code.
func ProvinceOf(code string) string {
	if len(code) < 2 {
		return ""
	}
	return code[:2] + "0000"
}

// CountiesOf lists the current county-level divisions whose code starts with
// prefix (2 digits for a province, 4 for a prefecture), in code order.
func CountiesOf(prefix string) []Area {
	areasOnce.Do(loadAreas)
	var out []Area
	for c, a := range areas {
		if a.Current && strings.HasPrefix(c, prefix) && c[4:] != "00" {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}
