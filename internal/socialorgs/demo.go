package socialorgs

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/workdays"
)

// The demo's 社区社会组织 in a community: 老年人协会, 舞蹈队, 志愿者协会 (run
// with the community's volunteer team where there is one), 书画协会, 邻里
// 调解队, and the hub 社区社会组织联合会 that supports them; members from the
// register, leaders, and a year of activities.

// DemoSummary counts what LoadDemo wrote.
type DemoSummary struct {
	Orgs, Members, Activities int
}

type demoOrg struct {
	name, kind     string
	founded, filed int // days before now (filed 0: still 筹备)
	size           int
	minAge, maxAge int
	women          bool
	roles          []string
	every          int // days between activities
	titles         []string
	place          string
	team           bool // the 志愿者协会: runs the volunteer team
	purpose        string
}

var demoOrgs = []demoOrg{
	{"老年人协会", "service", 1500, 1460, 46, 60, 90, false, []string{"会长", "副会长", "秘书长"}, 14,
		[]string{"重阳节敬老活动", "老年人健康讲座", "生日会", "防诈骗知识宣讲", "春节团拜会"}, "社区老年活动中心", false,
		"维护老年人权益,组织文体、学习和互助活动"},
	{"舞蹈队", "culture", 1100, 1020, 24, 40, 72, true, []string{"队长"}, 7,
		[]string{"广场舞排练", "社区文艺汇演", "广场舞比赛", "新年联欢演出"}, "社区文化广场", false,
		"组织居民跳广场舞、健身舞,参加街道文艺汇演"},
	{"志愿者协会", "service", 900, 840, 32, 20, 70, false, []string{"会长", "副会长"}, 10,
		[]string{"环境整治", "关爱独居老人", "文明劝导", "垃圾分类宣传"}, "社区党群服务中心", true,
		"组织居民志愿服务,对接社区志愿服务队"},
	{"书画协会", "culture", 420, 300, 18, 45, 85, false, []string{"会长"}, 21,
		[]string{"书法交流", "国画写生", "春联义写", "书画作品展"}, "社区书画室", false,
		"开展书法、国画学习交流,义写春联"},
	{"邻里调解队", "mediation", 700, 640, 9, 45, 75, false, []string{"队长"}, 30,
		[]string{"邻里纠纷调解", "法律知识讲座", "矛盾排查走访"}, "社区调解室", false,
		"调解邻里纠纷,宣传法律知识"},
	{"社区社会组织联合会", "service", 600, 560, 7, 35, 70, false, []string{"理事长", "秘书长"}, 60,
		[]string{"社会组织负责人培训", "公益创投项目评审", "社会组织年度交流会"}, "社区党群服务中心", false,
		"培育、孵化、扶持社区社会组织(枢纽型)"},
}

