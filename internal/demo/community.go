package demo

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"shequ/internal/codes"
	"shequ/internal/database"
	"shequ/internal/orgtree"
	"shequ/internal/register"
)

// member is one person of a household being generated.
type member struct {
	p   register.Person
	age int
}

// community generates one community inside its own loader transaction.
func (g *generator) community(ctx context.Context, street orgtree.Unit, c communitySpec) error {
	l, err := register.NewLoader(ctx, g.db, register.Actor{Name: "演示数据", Source: "demo"})
	if err != nil {
		return err
	}
	if err := g.fill(ctx, l, street, c); err != nil {
		l.Rollback()
		return err
	}
	return l.Commit(ctx)
}

func (g *generator) unit(ctx context.Context, l *register.Loader, parent int64, level, name, code, boundary string) (orgtree.Unit, error) {
	u := orgtree.Unit{ParentID: parent, Level: level, Name: name, Code: code, Boundary: boundary}
	return u, g.org.Create(ctx, l.Tx(), &u)
}

func (g *generator) fill(ctx context.Context, l *register.Loader, street orgtree.Unit, c communitySpec) error {
	today := g.opt.Today
	comm, err := g.unit(ctx, l, street.ID, orgtree.LevelCommunity, c.name, c.code, "")
	if err != nil {
		return err
	}
	g.sum.Communities++
	parents := []orgtree.Unit{comm}
	if c.groups > 0 {
		parents = nil
		for i := 0; i < c.groups; i++ {
			gr, err := g.unit(ctx, l, comm.ID, orgtree.LevelGroup, fmt.Sprintf("第%s居民小组", chineseNumber(i+1)), "", "")
			if err != nil {
				return err
			}
			parents = append(parents, gr)
			g.sum.Groups++
		}
	}
	boxes := gridBoxes(c, c.grids)
	grids := make([]orgtree.Unit, c.grids)
	for i := range grids {
		parent := parents[i*len(parents)/c.grids]
		grids[i], err = g.unit(ctx, l, parent.ID, orgtree.LevelGrid, fmt.Sprintf("第%d网格", i+1), "", boxes[i])
		if err != nil {
			return err
		}
		g.sum.Grids++
	}

	// Households: registered and floating, sizes summing to the preset's totals.
	type plan struct {
		kind string
		size int
	}
	var plans []plan
	regH := c.households - c.floatingHouseholds
	for i, s := range g.sizes(regH, c.persons-c.floatingPersons) {
		kind := register.HouseholdRegistered
		if i < max(1, regH/2000) && s >= 3 {
			kind = register.HouseholdCollective // 集体户: a school's or a unit's
		}
		plans = append(plans, plan{kind, s})
	}
	if c.floatingHouseholds > 0 {
		for _, s := range g.sizes(c.floatingHouseholds, c.floatingPersons) {
			plans = append(plans, plan{register.HouseholdFloating, s})
		}
	}
	g.rng.Shuffle(len(plans), func(i, j int) { plans[i], plans[j] = plans[j], plans[i] })

	orgs, err := g.organisations(ctx, l, c, comm, grids)
	if err != nil {
		return err
	}
	if err := g.staff(ctx, l, c, comm, grids, parents); err != nil {
		return err
	}

	houseNo := 0
	buildingNo := 0
	var buildings []orgtree.Unit
	for gi, grid := range grids {
		from, to := gi*len(plans)/len(grids), (gi+1)*len(plans)/len(grids)
		mine := plans[from:to]
		// Houses for the grid's households, with some standing empty.
		need := len(mine) + len(mine)*12/100 + 1
		type slot struct {
			house register.House
		}
		var slots []slot
		for len(slots) < need {
			buildingNo++
			bungalow := g.chance(25)
			name := fmt.Sprintf("%d号楼", buildingNo)
			kind, floors, unitsN, perFloor := "residential", g.between(5, 18), g.between(1, 3), 2
			if bungalow {
				name, kind, floors, unitsN, perFloor = fmt.Sprintf("%d号院", buildingNo), "bungalow", 1, 0, g.between(6, 12)
			}
			bu, err := g.unit(ctx, l, grid.ID, orgtree.LevelBuilding, name, "", "")
			if err != nil {
				return err
			}
			buildings = append(buildings, bu)
			addr := c.address + name
			b := register.Building{CommunityID: comm.ID, ID: bu.ID, GridID: grid.ID, Name: name, Address: addr, Kind: kind,
				Floors: floors, BuiltYear: g.between(1985, 2020)}
			if err := l.Building(ctx, g.day(time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2015, 6, 30, 0, 0, 0, 0, time.UTC)), &b); err != nil {
				return err
			}
			g.sum.Buildings++
			if bungalow {
				for k := 1; k <= perFloor; k++ {
					slots = append(slots, slot{register.House{CommunityID: comm.ID, BuildingID: bu.ID, OrgID: bu.ID, GridID: grid.ID,
						Number: strconv.Itoa(k), Address: addr + strconv.Itoa(k) + "号"}})
				}
				continue
			}
			for u := 1; u <= unitsN; u++ {
				uu, err := g.unit(ctx, l, bu.ID, orgtree.LevelUnit, fmt.Sprintf("%d单元", u), "", "")
				if err != nil {
					return err
				}
				for f := 1; f <= floors; f++ {
					for k := 1; k <= perFloor; k++ {
						number := fmt.Sprintf("%d-%d%02d", u, f, k)
						slots = append(slots, slot{register.House{CommunityID: comm.ID, BuildingID: bu.ID, OrgID: uu.ID, GridID: grid.ID,
							Number: number, Address: addr + number}})
					}
				}
			}
		}
		g.rng.Shuffle(len(slots), func(i, j int) { slots[i], slots[j] = slots[j], slots[i] })
		for i := range slots {
			h := &slots[i].house
			h.AreaM2 = float64(g.between(45, 140))
			h.Use = register.HouseVacant
			if i < len(mine) {
				h.Use = register.HouseOwner
				if mine[i].kind == register.HouseholdFloating {
					h.Use = register.HouseRented
				}
			}
			h.OwnerName = pickSurname(g.rng) + givenName(g.rng, g.between(1950, 1985), g.chance(55))
			h.OwnerPhone = g.mobile()
			if err := l.House(ctx, time.Date(2015, 7, 1, 0, 0, 0, 0, time.UTC), h); err != nil {
				return err
			}
			houseNo++
			g.sum.Houses++
			if i >= len(mine) {
				continue
			}
			if err := g.household(ctx, l, c, comm, *h, mine[i].kind, mine[i].size, houseNo, orgs, today); err != nil {
				return err
			}
		}
	}
	_ = buildings
	return nil
}

