package procurement

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"shequ/internal/database"
	"shequ/internal/workdays"
)

// DemoSummary counts what LoadDemo made.
type DemoSummary struct {
	Projects, Bids, Scores, Payments int
	FromFunds                        int // payments booked on a fund
}

// demoProject is one purchased service of the demo, at the stage its
// schedule (days before now) reaches.
type demoProject struct {
	title, category, goals, terms string
	budgetYuan                    int64
	prefer                        string // a word of the 协商 matter it carries out
	created, closes               int    // days before now; closes < 0 is still open
	awarded, signed               int    // 0: not yet
	months                        int    // the contract's length
	milestones                    []string
	accepted, paid                int // how many milestones were accepted and paid
	completed                     int // 0: not yet
}

var demoProjects = []demoProject{
	{"老年助餐点运营服务", "meals", "利用原活动室开办老年助餐点,为80岁以上及困难老人每日提供午餐,行动不便者送餐上门。",
		"服务期九个月;每日午餐不少于两荤一素;食品安全符合规定;每月公示就餐人数和收支。", 120000, "老年食堂",
		330, 310, 305, 300, 9, []string{"助餐点开办并试运行", "运行满半年", "运行期满并通过评估"}, 3, 3, 5},
	{"独居老人关爱探访服务", "elderly", "为社区登记的独居、空巢老人提供每周探访、代购代办和紧急联络服务。",
		"服务期一年;每周探访一次并记录;突发情况30分钟内到场。", 80000, "",
		230, 210, 205, 200, 12, []string{"第一季度探访", "第二季度探访", "第三季度探访", "第四季度探访并总结"}, 2, 1, 0},
	{"楼道及公共区域保洁服务", "environment", "对老旧小区楼道、公共区域每周两次清扫,配合垃圾分类定时定点投放点值守。",
		"服务期一年;每周二、五清扫;投放点早晚各值守两小时。", 60000, "垃圾分类",
		60, 40, 5, 0, 0, nil, 0, 0, 0},
	{"青少年四点半课堂", "children", "为双职工家庭小学生提供放学后的作业辅导、阅读和安全看护。",
		"服务期一学年;每周一至周五16:30–18:30;配备持证社工和志愿者。", 50000, "儿童",
		35, 3, 0, 0, 0, nil, 0, 0, 0},
	{"社区矛盾纠纷调解服务", "mediation", "组织专业调解员驻点,调处邻里、物业、停车等矛盾纠纷,开展法律咨询。",
		"服务期一年;每周驻点两天;调解结果书面记录并回访。", 40000, "停车",
		5, -10, 0, 0, 0, nil, 0, 0, 0},
	{"残疾人居家康复服务", "disability", "为持证残疾人提供居家康复训练指导和辅具适配咨询。",
		"服务期一年;每月上门一次;建立康复档案。", 30000, "",
		3, 0, 0, 0, 0, nil, 0, 0, 0},
}