// LoadDemo writes the community's organisations and a year of their
// activities before now; a second call adds nothing.
func LoadDemo(ctx context.Context, db *database.DB, community int64, seed uint64, now time.Time) (DemoSummary, error) {
	var sum DemoSummary
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM social_orgs WHERE community_id = $1`, community).Scan(&n); err != nil || n > 0 {
		return sum, err
	}
	rng := rand.New(rand.NewPCG(seed^0x5050, seed))
	clock := now
	s := NewService(db, func() time.Time { return clock })
	st := Staff{Name: "社区居委会", May: func(c int64) bool { return c == community }}
	db.QueryRowContext(ctx, `SELECT name FROM org_staff WHERE community_id = $1 AND role <> 'grid_worker'
		ORDER BY CASE role WHEN 'community_staff' THEN 0 ELSE 1 END, id LIMIT 1`, community).Scan(&st.Name)
	type person struct {
		id         int64
		birth, sex string
		member     bool
	}
	rows, err := db.QueryContext(ctx, `SELECT id, birth_date, gender FROM persons WHERE community_id = $1 AND status = 'active'
		AND birth_date <> '' ORDER BY id LIMIT 3000`, community)
	if err != nil {
		return sum, err
	}
	var people []*person
	for rows.Next() {
		p := &person{}
		if err := rows.Scan(&p.id, &p.birth, &p.sex); err != nil {
			rows.Close()
			return sum, err
		}
		people = append(people, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return sum, err
	}
	if len(people) < 200 {
		return sum, nil // a community too small for the demo
	}
	rng.Shuffle(len(people), func(i, j int) { people[i], people[j] = people[j], people[i] })
	var team int64
	db.QueryRowContext(ctx, `SELECT id FROM volunteer_teams WHERE community_id = $1 ORDER BY CASE kind WHEN 'party' THEN 0 ELSE 1 END, id
		LIMIT 1`, community).Scan(&team)
	day := func(before int) time.Time { return now.AddDate(0, 0, -before) }
	ymd := func(t time.Time) string { return t.In(workdays.Shanghai).Format(database.DateLayout) }
	age := func(p *person, on string) int {
		if len(p.birth) < 10 {
			return -1
		}
		a := int(on[0]-'0')*1000 + int(on[1]-'0')*100 + int(on[2]-'0')*10 + int(on[3]-'0') -
			(int(p.birth[0]-'0')*1000 + int(p.birth[1]-'0')*100 + int(p.birth[2]-'0')*10 + int(p.birth[3]-'0'))
		return a
	}
	var ids []int64
	for i, d := range demoOrgs {
		clock = day(d.founded)
		o, err := s.Create(ctx, st, community, Draft{Name: d.name, Kind: d.kind, Purpose: d.purpose, Hub: d.name == "社区社会组织联合会"})
		if err != nil {
			return sum, fmt.Errorf("%s: %w", d.name, err)
		}
		sum.Orgs++
		// Members: residents of the ages the organisation gathers, joined
		// over its life; a few left.
		var members []int64
		for _, p := range people {
			if len(members) == d.size {
				break
			}
			if a := age(p, ymd(now)); a < d.minAge || a > d.maxAge || (d.women && p.sex != "F") {
				continue
			}
			founder := len(members) < len(d.roles)+3
			if p.member && (founder || rng.IntN(3) > 0) {
				continue // most people are in one organisation, some in two; each leads only one
			}
			joined := day(d.founded - rng.IntN(max(d.founded-30, 1)))
			if founder {
				joined = day(d.founded)
			}
			role := ""
			if len(members) < len(d.roles) {
				role = d.roles[len(members)]
			}
			clock = joined
			if _, err := s.Join(ctx, st, o.ID, p.id, role, ymd(joined)); err != nil {
				return sum, fmt.Errorf("%s member: %w", d.name, err)
			}
			p.member = true
			members = append(members, p.id)
			sum.Members++
		}
		// Filed with the street, the founder leading it.
		clock = day(d.filed)
		dr := Draft{Name: d.name, Kind: d.kind, Status: "filed", FilingNumber: fmt.Sprintf("ZWD-SZ-%s-%03d", ymd(clock)[:4], i+1),
			FiledOn: ymd(clock), Purpose: d.purpose, Hub: o.Hub, Supports: ids}
		if len(members) > 0 {
			dr.LeaderID = members[0]
		}
		if d.team && team != 0 {
			dr.TeamID = team
		}
		if d.name == "书画协会" {
			clock = now.AddDate(0, -2, 0)
			dr.FiledOn = ymd(clock)
			dr.FilingNumber = fmt.Sprintf("ZWD-SZ-%s-%03d", ymd(clock)[:4], i+1)
		}
		if _, err := s.Update(ctx, st, o.ID, 1, dr); err != nil {
			return sum, fmt.Errorf("%s filing: %w", d.name, err)
		}
		if !o.Hub {
			ids = append(ids, o.ID)
		}
		// A year of activities; the members present named for half of them.
		for at := now.AddDate(-1, 0, rng.IntN(d.every)+1); at.Before(now); at = at.AddDate(0, 0, d.every) {
			clock = at
			on := ymd(at)
			a := Activity{Title: d.titles[rng.IntN(len(d.titles))], Place: d.place, HeldOn: on}
			if rng.IntN(2) == 0 {
				var in []int64
				rows, err := db.QueryContext(ctx, `SELECT person_id FROM social_org_members WHERE community_id = $1 AND org_id = $2
					AND joined_on <= $3 AND (left_on = '' OR left_on >= $3)`, community, o.ID, on)
				if err != nil {
					return sum, err
				}
				for rows.Next() {
					var id int64
					rows.Scan(&id)
					if rng.IntN(10) < 7 {
						in = append(in, id)
					}
				}
				rows.Close()
				a.PersonIDs = in
			}
			if len(a.PersonIDs) == 0 {
				a.Participants = d.size/2 + rng.IntN(d.size+10)
			}
			if _, err := s.Record(ctx, st, o.ID, a); err != nil {
				return sum, fmt.Errorf("%s activity %s: %w", d.name, on, err)
			}
			sum.Activities++
		}
		// A founder who holds no office moved on a couple of months ago.
		clock = now
		if ms, err := s.Members(ctx, st, o.ID, false); err != nil {
			return sum, err
		} else if len(ms) > len(d.roles)+1 {
			for _, m := range ms {
				if m.Role == "" {
					if err := s.Leave(ctx, st, o.ID, m.ID, ymd(now.AddDate(0, -2, -rng.IntN(20)))); err != nil && fault.FieldsOf(err) == nil {
						return sum, err
					}
					break
				}
			}
		}
	}
	return sum, nil
}
