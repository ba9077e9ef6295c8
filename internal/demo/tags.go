package demo

import (
	"shequ/internal/database"
	"shequ/internal/register"
)

// tags gives the household's members the service and special-group tags
// (codes of tag_kinds) that fit their age, sex and household, in about the
// shares community ledgers show: 低保 for 2–3 % of registered households'
// members, 残疾 about 6 %, 高龄 from 80, 独居老人 for old people living
// alone, 育龄妇女 for women of 15–49 (with ended tags for those who turned
// 50 in the last five years), 孕情, 退役军人 about 1.5 % of men over 25, 失业 about 2 %
// of working age, and the special groups each well under 0.5 %.
func (g *generator) tags(hp *householdPlan, ms []member, births []int, moved int, spec hhSpec, wholeResident bool) {
	floating := spec.kind == register.HouseholdFloating
	registered := spec.kind == register.HouseholdRegistered && !wholeResident
	add := func(i int, tag string, start, end int) {
		if start > g.today {
			return
		}
		pm := &hp.members[i]
		day := min(max(start, dayOf(pm.at)), g.today)
		t := register.Tag{CommunityID: pm.row.CommunityID, ID: database.NewID(), PersonID: pm.row.ID, Tag: tag,
			StartedOn: dateString(start)}
		if end > 0 && end >= start && end < g.today {
			t.EndedOn = dateString(end)
		}
		hp.tags = append(hp.tags, dated[register.Tag]{t, clockTime(g.rng, day)})
	}
	since := func(from int) int { // a day between from (or 2015) and today
		from = max(from, g.start-3*365)
		if from >= g.today {
			return g.today
		}
		return from + g.rng.IntN(g.today-from+1)
	}
	ended := func(start int, minDays, maxDays int) int {
		end := start + g.between(minDays, maxDays)
		if end >= g.today {
			return 0
		}
		return end
	}

	// 低保 is granted to a household: every member holds it.
	dibao := false
	if registered {
		p := 3.0
		if ms[0].age >= 60 {
			p *= 1.6
		}
		if len(ms) >= 5 {
			p *= 0.6
		}
		if g.chance(p) {
			dibao = true
			start := since(moved)
			end := 0
			if g.chance(25) {
				end = ended(start, 180, 2000)
			}
			for i := range ms {
				add(i, "dibao", start, end)
			}
		}
	}
	for i := range ms {
		m := &ms[i]
		birth := births[i]
		age := m.age
		female := !m.male
		if age >= 80 {
			add(i, "very_old", addYears(birth, 80), 0)
		}
		if len(ms) == 1 && age >= 60 && !floating {
			add(i, "living_alone", max(addYears(birth, 60), moved), 0)
			if !dibao && registered && g.chance(5) {
				add(i, "tekun", since(max(moved, addYears(birth, 60))), 0)
			}
		}
		if female && age >= 15 && age <= 49 {
			add(i, "childbearing", addYears(birth, 15), 0)
			p := 3.0
			if age >= 25 && age <= 34 {
				p = 6
			}
			infant := false
			for k := range ms {
				if ms[k].parents[1] == i && ms[k].age == 0 {
					infant = true
				}
			}
			if age >= 20 && age <= 42 && !infant && g.chance(p) {
				add(i, "pregnant", g.today-g.between(20, 250), 0)
			}
		}
		if female && age >= 50 && addYears(birth, 50) > addYears(g.today, -5) {
			add(i, "childbearing", addYears(birth, 15), addYears(birth, 50)-1)
		}
		// A baby's mother was pregnant until the birth.
		if age == 0 {
			if mo := m.parents[1]; mo >= 0 && ms[mo].age >= 18 && ms[mo].age <= 45 {
				add(mo, "pregnant", birth-g.between(250, 280), birth)
			}
		}
		disabled := [5]float64{1, 3, 6, 12, 20}[min(age/15, 4)]
		if age >= 45 && age < 60 {
			disabled = 6
		}
		if floating {
			disabled /= 2
		}
		if g.chance(disabled) {
			var start int
			if g.chance(30) {
				start = birth + g.rng.IntN(3*365) // since childhood
			} else {
				start = since(max(birth+18*365, daysFromCivil(1995, 1, 1)))
			}
			add(i, "disabled", min(start, g.today), 0)
			if registered && !dibao && age >= 18 && len(ms) == 1 && g.chance(8) {
				add(i, "tekun", since(moved), 0)
			}
		}
		if m.male && age > 25 {
			p := 1.3
			if age >= 40 {
				p = 1.8
			}
			if g.chance(p) {
				start := min(addYears(birth, 20+g.rng.IntN(8)), g.today)
				add(i, "veteran", start, 0)
				if g.chance(15) {
					add(i, "preferential", since(start), 0)
				}
			}
		}
		retire := 60
		if female {
			retire = 55
		}
		if age >= 18 && age < retire {
			if g.chance(2) {
				add(i, "unemployed", g.today-g.between(30, 900), 0)
			} else if g.chance(1.5) {
				start := since(moved)
				add(i, "unemployed", start, ended(start, 60, 400))
			}
		}
		if age >= 12 && age <= 25 && g.chance(0.3) {
			add(i, "key_youth", since(addYears(birth, 12)), 0)
		}
		if age >= 18 && age < 70 {
			maleBias := 0.4
			if m.male {
				maleBias = 1.6
			}
			if g.chance(0.12 * maleBias) {
				start := since(max(moved, addYears(birth, 18)))
				end := 0
				if g.chance(50) {
					end = ended(start, 180, 1100)
				}
				add(i, "correction", start, end)
			}
			if age < 60 && g.chance(0.08*maleBias) {
				add(i, "drug", since(addYears(birth, 18)), 0)
			}
			if age >= 22 && g.chance(0.15*maleBias) {
				add(i, "released", since(addYears(birth, 20)), 0)
			}
		}
		if age >= 15 && g.chance(0.3) {
			add(i, "mental", since(addYears(birth, 15)), 0)
		}
	}
}
