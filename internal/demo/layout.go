package demo

import (
	"math"
	"strconv"
	"time"

	"shequ/internal/database"
	"shequ/internal/orgtree"
	"shequ/internal/register"
)

// plan is one community, generated in memory before it is written: org
// units (parents first), staff, and register rows with the moment each
// entered the register.
type plan struct {
	spec       *communitySpec
	community  orgtree.Unit
	units      []orgtree.Unit
	groups     []orgtree.Unit
	grids      []orgtree.Unit
	staff      []orgtree.Staff
	orgs       []dated[register.Organisation]
	buildings  []dated[register.Building]
	houses     []dated[register.House]
	households []*householdPlan
	persons    int
	// Generation bookkeeping, not written.
	blds    []*buildingPlan
	houseOf []int // household index → house index
}

type dated[T any] struct {
	row T
	at  time.Time
}

type householdPlan struct {
	h       register.Household
	at      time.Time
	members []dated[register.Person]
	rental  *dated[register.Rental]
	tags    []dated[register.Tag]
	ages    []int
}

// buildingPlan is a building being laid out, with its houses.
type buildingPlan struct {
	unit     orgtree.Unit
	grid     int
	floors   int
	bungalow bool
	day      int   // when it entered the register
	built    int   // day it was finished
	houses   []int // indexes into plan.houses
	occupied []int // indexes into plan.households
}

type buildingKind struct {
	kind                 string
	floors, units, rooms [2]int // ranges
	built                [2]int // years
}

var buildingKinds = map[string]buildingKind{
	"bungalow": {"bungalow", [2]int{1, 1}, [2]int{1, 1}, [2]int{4, 12}, [2]int{1968, 2000}},
	"walkup":   {"residential", [2]int{4, 7}, [2]int{1, 4}, [2]int{2, 2}, [2]int{1985, 2012}},
	"midrise":  {"residential", [2]int{8, 18}, [2]int{1, 3}, [2]int{2, 3}, [2]int{2000, 2021}},
	"highrise": {"residential", [2]int{19, 33}, [2]int{1, 2}, [2]int{2, 4}, [2]int{2008, 2023}},
}

func (g *generator) between(lo, hi int) int { return lo + g.rng.IntN(hi-lo+1) }

func (g *generator) chance(percent float64) bool { return g.rng.Float64()*100 < percent }

func (g *generator) unit(parent int64, level, name, code, boundary string) orgtree.Unit {
	return orgtree.Unit{ID: database.NewID(), ParentID: parent, Level: level, Name: name, Code: code, Boundary: boundary}
}

