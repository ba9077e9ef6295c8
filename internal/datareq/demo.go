package datareq

import (
	"context"
	"fmt"
	"strings"
	"time"

	"shequ/internal/database"
	"shequ/internal/reports"
	"shequ/internal/workaccess"
	"shequ/internal/workdays"
)

// demoBy marks what the demo submitted, so a second load adds nothing.
const demoBy = "示例数据"

// demoRequest is a department's data request of the demo: what it asked,
// months before today, and what the review group did with the items the
// register could not answer.
type demoRequest struct {
	monthsAgo  int
	department string
	title      string
	period     func(time.Time) string // the first period, from the submission date
	lines      []string
	fundYuan   string
	basis      string
	outcomes   []string // per typed item, in order: admitted, admitted with changes or refused
	reasons    string
	sheetTitle string
}

func demoRequests() []demoRequest {
	month := func(t time.Time) string { return t.Format("2006-01") }
	quarter := func(t time.Time) string {
		return fmt.Sprintf("%d-Q%d", t.Year(), (int(t.Month())+2)/3)
	}
	return []demoRequest{
		{monthsAgo: 8, department: "civil", title: "社会救助和养老服务月度数据", period: month,
			lines: []string{"MZ01 A001", "MZ02 A002", "MZ03 A006", "MZ04 A007", "MZ05 A013", "MZ06 流动人口",
				"MZ07 人口.性别", "MZ08 临时救助入户核查次数", "MZ09 高龄津贴待认证人数"},
			fundYuan: "30", basis: "《社会救助暂行办法》第六十条;民政部关于加强社会救助家庭经济状况核对的通知",
			outcomes: []string{workaccess.AdmittedAsAsked, workaccess.Refused},
			reasons:  "高龄津贴认证已由人社部门刷脸认证完成,不需社区另行统计", sheetTitle: "民政月报(社区部分)"},
		{monthsAgo: 6, department: "health", title: "健康管理季度数据", period: quarter,
			lines:    []string{"WJ-1 A001", "WJ-2 女性", "WJ-3 household.kind", "WJ-4 家庭医生签约随访次数"},
			basis:    "《国家基本公共卫生服务规范(第三版)》",
			outcomes: []string{workaccess.AdmittedChanged}},
	}
}

// LoadDemo adds the departments' data requests of the demo for unit (the
// chengbei street): each a subscription with periods to download and typed
// items the review group decided. A second call adds none.
func LoadDemo(ctx context.Context, db *database.DB, rep *reports.Service, unit int64, today time.Time) error {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM data_requests WHERE submitted_by = $1`, demoBy).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	cal, err := workdays.Load(ctx, db)
	if err != nil {
		return err
	}
	for _, dr := range demoRequests() {
		at := today.In(workdays.Shanghai).AddDate(0, -dr.monthsAgo, 0)
		at = time.Date(at.Year(), at.Month(), at.Day(), 10, 0, 0, 0, workdays.Shanghai)
		for !cal.IsWorkday(at) {
			at = at.AddDate(0, 0, -1)
		}
		now := func() time.Time { return at }
		work := workaccess.NewService(db, now)
		earliest, _, err := work.Clocks(ctx, at)
		if err != nil {
			return err
		}
		start, _ := workdays.ParseDate(earliest)
		s := NewService(db, rep, work, now)
		d := Draft{Department: dr.department, Title: dr.title, UnitID: unit, Period: dr.period(start),
			Lines: strings.Join(dr.lines, "\n"), FundYuan: dr.fundYuan, LegalBasis: dr.basis, StartsOn: earliest,
			SheetTitle: dr.sheetTitle}
		r, err := s.Submit(ctx, demoBy, nil, d)
		if err != nil {
			return fmt.Errorf("%s: %w", dr.title, err)
		}
		// The review group decides the typed items a week or two later.
		decided := cal.AddWorkdays(at, 8)
		review := workaccess.NewService(db, func() time.Time { return decided })
		k := 0
		for _, it := range r.Items {
			if it.Computed || it.WorkRequestID == 0 || k >= len(dr.outcomes) {
				continue
			}
			wr, err := review.Request(ctx, it.WorkRequestID)
			if err != nil {
				return err
			}
			dec := workaccess.Decision{Outcome: dr.outcomes[k]}
			switch dec.Outcome {
			case workaccess.Refused:
				dec.Reasons = dr.reasons
			case workaccess.AdmittedChanged:
				dec.Changed = workaccess.DraftOf(wr.Terms)
				dec.Changed.Frequency = "每半年"
			}
			if _, err := review.Decide(ctx, demoBy, wr.ID, wr.Version, dec); err != nil {
				return fmt.Errorf("%s, %s: %w", dr.title, it.Text, err)
			}
			k++
		}
	}
	return nil
}
