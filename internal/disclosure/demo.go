package disclosure

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/workdays"
)

// DemoSummary says what the demo wrote.
type DemoSummary struct {
	Publications, Late, Overdue, Questions, Answered int
}

// demoDecisions are the decisions the demo's first community takes in
// the year: rows of 重大事项 (at once) and 居民会议决定 (within days).
var demoDecisions = []struct {
	rule, title string
	monthsAgo   int
	day         int
}{
	{RuleAtOnce, "老旧小区改造项目实施方案", 10, 12},
	{RuleDecision, "加装电梯费用分摊办法", 8, 20},
	{RuleAtOnce, "社区服务中心场地调整", 6, 5},
	{RuleDecision, "小区停车管理公约", 4, 14},
	{RuleAtOnce, "防汛应急物资采购", 3, 8},
	{RuleDecision, "垃圾分类积分兑换办法", 1, 9},
}

// demoQuestions are residents' questions, each about a publication of
// its item; the last is not answered yet.
var demoQuestions = []struct{ item, q, a string }{
	{"财务收支", "本月办公经费支出比上月多,主要用在哪里?", "主要是更换社区服务中心的打印机和采购冬季取暖用品,明细已在公开栏张贴,可到社区查阅凭证。"},
	{"低保、救助对象", "低保户数为什么比上季度少了两户?", "两户家庭成员就业后收入超过低保标准,按规定退出;另有一户新纳入,审批材料已按规定公示。"},
	{"居民会议决定", "加装电梯的分摊比例是怎么算的?一楼也要出钱吗?", "按楼层系数分摊,一楼不分摊,二楼系数0.3,逐层递增,详见居民会议决定附件。"},
	{"居民会议决定", "停车公约什么时候开始执行?外来车辆怎么办?", "下月1日起执行;外来车辆登记后可临时停放两小时,超时按公约收取管理费。"},
	{"惠民政策", "惠民政策里的高龄津贴怎么申请?", "80周岁以上老人带身份证、户口本到社区便民服务窗口申请,也可由网格员上门代办。"},
	{"重大事项", "防汛物资采购是公开招标吗?", "金额未达招标标准,采用三家询价,询价记录已随本期公开。"},
	{"财务收支", "财务收支里的“其他收入”是什么?", "是辖区单位捐赠的慰问金,已全部用于重阳节慰问高龄老人。"},
	{"社区基本情况", "社区基本情况的人口数和我们网格统计的不一样?", ""},
}

