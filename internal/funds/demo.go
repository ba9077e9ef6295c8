package funds

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"shequ/internal/database"
	"shequ/internal/money"
	"shequ/internal/workdays"
)

// DemoSummary counts what LoadDemo made.
type DemoSummary struct {
	Funds, Entries int
}

// LoadDemo gives a community a year of accounts up to now: each year's
// 工作经费 allocated by 成都's rule from the register and 以奖代补 by
// 乌海's, budgets, monthly expenses by category with vouchers, the
// 费随事转 fund spent against the departments' payments workaccess's
// demo recorded, donations spent on 慰问, an expense entered twice and
// reversed, last year's working money carried into this year's fund, and a
// special fund received and left unspent (idle). It does
// nothing when the community already has funds.
func LoadDemo(ctx context.Context, db *database.DB, community int64, seed uint64, now time.Time) (DemoSummary, error) {
	var sum DemoSummary
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM funds WHERE community_id = $1`, community).Scan(&n); err != nil || n > 0 {
		return sum, err
	}
	rng := rand.New(rand.NewPCG(seed^0xF00D, seed))
	today := now.In(workdays.Shanghai)
	clock := today
	s := NewService(db, func() time.Time { return clock })
	st := Staff{Name: "社区居委会", Source: "demo", May: func(c int64) bool { return c == community }}
	db.QueryRowContext(ctx, `SELECT name FROM org_staff WHERE community_id = $1 AND role <> 'grid_worker'
		ORDER BY CASE role WHEN 'community_staff' THEN 0 ELSE 1 END, id LIMIT 1`, community).Scan(&st.Name)
	at := func(d time.Time) { clock = time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, workdays.Shanghai) }
	day := func(d time.Time) string { return d.Format(database.DateLayout) }
	first := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, workdays.Shanghai).AddDate(0, -11, 0)
	type yearFunds struct{ working, award, transfer, donation Fund }
	years := map[int]*yearFunds{}
	open := func(y int) (*yearFunds, error) {
		if yf := years[y]; yf != nil {
			return yf, nil
		}
		at(time.Date(y, 1, 5, 0, 0, 0, 0, workdays.Shanghai))
		if clock.After(today) {
			clock = today
		}
		yf := &yearFunds{}
		var err error
		mk := func(dst *Fund, d Draft) {
			if err == nil {
				d.Year = y
				*dst, err = s.Create(ctx, st, community, d)
				sum.Funds++
			}
		}
		mk(&yf.working, Draft{Kind: "working", Name: "社区保障激励资金", Source: "区财政", RuleCode: "chengdu", IdleDays: "120"})
		mk(&yf.award, Draft{Kind: "award", Name: "以奖代补资金", Source: "街道办事处", RuleCode: "wuhai", NegativeList: "宴请\n旅游\n发放津补贴"})
		mk(&yf.transfer, Draft{Kind: "transfer", Name: "费随事转经费", Source: "区直部门"})
		mk(&yf.donation, Draft{Kind: "donation", Name: "爱心捐赠", Source: "辖区企业和居民", NegativeList: "宴请\n礼品\n烟酒"})
		if err != nil {
			return nil, err
		}
		years[y] = yf
		on := time.Date(y, 1, 10, 0, 0, 0, 0, workdays.Shanghai)
		if on.After(today) {
			on = today
		}
		at(on)
		if _, err := s.Allocate(ctx, st, yf.working.ID, day(on)); err != nil {
			return nil, fmt.Errorf("工作经费拨付: %w", err)
		}
		budget := map[string]string{"office": "18000", "activity": "45000", "purchase": "30000", "care": "20000",
			"repair": "25000", "publicity": "8000", "other": "5000"}
		if err := s.SetBudget(ctx, st, yf.working.ID, budget); err != nil {
			return nil, err
		}
		sum.Entries++
		if last := years[y-1]; last != nil {
			// 上年结余结转: last year's working money left moves on.
			cur, err := s.Fund(ctx, st, last.working.ID)
			if err != nil {
				return nil, err
			}
			if cur.BalanceFen > 0 {
				if _, err := s.Move(ctx, st, last.working.ID, Transfer{To: yf.working.ID, AmountYuan: money.Yuan(cur.BalanceFen),
					OnDate: day(on), Description: fmt.Sprintf("%d年工作经费结余结转", y-1)}); err != nil {
					return nil, err
				}
				sum.Entries += 2
			}
		}
		return yf, nil
	}
	spend := func(f Fund, on time.Time, cat, payee, what string, yuan int) (Entry, error) {
		at(on)
		cur, err := s.Fund(ctx, st, f.ID)
		if err != nil {
			return Entry{}, err
		}
		fen := int64(yuan)*100 + int64(rng.IntN(100))
		if fen > cur.BalanceFen {
			return Entry{}, nil // as a treasurer would: not more than is there
		}
		e, err := s.Spend(ctx, st, f.ID, Expense{AmountYuan: money.Yuan(fen), OnDate: day(on), Category: cat, Payee: payee,
			Description: what, Files: []VoucherFile{{Name: "发票" + day(on) + ".pdf", Data: demoPDF(what, fen)}}})
		if err == nil {
			sum.Entries++
		}
		return e, err
	}
	offices := []string{"城北文具店", "鑫达办公用品商行", "联通营业厅"}
	acts := []string{"元宵节猜灯谜活动物资", "学雷锋志愿服务日活动", "端午包粽子活动食材", "重阳节敬老茶话会", "社区运动会奖品", "暑期青少年托管活动", "中秋邻里节活动"}
	for m := first; !m.After(today); m = m.AddDate(0, 1, 0) {
		yf, err := open(m.Year())
		if err != nil {
			return sum, err
		}
		d := func(dd int) time.Time {
			t := m.AddDate(0, 0, dd-1)
			if t.After(today) {
				return today
			}
			return t
		}
		steps := []step{
			{yf.working, d(6), "office", offices[rng.IntN(len(offices))], "办公用品及宽带费", 600 + rng.IntN(900)},
			{yf.working, d(15), "activity", "城北社区文化站", acts[(int(m.Month())+rng.IntN(2))%len(acts)], 1500 + rng.IntN(4000)},
			{yf.working, d(22), "publicity", "城北图文快印", "宣传栏更换、政策宣传单印制", 300 + rng.IntN(700)},
		}
		if m.Month()%3 == 0 {
			steps = append(steps, step{yf.working, d(18), "repair", "永安维修服务部", "楼道照明和单元门禁维修", 2000 + rng.IntN(5000)},
				step{yf.transfer, d(25), "purchase", "榆阳区启航社会工作服务中心", "购买入户走访和特殊人群关爱服务", 6000 + rng.IntN(6000)})
		}
		if m.Month() == 1 || m.Month() == 9 {
			at(d(3))
			if _, err := s.Receive(ctx, st, yf.donation.ID, Receipt{AmountYuan: fmt.Sprint(8000 + 1000*rng.IntN(6)), OnDate: day(d(3)),
				Payer: "陕西城北建材有限公司", Description: "节日慰问困难群众捐款"}); err != nil {
				return sum, err
			}
			sum.Entries++
			if _, err := spend(yf.donation, d(20), "care", "困难家庭 12 户", "节日慰问困难群众(米面油)", 4000+rng.IntN(2000)); err != nil {
				return sum, err
			}
		}
		if m.Month() == 5 || m.Month() == 11 {
			if _, err := spend(yf.award, d(12), "purchase", "城北物业服务中心", "小区环境整治以奖代补项目", 8000+rng.IntN(4000)); err != nil {
				return sum, err
			}
		}
		for _, x := range steps {
			if _, err := spend(x.f, x.on, x.cat, x.payee, x.what, x.yuan); err != nil {
				return sum, err
			}
		}
	}
	y := years[today.Year()]
	if y == nil {
		return sum, nil
	}
	// An expense entered twice, the second reversed the next day.
	if on := today.AddDate(0, 0, -40); on.Year() == today.Year() {
		x, err := spend(y.working, on, "office", "鑫达办公用品商行", "打印纸、硒鼓", 760)
		if err == nil && x.ID != 0 {
			x, err = spend(y.working, on, "office", "鑫达办公用品商行", "打印纸、硒鼓", 760)
		}
		if err == nil && x.ID != 0 {
			at(on.AddDate(0, 0, 1))
			_, err = s.Reverse(ctx, st, x.ID, "同一张发票重复登记")
			sum.Entries++
		}
		if err != nil {
			return sum, err
		}
	}
	// A special fund received months ago and not touched since: idle.
	on := today.AddDate(0, -7, 0)
	if on.Year() != today.Year() {
		on = time.Date(today.Year(), 1, 20, 0, 0, 0, 0, workdays.Shanghai)
	}
	at(on)
	sp, err := s.Create(ctx, st, community, Draft{Kind: "special", Name: "老旧小区微更新专项", Year: today.Year(), Source: "区住建局",
		IdleDays: "90", NegativeList: "宴请\n办公"})
	if err != nil {
		return sum, err
	}
	sum.Funds++
	if _, err := s.Receive(ctx, st, sp.ID, Receipt{AmountYuan: "50000", OnDate: day(on), Payer: "区住房和城乡建设局",
		Description: "3号院加装扶手和无障碍坡道"}); err != nil {
		return sum, err
	}
	sum.Entries++
	return sum, nil
}

// step is one planned expense of the demo.
type step struct {
	f          Fund
	on         time.Time
	cat, payee string
	what       string
	yuan       int
}

// demoPDF is a one-line PDF standing for a scanned invoice.
func demoPDF(what string, fen int64) []byte {
	return []byte(fmt.Sprintf("%%PDF-1.4\n%% 示例凭证:%s %s 元\n%%%%EOF\n", what, money.Yuan(fen)))
}
