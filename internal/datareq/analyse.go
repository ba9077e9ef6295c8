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
	Text     string // as written
	Kind     string
	Ref      string // indicator code, or entity.field
	Label    string // the catalogue's name for it
	Computed bool   // shequ computes it; otherwise communities would type it
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
