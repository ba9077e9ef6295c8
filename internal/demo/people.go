package demo

import (
	"math/rand/v2"
	"strings"

	"shequ/internal/codes"
	"shequ/internal/database"
	"shequ/internal/orgtree"
	"shequ/internal/register"
)

// generator makes the plans of a preset's communities, one after another,
// from one random source: the same seed gives the same plans.
type generator struct {
	rng       *rand.Rand
	reg       *region
	today     int // opt.Today as a day
	start     int // when the register was first collected (2015)
	ids       *idSeqs
	phones    phones
	surnames  *surnameTable
	areaNames map[string]string
	counties  map[string][]string
	usccUsed  map[string]bool
}

func newGenerator(spec *presetSpec, rng *rand.Rand, today int) *generator {
	return &generator{rng: rng, reg: spec.region, today: today, start: daysFromCivil(2015, 1, 5),
		ids: newIDSeqs(spec.region.seqLo, spec.region.seqHi), phones: phones{n: spec.region.phoneBase},
		surnames: newSurnameTable(spec.region.surnames), areaNames: map[string]string{},
		counties: map[string][]string{}, usccUsed: map[string]bool{}}
}

// Household sizes, percent for 1…7 persons: registered ones average about
// 3.2 as 城北's do, floating ones a little more.
var (
	registeredSizes = []int{10, 22, 30, 20, 11, 5, 2}
	floatingSizes   = []int{12, 20, 28, 22, 12, 4, 2}
)

type hhSpec struct {
	kind string
	size int
}

// sizes draws n household sizes from dist and nudges them to sum to total.
func (g *generator) sizes(n, total int, dist []int) []int {
	if n == 0 {
		return nil
	}
	total = min(max(total, n), 9*n)
	ws := make([]weighted, len(dist))
	for i, w := range dist {
		ws[i] = weighted{string(rune('1' + i)), w}
	}
	out := make([]int, n)
	sum := 0
	for i := range out {
		out[i] = int(pickWeighted(g.rng, ws)[0] - '0')
		sum += out[i]
	}
	for sum != total {
		i := g.rng.IntN(n)
		switch {
		case sum < total && out[i] < 9:
			out[i]++
			sum++
		case sum > total && out[i] > 1:
			out[i]--
			sum--
		}
	}
	return out
}

// community plans one community under street.
func (g *generator) community(street orgtree.Unit, c *communitySpec) *plan {
	p := &plan{spec: c}
	var specs []hhSpec
	regH := c.households - c.floatingHouseholds - c.collective
	regP := c.persons - c.floatingPersons
	for i := 0; i < c.collective; i++ {
		s := g.between(6, 20)
		regP -= s
		specs = append(specs, hhSpec{register.HouseholdCollective, s})
	}
	for _, s := range g.sizes(regH, regP, registeredSizes) {
		specs = append(specs, hhSpec{register.HouseholdRegistered, s})
	}
	for _, s := range g.sizes(c.floatingHouseholds, c.floatingPersons, floatingSizes) {
		specs = append(specs, hhSpec{register.HouseholdFloating, s})
	}
	g.rng.Shuffle(len(specs), func(i, j int) { specs[i], specs[j] = specs[j], specs[i] })

	// Grids of nearly the same number of households (±8 %).
	weights := make([]float64, c.grids)
	sum := 0.0
	for i := range weights {
		weights[i] = 0.92 + 0.16*g.rng.Float64()
		sum += weights[i]
	}
	grids := make([][]int, c.grids)
	next := 0
	for i, n := range apportion(len(specs), weights, sum) {
		for k := 0; k < n; k++ {
			grids[i] = append(grids[i], next)
			next++
		}
	}
	p.houseOf = make([]int, len(specs))
	g.layout(p, street, grids)
	g.organisations(p)
	employers := newEmployers(p)

	// Households in the order of their dwellings, numbered so.
	order := make([]int, len(specs))
	for i := range order {
		order[i] = i
	}
	byHouse := make([]int, len(p.houses))
	for i := range byHouse {
		byHouse[i] = -1
	}
	for i, h := range p.houseOf {
		byHouse[h] = i
	}
	bldOf := make([]*buildingPlan, len(p.houses))
	for _, b := range p.blds {
		for _, h := range b.houses {
			bldOf[h] = b
		}
	}
	seq := 0
	for hi := range p.houses {
		i := byHouse[hi]
		if i < 0 {
			g.vacant(&p.houses[hi].row)
			continue
		}
		seq++
		hp := g.household(p, specs[i], seq, &p.houses[hi], bldOf[hi], employers)
		bldOf[hi].occupied = append(bldOf[hi].occupied, len(p.households))
		p.households = append(p.households, hp)
		p.persons += len(hp.members)
	}
	g.staff(p)
	return p
}

