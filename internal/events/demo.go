package events

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/orgtree"
	"shequ/internal/workdays"
)

// LoadDemo adds a realistic month and a half of events to the demo
// communities loaded in db (at most the first maxCommunities, so that the
// city preset stays quick): reported by their grid workers and residents,
// in every stage of the workflow, some late and under 督办, some reworked,
// most closed and rated; and the contacts who receive notices. The same
// seed and today give the same events.
func LoadDemo(ctx context.Context, db *database.DB, seed uint64, today time.Time) error {
	const maxCommunities = 3
	rng := rand.New(rand.NewPCG(seed^0xE7E7, seed))
	s := NewStore(db)
	org := orgtree.NewStore(db)
	rows, err := db.QueryContext(ctx, `SELECT id FROM org_units WHERE level = 'community' ORDER BY sort, id`)
	if err != nil {
		return err
	}
	var communities []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		communities = append(communities, id)
	}
	rows.Close()
	if len(communities) > maxCommunities {
		communities = communities[:maxCommunities]
	}
	perCommunity := 120 // 城北 or 紫南 alone: enough for the KPIs to say something
	if len(communities) > 1 {
		perCommunity = 50
	}
	if err := demoContacts(ctx, s, org, communities); err != nil {
		return err
	}
	cat, err := s.Catalogue(ctx)
	if err != nil {
		return err
	}
	var leaves []Category
	for _, c := range cat.Categories() {
		if c.Parent != "" && c.Active {
			leaves = append(leaves, c)
		}
	}
	for _, community := range communities {
		grids, err := org.Descendants(ctx, community, orgtree.LevelGrid)
		if err != nil {
			return err
		}
		if len(grids) == 0 {
			continue
		}
		staff, err := org.StaffWithin(ctx, community)
		if err != nil {
			return err
		}
		workers := map[int64]string{}
		office := "社区工作人员"
		for _, st := range staff {
			switch st.Role {
			case orgtree.RoleGridWorker:
				workers[st.UnitID] = st.Name
			case orgtree.RoleCommunityStaff:
				office = st.Name
			}
		}
		for i := 0; i < perCommunity; i++ {
			g := grids[rng.IntN(len(grids))]
			if err := demoEvent(ctx, s, org, rng, today, g, workers[g.ID], office, leaves[rng.IntN(len(leaves))], i); err != nil {
				return fmt.Errorf("演示事件: %w", err)
			}
		}
	}
	return nil
}

