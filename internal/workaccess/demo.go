package workaccess

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"shequ/internal/database"
	"shequ/internal/workdays"
)

// demoBy signs the demo's requests and decisions, so that a second load
// finds them.
const demoBy = "演示数据"

// demoRequest is one department's request of the demo and what the review
// group made of it.
type demoRequest struct {
	daysAgo int // calendar days before today it arrived (moved back to a working day)
	draft   Draft
	outcome string // "" pending
	reasons string
	change  func(*Draft)
}

func demoRequests() []demoRequest {
	d := func(kind, dept, title, basis, freq, hours, rule, yuan string) Draft {
		return Draft{Kind: kind, Department: dept, Title: title, LegalBasis: basis, Content: title, Frequency: freq,
			StaffHours: hours, FundingRule: rule, FundingYuan: yuan}
	}
	return []demoRequest{
		{daysAgo: 118, draft: d(Assistance, "civil", "老年人能力综合评估入户协助", "《养老机构管理办法》第十二条", "每年", "1.5", PerHousehold, "15"),
			outcome: AdmittedAsAsked},
		{daysAgo: 110, draft: d(Assistance, "health", "家庭医生签约入户宣传", "《关于推进家庭医生签约服务的指导意见》", "每年", "0.5", Unfunded, ""),
			outcome: Refused, reasons: "属卫生健康部门和社区卫生服务中心职责,且无经费;社区可协助张贴通知,不承担入户签约指标"},
		{daysAgo: 96, draft: d(Assistance, "emergency", "燃气用户安全检查台账", "《城镇燃气管理条例》第四十一条", "每季度", "6", PerYear, "3000"),
			outcome: AdmittedChanged, change: func(x *Draft) { x.Frequency, x.StaffHours, x.FundingYuan = "每半年", "4", "4000" }},
		{daysAgo: 88, draft: d(Assistance, "zongzhi", "平安建设入户问卷(每户一份)", "《关于加强社会治安防控体系建设的意见》", "每季度", "12", Unfunded, ""),
			outcome: Refused, reasons: "问卷内容可由登记数据计算的部分占七成,其余可并入年度满意度调查;未列经费"},
		{daysAgo: 75, draft: d(Assistance, "labour", "灵活就业人员参保登记协助", "《中华人民共和国社会保险法》第二十条", "按需", "0.5", PerOccurrence, "10"),
			outcome: AdmittedAsAsked},
		{daysAgo: 66, draft: d(Assistance, "market", "电动自行车经营门店巡查", "《电动自行车安全技术规范》", "每月", "3", Unfunded, ""),
			outcome: Refused, reasons: "属市场监管部门行政检查,依负面清单社区不承担执法检查"},
		{daysAgo: 58, draft: d(Assistance, "veterans", "退役军人家庭走访慰问", "《中华人民共和国退役军人保障法》第六十三条", "每年", "1", PerHousehold, "20"),
			outcome: AdmittedChanged, change: func(x *Draft) { x.Frequency = "春节、八一各一次"; x.FundingYuan = "30" }},
		{daysAgo: 47, draft: d(Assistance, "disabled", "残疾人辅具需求评估协助", "《中华人民共和国残疾人保障法》第五十二条", "每年", "1", PerHousehold, "20"),
			outcome: AdmittedAsAsked},
		{daysAgo: 40, draft: d(Assistance, "police", "寄递物流网点登记协助", "《快递暂行条例》", "每季度", "2", Unfunded, "")},
		{daysAgo: 30, draft: d(Assistance, "housing", "既有住宅加装电梯意见征集", "《关于全面推进城镇老旧小区改造工作的指导意见》", "按需", "8", PerOccurrence, "1500"),
			outcome: AdmittedAsAsked},
		{daysAgo: 12, draft: d(Assistance, "education", "校外培训机构线索报告", "《关于进一步减轻义务教育阶段学生作业负担和校外培训负担的意见》", "按需", "0.5", Unfunded, "")},
		{daysAgo: 4, draft: d(Assistance, "civil", "孤寡老人助餐需求登记", "《关于推进老年助餐服务的行动方案》", "每年", "1", PerHousehold, "10")},
	}
}

// LoadDemo adds a few months of 准入 requests before today: admitted,
// admitted with changes, refused, one review overdue and one pending in
// time; and the demands on the first communities with their answers. The
// same seed gives the same requests; a second call adds none.
func LoadDemo(ctx context.Context, db *database.DB, seed uint64, today time.Time) error {
	if err := loadDemoDemands(ctx, db, today); err != nil {
		return err
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM work_requests WHERE submitted_by = $1`, demoBy).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	cal, err := workdays.Load(ctx, db)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(seed^0x15AC, seed))
	for _, dr := range demoRequests() {
		received := today.In(workdays.Shanghai).AddDate(0, 0, -dr.daysAgo)
		received = time.Date(received.Year(), received.Month(), received.Day(), 9+rng.IntN(7), rng.IntN(60), 0, 0, workdays.Shanghai)
		for !cal.IsWorkday(received) {
			received = received.AddDate(0, 0, -1)
		}
		at := received
		s := NewService(db, func() time.Time { return at })
		earliest, _, err := s.Clocks(ctx, received)
		if err != nil {
			return err
		}
		start, _ := workdays.ParseDate(earliest)
		dr.draft.ValidFrom = start.AddDate(0, 0, 7*rng.IntN(4)).Format("2006-01-02")
		r, err := s.Submit(ctx, demoBy, nil, dr.draft, dr.draft.ValidFrom)
		if err != nil {
			return fmt.Errorf("%s: %w", dr.draft.Title, err)
		}
		if dr.outcome == "" {
			continue
		}
		at = cal.AddWorkdays(received, 5+rng.IntN(10)).Add(-time.Duration(1+rng.IntN(6)) * time.Hour)
		dec := Decision{Outcome: dr.outcome, Reasons: dr.reasons}
		if dr.change != nil {
			dec.Changed = DraftOf(r.Terms)
			dr.change(&dec.Changed)
		}
		if _, err := s.Decide(ctx, demoBy, r.ID, r.Version, dec); err != nil {
			return fmt.Errorf("%s: %w", dr.draft.Title, err)
		}
	}
	return nil
}