func (g *generator) vacant(h *register.House) {
	h.Use = register.HouseVacant
	h.OwnerName = g.surnames.pick(g.rng) + givenName(g.rng, g.between(1955, 1990), g.chance(60))
	h.OwnerPhone = g.phones.next(g.rng)
}

// member is a person of a household being composed.
type member struct {
	rel      string
	male     bool
	age      int
	surname  string
	parents  [2]int // indexes of father and mother in the household, -1 if absent
	blood    bool   // related to the head by birth (shares the head's origin)
	area     string
	eth      string
	resident bool
}

func (g *generator) motherAge() int    { return 21 + g.rng.IntN(8) + g.rng.IntN(8) }
func (g *generator) childGap() int     { return 1 + g.rng.IntN(3) + g.rng.IntN(4) }
func (g *generator) husbandDelta() int { return g.between(-2, 3) + g.rng.IntN(4) }

// children returns k ages, eldest first, the youngest youngest.
func (g *generator) children(k, youngest int) []int {
	ages := make([]int, k)
	if k == 0 {
		return ages
	}
	ages[k-1] = youngest
	for i := k - 2; i >= 0; i-- {
		ages[i] = ages[i+1] + g.childGap()
	}
	return ages
}

func (g *generator) sex() bool { return g.rng.IntN(100) < 51 }

// childRelations names children by sex and order of birth: 独生子/独生女
// for an only child, else 长子, 次子 … and 长女, 次女 ….
func childRelations(males []bool) []string {
	out := make([]string, len(males))
	if len(males) == 1 {
		if males[0] {
			return []string{"21"}
		}
		return []string{"31"}
	}
	sons, daughters := 0, 0
	for i, m := range males {
		if m {
			sons++
			out[i] = []string{"22", "23", "24", "25", "26", "29"}[min(sons, 6)-1]
		} else {
			daughters++
			out[i] = []string{"32", "33", "34", "35", "36", "39"}[min(daughters, 6)-1]
		}
	}
	return out
}

func clampAge(a int) int { return min(max(a, 0), 99) }

// compose makes a household of size persons with consistent relations,
// ages and surnames. The head comes first.
func (g *generator) compose(kind string, size int) []member {
	floating := kind == register.HouseholdFloating
	sur := func() string { return g.surnames.pick(g.rng) }
	none := [2]int{-1, -1}
	if kind == register.HouseholdCollective {
		// A 集体户 (a unit's or school's): unrelated adults.
		ms := make([]member, size)
		for i := range ms {
			ms[i] = member{rel: "99", male: g.sex(), age: 18 + g.rng.IntN(8) + g.rng.IntN(30)*g.rng.IntN(2), surname: sur(), parents: none}
		}
		ms[0].rel = "02"
		return ms
	}
	if size == 1 {
		x := g.rng.IntN(100)
		var age int
		male := g.sex()
		switch {
		case !floating && x < 45 || floating && x < 2:
			age, male = g.between(65, 92), g.chance(40)
		case !floating && x < 75 || floating && x < 82:
			age = g.between(20, 35)
		default:
			age = g.between(36, 64)
		}
		return []member{{rel: "02", male: male, age: age, surname: sur(), parents: none, blood: true}}
	}
	x := g.rng.IntN(100)
	threeGenShare := map[int]int{2: 0, 3: 12, 4: 35, 5: 50}[min(size, 5)]
	if size >= 6 {
		threeGenShare = 60
	}
	if floating {
		threeGenShare /= 3
	}
	switch {
	case x < threeGenShare:
		return g.threeGenerations(size)
	case size == 2 && x < 30, size == 3 && x < threeGenShare+6:
		return g.singleParent(size - 1)
	default:
		parents := 0
		switch y := g.rng.IntN(100); {
		case size >= 4 && y < 40:
			parents = 1 + g.rng.IntN(2)
		case size == 3 && y < 10:
			parents = 1
		}
		if floating && parents > 0 && g.chance(50) {
			parents = 0
		}
		return g.couple(size-2-parents, parents, floating)
	}
}

