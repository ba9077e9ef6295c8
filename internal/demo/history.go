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

// writeHistory records the leavings of one community's last two years in
// its own Loader transaction, after the community's rows are committed.
// The draws come from a source of their own, seeded with the seed and the
// community's code, so the same seed gives the same leavings.
func writeHistory(ctx context.Context, db *database.DB, p *plan, seed uint64, today int) (leavingCounts, error) {
	var n leavingCounts
	h := fnv.New64a()
	h.Write([]byte(p.spec.code))
	rng := rand.New(rand.NewPCG(seed, h.Sum64()))
	chance := func(percent float64) bool { return rng.Float64()*100 < percent }
	l, err := register.NewLoader(ctx, db, register.Actor{Name: "演示数据", Source: "demo"})
	if err != nil {
		return n, err
	}
	if err := l.ForUpdates(ctx); err != nil {
		l.Rollback()
		return n, err
	}
	fail := func(err error) (leavingCounts, error) {
		l.Rollback()
		return n, err
	}
	for _, hp := range p.households {
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
				if err := leave(ctx, l, rng, hp, i, "moved_out", d, to, &n); err != nil {
					return fail(err)
				}
			}
			if err := closeHousehold(ctx, l, rng, hp, d, &n); err != nil {
				return fail(err)
			}
			continue
		}
		left := 0
		for i := range hp.members {
			m := &hp.members[i].row
			age := ageOn(dayOfString(m.BirthDate), today)
			switch {
			case age >= 85 && chance(14), age >= 70 && chance(4):
				if err := leave(ctx, l, rng, hp, i, "deceased", day(), "", &n); err != nil {
					return fail(err)
				}
				left++
			case i > 0 && age >= 18 && age <= 35 && chance(3):
				if err := leave(ctx, l, rng, hp, i, "moved_out", day(), destinations[rng.IntN(len(destinations))], &n); err != nil {
					return fail(err)
				}
				left++
			}
		}
		if left == len(hp.members) {
			last := 0
			for _, m := range hp.members {
				last = max(last, dayOfString(m.row.LeftOn))
			}
			if err := closeHousehold(ctx, l, rng, hp, last, &n); err != nil {
				return fail(err)
			}
		}
	}
	return n, l.Commit(ctx)
}

// leave records member i's move out or death on day d, and ends the tags
// they still held.
func leave(ctx context.Context, l *register.Loader, rng *rand.Rand, hp *householdPlan, i int, status string, d int, to string,
	n *leavingCounts) error {
	at := clockTime(rng, d)
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
func closeHousehold(ctx context.Context, l *register.Loader, rng *rand.Rand, hp *householdPlan, d int, n *leavingCounts) error {
	at := clockTime(rng, d).Add(time.Minute) // after its last member's leaving
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
