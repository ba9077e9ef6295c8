package visits

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/register"
)

// The demo's two years of 百家熟: each household visited as the rules ask,
// by its grid's worker, with the gaps real work has — one grid running
// weeks behind, a worker on two months' leave, households nobody reached,
// doors nobody opened — and, in the last month, visits that found a new
// phone number, a member moved away or a pregnancy, written to the
// register with the visit as their source.

// demoBy marks the demo's visits, so that a second load adds none.
const demoBy = "demo"

type demoVisit struct {
	id        int64
	household *householdFacts
	on        day
	outcome   string
	staff     *Worker
}

// DemoSummary counts what LoadDemo wrote: the visits, and the register
// changes its corrections made (for the demo's own summary).
type DemoSummary struct {
	Visits, Corrections, MovedOut, Pregnancies int
}

// LoadDemo writes two years of visits before now in the communities and
// recomputes their schedules; the corrections are register changes made
// at now. The same seed gives the same visits; a second call adds none.
func LoadDemo(ctx context.Context, db *database.DB, reg *register.Store, communities []int64, seed uint64, now time.Time) (DemoSummary, error) {
	var sum DemoSummary
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM visits WHERE client_uuid LIKE 'demo-%'`).Scan(&n); err != nil {
		return sum, err
	}
	if n > 0 {
		return sum, nil
	}
	clock := func() time.Time { return now }
	s := NewService(db, reg.WithClock(clock), nil, clock)
	rules, err := s.Rules(ctx, nil)
	if err != nil {
		return sum, err
	}
	today := s.today()
	rng := rand.New(rand.NewPCG(seed^0xB41, seed))
	for _, c := range communities {
		ws, err := s.Workers(ctx, []int64{c})
		if err != nil {
			return sum, err
		}
		if len(ws) == 0 {
			continue
		}
		byGrid := map[int64]*Worker{}
		for i := range ws {
			for _, g := range ws[i].Grids {
				byGrid[g] = &ws[i]
			}
		}
		f, err := s.readFacts(ctx, db, rules, factsOf{community: c, noStored: true}, today)
		if err != nil {
			return sum, err
		}
		// The grid that runs behind and the worker on leave.
		behind := ws[rng.IntN(len(ws))].Grids[0]
		onLeave := ws[rng.IntN(len(ws))].StaffID
		leaveFrom, leaveTo := today-120, today-60
		var visits []demoVisit
		var done []demoDone
		var progressed []demoProgress
		ids := append([]int64(nil), f.order...)
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		for _, hid := range ids {
			h := f.households[hid]
			w := byGrid[h.grid]
			if w == nil || rng.IntN(100) < 6 { // 6% nobody ever reached
				continue
			}
			lag := 0
			if h.grid == behind {
				lag = 20 + rng.IntN(25)
			}
			start := max(h.since, today-730)
			pr := newProgress()
			doneKeys := map[dueKey]bool{}
			d := start
			for {
				owed := derive(rules, h, pr, d, nil)
				next := day(-1)
				for _, o := range owed {
					if !doneKeys[o.key()] && (next < 0 || o.due < next) {
						next = o.due
					}
				}
				if next < 0 {
					break
				}
				on := next - day(rng.IntN(5)) + day(lag) + day(rng.IntN(6))
				if on <= d {
					on = d + 1
				}
				if w.StaffID == onLeave && on >= leaveFrom && on < leaveTo {
					on = leaveTo + day(rng.IntN(20))
				}
				if on >= today {
					break
				}
				v := demoVisit{id: database.NewID(), household: h, on: on, outcome: OutcomeMet, staff: w}
				if rng.IntN(100) < 5 {
					v.outcome = OutcomeAbsent
					visits = append(visits, v)
					d = on + 2
					continue
				}
				visits = append(visits, v)
				for _, o := range derive(rules, h, pr, on, nil) {
					if !doneKeys[o.key()] && o.earliest <= on {
						doneKeys[o.key()] = true
						done = append(done, demoDone{o, v.id, on})
						if o.anchor[0] == 'd' {
							pr.lastDone[o.rule] = on
						} else {
							pr.seriesDone[seriesKey{o.rule, o.anchor}] = max(pr.seriesDone[seriesKey{o.rule, o.anchor}], o.seq)
						}
					}
				}
				d = on
			}
			if last := lastMet(visits, h.id); last != noDay {
				progressed = append(progressed, demoProgress{h.id, progressRow{rule: 0, doneOn: last}})
			}
			for rule, on := range pr.lastDone {
				progressed = append(progressed, demoProgress{h.id, progressRow{rule: rule, doneOn: on}})
			}
			for k, seq := range pr.seriesDone {
				progressed = append(progressed, demoProgress{h.id, progressRow{rule: k.rule, anchor: k.anchor, seq: seq,
					doneOn: h.since}})
			}
		}
		if err := writeDemo(ctx, db, c, visits, done, progressed, now); err != nil {
			return sum, err
		}
		sum.Visits += len(visits)
	}
	if _, err := s.Recompute(ctx); err != nil {
		return sum, err
	}
	err = demoCorrections(ctx, s, communities, rng, today, &sum)
	return sum, err
}

// demoDone is a row a demo visit satisfied.
type demoDone struct {
	row   dueRow
	visit int64
	on    day
}

// demoProgress is a household's progress with a rule after its visits.
type demoProgress struct {
	household int64
	progressRow
}

func writeDemo(ctx context.Context, db *database.DB, community int64, visits []demoVisit, done []demoDone,
	progressed []demoProgress, now time.Time) error {
	names := dayNames{}
	return db.InTx(ctx, func(tx *sql.Tx) error {
		for len(visits) > 0 {
			chunk := visits[:min(len(visits), 400)]
			visits = visits[len(chunk):]
			a := db.InOrder()
			var b strings.Builder
			b.WriteString(`INSERT INTO visits (community_id, id, household_id, grid_id, client_uuid, visited_on, outcome, met,
				author, staff_id, recorded_at, device_time) VALUES `)
			for i, v := range chunk {
				if i > 0 {
					b.WriteString(", ")
				}
				at := v.on.time().Add(time.Duration(1+v.id%9) * time.Hour)
				met := "户主"
				if v.outcome != OutcomeMet {
					met = ""
				}
				b.WriteString(a.Row(community, v.id, v.household.id, nullID(v.household.grid), "demo-"+strconv.FormatInt(v.id, 10),
					names.of(v.on), v.outcome, met, v.staff.Name, v.staff.StaffID, database.FormatTime(at), database.FormatTime(at)))
			}
			if _, err := tx.ExecContext(ctx, b.String(), a.Values()...); err != nil {
				return err
			}
		}
		stamp := database.FormatTime(now)
		for len(done) > 0 {
			chunk := done[:min(len(done), 400)]
			done = done[len(chunk):]
			a := db.InOrder()
			var b strings.Builder
			b.WriteString(`INSERT INTO visit_schedules (community_id, household_id, rule_id, anchor, seq, anchor_on, earliest_on,
				due_on, overdue_on, status, visit_id, done_on, updated_at) VALUES `)
			for i, d := range chunk {
				if i > 0 {
					b.WriteString(", ")
				}
				r := d.row
				b.WriteString(a.Row(r.community, r.household, r.rule, r.anchor, r.seq, names.of(r.anchorOn), names.of(r.earliest),
					names.of(r.due), names.of(r.overdue), statusDone, d.visit, names.of(d.on), stamp))
			}
			if _, err := tx.ExecContext(ctx, b.String()+` ON CONFLICT (community_id, household_id, rule_id, anchor, seq) DO NOTHING`,
				a.Values()...); err != nil {
				return err
			}
		}
		for len(progressed) > 0 {
			chunk := progressed[:min(len(progressed), 400)]
			progressed = progressed[len(chunk):]
			a := db.InOrder()
			var b strings.Builder
			b.WriteString(`INSERT INTO visit_progress (community_id, household_id, rule_id, anchor, done_on, done_seq) VALUES `)
			for i, p := range chunk {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(a.Row(community, p.household, p.rule, p.anchor, names.of(p.doneOn), p.seq))
			}
			if _, err := tx.ExecContext(ctx, b.String()+` ON CONFLICT (community_id, household_id, rule_id, anchor) DO NOTHING`,
				a.Values()...); err != nil {
				return err
			}
		}
		return nil
	})
}

// demoCorrections records, through the visit form's own path, a dozen
// visits of the last month that corrected the register: new phone
// numbers, a member moved away, a pregnancy found.
func demoCorrections(ctx context.Context, s *Service, communities []int64, rng *rand.Rand, today day, sum *DemoSummary) error {
	for _, c := range communities {
		ws, err := s.Workers(ctx, []int64{c})
		if err != nil || len(ws) == 0 {
			return err
		}
		rows, err := s.db.QueryContext(ctx, `SELECT id FROM households WHERE community_id = $1 AND status = 'active'
			ORDER BY id LIMIT 400`, c)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		made := 0
		for i := 0; i < len(ids) && made < 12; i += 1 + rng.IntN(30) {
			h, err := s.reg.Household(ctx, access.Everything, ids[i])
			if err != nil {
				return err
			}
			members, err := s.reg.Members(ctx, access.Everything, h)
			if err != nil {
				return err
			}
			// Phones and moves are corrected for members outside the
			// 计生 roster of women aged 15–49 the demo's department
			// workbooks carry, so that those lists still reconcile as
			// their generator meant.
			var active, young []register.Person
			for _, p := range members {
				switch {
				case p.Status != "active":
				case p.Gender == "F" && p.BirthDate > (today-day(50*365)).String():
					young = append(young, p)
				default:
					active = append(active, p)
				}
			}
			if len(active) == 0 {
				continue
			}
			w := ws[made%len(ws)]
			for _, x := range ws {
				for _, g := range x.Grids {
					if g == h.GridID {
						w = x
					}
				}
			}
			rec := Record{HouseholdID: h.ID, ClientUUID: fmt.Sprintf("demo-fix-%d-%d", c, made), Outcome: OutcomeMet,
				VisitedOn: (today - day(1+rng.IntN(28))).String(), Met: active[0].Name, Present: []int64{active[0].ID},
				StaffID: w.StaffID, HouseholdVersion: h.Version}
			switch {
			case made%4 == 3 && len(active) > 1 && untagged(ctx, s, active[len(active)-1].ID):
				p := active[len(active)-1]
				rec.Leavings = []register.Leaving{{PersonID: p.ID, Version: p.Version, Status: "moved_out",
					On: rec.VisitedOn, To: "西安市雁塔区"}}
				rec.Findings = p.Name + "已到西安务工,户口未迁"
			case made%5 == 4 && len(young) > 0 && young[0].BirthDate > (today-day(40*365)).String():
				rec.Pregnancies = []Pregnancy{{PersonID: young[0].ID, StartedOn: rec.VisitedOn}}
				rec.Findings = "发现孕情,已告知建档"
			default:
				p := active[0]
				rec.PersonPhones = []PersonPhone{{PersonID: p.ID, Version: p.Version,
					Phone: fmt.Sprintf("13%d%08d", 5+rng.IntN(5), rng.IntN(1e8))}}
				rec.Notes = "电话已换号,入户核对后更正"
			}
			if _, _, err := s.RecordVisit(ctx, Visitor{Name: w.Name, Scope: access.Everything}, rec); err != nil {
				continue // a record the register refuses (a head cannot leave): the demo takes the next household
			}
			made++
			sum.Visits++
			sum.Corrections++
			sum.MovedOut += len(rec.Leavings)
			sum.Pregnancies += len(rec.Pregnancies)
		}
	}
	return nil
}

// lastMet is the day of the household's last visit where someone was met,
// from the end of the visits (a household's visits are appended together).
func lastMet(visits []demoVisit, household int64) day {
	for i := len(visits) - 1; i >= 0 && visits[i].household.id == household; i-- {
		if visits[i].outcome == OutcomeMet {
			return visits[i].on
		}
	}
	return noDay
}

// untagged reports whether a person has never carried a tag: the demo moves
// away only such members, whose leaving ends nothing the demo's history
// dated later.
func untagged(ctx context.Context, s *Service, person int64) bool {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM person_tags WHERE person_id = $1`, person).Scan(&n)
	return err == nil && n == 0
}