// couple: head and spouse, kids children and, living with them, parents
// (1 or 2) of the head or of the spouse.
func (g *generator) couple(kids, parents int, floating bool) []member {
	var wife int
	var ages []int
	if kids > 0 {
		maxYoungest := 22
		if floating || parents > 0 {
			maxYoungest = 12
		}
		ages = g.children(kids, g.rng.IntN(maxYoungest+1))
		wife = ages[0] + g.motherAge()
	} else if floating || parents > 0 || g.chance(50) {
		wife = g.between(21, 36)
	} else {
		wife = g.between(45, 82) // an empty nest
	}
	husband := clampAge(wife + g.husbandDelta())
	wife = clampAge(wife)
	headMale := g.chance(78)
	if floating {
		headMale = g.chance(86)
	}
	hs, ws := g.surnames.pick(g.rng), g.surnames.pick(g.rng)
	ms := make([]member, 0, 2+kids+parents)
	if headMale {
		ms = append(ms, member{rel: "02", male: true, age: husband, surname: hs, parents: [2]int{-1, -1}, blood: true},
			member{rel: "12", male: false, age: wife, surname: ws, parents: [2]int{-1, -1}})
	} else {
		ms = append(ms, member{rel: "02", male: false, age: wife, surname: ws, parents: [2]int{-1, -1}, blood: true},
			member{rel: "11", male: true, age: husband, surname: hs, parents: [2]int{-1, -1}})
	}
	father, mother := 0, 1
	if !headMale {
		father, mother = 1, 0
	}
	if parents > 0 {
		// Whose parents: mostly the head's.
		of := 0
		if g.chance(30) {
			of = 1
		}
		base := ms[of]
		fa := clampAge(base.age + g.motherAge() + g.husbandDelta())
		mo := clampAge(base.age + g.motherAge())
		relF, relM := "51", "52"
		if of == 1 {
			relF, relM = "55", "56" // 岳父, 岳母
			if !headMale {
				relF, relM = "53", "54" // 公公, 婆婆
			}
		}
		withFather := parents == 2 || g.chance(35)
		if withFather {
			ms = append(ms, member{rel: relF, male: true, age: fa, surname: base.surname, parents: [2]int{-1, -1}, blood: of == 0})
		}
		if !withFather || parents == 2 {
			ms = append(ms, member{rel: relM, male: false, age: mo, surname: g.surnames.pick(g.rng), parents: [2]int{-1, -1}, blood: of == 0})
		}
	}
	males := make([]bool, kids)
	for i := range males {
		males[i] = g.sex()
	}
	rels := childRelations(males)
	for i, a := range ages {
		s := hs
		if g.chance(3) {
			s = ws
		}
		ms = append(ms, member{rel: rels[i], male: males[i], age: a, surname: s, parents: [2]int{father, mother}, blood: true})
	}
	return ms
}

