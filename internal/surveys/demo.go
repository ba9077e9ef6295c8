package surveys

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"time"

	"shequ/internal/database"
	"shequ/internal/residents"
	"shequ/internal/workdays"
)

// DemoSummary counts what LoadDemo made.
type DemoSummary struct {
	Surveys, Responses int
}

// demoSurvey is a survey of the demo: its form, when it opened (days
// before now), for how many days, and how many answer it.
type demoSurvey struct {
	form      Form
	ago, days int
	responses int
	share     int // in 100, the chance a targeted adult answers; 0: all may
	// answer draws one respondent's answers.
	answer func(rng *rand.Rand) Answers
	draft  bool
}

// pick draws 1..len(weights) by weight.
func pick(rng *rand.Rand, weights ...int) string {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := rng.IntN(total)
	for i, w := range weights {
		if n < w {
			return strconv.Itoa(i + 1)
		}
		n -= w
	}
	return "1"
}

// some draws a few options of n, each with its chance in 100.
func some(rng *rand.Rand, chances ...int) []string {
	var out []string
	for i, c := range chances {
		if rng.IntN(100) < c {
			out = append(out, strconv.Itoa(i+1))
		}
	}
	return out
}

// sometimes is one of texts a quarter of the time, else nothing.
func sometimes(rng *rand.Rand, texts ...string) []string {
	if rng.IntN(4) != 0 {
		return nil
	}
	return []string{texts[rng.IntN(len(texts))]}
}

