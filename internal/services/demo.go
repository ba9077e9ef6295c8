package services

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/register"
	"shequ/internal/workdays"
)

// DemoOptions size the demo data of the service hall.
type DemoOptions struct {
	Seed  uint64
	Today time.Time
	// Communities limits the demo to the first n communities (0: all).
	Communities int
	// PerCommunity is the number of applications per community; 0 gives
	// one per 25 households, at most 300.
	PerCommunity int
}

// DemoSummary counts what LoadDemo made.
type DemoSummary struct {
	Stations, Applications, Certificates int
	Ended                                int            // benefits ended or approvals revoked
	Granted                              map[string]int // register tags the approvals gave, by kind
	ByStatus                             map[string]int
}

// LoadDemo fills the service hall of a demo register: a service station
// per community, applications spread over the last three months that went
// through the real transitions (so their histories, deadlines, SMS texts
// and public progress are what the code makes), ratings, and certificates.
// It runs after the register's demo load.
func LoadDemo(ctx context.Context, db *database.DB, o DemoOptions) (DemoSummary, error) {
	sum := DemoSummary{ByStatus: map[string]int{}, Granted: map[string]int{}}
	if o.Today.IsZero() {
		o.Today = time.Now()
	}
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x5e7f1ce5))
	clock := o.Today
	cal, err := workdays.Load(ctx, db)
	if err != nil {
		return sum, err
	}
	// Quiet: the demo's past months send no SMS to made-up numbers.
	svc := New(db, register.NewStore(db), Options{Calendar: cal, Quiet: true, Now: func() time.Time { return clock }})
	items, err := svc.Items(ctx, false)
	if err != nil {
		return sum, err
	}
	type community struct {
		id         int64
		name       string
		households int
	}
	var comms []community
	rows, err := db.QueryContext(ctx, `SELECT u.id, u.name, (SELECT COUNT(*) FROM households h WHERE h.community_id = u.id)
		FROM org_units u WHERE u.level = 'community' AND NOT EXISTS
		(SELECT 1 FROM service_station_communities c WHERE c.community_id = u.id) ORDER BY u.id`)
	if err != nil {
		return sum, err
	}
	for rows.Next() {
		var c community
		if err := rows.Scan(&c.id, &c.name, &c.households); err != nil {
			rows.Close()
			return sum, err
		}
		comms = append(comms, c)
	}
	rows.Close()
	if o.Communities > 0 && len(comms) > o.Communities {
		comms = comms[:o.Communities]
	}
	staff := func(name string) *access.Viewer { v := *access.System; v.Name = name; return &v }
	clerk, worker := staff("窗口 王丽"), staff("社区 陈敏")
	street, district := staff("街道平台 马建军"), staff("区平台 刘洋")
	handler := map[string]*access.Viewer{LevelCommunity: worker, LevelStreet: street, LevelDistrict: district}
	dcal := svc.cal
	day := func(t time.Time) string { return t.In(cst).Format(database.DateLayout) }
	// at is a moment of day d for the next step of the case: never before
	// the step it follows, so a history reads in order and a step's time
	// can be judged against a deadline instant.
	at := func(d string) time.Time {
		t, _ := time.ParseInLocation(database.DateLayout, d, cst)
		t = t.Add(time.Duration(9*60+rng.IntN(8*60)) * time.Minute)
		if !t.After(clock) && day(clock) == d {
			t = clock.Add(7 * time.Minute)
		}
		return t
	}
	today := day(o.Today)
	for ci, c := range comms {
		st := &Station{Name: c.name + "便民服务站", UnitID: c.id, Address: c.name + "党群服务中心一楼",
			Phone: fmt.Sprintf("0911-62%05d", 10000+ci), Hours: "周一至周五 8:30–12:00,14:30–18:00", Communities: []int64{c.id}}
		if err := svc.CreateStation(ctx, nil, st); err != nil {
			return sum, err
		}
		sum.Stations++
		n := o.PerCommunity
		if n == 0 {
			n = min(300, c.households/25)
		}
		var people []int64
		prow, err := db.QueryContext(ctx, `SELECT id FROM persons WHERE community_id = $1 AND status = 'active'
			AND phone <> '' AND birth_date < $2 ORDER BY id`, c.id, o.Today.AddDate(-18, 0, 0).Format(database.DateLayout))
		if err != nil {
			return sum, err
		}
		for prow.Next() {
			var id int64
			prow.Scan(&id)
			people = append(people, id)
		}
		prow.Close()
		if len(people) == 0 {
			continue
		}
		for i := 0; i < n; i++ {
			it := items[rng.IntN(len(items))]
			if rng.IntN(3) == 0 { // 居住证明 is the most asked-for
				for _, x := range items {
					if x.Code == "juzhu" {
						it = x
					}
				}
			}
			// Most cases are recent: an exponential spread over the last three months.
			start := day(o.Today.AddDate(0, 0, -min(int(rng.ExpFloat64()*18), 90)-1))
			clock = at(start)
			var received []string
			for _, m := range it.Materials {
				if m.Register == "" && (rng.Float64() < 0.93 || m.Optional) {
					received = append(received, m.Code)
				}
			}
			a, err := svc.Intake(ctx, clerk, IntakeRequest{PersonID: people[rng.IntN(len(people))], Item: it.Code,
				Received: received, Proxy: len(it.Chain) > 1 && rng.IntN(3) > 0, StationID: st.ID})
			if err != nil {
				return sum, fmt.Errorf("演示办件: %w", err)
			}
			sum.Applications++
			d := start
			step := func(max int) bool { // advance the clock; false once past today
				d = dcal.AddWorkdays(d, rng.IntN(max+1))
				if d > today {
					return false
				}
				clock = at(d)
				if d == today && clock.After(o.Today) {
					clock = o.Today
				}
				return true
			}
			if a.Status == StatusIncomplete {
				if !step(4) {
					sum.ByStatus[a.Status]++
					continue
				}
				var codes []string
				for _, m := range a.Missing() {
					codes = append(codes, m.Code)
				}
				if a, err = svc.Supply(ctx, clerk, a.ID, a.Version, codes); err != nil {
					return sum, err
				}
			}
			for !a.Finished() {
				stage := a.CurrentStage()
				slow := stage.Days + 1
				if rng.IntN(6) == 0 { // a slow desk: past the stage deadline
					slow = stage.Days + 6
				}
				if !step(slow) {
					break
				}
				h := handler[stage.Level]
				switch r := rng.Float64(); {
				case r < 0.04:
					a, err = svc.Reject(ctx, h, a.ID, a.Version, "经核查不符合申请条件")
				case r < 0.10 && a.Status == StatusProcessing:
					a, err = svc.Return(ctx, h, a.ID, a.Version, "材料需补正", []string{a.Materials[len(a.Materials)-1].Code}, "")
					if err == nil && step(3) {
						var codes []string
						for _, m := range a.Missing() {
							codes = append(codes, m.Code)
						}
						a, err = svc.Supply(ctx, clerk, a.ID, a.Version, codes)
					}
				default:
					a, err = svc.Approve(ctx, h, a.ID, a.Version, "")
				}
				if err != nil {
					return sum, err
				}
				if a.Status == StatusReturned {
					break
				}
			}
			if a.Status == StatusApproved && it.Certificate != "" {
				if _, err := svc.Issue(ctx, worker, IssueRequest{Template: it.Certificate, PersonID: a.PersonID,
					Purpose: []string{"子女入学", "办理就业手续", "申领补贴", "办理户籍业务"}[rng.IntN(4)], ApplicationID: a.ID}); err != nil {
					return sum, err
				}
				sum.Certificates++
			}
			if a.TagID != 0 {
				sum.Granted[a.GrantsTag]++
			}
			// Some benefits end within the months shown (a 低保 family's income
			// rose, a subsidy stopped), and now and then an approval is
			// revoked: the tags the cases gave end with them.
			if a.TagID != 0 && rng.IntN(3) == 0 && step(15) {
				last := a.Chain[len(a.Chain)-1].Level
				revoke := rng.IntN(4) == 0
				reason := []string{"家庭收入超过标准,经复核终止", "本人申请停止享受", "迁出本辖区"}[rng.IntN(3)]
				if revoke {
					reason = "经核查申请材料不实,撤销批准"
				}
				if a, err = svc.EndGrant(ctx, handler[last], last, a.ID, a.Version, revoke, "", reason); err != nil {
					return sum, fmt.Errorf("演示办件终止待遇: %w", err)
				}
				sum.Ended++
			}
			if a.Finished() && rng.Float64() < 0.7 {
				score := []int{5, 5, 5, 4, 4, 3}[rng.IntN(6)]
				if err := svc.Rate(ctx, a.TrackingNo, a.PhoneLast4, score, ""); err != nil {
					return sum, err
				}
			}
			sum.ByStatus[a.Status]++
		}
	}
	clock = o.Today
	return sum, nil
}