// LoadDemo gives a community purchased-service projects at every stage —
// planned, tendering, under evaluation, awarded, under contract with
// milestones partly paid, completed and rated — from its passed 协商
// decisions and bid for by its filed social organisations. It does
// nothing when the community has projects or lacks decisions or bidders.
//
// With a payer, each payment is booked on the community's fund of its year
// with the most money left when that fund holds it, else paid by the
// street (no fund entry).
func LoadDemo(ctx context.Context, db *database.DB, community int64, seed uint64, now time.Time, payer Payer) (DemoSummary, error) {
	var sum DemoSummary
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM procurement_projects WHERE community_id = $1`, community).Scan(&n); err != nil || n > 0 {
		return sum, err
	}
	rng := rand.New(rand.NewPCG(seed^0x1900, seed))
	clock := now
	s := NewService(db, func() time.Time { return clock })
	if payer != nil {
		s.UsePayer(payer)
	}
	st := Staff{Name: "社区居委会", May: func(c int64) bool { return c == community }}
	db.QueryRowContext(ctx, `SELECT name FROM org_staff WHERE community_id = $1 AND role <> 'grid_worker'
		ORDER BY CASE role WHEN 'community_staff' THEN 0 ELSE 1 END, id LIMIT 1`, community).Scan(&st.Name)
	matters, err := s.Matters(ctx, community)
	if err != nil || len(matters) == 0 {
		return sum, err
	}
	bidders, err := s.Bidders(ctx, []int64{community})
	if err != nil || len(bidders) < 3 {
		return sum, err
	}
	// The panel: three residents of the register, one of them a member of
	// a bidding organisation, who then stands aside for it.
	var panel []int64
	rows, err := db.QueryContext(ctx, `SELECT p.id FROM persons p WHERE p.community_id = $1 AND p.status = 'active'
		AND EXISTS (SELECT 1 FROM social_org_members m WHERE m.person_id = p.id AND m.left_on = '') ORDER BY p.id LIMIT 1`, community)
	if err != nil {
		return sum, err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return sum, err
		}
		panel = append(panel, id)
	}
	rows.Close()
	rows, err = db.QueryContext(ctx, `SELECT p.id FROM persons p WHERE p.community_id = $1 AND p.status = 'active'
		AND p.birth_date < '1990' AND p.birth_date > '1960'
		AND NOT EXISTS (SELECT 1 FROM social_org_members m WHERE m.person_id = p.id) ORDER BY p.id LIMIT 3`, community)
	if err != nil {
		return sum, err
	}
	for rows.Next() && len(panel) < 3 {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return sum, err
		}
		panel = append(panel, id)
	}
	rows.Close()
	day := func(d int) time.Time {
		y, m, dd := now.In(workdays.Shanghai).AddDate(0, 0, -d).Date()
		return time.Date(y, m, dd, 9, 0, 0, 0, workdays.Shanghai)
	}
	ymd := func(t time.Time) string { return t.Format(database.DateLayout) }
	for i, dp := range demoProjects {
		// The decision it carries out: one taken before it was created,
		// the one about it when there is one.
		matter := matters[len(matters)-1]
		var before []Source
		for _, m := range matters {
			if m.On <= ymd(day(dp.created)) {
				before = append(before, m)
			}
		}
		if len(before) > 0 {
			matter = before[i%len(before)]
		}
		for _, m := range before {
			if dp.prefer != "" && strings.Contains(m.Title, dp.prefer) {
				matter = m
				break
			}
		}
		clock = day(dp.created)
		p, err := s.Create(ctx, st, community, Draft{Title: dp.title, Category: dp.category, Goals: dp.goals, Terms: dp.terms,
			BudgetFen: dp.budgetYuan * 100, MatterID: matter.ID})
		if err != nil {
			return sum, fmt.Errorf("%s: %w", dp.title, err)
		}
		sum.Projects++
		if dp.closes == 0 {
			continue
		}
		clock = day(dp.created - 1)
		closes := day(dp.closes).Add(8 * time.Hour) // 17:00
		rule := []CriterionDraft{{"服务方案", "40"}, {"团队与经验", "25"}, {"居民参与与满意度承诺", "15"}}
		if err := s.Publish(ctx, st, p.ID, p.Version, Tender{PricePoints: 20, Criteria: rule, ClosesAt: closes.Format("2006-01-02T15:04")}); err != nil {
			return sum, fmt.Errorf("%s: %w", dp.title, err)
		}
		for _, person := range panel {
			if err := s.AddMember(ctx, st, p.ID, person); err != nil {
				return sum, err
			}
		}
		// Two or three organisations bid in the days after the notice.
		k := 2 + rng.IntN(2)
		if dp.closes < 0 {
			k = 1
		}
		start := rng.IntN(len(bidders))
		for j := range k {
			b := bidders[(start+j)%len(bidders)]
			clock = day(dp.created - 3 - j)
			price := dp.budgetYuan * int64(85+rng.IntN(14)) / 100 / 100 * 100 * 100 // to the hundred 元
			if _, err := s.SubmitBid(ctx, st, p.ID, BidDraft{OrgID: b.ID, PriceFen: price,
				Proposal: demoProposals[rng.IntN(len(demoProposals))]}); err != nil {
				return sum, fmt.Errorf("%s bid: %w", dp.title, err)
			}
			sum.Bids++
		}
		if dp.closes < 0 {
			continue
		}
		// The panel scores after the deadline; the one under evaluation is
		// left with its last sheet to fill.
		clock = day(dp.closes - 1)
		p, _ = s.load(ctx, db, p.ID)
		ev, err := s.evaluate(ctx, db, p)
		if err != nil {
			return sum, err
		}
		for bi, r := range ev.Ranking {
			for mi, m := range ev.Panel {
				if r.Sheets[mi].Recused || (dp.awarded == 0 && bi == len(ev.Ranking)-1 && mi == len(ev.Panel)-1) {
					continue
				}
				pts := map[int64]int{}
				for _, c := range p.Criteria {
					pts[c.ID] = c.MaxPoints*6/10 + rng.IntN(c.MaxPoints*4/10+1)
				}
				if err := s.Score(ctx, st, p.ID, m.PersonID, r.ID, pts); err != nil {
					return sum, fmt.Errorf("%s score: %w", dp.title, err)
				}
				sum.Scores++
			}
		}
		if dp.awarded == 0 {
			continue
		}
		clock = day(dp.awarded)
		p, _ = s.load(ctx, db, p.ID)
		if err := s.Award(ctx, st, p.ID, p.Version); err != nil {
			return sum, fmt.Errorf("%s award: %w", dp.title, err)
		}
		if dp.signed == 0 {
			continue
		}
		clock = day(dp.signed)
		p, _ = s.load(ctx, db, p.ID)
		var price int64
		db.QueryRowContext(ctx, `SELECT price_fen FROM procurement_bids WHERE project_id = $1 AND id = $2`, p.ID, p.AwardBidID).Scan(&price)
		startT := day(dp.signed - 5)
		endT := startT.AddDate(0, dp.months, -1)
		if err := s.Sign(ctx, st, p.ID, p.Version, ContractDraft{ValueFen: price, SignedOn: ymd(clock), StartsOn: ymd(startT), EndsOn: ymd(endT)}); err != nil {
			return sum, fmt.Errorf("%s contract: %w", dp.title, err)
		}
		// Milestones split the contract evenly, the last taking the rest.
		each := price / int64(len(dp.milestones)) / 100 * 100
		var dues []time.Time
		for j, title := range dp.milestones {
			amount := each
			if j == len(dp.milestones)-1 {
				amount = price - each*int64(j)
			}
			due := startT.AddDate(0, dp.months*(j+1)/len(dp.milestones), -1)
			dues = append(dues, due)
			if err := s.AddMilestone(ctx, st, p.ID, MilestoneDraft{Title: title, DueOn: ymd(due), AmountFen: amount}); err != nil {
				return sum, fmt.Errorf("%s milestone: %w", dp.title, err)
			}
		}
		ms, err := s.Milestones(ctx, p.ID)
		if err != nil {
			return sum, err
		}
		for j := range dp.accepted {
			acc := dues[j].AddDate(0, 0, 3)
			if acc.AddDate(0, 0, 7).After(now) || (dp.completed != 0 && !acc.Before(day(dp.completed))) {
				// The schedule above is wrong: history may not reach past today.
				return sum, fmt.Errorf("%s: milestone %d would be accepted or paid after today", dp.title, j+1)
			}
			clock = acc
			if err := s.Accept(ctx, st, p.ID, ms[j].ID, ymd(acc)); err != nil {
				return sum, fmt.Errorf("%s accept: %w", dp.title, err)
			}
			if j >= dp.paid {
				continue
			}
			clock = acc.AddDate(0, 0, 7)
			fs, err := s.PayableFunds(ctx, community, clock.Year())
			if err != nil {
				return sum, err
			}
			var fund int64
			if len(fs) > 0 && fs[0].BalanceFen >= ms[j].AmountFen {
				fund = fs[0].ID
				sum.FromFunds++
			}
			if err := s.Pay(ctx, st, p.ID, PaymentDraft{MilestoneID: ms[j].ID, AmountFen: ms[j].AmountFen, PaidOn: ymd(clock), FundID: fund}); err != nil {
				return sum, fmt.Errorf("%s pay: %w", dp.title, err)
			}
			sum.Payments++
		}
		if dp.completed == 0 {
			continue
		}
		clock = day(dp.completed)
		p, _ = s.load(ctx, db, p.ID)
		if err := s.Complete(ctx, st, p.ID, p.Version, Rating{Satisfied: 46, Fair: 8, Unsatisfied: 2,
			Evaluation: "助餐点全年运行,日均就餐62人次,送餐上门18户;居民评议会满意率82%,建议增加周末供餐。",
			On:         ymd(clock)}); err != nil {
			return sum, fmt.Errorf("%s complete: %w", dp.title, err)
		}
	}
	return sum, nil
}

var demoProposals = []string{
	"配备专职社工2名、志愿者10名,建立服务台账,每月向居委会和居民代表报告。",
	"依托本组织现有场地和骨干,分片包干,设立居民意见箱并每季度回访。",
	"与辖区医院、学校合作,引入专业资源,服务对象建档管理,结项前开展第三方满意度调查。",
}