func demoContacts(ctx context.Context, s *Store, org *orgtree.Store, communities []int64) error {
	seen := map[string]bool{}
	n := 0
	add := func(unit int64, dept, name string) error {
		key := fmt.Sprint(unit, dept)
		if seen[key] {
			return nil
		}
		seen[key] = true
		n++
		return s.AddContact(ctx, nil, &Contact{UnitID: unit, Department: dept, Name: name, Phone: fmt.Sprintf("1380091%04d", n)})
	}
	for _, c := range communities {
		p, err := s.placeOf(ctx, c)
		if err != nil {
			return err
		}
		if err := add(c, "", p.Community.Name+"值班室"); err != nil {
			return err
		}
		if p.Street.ID != 0 {
			if err := add(p.Street.ID, "", p.Street.Name+"二级平台"); err != nil {
				return err
			}
		}
		if p.District.ID != 0 {
			if err := add(p.District.ID, "", p.District.Name+"指挥中心"); err != nil {
				return err
			}
			names, err := s.Departments(ctx)
			if err != nil {
				return err
			}
			for code, name := range names {
				if err := add(p.District.ID, code, name+"值班"); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

var demoTexts = map[string][]string{
	"env":      {"楼道口垃圾堆积,已有异味", "绿化带内有建筑垃圾", "小区门口墙面贴满小广告"},
	"facility": {"人行道井盖松动,踩上去会翘起", "路灯连续三晚不亮", "道路坑洼积水,老人出行不便"},
	"order":    {"早市摊贩占用人行道", "消防通道被车辆长期占用"},
	"build":    {"顶楼住户私自加盖彩钢房", "夜间施工噪音扰民"},
	"safety":   {"楼道堆放电动车充电,存在火灾隐患", "闻到燃气味,疑似管道泄漏", "老旧平房墙体开裂"},
	"rental":   {"出租房新住进三人,未登记", "一套房隔成六间出租"},
	"dispute":  {"楼上漏水,两家协商不成", "夫妻矛盾,女方求助", "业主与物业因停车费争执", "工地拖欠工人工资"},
	"demand":   {"独居老人家中无人照料,需帮扶", "楼栋停水两天", "居民咨询低保办理"},
	"health":   {"小餐馆后厨卫生差", "小区发现多只死老鼠"},
}

// demoEvent reports one event some days ago and walks it some way along
// the workflow, each step a plausible while after the last.
func demoEvent(ctx context.Context, s *Store, org *orgtree.Store, rng *rand.Rand, today time.Time, grid orgtree.Unit,
	worker, office string, c Category, i int) error {
	cat, err := s.Catalogue(ctx)
	if err != nil {
		return err
	}
	cal, err := s.Calendar(ctx)
	if err != nil {
		return err
	}
	// Reported during working hours on one of the last 45 days.
	day := today.AddDate(0, 0, -rng.IntN(45))
	at := time.Date(day.Year(), day.Month(), day.Day(), 8+rng.IntN(9), rng.IntN(60), 0, 0, workdays.Shanghai)
	if at.After(today) {
		at = today.Add(-time.Duration(rng.IntN(180)+10) * time.Minute)
	}
	clock := at
	s.SetClock(func() time.Time { return clock })
	texts := demoTexts[c.Parent]
	r := Report{OrgID: grid.ID, Category: c.Code, Description: texts[rng.IntN(len(texts))], Source: SourceGrid}
	if rng.IntN(4) == 0 {
		r.Source, r.ReporterName, r.ReporterPhone = SourceResident, "", fmt.Sprintf("139%08d", rng.IntN(1e8))
	}
	if rng.IntN(8) == 0 {
		r.Urgency = UrgencyUrgent
	}
	if geo, err := orgParse(grid); err == nil {
		a, b, cc, d := geo.Bounds()
		for try := 0; try < 20; try++ {
			lon, lat := a+(cc-a)*rng.Float64(), b+(d-b)*rng.Float64()
			if inGeometry(geo, lon, lat) {
				r.Lat, r.Lon = &lat, &lon
				break
			}
		}
	}
	r.actorName = worker
	if r.Source == SourceResident || worker == "" {
		r.actorName = ""
	}
	e, err := s.report(ctx, access.System, r, r.Source == SourceResident)
	if err != nil {
		return err
	}
	// How far it has got: older events further along.
	age := today.Sub(at)
	stage := rng.IntN(10)
	switch {
	case age < 48*time.Hour:
		stage = rng.IntN(4)
	case age > 10*24*time.Hour && rng.IntN(8) > 0:
		stage = 7 + rng.IntN(3)
	case age <= 10*24*time.Hour:
		stage = 3 + rng.IntN(7)
	}
	names, _ := s.Departments(ctx)
	dept := cat.Effective(c.Code).Department
	street := cat.Effective(c.Code).Level != LevelCommunity
	// advance moves the clock on by a share of the step's limit (late
	// when share > 1), never past today.
	advance := func(share float64) bool {
		if e.DueAt.IsZero() {
			clock = clock.Add(time.Hour)
		} else {
			clock = clock.Add(time.Duration(float64(e.DueAt.Sub(clock)) * share))
		}
		clock = cal.NextWorkingTime(clock)
		return clock.Before(today)
	}
	share := func() float64 {
		if rng.IntN(7) == 0 {
			return 1.3 + rng.Float64() // late
		}
		return 0.1 + 0.6*rng.Float64()
	}
	act := func(name, who string, a Action) bool {
		a.Name, a.actorName = name, who
		out, err := s.Act(ctx, access.System, e.ID, a)
		if err != nil {
			return false
		}
		e = out
		return true
	}
	if stage == 0 || !advance(share()) {
		return nil // still awaiting acceptance
	}
	if stage == 1 && i%3 == 0 {
		act(ActReject, office, Action{Note: "经核实不属于社区事务", PublicNote: "该问题由物业公司负责,已告知物业"})
		return nil
	}
	route := LevelCommunity
	if street {
		route = LevelStreet
	}
	if !act(ActAccept, office, Action{Route: route}) {
		return nil
	}
	p, _ := s.placeOf(ctx, e.CommunityID)
	platform := p.UnitName(LevelStreet) + "平台"
	handler := office
	if street {
		if stage == 1 || !advance(share()) {
			return nil
		}
		act(ActFile, platform, Action{})
		if stage == 2 || !advance(share()) {
			return nil
		}
		if !act(ActDispatch, platform, Action{Department: dept}) {
			return nil
		}
		handler = names[dept] + "办理人"
		if stage == 3 || !advance(0.1) {
			return nil
		}
		act(ActTake, handler, Action{})
	}
	if stage <= 4 || !advance(share()) {
		return nil
	}
	act(ActFeedback, handler, Action{Note: "已处置", PublicNote: "已到现场处理完毕"})
	if stage == 5 || !advance(share()) {
		return nil
	}
	if rng.IntN(6) == 0 {
		act(ActRework, worker, Action{Note: "现场复查仍未解决"})
		if !advance(share()) {
			return nil
		}
		act(ActFeedback, handler, Action{Note: "已返工处理", PublicNote: "已重新处理"})
		if !advance(share()) {
			return nil
		}
	}
	if c.Kind == KindDispute {
		// The mediation's outcome, recorded when the handling ended, so
		// that reports count 调解成功 from it as they would in the field.
		m, err := s.Mediation(ctx, access.System, e)
		if err == nil && m != nil {
			m.Outcome, m.Agreement, m.AgreedOn = "success", "双方当事人自愿达成和解,按约定履行", clock.In(workdays.Shanghai).Format("2006-01-02")
			if i%5 == 0 {
				m.Outcome = "partial"
			}
			if err := s.SaveMediation(ctx, access.System, e.ID, *m); err != nil {
				return fmt.Errorf("演示调解记录: %w", err)
			}
		}
	}
	act(ActVerifyPass, worker, Action{Note: "现场核查已解决"})
	if stage == 6 || !advance(share()) {
		return nil
	}
	closer := office
	if street {
		closer = platform
	}
	act(ActClose, closer, Action{PublicNote: "问题已解决,感谢您的反映"})
	if stage >= 8 && advance(0.2) {
		rating := 5 - rng.IntN(3)
		if rng.IntN(10) == 0 {
			rating = 2
		}
		act(ActRate, "群众", Action{Rating: rating})
	}
	return nil
}

func orgParse(u orgtree.Unit) (orgtree.Geometry, error) { return orgtree.ParseGeometry(u.Boundary) }