// household generates one household and its members in house h.
func (g *generator) household(ctx context.Context, l *register.Loader, c communitySpec, comm orgtree.Unit, h register.House,
	kind string, size, n int, orgs []register.Organisation, today time.Time) error {
	floating := kind == register.HouseholdFloating
	var at time.Time
	if floating {
		at = g.day(time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC), today.AddDate(0, 0, -1))
	} else {
		at = g.day(time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2016, 12, 31, 0, 0, 0, 0, time.UTC))
	}
	origin := c.homeArea
	if floating {
		origin = g.migrantArea(c.migrantProvinces)
	}
	hh := register.Household{CommunityID: comm.ID, Number: c.code[6:] + fmt.Sprintf("%05d", n), Kind: kind,
		HouseID: h.ID, OrgID: h.OrgID, GridID: h.GridID, Address: h.Address, Status: "active"}
	ms := g.members(size, floating, today)
	hh.ID = idFor(l)
	hh.HeadID = 0
	surname := pickSurname(g.rng)
	var tenants []int64
	for i := range ms {
		m := &ms[i]
		p := &m.p
		p.ID = idFor(l)
		if i == 0 {
			hh.HeadID = p.ID
		}
		male := p.Gender == "M"
		birthYear := today.Year() - m.age
		switch {
		case p.Relation == "12" || p.Relation == "11" || p.Relation == "38" || p.Relation == "52":
			p.Name = pickSurname(g.rng) + givenName(g.rng, birthYear, male)
		default:
			p.Name = surname + givenName(g.rng, birthYear, male)
		}
		area := origin
		if !floating {
			switch {
			case g.chance(12):
				area = g.migrantArea([]string{c.homeArea[:2]})
			case c.oldHome != "" && birthYear < c.renamedIn:
				area = c.oldHome
			}
		}
		birth := time.Date(birthYear, time.Month(g.between(1, 12)), g.between(1, 28), 0, 0, 0, 0, time.UTC)
		if birth.After(today) {
			birth = today.AddDate(0, -g.between(1, 10), 0)
		}
		p.BirthDate = birth.Format("2006-01-02")
		p.IDNumber = g.residentID(area, birth, male)
		p.CommunityID, p.HouseholdID, p.OrgID, p.GridID = comm.ID, hh.ID, h.OrgID, h.GridID
		p.Ethnicity = "01"
		if g.chance(3) {
			p.Ethnicity = []string{"03", "02", "11", "04"}[g.rng.IntN(4)]
		}
		p.Residence = register.ResidenceRegistered
		p.HukouAddress = c.address
		if floating {
			p.Residence = register.ResidenceFloating
			p.HukouAddress = areaName(area)
		} else if g.chance(4) {
			p.Residence = register.ResidenceResident
			p.HukouAddress = areaName(area)
		}
		if m.age >= 16 && g.chance(90) {
			p.Phone = g.mobile()
		}
		p.Address = h.Address
		p.MovedInOn = at.Format("2006-01-02")
		if m.age >= 22 && m.age < 60 && len(orgs) > 0 && g.chance(4) {
			p.EmployerID = orgs[g.rng.IntN(len(orgs))].ID
		}
		if m.age >= 18 && m.age < 60 {
			p.Occupation = []string{"个体经营", "企业职工", "务工", "教师", "医护", "公务员", "务农", "无业", "司机", "服务业"}[g.rng.IntN(10)]
		}
	}
	// The household row goes first: its members reference it.
	hh.Phone = ms[0].p.Phone
	if err := l.Household(ctx, at, &hh, ms[0].p.Name); err != nil {
		return err
	}
	g.sum.Households++
	for i := range ms {
		m := &ms[i]
		if err := l.Person(ctx, at, &m.p); err != nil {
			return err
		}
		g.sum.Persons++
		if floating {
			g.sum.FloatingPersons++
			tenants = append(tenants, m.p.ID)
		}
		if err := g.tags(ctx, l, m, size, at, kind); err != nil {
			return err
		}
	}
	if floating {
		g.sum.FloatingHouseholds++
		r := register.Rental{CommunityID: comm.ID, HouseID: h.ID, Landlord: h.OwnerName, LandlordPhone: h.OwnerPhone,
			StartedOn: at.Format("2006-01-02"), MonthlyRent: g.between(4, 20) * 100, TenantIDs: tenants}
		if err := l.Rental(ctx, at, &r); err != nil {
			return err
		}
	}
	return nil
}

