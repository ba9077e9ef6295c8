package proposals

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/events"
	"shequ/internal/register"
	"shequ/internal/residents"
	"shequ/internal/workdays"
)

// DemoSummary counts what LoadDemo made.
type DemoSummary struct {
	Matters, Votes, Arguments int
	FollowUps, Closed         int // follow-up events filed, and closed by now
}

type demoMatter struct {
	title, body, scope, unit string
	category                 string // of the follow-up event
	buildings                int    // how many buildings, for households and owners
	resident                 bool
}

var demoMatters = []demoMatter{
	{"3号楼加装电梯", "3号楼为1990年代建成的六层住宅,老年住户多。拟申请老旧小区改造资金加装电梯,不足部分按楼层分摊。", ScopeHouseholds, PerHousehold, "demand.other", 1, true},
	{"小区停车收费标准调整", "小区内车位紧张,拟对外来车辆按小时收费,业主车辆月租费维持不变,收入用于道路维修。", ScopeOwners, PerHousehold, "demand.other", 0, false},
	{"增设智能快递柜", "快递长期堆放在单元门口,建议在小区东门旁增设一组智能快递柜。", ScopeAdults, PerPerson, "demand.other", 0, true},
	{"楼道杂物集中清理", "楼道堆放杂物存在消防隐患,拟于本月组织集中清理,逾期未搬离的由物业统一处置。", ScopeHouseholds, PerHousehold, "env.garbage", 2, false},
	{"社区广场舞时间调整", "晚间广场舞音响影响临近住户休息,建议活动时间调整为19:00至20:30。", ScopeAdults, PerPerson, "demand.other", 0, true},
	{"垃圾分类投放点改造", "将现有8处垃圾桶合并为3处定时定点投放点,配备洗手池和监督员。", ScopeAdults, PerPerson, "env.garbage", 0, false},
	{"老旧小区屋面防水维修", "5、6号楼顶层住户反映屋面渗漏,拟使用专项维修资金进行防水维修。", ScopeOwners, PerHousehold, "demand.other", 2, false},
	{"增设电动车集中充电桩", "楼道内给电动车充电屡禁不止,拟在小区北侧建设电动车集中充电棚。", ScopeAdults, PerPerson, "demand.other", 0, true},
	{"小区绿化补植方案", "对中心花园进行补植,保留现有大树,增加休憩座椅。", ScopeAdults, PerPerson, "demand.other", 0, false},
	{"单元门禁系统更换", "现有门禁系统老化故障频繁,拟更换为刷卡加人脸识别门禁,费用由维修资金列支。", ScopeHouseholds, PerHousehold, "demand.other", 1, true},
	{"设立社区老年食堂", "利用原活动室设立老年助餐点,为80岁以上老人提供优惠午餐。", ScopeAdults, PerPerson, "demand.other", 0, false},
	{"二次供水水箱清洗", "按规定每半年清洗一次二次供水水箱,清洗期间分楼栋停水。", ScopeHouseholds, PerHousehold, "env.garbage", 2, false},
	{"修订居民公约", "根据新情况修订居民公约,增加文明养犬、高空抛物等条款。", ScopeAdults, PerPerson, "demand.other", 0, false},
	{"儿童游乐设施更新", "小区儿童游乐设施已使用十余年,拟更换为安全标准的新设施。", ScopeAdults, PerPerson, "demand.other", 0, true},
}

var demoArguments = map[string][]string{
	For: {"家里老人上下楼太难了,早该办。", "费用分摊方案合理,支持。", "方便大家,赞成尽快实施。", "这是为子孙后代办好事。",
		"物业已承诺配合,建议尽快启动。"},
	Against: {"一楼住户用不上,不应分摊费用。", "施工期间影响出行,希望再论证。", "费用太高,建议先申请政府补贴。",
		"希望先公开预算明细再表决。"},
}