// layout creates the community's org units down to the 单元 and its
// buildings and houses: grids of about the same number of households, each
// with enough dwellings that about 85 % are occupied.
func (g *generator) layout(p *plan, street orgtree.Unit, grids [][]int) {
	c := p.spec
	rect := communityRect(c)
	p.community = g.unit(street.ID, orgtree.LevelCommunity, c.name, c.code, rect.polygon())
	p.units = append(p.units, p.community)
	parents := []orgtree.Unit{p.community}
	if c.groups > 0 {
		parents = nil
		for i := 0; i < c.groups; i++ {
			u := g.unit(p.community.ID, orgtree.LevelGroup, "第"+chineseNumber(i+1)+"居民小组", "", "")
			p.units = append(p.units, u)
			p.groups = append(p.groups, u)
			parents = append(parents, u)
		}
	}
	// Grids tile the community's rectangle in strips, one strip per group.
	boxes := rect.tile(c.grids)
	for i := 0; i < c.grids; i++ {
		parent := parents[i*len(parents)/c.grids]
		u := g.unit(parent.ID, orgtree.LevelGrid, "第"+strconv.Itoa(i+1)+"网格", c.code+threeDigits(i+1), boxes[i].polygon())
		u.GridID = u.ID
		p.units = append(p.units, u)
		p.grids = append(p.grids, u)
	}
	r := g.reg
	mix := []weighted{{"bungalow", r.bungalow}, {"walkup", r.walkup}, {"midrise", r.midrise}, {"highrise", r.highrise}}
	bno := 0
	doors := make([]int, len(c.roads))
	yards := map[string]int{}
	for gi, hh := range grids {
		grid := p.grids[gi]
		occupancy := 0.82 + 0.06*g.rng.Float64()
		need := int(math.Ceil(float64(len(hh)) / occupancy))
		have := 0
		start := len(p.blds)
		for have < need {
			k := buildingKinds[pickWeighted(g.rng, mix)]
			left := need - have
			floors := g.between(k.floors[0], k.floors[1])
			units := g.between(k.units[0], k.units[1])
			rooms := g.between(k.rooms[0], k.rooms[1])
			if k.kind != "bungalow" && k.floors[0]*k.rooms[0] > left+left/2 {
				k = buildingKinds["walkup"]
				floors, units, rooms = g.between(4, 7), g.between(1, 4), 2
			}
			if k.kind == "bungalow" || left < 8 {
				k = buildingKinds["bungalow"]
				floors, units, rooms = 1, 1, min(max(left, 3), g.between(4, 12))
			} else {
				// Do not overshoot the grid by much: drop units, then floors.
				for units > 1 && floors*units*rooms > left+rooms*floors/2 {
					units--
				}
				for floors > k.floors[0] && floors*units*rooms > left+rooms {
					floors--
				}
			}
			builtYear := g.between(k.built[0], min(k.built[1], yearOf(g.today)-1))
			built := daysFromCivil(builtYear, 1, 1) + g.rng.IntN(365)
			day := g.start + g.rng.IntN(150)
			if built > day {
				day = min(built+g.rng.IntN(60), g.today)
			}
			var name, stem string
			var yard int
			if k.kind == "bungalow" {
				lane := laneNames[(gi+len(p.blds)%2)%len(laneNames)]
				yards[lane]++
				yard = yards[lane]
				name = lane + strconv.Itoa(yard) + "号院"
				stem = c.district + name
			} else {
				bno++
				name = strconv.Itoa(bno) + "号楼"
				ri := (gi*len(c.roads)/len(p.grids) + bno%2) % len(c.roads)
				doors[ri] += 2 + 2*g.rng.IntN(3)
				stem = c.district + c.roads[ri] + strconv.Itoa(doors[ri]) + "号" + name
			}
			bu := g.unit(grid.ID, orgtree.LevelBuilding, name, "", "")
			bu.GridID = grid.ID
			p.units = append(p.units, bu)
			bp := &buildingPlan{unit: bu, grid: gi, floors: floors, bungalow: k.kind == "bungalow", day: day, built: built}
			p.blds = append(p.blds, bp)
			p.buildings = append(p.buildings, dated[register.Building]{register.Building{CommunityID: p.community.ID,
				ID: bu.ID, GridID: grid.ID, Name: name, Address: stem, Kind: k.kind, Floors: floors, BuiltYear: builtYear},
				clockTime(g.rng, day)})
			at := clockTime(g.rng, day)
			house := func(org int64, number, address string, area int) {
				bp.houses = append(bp.houses, len(p.houses))
				p.houses = append(p.houses, dated[register.House]{register.House{CommunityID: p.community.ID,
					ID: database.NewID(), BuildingID: bu.ID, OrgID: org, GridID: grid.ID, Number: number, Address: address,
					AreaM2: float64(area), Use: register.HouseVacant}, at})
				have++
			}
			if k.kind == "bungalow" {
				for i := 1; i <= rooms; i++ {
					n := strconv.Itoa(i)
					house(bu.ID, strconv.Itoa(yard)+"-"+n, stem+n+"号", g.between(35, 90))
				}
				continue
			}
			prefix := strconv.Itoa(bno) + "-"
			for u := 1; u <= units; u++ {
				uu := g.unit(bu.ID, orgtree.LevelUnit, strconv.Itoa(u)+"单元", "", "")
				uu.GridID = grid.ID
				p.units = append(p.units, uu)
				us := strconv.Itoa(u)
				size := g.between(55, 95) + 15*(floors/8)
				for f := 1; f <= floors; f++ {
					for k := 1; k <= rooms; k++ {
						room := strconv.Itoa(f*100 + k)
						house(uu.ID, prefix+us+"-"+room, stem+us+"单元"+room+"室", size+g.between(-5, 25))
					}
				}
			}
		}
		outlineBuildings(p.units, grid.ID, boxes[gi])
		// Which dwellings are occupied: a random choice among the grid's.
		var slots []int
		for _, b := range p.blds[start:] {
			slots = append(slots, b.houses...)
		}
		g.rng.Shuffle(len(slots), func(i, j int) { slots[i], slots[j] = slots[j], slots[i] })
		for i, hi := range hh {
			p.houseOf[hi] = slots[i]
		}
	}
}

