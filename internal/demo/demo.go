// Package demo generates demo registers that reproduce the communities of the
// source documents — 城北社区 (chengbei) and 紫南社区 (zinan) — and cities of
// any size, with valid ID numbers, realistic names, households, housing,
// organisations, staff and special-group tags. Output is deterministic for a
// seed (ids aside, which are made at load time).
package demo

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"shequ/internal/codes"
	"shequ/internal/database"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
)

// Options selects a preset.
type Options struct {
	Preset  string // chengbei, zinan or city
	Persons int    // city only
	Seed    uint64
	Today   time.Time
}

// Summary counts what was loaded.
type Summary struct {
	Communities        int
	Groups             int
	Grids              int
	Buildings          int
	Houses             int
	Households         int
	FloatingHouseholds int
	Persons            int
	FloatingPersons    int
	Organisations      int
	// Staff counts assignments: chengbei's 21 staff are the secretary and 20
	// community workers, 19 of whom also serve as the 19 网格员; 中心户长 and
	// 居民小组长 are residents and counted separately.
	Staff       int
	GridWorkers int
	CenterHeads int
	Tags        map[string]int
}

// Presets lists the preset names.
func Presets() []string { return []string{"chengbei", "zinan", "city"} }

// Load generates the preset and writes it to db, one transaction per
// community, reporting persons loaded through progress.
func Load(ctx context.Context, db *database.DB, opt Options, progress func(done, total int)) (Summary, error) {
	if opt.Today.IsZero() {
		opt.Today = time.Now()
	}
	if progress == nil {
		progress = func(int, int) {}
	}
	var spec presetSpec
	switch opt.Preset {
	case "chengbei":
		spec = chengbei()
	case "zinan":
		spec = zinan()
	case "city":
		if opt.Persons < 1000 {
			return Summary{}, fmt.Errorf("city 预设至少需要 1000 人(--persons)")
		}
		spec = city(opt.Persons)
	default:
		return Summary{}, fmt.Errorf("未知预设 %q,可选: chengbei, zinan, city", opt.Preset)
	}
	g := &generator{db: db, org: orgtree.NewStore(db), opt: opt, sum: Summary{Tags: map[string]int{}},
		rng: rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15)), seqs: map[string]int{}}
	total := 0
	for _, d := range spec.districts {
		for _, s := range d.streets {
			for _, c := range s.communities {
				total += c.persons
				var n int
				if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_units WHERE level = 'community' AND code = $1`, c.code).Scan(&n); err != nil {
					return g.sum, err
				}
				if n > 0 {
					return g.sum, fmt.Errorf("%s(%s)已在数据库中,不能重复载入预设 %s", c.name, c.code, opt.Preset)
				}
			}
		}
	}
	for _, d := range spec.districts {
		for _, s := range d.streets {
			for _, c := range s.communities {
				if c.groups > 0 {
					if err := g.org.SetLevel(ctx, orgtree.Level{Kind: orgtree.LevelGroup, Name: "居民小组", Rank: 50}); err != nil {
						return g.sum, err
					}
				}
			}
		}
	}
	if err := g.upper(ctx, spec); err != nil {
		return g.sum, err
	}
	done := 0
	for di, d := range spec.districts {
		for si, s := range d.streets {
			for _, c := range s.communities {
				if err := g.community(ctx, g.streets[di][si], c); err != nil {
					return g.sum, fmt.Errorf("%s: %w", c.name, err)
				}
				done += c.persons
				progress(done, total)
			}
		}
	}
	return g.sum, nil
}

type generator struct {
	db      *database.DB
	org     *orgtree.Store
	opt     Options
	rng     *rand.Rand
	sum     Summary
	streets [][]orgtree.Unit
	seqs    map[string]int // area+birth date → next order code, so IDs never repeat
	phone   int
}

// upper creates (or reuses) the city, districts and streets.
func (g *generator) upper(ctx context.Context, spec presetSpec) error {
	return g.db.InTx(ctx, func(tx *sql.Tx) error {
		cityUnit, err := g.findOrCreate(ctx, tx, 0, orgtree.LevelCity, spec.city, spec.cityCode)
		if err != nil {
			return err
		}
		for _, d := range spec.districts {
			du, err := g.findOrCreate(ctx, tx, cityUnit.ID, orgtree.LevelDistrict, d.name, d.code)
			if err != nil {
				return err
			}
			var row []orgtree.Unit
			for _, s := range d.streets {
				su, err := g.findOrCreate(ctx, tx, du.ID, orgtree.LevelStreet, s.name, s.code)
				if err != nil {
					return err
				}
				row = append(row, su)
			}
			g.streets = append(g.streets, row)
		}
		return nil
	})
}

func (g *generator) findOrCreate(ctx context.Context, q database.Querier, parent int64, level, name, code string) (orgtree.Unit, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM org_units WHERE level = $1 AND code = $2`, level, code).Scan(&id)
	if err == nil {
		return g.org.Get(ctx, id)
	}
	u := orgtree.Unit{ParentID: parent, Level: level, Name: name, Code: code}
	return u, g.org.Create(ctx, q, &u)
}

func (g *generator) chance(percent float64) bool { return g.rng.Float64()*100 < percent }

func (g *generator) between(lo, hi int) int { return lo + g.rng.IntN(hi-lo+1) }

// day returns a date between from and to.
func (g *generator) day(from, to time.Time) time.Time {
	span := int(to.Sub(from).Hours() / 24)
	if span <= 0 {
		return from
	}
	return from.AddDate(0, 0, g.rng.IntN(span))
}

// sizes splits persons over households, each of at least one person, in a
// realistic spread (many of 2–4, few of 1 or 6+), summing exactly.
func (g *generator) sizes(households, persons int) []int {
	out := make([]int, households)
	weights := []float64{0, 12, 27, 30, 17, 9, 4, 1} // by size 1..7
	total := 0
	for i := range out {
		x := g.rng.Float64() * 100
		s := 1
		for ; s < len(weights)-1 && x >= weights[s]; s++ {
			x -= weights[s]
		}
		out[i] = s
		total += s
	}
	for total != persons {
		i := g.rng.IntN(households)
		switch {
		case total < persons && out[i] < 9:
			out[i]++
			total++
		case total > persons && out[i] > 1:
			out[i]--
			total--
		}
	}
	return out
}

// residentID makes a valid number unique in this load: the order code is the
// next free one for that area and birth date, its parity the sex.
func (g *generator) residentID(area string, birth time.Time, male bool) string {
	key := area + birth.Format("20060102")
	n := g.seqs[key]
	g.seqs[key] = n + 1
	seq := (n * 2) % 1000
	if male {
		seq++
	}
	return ident.MakeResidentID(area, birth, seq)
}

func (g *generator) mobile() string {
	g.phone++
	prefixes := []string{"133", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159", "177", "180", "182", "186", "187", "188", "189", "191", "199"}
	p := prefixes[g.rng.IntN(len(prefixes))]
	return fmt.Sprintf("%s%08d", p, (g.phone*7919+g.rng.IntN(7919))%100000000)
}

// migrantArea picks a county from one of the provinces floating residents
// come from.
func (g *generator) migrantArea(provinces []string) string {
	p := provinces[g.rng.IntN(len(provinces))]
	cs := countiesOf(p)
	if len(cs) == 0 {
		return p + "0102"
	}
	return cs[g.rng.IntN(len(cs))].Code
}

var countyCache = map[string][]codes.Area{}

func countiesOf(prefix string) []codes.Area {
	if cs, ok := countyCache[prefix]; ok {
		return cs
	}
	cs := codes.CountiesOf(prefix)
	countyCache[prefix] = cs
	return cs
}

// gridBoxes tiles the community's square (area km² around its centre) into n
// rectangles, as GeoJSON polygons.
func gridBoxes(c communitySpec, n int) []string {
	side := math.Sqrt(math.Max(c.areaKm2, 0.2)) // km
	dLat := side / 111.0
	dLon := side / (111.0 * math.Cos(c.lat*math.Pi/180))
	cols := int(math.Ceil(math.Sqrt(float64(n))))
	rows := (n + cols - 1) / cols
	minLon, maxLat := c.lon-dLon/2, c.lat+dLat/2
	var out []string
	for i := 0; i < n; i++ {
		r, col := i/cols, i%cols
		// The last row's cells widen to fill the square.
		inRow := cols
		if r == rows-1 && n%cols != 0 {
			inRow = n % cols
		}
		w := dLon / float64(inRow)
		h := dLat / float64(rows)
		x0, y0 := minLon+float64(col)*w, maxLat-float64(r+1)*h
		x1, y1 := x0+w, y0+h
		out = append(out, fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f]]]}`,
			x0, y0, x1, y0, x1, y1, x0, y1, x0, y0))
	}
	return out
}