func demoSurveys(building Building) []demoSurvey {
	return []demoSurvey{
		{form: Form{Title: "社区环境满意度调查", Anonymous: true,
			Intro: "为了解居民对小区环境和物业服务的评价,请您抽出3分钟填写。问卷匿名,结果将在居务公开栏公布。",
			Questions: []Question{
				{Kind: Single, Text: "您对小区环境卫生是否满意?", Options: []string{"非常满意", "满意", "一般", "不满意", "非常不满意"}, Required: true},
				{Kind: Rating, Text: "请为物业服务打分", Required: true},
				{Kind: Multiple, Text: "您认为小区最需要改进的方面", Options: []string{"绿化养护", "夜间照明", "停车秩序", "垃圾分类", "健身设施", "楼道卫生"}},
				{Kind: Number, Text: "您在本小区居住了几年?", Min: 0, Max: 80},
				{Kind: Text, Text: "其他意见和建议", MaxLen: 200},
			}}, ago: 330, days: 21, responses: 360,
			answer: func(rng *rand.Rand) Answers {
				return Answers{1: {pick(rng, 12, 38, 30, 14, 6)}, 2: {pick(rng, 5, 12, 33, 35, 15)},
					3: some(rng, 30, 45, 60, 25, 35, 40), 4: {strconv.Itoa(1 + rng.IntN(35))},
					5: sometimes(rng, "东门路灯坏了很久,晚上出行不安全。", "希望增加垃圾清运次数,夏天气味大。",
						"外来车辆乱停,消防通道经常被堵。", "中心花园的健身器材有几件已经损坏。", "物业服务态度很好,感谢。",
						"楼道里堆放杂物,希望物业督促清理。")}
			}},
		{form: Form{Title: "老年食堂需求调查", Unit: PerHousehold, AgeMin: 60,
			Intro: "社区拟利用原活动室开设老年助餐点。请家中60岁以上的老人(或代为填写的家人)填写,每户一份。本问卷实名,便于社区回访。",
			Questions: []Question{
				{Kind: Single, Text: "您家是否需要社区老年食堂提供助餐服务?", Options: []string{"需要", "偶尔需要", "不需要"}, Required: true},
				{Kind: Multiple, Text: "希望的就餐方式", Options: []string{"到食堂堂食", "到食堂自取", "送餐上门"}, Required: true},
				{Kind: Number, Text: "每餐可接受的价格(元)", Min: 5, Max: 50, Required: true},
				{Kind: Rating, Text: "您对社区为老服务的总体满意度", Required: true},
				{Kind: Text, Text: "对菜品口味的要求", MaxLen: 100},
			}}, ago: 200, days: 30, responses: 220,
			answer: func(rng *rand.Rand) Answers {
				return Answers{1: {pick(rng, 45, 30, 25)}, 2: append(some(rng, 55, 30, 25), pick(rng, 1, 0, 1)),
					3: {strconv.Itoa(8 + rng.IntN(13))}, 4: {pick(rng, 3, 8, 30, 40, 19)},
					5: sometimes(rng, "少油少盐,口味清淡。", "希望有软烂一些的饭菜,牙口不好。", "有糖尿病,希望有低糖套餐。",
						"每周能有一两次饺子或面条。", "荤素搭配就好。")}
			}},
		{form: Form{Title: building.Name + "加装电梯意愿征询", Unit: PerHousehold, Buildings: []int64{building.ID},
			Intro: "本楼拟申请老旧小区改造资金加装电梯,不足部分按楼层分摊。请每户填写一份,实名征询结果将作为申请依据。",
			Questions: []Question{
				{Kind: Single, Text: "您家是否同意本楼加装电梯?", Options: []string{"同意", "不同意", "视费用分摊方案而定"}, Required: true},
				{Kind: Number, Text: "您家所在楼层", Min: 1, Max: 7, Required: true},
				{Kind: Single, Text: "家中是否有行动不便的老人或残疾人?", Options: []string{"有", "没有"}, Required: true},
				{Kind: Text, Text: "对费用分摊的意见", MaxLen: 200},
			}}, ago: 90, days: 20, responses: 1000, share: 40,
			answer: func(rng *rand.Rand) Answers {
				floor := 1 + rng.IntN(6)
				agree := pick(rng, 70, 10, 20)
				if floor <= 2 {
					agree = pick(rng, 30, 40, 30) // low floors gain least
				}
				return Answers{1: {agree}, 2: {strconv.Itoa(floor)}, 3: {pick(rng, 35, 65)},
					4: sometimes(rng, "一楼不用电梯,不应分摊费用。", "按楼层递增分摊比较公平。", "希望先公布预算和补贴金额。",
						"维护费用也要提前说清楚。")}
			}},
		{form: Form{Title: "社区文化活动需求调查", Anonymous: true,
			Intro: "社区活动中心将调整明年的活动安排,想听听您的想法。问卷匿名。",
			Questions: []Question{
				{Kind: Single, Text: "您平时参加社区文化活动吗?", Options: []string{"经常参加", "偶尔参加", "从不参加"}, Required: true},
				{Kind: Multiple, Text: "您感兴趣的活动", Options: []string{"广场舞", "书法绘画", "合唱", "太极拳", "手工编织", "读书会", "亲子活动"}},
				{Kind: Single, Text: "适合您的活动时间", Options: []string{"工作日上午", "工作日晚上", "周末"}, Required: true},
				{Kind: Rating, Text: "您对社区活动中心的满意度", Required: true},
				{Kind: Text, Text: "您的建议", MaxLen: 200},
			}}, ago: 6, days: 20, responses: 90,
			answer: func(rng *rand.Rand) Answers {
				return Answers{1: {pick(rng, 25, 45, 30)}, 2: some(rng, 35, 20, 25, 20, 15, 18, 30), 3: {pick(rng, 35, 30, 35)},
					4: {pick(rng, 2, 6, 25, 42, 25)}, 5: sometimes(rng, "希望周末多办亲子活动。", "活动中心的空调该修了。",
						"建议开设智能手机使用培训班。", "合唱团希望有专业老师指导。")}
			}},
		{form: Form{Title: "2027年为民办实事项目征集",
			Intro: "请提出您最希望社区明年办好的一件实事。",
			Questions: []Question{
				{Kind: Multiple, Text: "您最关心的领域", Options: []string{"养老服务", "儿童托管", "停车管理", "环境卫生", "治安防范", "文体活动"}, Required: true},
				{Kind: Text, Text: "您希望社区明年办好的一件实事", MaxLen: 300, Required: true},
			}}, draft: true},
	}
}

