package demo

import (
	"context"
	"fmt"
	"time"

	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/register"
)

// tags gives a person the special-group and service tags that fit their age,
// sex and household, in roughly the shares community ledgers show.
func (g *generator) tags(ctx context.Context, l *register.Loader, m *member, size int, at time.Time, kind string) error {
	today := g.opt.Today
	birth, _ := time.Parse("2006-01-02", m.p.BirthDate)
	add := func(tag string, from time.Time, ended bool) error {
		if from.Before(at) {
			from = at
		}
		if from.After(today) {
			return nil
		}
		t := register.Tag{CommunityID: m.p.CommunityID, PersonID: m.p.ID, Tag: tag, StartedOn: from.Format("2006-01-02")}
		if ended {
			end := g.day(from, today)
			if end.After(from) {
				t.EndedOn = end.Format("2006-01-02")
			}
		}
		g.sum.Tags[tag]++
		return l.Tag(ctx, at, &t)
	}
	since := func() time.Time { return g.day(at, today) }
	registered := kind != register.HouseholdFloating
	female := m.p.Gender == "F"
	var err error
	check := func(e error) {
		if err == nil {
			err = e
		}
	}
	if m.age >= 80 {
		check(add("very_old", birth.AddDate(80, 0, 0), false))
	}
	if size == 1 && m.age >= 65 {
		check(add("living_alone", at, false))
	}
	if female && m.age >= 15 && m.age <= 49 {
		check(add("childbearing", birth.AddDate(15, 0, 0), false))
		if m.age >= 20 && m.age <= 40 && g.chance(3) {
			check(add("pregnant", today.AddDate(0, -g.between(1, 7), 0), false))
		}
	}
	if registered && g.chance(2.5) {
		check(add("dibao", since(), g.chance(25)))
	}
	if registered && m.age >= 60 && g.chance(0.6) {
		check(add("tekun", since(), false))
	}
	disabledShare := 2.0
	if registered {
		disabledShare = 6
	}
	if g.chance(disabledShare) {
		check(add("disabled", since(), false))
	}
	if !female && m.age > 25 && g.chance(1.5) {
		check(add("veteran", since(), false))
		if g.chance(15) {
			check(add("preferential", since(), false))
		}
	}
	if m.age >= 18 && m.age < 60 && g.chance(2) {
		check(add("unemployed", since(), g.chance(40)))
	}
	if m.age >= 12 && m.age <= 25 && g.chance(0.3) {
		check(add("key_youth", since(), false))
	}
	if m.age >= 18 {
		for _, t := range []struct {
			tag string
			pct float64
		}{{"correction", 0.1}, {"mental", 0.3}, {"drug", 0.08}, {"released", 0.2}} {
			if g.chance(t.pct) {
				check(add(t.tag, since(), t.tag == "correction" && g.chance(50)))
			}
		}
	}
	return err
}

// organisations creates the preset's named units and generated ones, spread
// over the grids, each with a valid 统一社会信用代码.
func (g *generator) organisations(ctx context.Context, l *register.Loader, c communitySpec, comm orgtree.Unit, grids []orgtree.Unit) ([]register.Organisation, error) {
	generated := []string{"便民超市", "五金建材店", "餐馆", "理发店", "药店", "快递服务站", "汽车维修部", "家政服务公司", "物业服务有限公司", "养老服务中心"}
	var out []register.Organisation
	for i := 0; i < c.organisationCount; i++ {
		name := ""
		if i < len(c.organisations) {
			name = c.organisations[i]
		} else {
			name = c.name[:len(c.name)-len("社区")] + generated[(i-len(c.organisations))%len(generated)]
			if i-len(c.organisations) >= len(generated) {
				name += fmt.Sprintf("%d", i)
			}
		}
		kind := orgKind(name)
		grid := grids[g.rng.IntN(len(grids))]
		authority, typ := byte('9'), byte('1')
		switch kind {
		case "unit", "school", "medical":
			authority, typ = '1', '2'
		case "social":
			authority, typ = '5', '1'
		case "shop":
			authority, typ = '9', '2'
		}
		body := fmt.Sprintf("MA%06d", g.rng.IntN(1000000))
		o := register.Organisation{CommunityID: comm.ID, Name: name, Kind: kind,
			USCC:     ident.MakeUSCC(authority, typ, c.homeArea, body),
			LegalRep: pickSurname(g.rng) + givenName(g.rng, g.between(1960, 1990), g.chance(70)),
			Phone:    g.mobile(), Address: c.address + fmt.Sprintf("%d号", g.between(1, 300)), OrgID: grid.ID, GridID: grid.ID,
			StaffCount: g.between(3, 300)}
		if err := l.Organisation(ctx, time.Date(2015, 3, 1, 0, 0, 0, 0, time.UTC), &o); err != nil {
			return nil, err
		}
		g.sum.Organisations++
		out = append(out, o)
	}
	return out, nil
}