// singleParent: a widowed or divorced head with kids children, who may be
// grown up and looking after an old parent.
func (g *generator) singleParent(kids int) []member {
	ages := g.children(kids, g.rng.IntN(31))
	male := g.chance(30)
	age := ages[0] + g.motherAge()
	if male {
		age += g.husbandDelta()
	}
	own := g.surnames.pick(g.rng)
	ms := []member{{rel: "02", male: male, age: clampAge(age), surname: own, parents: [2]int{-1, -1}, blood: true}}
	line := own
	if !male && g.chance(70) {
		line = g.surnames.pick(g.rng) // the children's father's
	}
	males := make([]bool, kids)
	for i := range males {
		males[i] = g.sex()
	}
	rels := childRelations(males)
	ps := [2]int{-1, 0}
	if male {
		ps = [2]int{0, -1}
	}
	for i, a := range ages {
		ms = append(ms, member{rel: rels[i], male: males[i], age: a, surname: line, parents: ps, blood: true})
	}
	return ms
}

// threeGenerations: an old head (with spouse, or widowed), a married son
// (or daughter) with spouse, and their children.
func (g *generator) threeGenerations(size int) []member {
	widowed := size == 3 || g.chance(25)
	grand := size - 4
	if widowed {
		grand = size - 3
	}
	var childAge, inLawAge int
	grands := g.children(grand, g.rng.IntN(15))
	viaSon := g.chance(75)
	if grand > 0 {
		mother := grands[0] + g.motherAge()
		father := mother + g.husbandDelta()
		childAge, inLawAge = father, mother
		if !viaSon {
			childAge, inLawAge = mother, father
		}
	} else {
		childAge = g.between(24, 40)
		inLawAge = childAge + g.between(-3, 3)
	}
	oldWife := childAge + g.motherAge()
	oldHusband := oldWife + g.husbandDelta()
	hs := g.surnames.pick(g.rng) // the family line
	var ms []member
	none := [2]int{-1, -1}
	if widowed {
		if g.chance(70) {
			ms = append(ms, member{rel: "02", male: false, age: clampAge(oldWife), surname: g.surnames.pick(g.rng), parents: none, blood: true})
		} else {
			ms = append(ms, member{rel: "02", male: true, age: clampAge(oldHusband), surname: hs, parents: none, blood: true})
		}
	} else {
		ms = append(ms, member{rel: "02", male: true, age: clampAge(oldHusband), surname: hs, parents: none, blood: true},
			member{rel: "12", male: false, age: clampAge(oldWife), surname: g.surnames.pick(g.rng), parents: none})
	}
	fa, mo := -1, -1
	for i, m := range ms {
		if m.male {
			fa = i
		} else {
			mo = i
		}
	}
	child := len(ms)
	inLaw := child + 1
	lineage := hs
	if viaSon {
		ms = append(ms, member{rel: "20", male: true, age: clampAge(childAge), surname: hs, parents: [2]int{fa, mo}, blood: true},
			member{rel: "38", male: false, age: clampAge(inLawAge), surname: g.surnames.pick(g.rng), parents: none})
	} else {
		lineage = g.surnames.pick(g.rng)
		ms = append(ms, member{rel: "30", male: false, age: clampAge(childAge), surname: hs, parents: [2]int{fa, mo}, blood: true},
			member{rel: "28", male: true, age: clampAge(inLawAge), surname: lineage, parents: none})
	}
	parents := [2]int{child, inLaw}
	if !viaSon {
		parents = [2]int{inLaw, child}
	}
	for _, a := range grands {
		male := g.sex()
		rel := "4" + string(byte('1'+btoi(!viaSon)*2+btoi(!male))) // 孙子 41, 孙女 42, 外孙子 43, 外孙女 44
		ms = append(ms, member{rel: rel, male: male, age: a, surname: lineage, parents: parents, blood: true})
	}
	return ms
}