// LoadDemo gives a community a year of 问卷调查: a satisfaction survey, an
// elderly canteen survey of households with someone over 60, a building's
// elevator consultation (closed, hundreds of responses between them), a
// survey of cultural activities open at now, and a draft. Responses come
// from the register's adults within each survey's target, on days of its
// period. It does nothing when the community already has surveys.
func LoadDemo(ctx context.Context, db *database.DB, community int64, seed uint64, now time.Time) (DemoSummary, error) {
	var sum DemoSummary
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM surveys WHERE community_id = $1`, community).Scan(&n); err != nil || n > 0 {
		return sum, err
	}
	rng := rand.New(rand.NewPCG(seed^0x1804, seed))
	clock := now
	s := NewService(db, func() time.Time { return clock })
	cutoff := now.In(workdays.Shanghai).AddDate(-18, 0, 0).Format("2006-01-02")
	rows, err := db.QueryContext(ctx, `SELECT p.id, p.name, p.gender, p.birth_date, COALESCE(p.household_id, 0),
		COALESCE(h.house_id, 0), COALESCE(ho.building_id, 0), COALESCE(b.name, '') FROM persons p
		LEFT JOIN households h ON h.community_id = p.community_id AND h.id = p.household_id
		LEFT JOIN houses ho ON ho.community_id = h.community_id AND ho.id = h.house_id
		LEFT JOIN buildings b ON b.community_id = ho.community_id AND b.id = ho.building_id
		WHERE p.community_id = $1 AND p.status = 'active' AND LENGTH(p.birth_date) >= 10 AND SUBSTR(p.birth_date, 1, 10) <= $2
		ORDER BY p.id LIMIT 5000`, community, cutoff)
	if err != nil {
		return sum, err
	}
	var people []Respondent
	households := map[int64]map[int64]bool{} // building → its households
	names := map[int64]string{}
	for rows.Next() {
		p := Respondent{Resident: residents.Resident{CommunityID: community, Adult: true}}
		var building string
		if err := rows.Scan(&p.PersonID, &p.Name, &p.Gender, &p.BirthDate, &p.HouseholdID, &p.HouseID, &p.BuildingID,
			&building); err != nil {
			rows.Close()
			return sum, err
		}
		people = append(people, p)
		if p.BuildingID != 0 && p.HouseholdID != 0 {
			if households[p.BuildingID] == nil {
				households[p.BuildingID] = map[int64]bool{}
			}
			households[p.BuildingID][p.HouseholdID] = true
			names[p.BuildingID] = building
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(people) == 0 || len(households) == 0 {
		return sum, err
	}
	// The elevator is for the building with the most households.
	var elevator Building
	for b, hs := range households {
		if len(hs) > len(households[elevator.ID]) || (len(hs) == len(households[elevator.ID]) && b < elevator.ID) {
			elevator = Building{ID: b, Name: names[b]}
		}
	}
	staff := "社区居委会"
	for _, ds := range demoSurveys(elevator) {
		day := now.In(workdays.Shanghai).AddDate(0, 0, -ds.ago)
		opens := time.Date(day.Year(), day.Month(), day.Day(), 8, 0, 0, 0, workdays.Shanghai)
		clock = opens.AddDate(0, 0, -3)
		if ds.draft {
			clock = now.AddDate(0, 0, -2)
		}
		sv, err := s.Create(ctx, staff, community, ds.form)
		if err != nil {
			return sum, err
		}
		sum.Surveys++
		if ds.draft {
			continue
		}
		closes := opens.AddDate(0, 0, ds.days)
		if err := s.OpenSurvey(ctx, staff, community, sv.ID, sv.Version, opens, closes); err != nil {
			return sum, err
		}
		if sv, err = s.Get(ctx, community, sv.ID); err != nil {
			return sum, err
		}
		// The answers, from residents in the target taken in a random
		// order, each on a moment of the period before now.
		got := 0
		for _, i := range rng.Perm(len(people)) {
			if got >= ds.responses {
				break
			}
			p := people[i]
			clock = opens.Add(time.Duration(rng.Int64N(int64(closes.Sub(opens)))))
			if !clock.Before(now) || !Targets(sv, p, clock) || (ds.share > 0 && rng.IntN(100) >= ds.share) {
				continue
			}
			if err := s.respond(ctx, sv, p, ds.answer(rng)); err != nil {
				if errors.Is(err, ErrAnswered) { // a housemate answered first
					continue
				}
				return sum, err
			}
			got++
			sum.Responses++
		}
		if closes.Before(now) {
			clock = closes
			if err := s.CloseSurvey(ctx, staff, community, sv.ID, sv.Version); err != nil {
				return sum, err
			}
		}
	}
	return sum, nil
}
