package demo

import (
	"context"
	"hash/fnv"
	"math/rand/v2"
	"time"

	"shequ/internal/database"
	"shequ/internal/register"
)

// The register's last two years are not only arrivals: families move away
// (floating households most often, at the end of their rental), old people
// die, young adults leave for work or marriage. Each leaving is written as
// the grid worker would have recorded it on its day: the person's status
// with the day and destination, the tags they held ended, the rental of a
// household that left ended and the household dissolved when nobody is left
// — so that reports' 期内减少, 本期死亡 and 本期迁出 items count something in
// every month of the past 24.

// lifeWindow is how far back the leavings reach, in days.
const lifeWindow = 730

var destinations = []string{"西安市雁塔区", "延安市宝塔区", "榆林市榆阳区", "咸阳市秦都区", "北京市朝阳区",
	"深圳市宝安区", "太原市小店区", "临汾市尧都区", "银川市金凤区", "鄂尔多斯市东胜区"}

// leavingCounts are what the history wrote.
type leavingCounts struct {
	movedOut, deceased, dissolved, rentalsEnded, tagsEnded int
}

// leaving is one member's leaving as drawn: who, how, on which day, where to.
type leaving struct {
	member int
	status string // moved_out or deceased
	day    int
	to     string
}

// householdLeavings are the leavings drawn for one household, and the day
// it was dissolved (0 while someone is left).
type householdLeavings struct {
	household int
	members   []leaving
	dissolved int
}

// drawLeavings decides the leavings of one community's last two years from
// its plan alone: the draws come from a source of their own, seeded with
// the seed and the community's code, so that the same seed gives the same
// leavings to the register (writeHistory) and to the departments' lists
// drawn from the plan (workbooks.go), which leave out who has gone.
func drawLeavings(p *plan, seed uint64, today int) []householdLeavings {
	h := fnv.New64a()
	h.Write([]byte(p.spec.code))
	rng := rand.New(rand.NewPCG(seed, h.Sum64()))
	chance := func(percent float64) bool { return rng.Float64()*100 < percent }
	var out []householdLeavings
	for hi, hp := range p.households {
		// Leavings come after everything recorded of the household.
		last := dayOf(hp.at)
		for _, m := range hp.members {
			last = max(last, dayOf(m.at))
		}
		for _, t := range hp.tags {
			last = max(last, dayOf(t.at))
		}
		if hp.rental != nil {
			last = max(last, dayOf(hp.rental.at))
		}
		lo := max(last+1, today-lifeWindow)
		if lo >= today {
			continue
		}
		day := func() int { return lo + rng.IntN(today-lo) }
		hl := householdLeavings{household: hi}
		floating := hp.h.Kind == register.HouseholdFloating
		share := 3.0 // of households moving away in two years
		if floating {
			share = 10
		}
		if chance(share) {
			d := day()
			to := destinations[rng.IntN(len(destinations))]
			if floating && hp.members[0].row.HukouAddress != "" && chance(60) {
				to = hp.members[0].row.HukouAddress // back home
			}
			for i := range hp.members {
				hl.members = append(hl.members, leaving{member: i, status: "moved_out", day: d, to: to})
			}
			hl.dissolved = d
			out = append(out, hl)
			continue
		}
		for i := range hp.members {
			age := ageOn(dayOfString(hp.members[i].row.BirthDate), today)
			switch {
			case age >= 85 && chance(14), age >= 70 && chance(4):
				hl.members = append(hl.members, leaving{member: i, status: "deceased", day: day()})
			case i > 0 && age >= 18 && age <= 35 && chance(3):
				hl.members = append(hl.members, leaving{member: i, status: "moved_out", day: day(),
					to: destinations[rng.IntN(len(destinations))]})
			}
		}
		if len(hl.members) == 0 {
			continue
		}
		if len(hl.members) == len(hp.members) {
			for _, l := range hl.members {
				hl.dissolved = max(hl.dissolved, l.day)
			}
		}
		out = append(out, hl)
	}
	return out
}

// writeHistory records the leavings of one community's last two years in
// its own Loader transaction, after the community's rows are committed,
// each on its day.
func writeHistory(ctx context.Context, db *database.DB, p *plan, seed uint64, today int) (leavingCounts, error) {
	var n leavingCounts
	drawn := drawLeavings(p, seed, today)
	// Clock times of their own, so that the leavings drawn above do not
	// depend on them.
	rng := rand.New(rand.NewPCG(seed, uint64(today)))
	l, err := register.NewLoader(ctx, db, register.Actor{Name: "演示数据", Source: "demo"})
	if err != nil {
		return n, err
	}
	if err := l.ForUpdates(ctx); err != nil {
		l.Rollback()
		return n, err
	}
	for _, hl := range drawn {
		hp := p.households[hl.household]
		var latest time.Time
		for _, lv := range hl.members {
			at := clockTime(rng, lv.day)
			if err := leave(ctx, l, at, hp, lv.member, lv.status, lv.day, lv.to, &n); err != nil {
				l.Rollback()
				return n, err
			}
			if at.After(latest) {
				latest = at
			}
		}
		if hl.dissolved != 0 {
			// After its last member's leaving.
			if err := closeHousehold(ctx, l, latest.Add(time.Minute), hp, hl.dissolved, &n); err != nil {
				l.Rollback()
				return n, err
			}
		}
	}
	return n, l.Commit(ctx)
}

// leave records member i's move out or death on day d, and ends the tags
// they still held.
func leave(ctx context.Context, l *register.Loader, at time.Time, hp *householdPlan, i int, status string, d int, to string,
	n *leavingCounts) error {
	old := hp.members[i].row
	p := old
	p.Status, p.LeftOn, p.LeftTo = status, dateString(d), to
	if _, err := l.UpdatePerson(ctx, at, &old, &p); err != nil {
		return err
	}
	hp.members[i].row = p
	if status == "deceased" {
		n.deceased++
	} else {
		n.movedOut++
	}
	for k := range hp.tags {
		t := &hp.tags[k].row
		if t.PersonID != p.ID || (t.EndedOn != "" && t.EndedOn <= p.LeftOn) || t.StartedOn > p.LeftOn {
			continue
		}
		ended := *t
		ended.EndedOn = p.LeftOn
		if _, err := l.UpdateTag(ctx, at, t, &ended); err != nil {
			return err
		}
		*t = ended
		n.tagsEnded++
	}
	return nil
}

// closeHousehold dissolves a household nobody is left in on day d, and ends
// its rental.
func closeHousehold(ctx context.Context, l *register.Loader, at time.Time, hp *householdPlan, d int, n *leavingCounts) error {
	if hp.rental != nil && hp.rental.row.EndedOn == "" {
		if err := l.EndRental(ctx, at, &hp.rental.row, dateString(d)); err != nil {
			return err
		}
		hp.rental.row.EndedOn = dateString(d)
		hp.rental.row.Version++
		n.rentalsEnded++
	}
	if err := l.UpdateHouseholdStatus(ctx, at, &hp.h, "dissolved"); err != nil {
		return err
	}
	hp.h.Status = "dissolved"
	hp.h.Version++
	n.dissolved++
	return nil
}
