package partymembers

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/register"
	"shequ/internal/visits"
	"shequ/internal/workdays"
)

// The demo's year of 在职党员双报到 in a community: members from a dozen
// employers who reported over the past eighteen months and again every
// six months — some late, a few not at all and now overdue —, the twelve
// service posts they claimed and served on, households they paired with
// and visited (visits of 百家熟), wishes in every state, last year's
// grades. It is written through the service with its clock moved to each
// day, so that every rule the pages enforce held when it was written.

// DemoSummary counts what LoadDemo wrote.
type DemoSummary struct {
	Members, Overdue, Posts, Claims, Records, Pairings, PairVisits, Wishes int
	CardsSent                                                              int // quarterly cards and yearly evaluations sent
}

var demoEmployers = [][2]string{
	{"区税务局", "区税务局机关党委"}, {"市第一医院", "市第一医院党委"}, {"城北小学", "城北小学党支部"},
	{"区人民法院", "区人民法院机关党委"}, {"市供电公司", "市供电公司党委"}, {"区教育局", "区教育局机关党支部"},
	{"区住建局", "区住建局机关党支部"}, {"市自来水公司", "市自来水公司党总支"}, {"真武洞街道办事处", "街道机关党支部"},
	{"区市场监管局", "区市场监管局机关党支部"}, {"市第二中学", "市第二中学党总支"}, {"区农商银行", "区农商银行党委"},
}

var demoPosts = [][2]string{
	{"楼栋长助理", "协助楼栋长收集民情、通知事项"}, {"文明劝导", "路口、小区文明出行与文明养犬劝导"},
	{"政策宣讲", "在小区宣讲惠民政策"}, {"环境整治", "参与小区卫生死角清理"}, {"矛盾调解", "协助调解邻里纠纷"},
	{"助老服务", "陪伴、代购、助餐"}, {"关爱未成年人", "课后托管、作业辅导"}, {"普法宣传", "法律咨询与普法讲座"},
	{"垃圾分类督导", "早晚投放时段督导"}, {"治安巡逻", "夜间巡逻"}, {"文化活动组织", "节日活动、文艺演出组织"},
	{"健康义诊", "义诊、健康讲座"},
}

var demoWishes = []string{"修理轮椅", "更换门锁", "代购降压药", "辅导孩子数学", "安装扶手", "理发上门", "修理电视机",
	"买一台收音机", "陪同就医", "疏通下水道", "换灯泡", "学用智能手机", "代缴水电费", "送米面油", "修补纱窗",
	"整理旧衣物捐赠", "配老花镜", "孩子的书包文具", "打扫房间", "联系修理热水器", "读报", "办理老年卡", "买冬衣", "修自行车"}

// LoadDemo writes the party members of a community up to now. The same
// seed gives the same members; a second call adds nothing.
func LoadDemo(ctx context.Context, db *database.DB, reg *register.Store, community int64, seed uint64, now time.Time) (DemoSummary, error) {
	clock := now
	fn := func() time.Time { return clock }
	r := reg.WithClock(fn)
	s := NewService(db, r, visits.NewService(db, r, nil, fn), fn)
	return s.loadDemo(ctx, &clock, community, seed, now)
}