// countiesOf lists the current county codes under a prefix, leaving out
// development zones (xx7x) and the preset's own home.
func (g *generator) countiesOf(prefix string) []string {
	if cs, ok := g.counties[prefix]; ok {
		return cs
	}
	var out []string
	for _, a := range codes.CountiesOf(prefix) {
		if a.Code[4] == '7' || a.Code[4] == '9' && a.Code[5] == '0' {
			continue
		}
		out = append(out, a.Code)
	}
	g.counties[prefix] = out
	return out
}

// origin picks a county from the weighted prefixes, other than home.
func (g *generator) origin(from []weighted, home string) string {
	for {
		cs := g.countiesOf(pickWeighted(g.rng, from))
		if len(cs) == 0 {
			continue
		}
		c := cs[g.rng.IntN(len(cs))]
		if c != home {
			return c
		}
	}
}

// areaName is the full name of a county: 甘肃省庆阳市环县.
func (g *generator) areaName(code string) string {
	if n, ok := g.areaNames[code]; ok {
		return n
	}
	prov, _ := codes.AreaName(code[:2] + "0000")
	name := prov
	if pref, ok := codes.AreaName(code[:4] + "00"); ok && code[2:4] != "90" {
		name += pref
	}
	county, _ := codes.AreaName(code)
	name += county
	g.areaNames[code] = name
	return name
}

// hometown is a plausible 户籍 address in a county: 甘肃省庆阳市环县城关镇
// 王家沟村.
func (g *generator) hometown(area, surname string) string {
	var b strings.Builder
	b.WriteString(g.areaName(area))
	b.WriteString(townNames[g.rng.IntN(len(townNames))])
	if len(surname) == 3 { // one character
		b.WriteString(surname)
	} else {
		b.WriteString("王")
	}
	b.WriteString(villageSuffix[g.rng.IntN(len(villageSuffix))])
	return b.String()
}

// localArea is the ID area of someone first registered here, born on day.
func localArea(c *communitySpec, birth int) string {
	if c.oldHome != "" && birth < c.renamed {
		return c.oldHome
	}
	return c.homeArea
}

