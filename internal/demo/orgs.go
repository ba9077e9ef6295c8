package demo

import (
	"strconv"
	"strings"

	"shequ/internal/database"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/register"
)

// Organisations a community has besides the preset's named ones: a suffix
// after the community's name, and its kind.
var genericOrgs = []orgSpec{
	{"便民超市", "shop"}, {"五金建材店", "shop"}, {"家常菜馆", "shop"}, {"美发店", "shop"}, {"大药房", "shop"},
	{"快递服务站", "enterprise"}, {"汽车维修部", "shop"}, {"家政服务有限公司", "enterprise"},
	{"物业服务有限公司", "property"}, {"居家养老服务中心", "social"}, {"幼儿园", "school"}, {"小学", "school"},
	{"社区卫生服务站", "medical"}, {"老年协会", "social"}, {"志愿者协会", "social"}, {"农贸市场", "enterprise"},
	{"宾馆", "enterprise"}, {"加油站", "enterprise"}, {"派出所", "unit"}, {"供电所", "unit"}, {"中学", "school"},
}

// staffRange is how many people an organisation of a kind employs.
var staffRange = map[string][2]int{"unit": {20, 120}, "school": {25, 150}, "medical": {15, 200},
	"enterprise": {10, 400}, "property": {10, 60}, "social": {3, 25}, "shop": {2, 10}}

// organisations creates the community's 驻区单位, schools, clinics,
// property companies, social organisations and shops, spread over the
// grids, each with a valid and distinct 统一社会信用代码.
func (g *generator) organisations(p *plan) {
	c := p.spec
	stem := strings.TrimSuffix(c.name, "社区")
	generic := append([]orgSpec(nil), genericOrgs...)
	g.rng.Shuffle(len(generic), func(i, j int) { generic[i], generic[j] = generic[j], generic[i] })
	for i := 0; i < c.orgCount; i++ {
		var o orgSpec
		if i < len(c.orgs) {
			o = c.orgs[i]
		} else {
			o = generic[(i-len(c.orgs))%len(generic)]
			o.name = c.district + stem + o.name
		}
		grid := p.grids[g.rng.IntN(len(p.grids))]
		sr := staffRange[o.kind]
		staff := g.between(sr[0], sr[1])
		switch {
		case strings.Contains(o.name, "采油厂"):
			staff = g.between(900, 1500)
		case strings.Contains(o.name, "服务站"), strings.Contains(o.name, "卫生室"):
			staff = g.between(4, 20)
		}
		day := g.start + g.rng.IntN(120)
		if g.chance(20) {
			day = g.start + g.rng.IntN(max(1, g.today-g.start))
		}
		road := c.roads[g.rng.IntN(len(c.roads))]
		row := register.Organisation{CommunityID: p.community.ID, ID: database.NewID(), Name: o.name, Kind: o.kind,
			USCC: g.uscc(o, c), LegalRep: g.surnames.pick(g.rng) + givenName(g.rng, g.between(1960, 1990), g.chance(70)),
			Phone: landline(g.rng, g.reg.phoneArea), Address: c.district + road + strconv.Itoa(g.between(1, 199)) + "号",
			OrgID: grid.ID, GridID: grid.ID, StaffCount: staff, Status: "active"}
		p.orgs = append(p.orgs, dated[register.Organisation]{row, clockTime(g.rng, day)})
	}
}

// uscc makes a 统一社会信用代码 fitting the organisation: 11 for 机关, 12
// for 事业单位 (public schools, hospitals), 51/52 for 社会团体 and 民办非企业
// registered with 民政, 81 for a 工会, 91 for companies, 92 for 个体工商户.
func (g *generator) uscc(o orgSpec, c *communitySpec) string {
	authority, typ := byte('9'), byte('1')
	switch o.kind {
	case "unit":
		authority, typ = '1', '1'
		if strings.Contains(o.name, "公司") || strings.Contains(o.name, "供电所") {
			authority, typ = '9', '1'
		}
	case "school", "medical":
		authority, typ = '1', '2'
		if strings.Contains(o.name, "培训") || strings.Contains(o.name, "幼儿园") && g.chance(40) {
			authority, typ = '5', '2'
		}
	case "social":
		authority, typ = '5', '1'
		switch {
		case strings.Contains(o.name, "工会"):
			authority, typ = '8', '1'
		case strings.Contains(o.name, "服务中心"):
			authority, typ = '5', '2'
		}
	case "shop":
		authority, typ = '9', '2'
	}
	area := c.homeArea
	if c.oldHome != "" && authority != '9' {
		area = c.oldHome // codes given out in 2015–16, before 安塞县 became 安塞区
	}
	for {
		var body [8]byte
		if authority == '9' {
			body[0], body[1] = 'M', 'A'
			for i := 2; i < 8; i++ {
				body[i] = usccAlphabet[g.rng.IntN(len(usccAlphabet))]
			}
		} else {
			for i := 0; i < 8; i++ {
				body[i] = byte('0' + g.rng.IntN(10))
			}
		}
		code := ident.MakeUSCC(authority, typ, area, string(body[:]))
		if !g.usccUsed[code] {
			g.usccUsed[code] = true
			return code
		}
	}
}

// employers picks an organisation of the community, the bigger ones more
// often.
type employers struct {
	orgs []*register.Organisation
	cum  []int
}

func newEmployers(p *plan) *employers {
	e := &employers{}
	total := 0
	for i := range p.orgs {
		total += p.orgs[i].row.StaffCount
		e.orgs = append(e.orgs, &p.orgs[i].row)
		e.cum = append(e.cum, total)
	}
	return e
}