// loadDemo is LoadDemo on the service's database.
func (s *Service) loadDemo(ctx context.Context, clock *time.Time, community int64, seed uint64, now time.Time) (DemoSummary, error) {
	var sum DemoSummary
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM party_members WHERE community_id = $1`, community).Scan(&n); err != nil || n > 0 {
		return sum, err
	}
	rng := rand.New(rand.NewPCG(seed^0xD7, seed))
	by := Staff{UserID: 0, Name: "社区党委(演示)", Scope: access.Everything}
	day := func(t time.Time) string { return t.In(workdays.Shanghai).Format(dayLayout) }
	at := func(d string) {
		t, _ := time.ParseInLocation(dayLayout, d, workdays.Shanghai)
		*clock = t.Add(10 * time.Hour)
	}
	defer func() { *clock = now }()
	today := day(now)
	// Working-age residents with a phone, in the register's order.
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM persons WHERE community_id = $1 AND status = 'active'
		AND birth_date >= $2 AND birth_date <= $3 AND id_number <> '' ORDER BY id LIMIT 3000`,
		community, addMonths(today, -12*58), addMonths(today, -12*26))
	if err != nil {
		return sum, err
	}
	var people []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return sum, err
		}
		people = append(people, id)
	}
	rows.Close()
	if len(people) < 40 {
		return sum, nil // too small a community for the demo's members
	}
	rng.Shuffle(len(people), func(i, j int) { people[i], people[j] = people[j], people[i] })
	// The posts, published eighteen months ago.
	at(addMonths(today, -18))
	var posts []Post
	for i, p := range demoPosts {
		slots := 0
		if i < 3 {
			slots = 8
		}
		post, err := s.SavePost(ctx, by, PostForm{Community: community, Name: p[0], Description: p[1], Slots: fmt.Sprint(slots)})
		if err != nil {
			return sum, fmt.Errorf("岗位 %s: %w", p[0], err)
		}
		posts = append(posts, post)
	}
	sum.Posts = len(posts)
	type demoMember struct {
		m      Member
		posts  []Post
		joined string
	}
	var members []demoMember
	count := 34 + rng.IntN(5)
	for i := 0; i < count; i++ {
		e := demoEmployers[i%len(demoEmployers)]
		first := addDays(today, -(30 + rng.IntN(510)))
		at(first)
		m, err := s.Register(ctx, by, Registration{PersonID: people[i], Employer: e[0], PartyOrg: e[1], ReportedOn: first})
		if err != nil {
			return sum, fmt.Errorf("报到: %w", err)
		}
		// Again every six months, a few days either side; one in seven
		// stops reporting and is overdue now.
		lapses := rng.IntN(7) == 0
		last := first
		for {
			next := addDays(NextDue(last), rng.IntN(20)-12)
			if next > today || (lapses && next > addMonths(today, -7)) {
				break
			}
			at(next)
			if m, err = s.ReportAgain(ctx, by, m.ID, m.Version, next, ""); err != nil {
				return sum, fmt.Errorf("再次报到: %w", err)
			}
			last = next
		}
		dm := demoMember{m: m, joined: first}
		at(addDays(first, 3))
		for _, k := range rng.Perm(len(posts))[:1+rng.IntN(2)] {
			if _, err := s.ClaimPost(ctx, by, m.ID, posts[k].ID, addDays(first, 3)); err != nil {
				continue // a full post: the member takes another or none
			}
			dm.posts = append(dm.posts, posts[k])
			sum.Claims++
		}
		members = append(members, dm)
	}
	// Service on the posts: a stint or two a month from the claim.
	*clock = now
	for _, dm := range members {
		for d := addDays(dm.joined, 5+rng.IntN(20)); d < today; d = addDays(d, 12+rng.IntN(30)) {
			if len(dm.posts) == 0 {
				break
			}
			p := dm.posts[rng.IntN(len(dm.posts))]
			hours := fmt.Sprintf("%d.%d", 1+rng.IntN(3), rng.IntN(2)*5)
			if _, err := s.RecordService(ctx, by, dm.m.ID, ServiceForm{Key: fmt.Sprintf("demo-%d-%s", dm.m.ID, d), PostID: p.ID,
				ServedOn: d, Hours: hours, Content: p.Name + ":" + p.Description, ByMember: rng.IntN(4) == 0}); err != nil {
				return sum, fmt.Errorf("服务记录: %w", err)
			}
			sum.Records++
		}
	}
	// Pairings with households, visited every month or two (the visits
	// are 百家熟's, within its year of back-dating).
	hrows, err := s.db.QueryContext(ctx, `SELECT number FROM households WHERE community_id = $1 AND status = 'active'
		ORDER BY id LIMIT 2000`, community)
	if err != nil {
		return sum, err
	}
	var households []string
	for hrows.Next() {
		var h string
		if err := hrows.Scan(&h); err != nil {
			hrows.Close()
			return sum, err
		}
		households = append(households, h)
	}
	hrows.Close()
	for i, dm := range members {
		if i%2 == 1 || len(households) == 0 || s.visits == nil {
			continue
		}
		start := max(addDays(dm.joined, 10), addDays(today, -330))
		if start >= today {
			continue
		}
		p, err := s.Pair(ctx, by, dm.m.ID, households[rng.IntN(len(households))], start, "")
		if err != nil {
			continue // the same household drawn twice
		}
		sum.Pairings++
		for d := addDays(start, 3+rng.IntN(20)); d < today; d = addDays(d, 30+rng.IntN(35)) {
			_, err := s.RecordPairingVisit(ctx, by, dm.m.ID, p.ID, PairVisit{Key: fmt.Sprintf("demo-%d-%s", p.ID, d),
				VisitedOn: d, Met: "户主", Findings: []string{"身体尚好", "需要助餐", "反映楼道灯不亮", "子女在外地,独自生活"}[rng.IntN(4)],
				Hours: "1"})
			if err != nil {
				return sum, fmt.Errorf("结对走访: %w", err)
			}
			sum.PairVisits++
		}
	}
	// Wishes over the last ten months, in every state.
	for i, title := range demoWishes {
		posted := addDays(today, -(5 + (len(demoWishes)-i)*12 + rng.IntN(6)))
		at(posted)
		w, err := s.PostWish(ctx, by, WishForm{PersonID: people[len(people)-1-i], Title: title, DeadlineOn: addDays(posted, WishDays)})
		if err != nil {
			return sum, fmt.Errorf("微心愿: %w", err)
		}
		sum.Wishes++
		stage := i % 6 // 0 open, 1 claimed, 2 fulfilled, 3..4 confirmed, 5 cancelled
		if i >= len(demoWishes)-4 {
			stage = i % 3 // the newest: still in progress
		}
		if stage == 5 {
			at(addDays(posted, 4))
			s.Step(ctx, by, w.ID, Move{Action: "cancel", Version: w.Version, Note: "居民已自行解决"})
			continue
		}
		if stage == 0 {
			continue
		}
		m := members[rng.IntN(len(members))].m
		claimed := addDays(posted, 1+rng.IntN(5))
		if claimed > today {
			continue
		}
		at(claimed)
		if w, err = s.Step(ctx, by, w.ID, Move{Action: "claim", Version: w.Version, MemberID: m.ID, Day: claimed}); err != nil {
			continue // the member left meanwhile
		}
		if stage == 1 {
			continue
		}
		done := addDays(claimed, 2+rng.IntN(20))
		if done > today {
			continue
		}
		at(done)
		if w, err = s.Step(ctx, by, w.ID, Move{Action: "fulfil", Version: w.Version, Day: done, Hours: "1.5",
			Note: "已为居民" + title}); err != nil {
			return sum, fmt.Errorf("实现心愿: %w", err)
		}
		if stage == 2 || addDays(done, 3) > today {
			continue
		}
		at(addDays(done, 3))
		if _, err = s.Step(ctx, by, w.ID, Move{Action: "confirm", Version: w.Version}); err != nil {
			return sum, fmt.Errorf("确认心愿: %w", err)
		}
	}
	*clock = now
	// Last year's grades of those who reported by then.
	last := now.In(workdays.Shanghai).Year() - 1
	for i, dm := range members {
		if dm.joined[:4] > fmt.Sprint(last) {
			continue
		}
		g, c := "competent", "能按时报到,参加岗位服务"
		switch {
		case i%5 == 0:
			g, c = "excellent", "服务积极,群众评价好"
		case i%11 == 3:
			g, c = "basic", "报到后参加服务较少"
		}
		if err := s.Grade(ctx, by, dm.m.ID, fmt.Sprint(last), g, c, 0); err != nil {
			return sum, fmt.Errorf("年度评价: %w", err)
		}
	}
	// The employers' cards: each quarter's sent a few days to three weeks
	// after it ended, most but not all (the last quarter's fewer: some
	// still due), a few printed again; last year's evaluations in January.
	// As xlsx: the demo needs no PDF font.
	send := func(period, day string) error {
		if day >= today {
			return nil
		}
		due, _, err := s.CardsDue(ctx, []int64{community}, period)
		if err != nil {
			return err
		}
		for _, c := range due {
			skip := 8
			if period == s.LastQuarter() {
				skip = 3
			}
			if rng.IntN(skip) == 0 {
				continue
			}
			d := addDays(day, rng.IntN(5))
			if d >= today {
				continue
			}
			at(d)
			f, err := s.SendCard(ctx, by, community, c.Employer, period, "xlsx")
			if err != nil {
				return fmt.Errorf("反馈卡 %s %s: %w", c.Employer, period, err)
			}
			if f.Sent {
				sum.CardsSent++
			}
			if rng.IntN(5) == 0 && addDays(d, 7) < today {
				at(addDays(d, 7)) // printed again: not a second sending
				if _, err := s.SendCard(ctx, by, community, c.Employer, period, "xlsx"); err != nil {
					return err
				}
			}
		}
		return nil
	}
	t0, _ := parseDay(addMonths(today, -18))
	for q := time.Date(t0.Year(), time.Month(3*((int(t0.Month())-1)/3)+1), 1, 0, 0, 0, 0, time.UTC); ; q = q.AddDate(0, 3, 0) {
		end := q.AddDate(0, 3, -1).Format(dayLayout)
		if end >= today {
			break
		}
		if err := send(periodCode(q.Format(dayLayout), false), addDays(end, 3+rng.IntN(15))); err != nil {
			return sum, err
		}
	}
	if err := send(fmt.Sprint(last), fmt.Sprintf("%d-01-%02d", last+1, 10+rng.IntN(10))); err != nil {
		return sum, err
	}
	*clock = now
	all, err := s.Members(ctx, access.Everything, Filter{Community: community})
	if err != nil {
		return sum, err
	}
	sum.Members = len(all)
	for _, m := range all {
		if m.Overdue {
			sum.Overdue++
		}
	}
	return sum, nil
}