// idFor takes a fresh id; persons need theirs before the household row is
// written so the household can name its head.
func idFor(*register.Loader) int64 { return database.NewID() }

// members composes a household of size persons: a head, usually a spouse,
// then children, parents or grandchildren with consistent ages.
func (g *generator) members(size int, floating bool, today time.Time) []member {
	headAge := g.between(25, 80)
	if floating {
		headAge = g.between(20, 55)
	}
	if size == 1 && !floating && g.chance(40) {
		headAge = g.between(65, 92)
	}
	headMale := g.chance(70)
	ms := []member{{p: register.Person{Relation: "02", Gender: gender(headMale)}, age: headAge}}
	if size >= 2 && !(size == 2 && g.chance(15)) {
		sa := max(18, headAge+g.between(-5, 4))
		rel := "12"
		if !headMale {
			rel = "11"
		}
		ms = append(ms, member{p: register.Person{Relation: rel, Gender: gender(!headMale)}, age: sa})
	}
	sons, daughters, parents := 0, 0, 0
	for len(ms) < size {
		switch {
		case parents < 2 && headAge < 50 && headAge+25 < 95 && g.chance(25):
			male := parents == 0 && g.chance(50)
			rel := "52"
			if male {
				rel = "51"
			}
			ms = append(ms, member{p: register.Person{Relation: rel, Gender: gender(male)}, age: headAge + g.between(24, 32)})
			parents++
		default:
			age := headAge - g.between(22, 34)
			if headAge > 60 && sons+daughters >= 1 && g.chance(50) {
				// A grandchild of an old head.
				age = max(0, headAge-g.between(48, 60))
				male := g.chance(52)
				rel := "42"
				if male {
					rel = "41"
				}
				ms = append(ms, member{p: register.Person{Relation: rel, Gender: gender(male)}, age: age})
				continue
			}
			age = max(0, age)
			male := g.chance(52)
			var rel string
			if male {
				sons++
				rel = []string{"22", "23", "29"}[min(sons, 3)-1]
			} else {
				daughters++
				rel = []string{"32", "33", "39"}[min(daughters, 3)-1]
			}
			ms = append(ms, member{p: register.Person{Relation: rel, Gender: gender(male)}, age: age})
		}
	}
	return ms
}

func gender(male bool) string {
	if male {
		return "M"
	}
	return "F"
}

func areaName(code string) string {
	prov, _ := codes.AreaName(code[:2] + "0000")
	county, _ := codes.AreaName(code)
	return prov + county
}

func chineseNumber(n int) string {
	ds := []rune("零一二三四五六七八九十")
	if n <= 10 {
		return string(ds[n])
	}
	return strconv.Itoa(n)
}