func (e *employers) pick(g *generator) *register.Organisation {
	if len(e.orgs) == 0 {
		return nil
	}
	x := g.rng.IntN(e.cum[len(e.cum)-1])
	for i, c := range e.cum {
		if x < c {
			return e.orgs[i]
		}
	}
	return e.orgs[len(e.orgs)-1]
}

// staff assigns the community's people: its workers (书记 and 社区工作者) on
// the community; a 网格员 on every grid — drawn from the community workers
// as in 城北, where 19 of the 21 staff run the 19 grids, or people of their
// own in the city preset; 中心户长 for groups of neighbouring buildings,
// 居民小组长 and (city) 楼栋长, chosen among the residents.
func (g *generator) staff(p *plan) {
	c := p.spec
	started := func(lo, hi int) string {
		d := daysFromCivil(g.between(lo, min(hi, yearOf(g.today))), 1, 1) + g.rng.IntN(365)
		return dateString(min(d, g.today))
	}
	worker := func(unit int64, role string, born [2]int, femalePct float64, from, to int) orgtree.Staff {
		male := !g.chance(femalePct)
		return orgtree.Staff{ID: database.NewID(), UnitID: unit, Role: role,
			Name:  g.surnames.pick(g.rng) + givenName(g.rng, g.between(born[0], born[1]), male),
			Phone: g.phones.next(g.rng), StartedOn: started(from, to)}
	}
	var workers []orgtree.Staff
	for _, s := range c.staff {
		st := worker(p.community.ID, s.role, [2]int{1968, 1998}, 65, 2008, 2023)
		if s.role == orgtree.RoleSecretary {
			st = worker(p.community.ID, s.role, [2]int{1965, 1985}, 40, 2011, 2021)
		}
		p.staff = append(p.staff, st)
		if s.role == orgtree.RoleCommunityStaff {
			workers = append(workers, st)
		}
	}
	for i, grid := range p.grids {
		var st orgtree.Staff
		if c.gridWorkersApart || len(workers) == 0 {
			st = worker(grid.ID, orgtree.RoleGridWorker, [2]int{1975, 1999}, 55, 2015, 2024)
		} else {
			w := workers[i%len(workers)]
			st = orgtree.Staff{ID: database.NewID(), UnitID: grid.ID, Role: orgtree.RoleGridWorker, Name: w.Name,
				Phone: w.Phone, StartedOn: started(2015, 2016)}
		}
		p.staff = append(p.staff, st)
	}

	// 中心户长: the buildings, in order, cut into groups of about the same
	// number of households; the head lives in the group and is recorded on
	// its first building.
	total := len(p.households)
	heads := min(c.centerHeads, len(p.blds))
	if heads > 0 {
		k, acc := 0, 0
		var group []*buildingPlan
		for i, b := range p.blds {
			group = append(group, b)
			acc += len(b.occupied)
			rest := len(p.blds) - i - 1
			if acc*heads >= (k+1)*total && len(group) > 0 || rest == heads-k-1 {
				p.staff = append(p.staff, g.resident(p, group, group[0].unit.ID, orgtree.RoleCenterHead, 2014))
				k++
				group = nil
				if k == heads {
					break
				}
			}
		}
	}
	for gi, grp := range p.groups {
		var bs []*buildingPlan
		for _, b := range p.blds {
			if b.grid*len(p.groups)/len(p.grids) == gi {
				bs = append(bs, b)
			}
		}
		p.staff = append(p.staff, g.resident(p, bs, grp.ID, orgtree.RoleGroupLeader, 2012))
	}
	if c.buildingHeads {
		for _, b := range p.blds {
			if !b.bungalow && b.floors >= 5 && len(b.occupied) > 0 {
				p.staff = append(p.staff, g.resident(p, []*buildingPlan{b}, b.unit.ID, orgtree.RoleBuildingHead, 2015))
			}
		}
	}
}

// resident chooses a grown-up of a non-floating household in the buildings
// for a voluntary post, giving them a phone if they had none.
func (g *generator) resident(p *plan, bs []*buildingPlan, unit int64, role string, from int) orgtree.Staff {
	type cand struct{ hh, m int }
	var cs []cand
	for _, b := range bs {
		for _, hi := range b.occupied {
			hp := p.households[hi]
			if hp.h.Kind == register.HouseholdFloating {
				continue
			}
			for mi := range hp.members {
				if a := hp.ages[mi]; a >= 35 && a <= 72 {
					cs = append(cs, cand{hi, mi})
				}
			}
		}
	}
	st := orgtree.Staff{ID: database.NewID(), UnitID: unit, Role: role}
	if len(cs) == 0 {
		st.Name = g.surnames.pick(g.rng) + givenName(g.rng, g.between(1955, 1985), g.chance(60))
		st.Phone = g.phones.next(g.rng)
		st.StartedOn = dateString(daysFromCivil(from, 1, 1) + g.rng.IntN(max(1, g.today-daysFromCivil(from, 1, 1))))
		return st
	}
	pick := cs[g.rng.IntN(len(cs))]
	pm := &p.households[pick.hh].members[pick.m]
	if pm.row.Phone == "" {
		pm.row.Phone = g.phones.next(g.rng)
	}
	st.Name, st.Phone = pm.row.Name, pm.row.Phone
	lo := max(daysFromCivil(from, 1, 1), dayOf(pm.at))
	st.StartedOn = dateString(lo + g.rng.IntN(max(1, g.today-lo)))
	return st
}
