package datareq

import (
	"strings"

	"shequ/internal/indicators"
)

// Item kinds: what a requested line was recognised as.
const (
	KindIndicator = "indicator" // an indicator of the catalogue, by code or name
	KindField     = "field"     // a register field, entity.field
	KindFree      = "free"      // something the register does not hold
)

// Item is one requested line as analysed.
type Item struct {
	Code     string // the department's own code for the line, if it gave one
	Text     string // as written, without the code
	Kind     string
	Ref      string // indicator code, or entity.field
	Label    string // the catalogue's name for it
	Computed bool   // shequ computes it; otherwise communities would type it
	// A typed item's 准入 request once submitted, and its state: a
	// workaccess status (待审查, 准入, 修改后准入, 不予准入) and the reasons.
	WorkRequestID   int64
	Review, Reasons string
}

// Catalogue is what a request is checked against: the indicators by code
// and by name, and the register's entities and fields.
type Catalogue struct {
	byCode map[string]indicators.Indicator
	byName map[string]indicators.Indicator
	reg    *indicators.Registry
}

// NewCatalogue indexes the indicators once, so analysing is map look-ups.
func NewCatalogue(list []indicators.Indicator, reg *indicators.Registry) *Catalogue {
	c := &Catalogue{byCode: map[string]indicators.Indicator{}, byName: map[string]indicators.Indicator{}, reg: reg}
	for _, ind := range list {
		c.byCode[strings.ToUpper(ind.Code)] = ind
		if _, dup := c.byName[ind.Name]; !dup {
			c.byName[ind.Name] = ind
		}
	}
	return c
}

// Cost is what a request would impose, shown before it is submitted.
type Cost struct {
	Items        []Item
	Computed     int
	Typed        int
	Communities  int
	StaffMinutes int   // typed items × communities × minutes per item, per period
	OwedFen      int64 // typed items × communities × funding per item, per period
}

// Analyse splits the requested lines into what shequ computes and what
// communities would type, and prices the typed part. It reads nothing but
// the catalogue: no community is involved before the review group admits.
func Analyse(c *Catalogue, lines []string, communities, minutesPerItem int, fenPerItem int64) Cost {
	var cost Cost
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		it := c.match(l)
		if it.Kind == KindFree {
			// Only a line the catalogue does not know as a whole is
			// read as "code wording": "A001" and "60 岁以上老年人"
			// keep meaning what they say.
			if code, rest, ok := ownCode(l); ok {
				it = c.match(rest)
				it.Code = code
			}
		}
		if it.Computed {
			cost.Computed++
		} else {
			cost.Typed++
		}
		cost.Items = append(cost.Items, it)
	}
	cost.Communities = communities
	cost.StaffMinutes = cost.Typed * communities * minutesPerItem
	cost.OwedFen = int64(cost.Typed) * int64(communities) * fenPerItem
	return cost
}

func (c *Catalogue) match(l string) Item {
	ind, ok := c.byCode[strings.ToUpper(l)]
	if !ok {
		ind, ok = c.byName[l]
	}
	if ok {
		return Item{Text: l, Kind: KindIndicator, Ref: ind.Code, Label: ind.Name, Computed: ind.Measure != indicators.Manual}
	}
	if ent, fld, found := strings.Cut(l, "."); found && c.reg != nil {
		if e := c.reg.Entity(strings.TrimSpace(ent)); e != nil {
			if f := e.Field(strings.TrimSpace(fld)); f != nil {
				return Item{Text: l, Kind: KindField, Ref: e.Name + "." + f.Name, Label: e.Label + "." + f.Label, Computed: true}
			}
		}
	}
	return Item{Text: l, Kind: KindFree, Label: l}
}

// ownCode splits a line into the department's own item code and its
// wording: "A1 低保户数", "1.2\t低保户数" (two cells pasted from a
// spreadsheet). A code is up to 16 letters, digits, '.', '-' or '_', and
// is followed by a space, a full-width space or a tab, then the wording.
func ownCode(l string) (code, rest string, ok bool) {
	i := strings.IndexAny(l, " \t\u3000")
	if i <= 0 {
		return "", "", false
	}
	code, rest = l[:i], strings.TrimSpace(strings.ReplaceAll(l[i:], "\t", " "))
	if len(code) > 16 || rest == "" {
		return "", "", false
	}
	for _, r := range code {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return "", "", false
		}
	}
	return code, rest, true
}