// household generates the household of spec in house h.
func (g *generator) household(p *plan, spec hhSpec, seq int, h *dated[register.House], b *buildingPlan, emp *employers) *householdPlan {
	c := p.spec
	r := g.reg
	ms := g.compose(spec.kind, spec.size)
	floating := spec.kind == register.HouseholdFloating
	collective := spec.kind == register.HouseholdCollective

	// Birth days, and the day the household moved in and entered the register.
	births := make([]int, len(ms))
	for i := range ms {
		births[i] = addYears(g.today, -(ms[i].age+1)) + 1 + g.rng.IntN(365)
		births[i] = min(births[i], g.today)
	}
	var moved int
	if floating {
		lo := max(b.built, g.start, addYears(births[0], 16))
		moved = g.today - int(g.rng.ExpFloat64()*900)
		if moved < lo {
			moved = lo + g.rng.IntN(max(1, g.today-lo))
		}
	} else {
		// Registered families mostly moved in long ago.
		lo := max(b.built, addYears(births[0], 18), daysFromCivil(1982, 1, 1))
		u := g.rng.Float64()
		moved = lo + int(u*u*u*float64(max(0, g.today-lo)))
	}
	moved = min(moved, g.today)
	var atDay int
	if moved < g.start {
		atDay = b.day + g.rng.IntN(45) // the first collection, 2015
	} else {
		atDay = max(moved+g.rng.IntN(15), b.day)
	}
	atDay = min(atDay, g.today)

	// Origins and ethnic groups.
	head := &ms[0]
	wholeResident := !floating && !collective && g.chance(2)
	switch {
	case floating:
		head.area = g.origin(r.floatingFrom, c.homeArea)
	case wholeResident:
		head.area = g.origin(r.movedFrom, c.homeArea)
		head.resident = true
	case collective:
	default:
		localShare := 75.0
		if r == wuhai {
			localShare = 55
		}
		if g.chance(localShare) {
			head.area = localArea(c, births[0])
		} else {
			head.area = g.origin(r.movedFrom, c.homeArea)
		}
	}
	head.eth = pickWeighted(g.rng, r.ethnicities)
	for i := 1; i < len(ms); i++ {
		m := &ms[i]
		fa, mo := m.parents[0], m.parents[1]
		switch {
		case fa >= 0 || mo >= 0: // a child of members listed before it
			m.eth = "01"
			for _, k := range m.parents {
				if k >= 0 && ms[k].eth != "01" {
					m.eth = ms[k].eth
				}
			}
		case m.blood:
			m.eth = head.eth
		case g.chance(85) && !collective:
			m.eth = head.eth
		default:
			m.eth = pickWeighted(g.rng, r.ethnicities)
		}
		switch {
		case collective:
			if g.chance(40) {
				m.area = localArea(c, births[i])
			} else {
				m.area = g.origin(r.movedFrom, c.homeArea)
			}
		case floating:
			m.area = head.area
			if !m.blood && g.chance(25) {
				m.area = g.origin(r.floatingFrom, c.homeArea)
			}
			if k := m.parents[0]; k >= 0 && ms[k].area != "" {
				m.area = ms[k].area // registered at the father's 户籍
			}
		case wholeResident:
			m.area = head.area
			m.resident = true
		default:
			born := births[i] >= moved || births[i] >= births[0] && head.area == localArea(c, births[0])
			switch {
			case m.blood && born:
				m.area = localArea(c, births[i])
			case m.blood:
				m.area = head.area
			case g.chance(60):
				m.area = localArea(c, births[i])
			default:
				m.area = g.origin(r.movedFrom, c.homeArea)
				m.resident = g.chance(25) // their 户口 stayed behind
			}
		}
	}
	if head.area == "" {
		head.area = localArea(c, births[0])
	}

	house := &h.row
	hp := &householdPlan{at: clockTime(g.rng, atDay)}
	hp.h = register.Household{CommunityID: p.community.ID, ID: database.NewID(), Number: c.code[6:] + fiveDigits(seq),
		Kind: spec.kind, HouseID: house.ID, OrgID: house.OrgID, GridID: house.GridID, Address: house.Address, Status: "active"}
	localHukou := r.province + r.city + house.Address
	var away string // the 户籍 address of the head's home village
	for i := range ms {
		m := &ms[i]
		birth := births[i]
		var name string
		if m.eth == "02" && r.mongolianNames && g.chance(55) {
			if m.male {
				name = mongolianMale[g.rng.IntN(len(mongolianMale))]
			} else {
				name = mongolianFemale[g.rng.IntN(len(mongolianFemale))]
			}
		} else {
			name = m.surname + givenName(g.rng, yearOf(birth), m.male)
		}
		id, birth := g.ids.residentID(m.area, birth, m.male)
		births[i] = birth
		pr := register.Person{CommunityID: p.community.ID, ID: database.NewID(), HouseholdID: hp.h.ID,
			OrgID: house.OrgID, GridID: house.GridID, Name: name, DocType: "resident_id", IDNumber: id,
			Gender: "F", BirthDate: dateString(birth), Ethnicity: m.eth, Relation: m.rel, Address: house.Address,
			Status: "active", Residence: register.ResidenceRegistered, HukouAddress: localHukou}
		if m.male {
			pr.Gender = "M"
		}
		switch {
		case floating:
			pr.Residence = register.ResidenceFloating
		case m.resident:
			pr.Residence = register.ResidenceResident
		}
		if pr.Residence != register.ResidenceRegistered {
			if m.area == head.area {
				if away == "" {
					away = g.hometown(head.area, head.surname)
				}
				pr.HukouAddress = away
			} else {
				pr.HukouAddress = g.hometown(m.area, m.surname)
			}
		}
		switch {
		case m.age >= 18 && m.age < 60 && g.chance(93), m.age >= 60 && m.age < 75 && g.chance(75),
			m.age >= 75 && g.chance(40), m.age >= 12 && m.age < 18 && g.chance(35):
			pr.Phone = g.phones.next(g.rng)
		}
		g.occupation(&pr, m, floating, emp)
		day := atDay
		pr.MovedInOn = dateString(moved)
		if birth > moved {
			pr.MovedInOn = pr.BirthDate
			day = max(atDay, min(birth+10+g.rng.IntN(60), g.today))
		}
		hp.members = append(hp.members, dated[register.Person]{pr, clockTime(g.rng, day)})
		hp.ages = append(hp.ages, m.age)
	}
	hp.h.HeadID = hp.members[0].row.ID
	hp.h.Phone = hp.members[0].row.Phone
	if hp.h.Phone == "" && len(hp.members) > 1 {
		hp.h.Phone = hp.members[1].row.Phone
	}

	// The dwelling: lived in by its owner, or let.
	rented := floating || !collective && g.chance(6)
	if rented {
		house.Use = register.HouseRented
		house.OwnerName = g.surnames.pick(g.rng) + givenName(g.rng, g.between(1955, 1990), g.chance(60))
		house.OwnerPhone = g.phones.next(g.rng)
		rent := r.rent[0] + int(house.AreaM2)*(r.rent[1]-r.rent[0])/150
		rent = (rent + g.between(-100, 100)) / 50 * 50
		rt := register.Rental{CommunityID: p.community.ID, ID: database.NewID(), HouseID: house.ID,
			Landlord: house.OwnerName, LandlordPhone: house.OwnerPhone, StartedOn: dateString(moved), MonthlyRentFen: int64(max(rent, 200)) * 100}
		for _, m := range hp.members {
			rt.TenantIDs = append(rt.TenantIDs, m.row.ID)
		}
		hp.rental = &dated[register.Rental]{rt, hp.at}
	} else {
		house.Use = register.HouseOwner
		owner := hp.members[0].row
		if collective && len(p.orgs) > 0 {
			owner = register.Person{Name: p.orgs[g.rng.IntN(len(p.orgs))].row.Name}
		} else if len(hp.members) > 1 && hp.members[1].row.Relation == "12" && g.chance(30) {
			owner = hp.members[1].row
		}
		house.OwnerName, house.OwnerPhone = owner.Name, owner.Phone
	}
	g.tags(hp, ms, births, moved, spec, wholeResident)
	return hp
}