// LoadDemo gives a community a year of 议事协商: committee matters and
// residents' proposals, moderated, deliberated, voted on by the register's
// residents as each matter's scope allows, decided and followed up; at now
// one matter is being voted on, one deliberated, one awaits moderation.
// It does nothing when the community already has some.
func LoadDemo(ctx context.Context, db *database.DB, community int64, seed uint64, now time.Time) (DemoSummary, error) {
	var sum DemoSummary
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM proposals WHERE community_id = $1`, community).Scan(&n); err != nil || n > 0 {
		return sum, err
	}
	rng := rand.New(rand.NewPCG(seed^0x1803, seed))
	clock := now
	s := NewService(db, func() time.Time { return clock })
	ev := events.NewStore(db)
	ev.SetClock(func() time.Time { return clock })
	s.UseEvents(ev)
	// The adult residents as their sessions would show them.
	cutoff := now.In(workdays.Shanghai).AddDate(-18, 0, 0).Format("2006-01-02")
	rows, err := db.QueryContext(ctx, `SELECT p.id, p.name, COALESCE(p.household_id, 0), COALESCE(h.house_id, 0),
		COALESCE(ho.building_id, 0), COALESCE(ho.use, '') FROM persons p
		LEFT JOIN households h ON h.community_id = p.community_id AND h.id = p.household_id
		LEFT JOIN houses ho ON ho.community_id = h.community_id AND ho.id = h.house_id
		WHERE p.community_id = $1 AND p.status = 'active' AND LENGTH(p.birth_date) >= 10 AND SUBSTR(p.birth_date, 1, 10) <= $2
		ORDER BY p.id LIMIT 4000`, community, cutoff)
	if err != nil {
		return sum, err
	}
	var people []residents.Resident
	buildingSet := map[int64]bool{}
	var buildings []int64
	for rows.Next() {
		r := residents.Resident{CommunityID: community, Adult: true}
		var use string
		if err := rows.Scan(&r.PersonID, &r.Name, &r.HouseholdID, &r.HouseID, &r.BuildingID, &use); err != nil {
			rows.Close()
			return sum, err
		}
		r.Owner = use == register.HouseOwner
		people = append(people, r)
		if r.BuildingID != 0 && !buildingSet[r.BuildingID] {
			buildingSet[r.BuildingID] = true
			buildings = append(buildings, r.BuildingID)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(people) == 0 || len(buildings) == 0 {
		return sum, err
	}
	staff := "社区居委会"
	type followUp struct {
		id       int64
		category string
		decided  time.Time
	}
	var passed []followUp
	total := len(demoMatters)
	for i, dm := range demoMatters {
		// Spread over the year, the last few still under way at now.
		clock = now.AddDate(0, 0, -360+i*300/(total-3))
		if i >= total-3 {
			clock = now.AddDate(0, 0, -(total-i)*4)
		}
		d := Draft{CommunityID: community, Title: dm.title, Body: dm.body, Scope: dm.scope, Unit: dm.unit}
		for k := 0; k < dm.buildings; k++ {
			d.Buildings = append(d.Buildings, buildings[(i*3+k)%len(buildings)])
		}
		var m Matter
		if dm.resident {
			proposer := people[rng.IntN(len(people))]
			if m, err = s.ProposeAsResident(ctx, &proposer, d); err != nil {
				return sum, err
			}
			sum.Matters++
			if i == total-1 { // the newest awaits moderation
				continue
			}
			clock = clock.Add(26 * time.Hour)
			if err := s.Approve(ctx, staff, community, m.ID, m.Version); err != nil {
				return sum, err
			}
		} else {
			if m, err = s.ProposeAsCommittee(ctx, staff, d); err != nil {
				return sum, err
			}
			sum.Matters++
		}
		if m, err = s.Get(ctx, community, m.ID); err != nil {
			return sum, err
		}
		// Deliberation: a few arguments, most published.
		for k := 2 + rng.IntN(5); k > 0; k-- {
			side := For
			if rng.IntN(3) == 0 {
				side = Against
			}
			texts := demoArguments[side]
			who := people[rng.IntN(len(people))]
			clock = clock.Add(time.Duration(2+rng.IntN(20)) * time.Hour)
			a, err := s.Argue(ctx, &who, community, m.ID, side, texts[rng.IntN(len(texts))])
			if err != nil {
				return sum, err
			}
			sum.Arguments++
			if rng.IntN(8) == 0 {
				err = s.ModerateArgument(ctx, community, a.ID, false, "与议题无关")
			} else {
				err = s.ModerateArgument(ctx, community, a.ID, true, "")
			}
			if err != nil {
				return sum, err
			}
		}
		if i == total-2 { // still in deliberation
			continue
		}
		opens := clock.Add(48 * time.Hour)
		closes := opens.AddDate(0, 0, 10)
		if err := s.OpenVoting(ctx, staff, community, m.ID, m.Version, opens, closes); err != nil {
			return sum, err
		}
		if m, err = s.Get(ctx, community, m.ID); err != nil {
			return sum, err
		}
		// The votes: a share of the eligible, each on a day of the period
		// before now; most in favour, as matters that reach a vote are.
		share := 30 + rng.IntN(40)
		favour := 55 + rng.IntN(35)
		cast := 0
		for _, r := range people {
			if cast >= 250 || !Eligible(m, r) || rng.IntN(100) >= share {
				continue
			}
			clock = opens.Add(time.Duration(rng.IntN(10*24*60)) * time.Minute)
			if !clock.Before(now) {
				continue
			}
			choice := For
			switch roll := rng.IntN(100); {
			case roll >= favour+5:
				choice = Against
			case roll >= favour:
				choice = Abstain
			}
			if _, err := s.Vote(ctx, &r, community, m.ID, choice); err != nil {
				if errors.Is(err, ErrVoted) { // a housemate voted first
					continue
				}
				return sum, err
			}
			cast++
			sum.Votes++
		}
		if !closes.Before(now) { // being voted on
			continue
		}
		clock = closes.Add(3 * 24 * time.Hour)
		if m, err = s.Get(ctx, community, m.ID); err != nil {
			return sum, err
		}
		result, text := "passed", "经居民表决,赞成票过半,议题通过。居委会将会同物业制定实施方案并公示进度。"
		if m.VotesFor*2 <= m.VotesFor+m.VotesAgainst+m.VotesAbstain {
			result, text = "failed", "赞成票未过半,议题未通过。居委会将听取反对意见,修改方案后再议。"
		}
		if err := s.Decide(ctx, staff, community, m.ID, m.Version, result, text); err != nil {
			return sum, err
		}
		if result == "passed" {
			passed = append(passed, followUp{m.ID, dm.category, clock})
		}
	}
	// The follow-ups, each from its decision's day; the newest is still
	// under way at now, the older ones were carried out.
	for k, p := range passed {
		clock = p.decided
		if err := demoFollowUp(ctx, s, ev, rng, &clock, now, staff, community, p.id, p.category, k == len(passed)-1, &sum); err != nil {
			return sum, err
		}
	}
	// One resident's proposal turned down.
	clock = now.AddDate(0, 0, -40)
	ad, err := s.ProposeAsResident(ctx, &people[rng.IntN(len(people))], Draft{Title: "出租小区广告位",
		Body: "把小区围墙出租给商家做广告,收入分给各户。"})
	if err != nil {
		return sum, err
	}
	sum.Matters++
	clock = clock.Add(30 * time.Hour)
	if err := s.Reject(ctx, staff, community, ad.ID, ad.Version, "围墙属公共部位,出租须经业主大会决定,请向业委会提出。"); err != nil {
		return sum, err
	}
	return sum, nil
}

// demoFollowUp files a passed matter's follow-up as an event two days
// after the decision and walks it as the community would: accepted the
// next day, carried out within days or weeks, checked and closed; the
// older ones closed (and some then marked carried out by the committee),
// the newest (underWay) accepted and still being handled at now.
func demoFollowUp(ctx context.Context, s *Service, ev *events.Store, rng *rand.Rand, clock *time.Time, now time.Time,
	staff string, community, id int64, category string, underWay bool, sum *DemoSummary) error {
	*clock = clock.Add(2 * 24 * time.Hour)
	if !clock.Before(now) {
		return nil
	}
	m, err := s.Get(ctx, community, id)
	if err != nil {
		return err
	}
	e, err := s.FollowUpEvent(ctx, access.System, staff, community, id, m.Version, category)
	if err != nil {
		return err
	}
	sum.FollowUps++
	steps := []struct {
		after time.Duration
		a     events.Action
	}{
		{20 * time.Hour, events.Action{Name: events.ActAccept, Route: events.LevelCommunity}},
		{time.Duration(2+rng.IntN(3)) * 24 * time.Hour, events.Action{Name: events.ActFeedback, Note: "已按居民议事决定组织实施",
			PublicNote: "已按居民议事决定实施完毕"}},
		{20 * time.Hour, events.Action{Name: events.ActVerifyPass, Note: "现场查看已落实"}},
		{4 * time.Hour, events.Action{Name: events.ActClose, PublicNote: "议事决定已落实,感谢居民参与"}},
	}
	if underWay || now.Sub(*clock) < 30*24*time.Hour {
		steps = steps[:1]
	}
	for _, st := range steps {
		*clock = clock.Add(st.after)
		if !clock.Before(now) {
			return nil
		}
		st.a.Version = e.Version
		if e, err = ev.Act(ctx, access.System, e.ID, st.a); err != nil {
			return err
		}
	}
	if e.Status != events.StatusClosed {
		return nil
	}
	sum.Closed++
	if rng.IntN(2) == 0 { // the committee also marks it carried out
		*clock = clock.Add(3 * 24 * time.Hour)
		if clock.Before(now) {
			m, err := s.Get(ctx, community, id)
			if err != nil {
				return err
			}
			return s.MarkDone(ctx, staff, community, id, m.Version)
		}
	}
	return nil
}