func orgKind(name string) string {
	has := func(s string) bool { return len(name) >= len(s) && contains(name, s) }
	switch {
	case has("物业"):
		return "property"
	case has("学校"), has("中学"), has("小学"), has("幼儿园"), has("学院"):
		return "school"
	case has("医院"), has("卫生"):
		return "medical"
	case has("协会"), has("工会"), has("艺术团"), has("志愿"):
		return "social"
	case has("局"), has("所"), has("大队"), has("供电"), has("邮政"), has("银行"):
		return "unit"
	case has("店"), has("超市"), has("餐馆"), has("部"):
		return "shop"
	default:
		return "enterprise"
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// staff assigns the community's workers, a 网格员 to every grid (drawn from
// the community workers, as in 城北 where the 21 staff also run the 19 grids),
// 中心户长 spread over the grids and a leader for each 居民小组.
func (g *generator) staff(ctx context.Context, l *register.Loader, c communitySpec, comm orgtree.Unit, grids, groups []orgtree.Unit) error {
	type person struct{ name, phone string }
	var workers []person
	for _, s := range c.staff {
		p := person{pickSurname(g.rng) + givenName(g.rng, g.between(1970, 1998), g.chance(40)), g.mobile()}
		st := orgtree.Staff{UnitID: comm.ID, Role: s.role, Name: p.name, Phone: p.phone, StartedOn: "2015-01-01"}
		if err := g.org.AddStaff(ctx, l.Tx(), &st); err != nil {
			return err
		}
		g.sum.Staff++
		if s.role == "community_staff" {
			workers = append(workers, p)
		}
	}
	if len(workers) == 0 {
		workers = append(workers, person{"网格员", g.mobile()})
	}
	for i, grid := range grids {
		w := workers[i%len(workers)]
		st := orgtree.Staff{UnitID: grid.ID, Role: orgtree.RoleGridWorker, Name: w.name, Phone: w.phone, StartedOn: "2015-01-01"}
		if err := g.org.AddStaff(ctx, l.Tx(), &st); err != nil {
			return err
		}
		g.sum.GridWorkers++
	}
	for i := 0; i < c.centerHeads; i++ {
		grid := grids[i*len(grids)/c.centerHeads]
		st := orgtree.Staff{UnitID: grid.ID, Role: orgtree.RoleCenterHead, Name: pickSurname(g.rng) + givenName(g.rng, g.between(1950, 1975), g.chance(60)),
			Phone: g.mobile(), StartedOn: "2015-01-01"}
		if err := g.org.AddStaff(ctx, l.Tx(), &st); err != nil {
			return err
		}
		g.sum.CenterHeads++
	}
	if groups[0].Level == orgtree.LevelGroup {
		for _, gr := range groups {
			st := orgtree.Staff{UnitID: gr.ID, Role: orgtree.RoleGroupLeader, Name: pickSurname(g.rng) + givenName(g.rng, g.between(1955, 1975), g.chance(60)),
				Phone: g.mobile(), StartedOn: "2015-01-01"}
			if err := g.org.AddStaff(ctx, l.Tx(), &st); err != nil {
				return err
			}
		}
	}
	return nil
}