// LoadDemo writes a year of 居务公开 for the communities: every period of
// the sample catalogue scheduled and published, most in time, some late
// (raised as 督办 first), the first community's decisions, one month's
// 财务收支 there never published (overdue now), and residents' questions
// with the committee's answers. figures (nil: none) computes the rows
// that publish report figures. It does nothing for a community that has
// publications already.
func LoadDemo(ctx context.Context, db *database.DB, communities []int64, seed uint64, now time.Time, figures Figures, finances Finances) (DemoSummary, error) {
	var sum DemoSummary
	clock := now
	s := NewService(db, func() time.Time { return clock }).WithFigures(figures).WithFinances(finances)
	defer func() { clock = now }()
	rng := rand.New(rand.NewPCG(seed^0xD15C, seed))
	today := now.In(workdays.Shanghai).Format(dayLayout)
	start, _ := parseDay(today)
	start = time.Date(start.Year()-1, start.Month(), 1, 0, 0, 0, 0, time.UTC)
	for i, c := range communities {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM disclosure_publications WHERE community_id = $1`, c).Scan(&n); err != nil {
			return sum, err
		}
		if n > 0 {
			continue
		}
		first := i == 0
		st := Staff{Name: "社区居委会(演示)", Scope: access.Everything}
		items, err := s.Catalogue(ctx, c)
		if err != nil {
			return sum, err
		}
		// The month whose 财务收支 the first community never published:
		// two months back, so that it has been overdue for weeks.
		missed := periodOf(RuleMonthly, time.Date(start.Year()+1, start.Month()-2, 1, 0, 0, 0, 0, time.UTC)).Key
		plan := map[string][]int64{} // day → publications to publish that day
		planned := map[int64]bool{}
		decisions := map[string][]DecisionDraft{}
		if first {
			for _, d := range demoDecisions {
				on := time.Date(start.Year()+1, start.Month()-time.Month(d.monthsAgo), d.day, 0, 0, 0, 0, time.UTC).Format(dayLayout)
				for _, it := range items {
					if it.Rule == d.rule {
						decisions[on] = append(decisions[on], DecisionDraft{CommunityID: c, ItemID: it.ID, Title: d.title, DecidedOn: on})
						break
					}
				}
			}
		}
		asked := map[int]bool{}
		var questions []Question
		answerOn := map[int64]string{}
		for d := start; ; d = d.AddDate(0, 0, 1) {
			ds := d.Format(dayLayout)
			if ds > today {
				break
			}
			clock = time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, workdays.Shanghai)
			if d.Day() == 1 || d.Day() == 11 || d.Day() == 16 {
				if _, _, err := s.Pass(ctx, []int64{c}); err != nil {
					return sum, err
				}
			}
			for _, dd := range decisions[ds] {
				p, err := s.RecordDecision(ctx, st, dd)
				if err != nil {
					return sum, fmt.Errorf("decision %s: %w", dd.Title, err)
				}
				after := rng.IntN(2) // at once: the same day or the next
				if p.Rule == RuleDecision {
					after = 1 + rng.IntN(4)
				}
				on := d.AddDate(0, 0, after).Format(dayLayout)
				plan[on] = append(plan[on], p.ID)
				planned[p.ID] = true
			}
			if d.Day() == 1 {
				pubs, err := s.Publications(ctx, access.Everything, Filter{Community: c, From: ds})
				if err != nil {
					return sum, err
				}
				for _, p := range pubs {
					if planned[p.ID] || p.PublishedOn != "" || p.CommunityID != c || p.DecidedOn != "" {
						continue
					}
					planned[p.ID] = true
					if first && p.Item == "财务收支" && p.Period == missed {
						continue
					}
					due, _ := parseDay(p.DueOn)
					var on time.Time
					if rng.IntN(100) < 12 { // late: after the 督办 of the day after the due day
						on = due.AddDate(0, 0, 2+rng.IntN(8))
					} else {
						on = due.AddDate(0, 0, -rng.IntN(8))
					}
					plan[on.Format(dayLayout)] = append(plan[on.Format(dayLayout)], p.ID)
				}
			}
			for _, id := range plan[ds] {
				p, err := s.Publication(ctx, c, id)
				if err != nil {
					return sum, err
				}
				p, err = s.Publish(ctx, st, c, id, PublishDraft{Body: demoBody(rng, p), Version: p.Version})
				if err != nil {
					return sum, fmt.Errorf("publish %s %s: %w", p.Item, p.Period, err)
				}
				sum.Publications++
				if p.Late {
					sum.Late++
				}
				// Some residents ask; the committee answers within days.
				qi := -1
				for i, dq := range demoQuestions {
					if !asked[i] && dq.item == p.Item {
						qi = i
						break
					}
				}
				if first && qi >= 0 && (p.Rule != RuleMonthly || rng.IntN(3) == 0) && ds >= start.AddDate(0, 2, 0).Format(dayLayout) {
					dq := demoQuestions[qi]
					asked[qi] = true
					clock = clock.Add(time.Duration(2+rng.IntN(6)) * time.Hour)
					phone := ""
					if rng.IntN(2) == 0 {
						phone = fmt.Sprintf("139%08d", rng.IntN(1e8))
					}
					q, err := s.Ask(ctx, c, id, dq.q, phone)
					if err != nil {
						return sum, err
					}
					sum.Questions++
					if dq.a != "" {
						questions = append(questions, q)
						answerOn[q.ID] = d.AddDate(0, 0, 1+rng.IntN(3)).Format(dayLayout)
					}
				}
			}
			for _, q := range questions {
				if answerOn[q.ID] == ds {
					for _, dq := range demoQuestions {
						if dq.q == q.Text {
							if _, err := s.Answer(ctx, st, c, q.ID, dq.a, q.Version); err != nil {
								return sum, err
							}
							sum.Answered++
						}
					}
				}
			}
		}
		clock = now
		if _, _, err := s.Pass(ctx, []int64{c}); err != nil {
			return sum, err
		}
	}
	over, err := s.Publications(ctx, access.Everything, Filter{Overdue: true})
	if err != nil {
		return sum, err
	}
	for _, p := range over {
		for _, c := range communities {
			if p.CommunityID == c {
				sum.Overdue++
			}
		}
	}
	return sum, nil
}

// demoBody is a publication's text as a committee writes it: the
// month's books in 元 from amounts kept in 分.
func demoBody(rng *rand.Rand, p Publication) string {
	yuan := func(fen int64) string { return fmt.Sprintf("%d.%02d", fen/100, fen%100) }
	switch p.Item {
	case "财务收支":
		lines := []struct {
			name string
			fen  int64
		}{
			{"上级拨付工作经费", 1500000 + rng.Int64N(500000)},
			{"党组织服务群众经费", 300000 + rng.Int64N(200000)},
		}
		spend := []struct {
			name string
			fen  int64
		}{
			{"办公用品及印刷", 80000 + rng.Int64N(120000)},
			{"水电暖", 200000 + rng.Int64N(150000)},
			{"居民活动", 100000 + rng.Int64N(300000)},
			{"公益岗位补贴", 600000 + rng.Int64N(100000)},
		}
		var in, out int64
		text := p.Name() + "财务收支:\n收入:"
		for _, l := range lines {
			in += l.fen
			text += l.name + " " + yuan(l.fen) + " 元;"
		}
		text += "\n支出:"
		for _, l := range spend {
			out += l.fen
			text += l.name + " " + yuan(l.fen) + " 元;"
		}
		return text + fmt.Sprintf("\n合计收入 %s 元,支出 %s 元,结余 %s 元。凭证存社区备查。", yuan(in), yuan(out), yuan(in-out))
	case "低保、救助对象":
		return p.Name() + "低保动态管理情况:新增 " + fmt.Sprint(rng.IntN(3)) + " 户,退出 " + fmt.Sprint(rng.IntN(3)) +
			" 户;临时救助 " + fmt.Sprint(1+rng.IntN(5)) + " 人次。对象名单按规定在社区公开栏张贴公示。"
	case "惠民政策":
		return p.Name() + "惠民政策:高龄津贴、残疾人两项补贴、城乡居民医保缴费补助的对象、标准和办理流程,详见公开栏。"
	case "社区基本情况":
		return p.Name() + "社区基本情况,数据截至公开之日。"
	}
	return p.Title + ":经社区居委会研究(居民会议表决)通过,现予公开。实施安排和监督电话见公开栏。"
}