func fiveDigits(n int) string {
	var b [5]byte
	for i := 4; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[:])
}

// occupation fills in what a person does, and sometimes which of the
// community's organisations employs them.
func (g *generator) occupation(pr *register.Person, m *member, floating bool, emp *employers) {
	retire := 60
	if !m.male {
		retire = 55
	}
	switch {
	case m.age < 3:
	case m.age < 6:
		pr.Occupation = "学龄前儿童"
	case m.age < 18, m.age < 23 && g.chance(65):
		pr.Occupation = "学生"
	case m.age >= retire:
		switch {
		case !floating:
			pr.Occupation = "离退休人员"
		case g.chance(50):
			pr.Occupation = "务农"
		default:
			pr.Occupation = "无业"
		}
	default:
		if g.chance(3.2) {
			if o := emp.pick(g); o != nil {
				pr.EmployerID = o.ID
				pr.Occupation = occupationAt(o)
				return
			}
		}
		if floating {
			pr.Occupation = pickWeighted(g.rng, g.reg.floatingJobs)
		} else {
			pr.Occupation = pickWeighted(g.rng, g.reg.jobs)
		}
	}
}

func occupationAt(o *register.Organisation) string {
	switch o.Kind {
	case "school":
		return "教师"
	case "medical":
		return "医务人员"
	case "unit":
		return "机关事业单位人员"
	case "property":
		return "物业服务人员"
	case "social":
		return "社会组织工作人员"
	case "shop":
		return "个体经营"
	}
	if strings.Contains(o.Name, "采油") {
		return "石油工人"
	}
	return "企业职工"
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