// rect is an area on the map, in degrees.
// outlineBuildings gives the grid's buildings outlines on a lattice
// inside its box, so that a position or a tap on the map finds the
// nearest building as it would in a real community.
func outlineBuildings(units []orgtree.Unit, grid int64, box rect) {
	var idx []int
	for i, u := range units {
		if u.Level == orgtree.LevelBuilding && u.GridID == grid {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return
	}
	cols := int(math.Ceil(math.Sqrt(float64(len(idx)))))
	rows := (len(idx) + cols - 1) / cols
	w, h := (box.maxLon-box.minLon)/float64(cols), (box.maxLat-box.minLat)/float64(rows)
	for k, i := range idx {
		x, y := box.minLon+float64(k%cols)*w, box.minLat+float64(k/cols)*h
		units[i].Boundary = rect{x + w*0.25, y + h*0.25, x + w*0.75, y + h*0.75}.polygon()
	}
}

type rect struct{ minLon, minLat, maxLon, maxLat float64 }

func communityRect(c *communitySpec) rect {
	side := math.Sqrt(math.Max(c.areaKm2, 0.2)) // km
	dLat := side / 111.0
	dLon := side / (111.0 * math.Cos(c.lat*math.Pi/180))
	// Wider than tall, as towns along a valley are.
	return rect{c.lon - dLon*0.65, c.lat - dLat*0.385, c.lon + dLon*0.65, c.lat + dLat*0.385}
}

// tile cuts the rectangle into n cells: columns of nearly equal cells, the
// last column taking the remainder.
func (r rect) tile(n int) []rect {
	cols := min(int(math.Ceil(math.Sqrt(float64(n)*1.7))), n)
	per := (n + cols - 1) / cols
	cols = (n + per - 1) / per // no empty column
	var out []rect
	w := (r.maxLon - r.minLon) / float64(cols)
	for col := 0; col < cols && len(out) < n; col++ {
		k := min(per, n-len(out))
		if col == cols-1 {
			k = n - len(out)
		}
		h := (r.maxLat - r.minLat) / float64(k)
		for i := 0; i < k; i++ {
			x0 := r.minLon + float64(col)*w
			y1 := r.maxLat - float64(i)*h
			out = append(out, rect{x0, y1 - h, x0 + w, y1})
		}
	}
	return out
}

// polygon renders the rectangle as a GeoJSON Polygon.
func (r rect) polygon() string {
	b := make([]byte, 0, 160)
	b = append(b, `{"type":"Polygon","coordinates":[[`...)
	pt := func(x, y float64, last bool) {
		b = append(b, '[')
		b = strconv.AppendFloat(b, math.Round(x*1e6)/1e6, 'f', -1, 64)
		b = append(b, ',')
		b = strconv.AppendFloat(b, math.Round(y*1e6)/1e6, 'f', -1, 64)
		b = append(b, ']')
		if !last {
			b = append(b, ',')
		}
	}
	pt(r.minLon, r.minLat, false)
	pt(r.maxLon, r.minLat, false)
	pt(r.maxLon, r.maxLat, false)
	pt(r.minLon, r.maxLat, false)
	pt(r.minLon, r.minLat, true)
	b = append(b, "]]}"...)
	return string(b)
}
