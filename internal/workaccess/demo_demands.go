package workaccess

import (
	"context"
	"fmt"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/workdays"
)

// demoDemand is one demand of the demo on the first communities and the
// community's answer ("" left open).
type demoDemand struct {
	daysAgo, dueIn int
	kind, dept     string
	title          string
	item           int64
	answer         string // Accepted, DemandRefused or ""
	reason         string
	doneIn         int // days after accepting it the community marked it done; 0 not done
}

func demoDemands() []demoDemand {
	return []demoDemand{
		{112, 20, "item", "civil", "第三季度居民会议", 1001, Accepted, "", 12},
		{104, 14, "campaign", "zongzhi", "平安建设宣传月入户问卷", 0, DemandRefused, "问卷内容可由登记数据计算,且未经准入", 0},
		{95, 10, "item", "zongzhi", "网格巡查月报", 1029, Accepted, "", 6},
		{83, 7, "inspection", "civil", "创建达标考核评比台账", 1122, DemandRefused, "", 0},
		{70, 15, "item", "civil", "居务公开栏更新", 1003, DemandRefused, "公开栏维修无经费,待街道拨付后再做", 0},
		{58, 30, "item", "civil", "困难群众冬季走访", 1014, Accepted, "", 20},
		{41, 5, "plaque", "", "“社区心理服务站”挂牌", 0, DemandRefused, "机构牌子未经准入", 0},
		{26, 9, "meeting", "police", "反诈宣传工作推进会", 1060, Accepted, "", 0},
		{9, 12, "campaign", "health", "秋冬季爱国卫生大扫除动员", 0, "", "", 0},
		{3, 10, "form", "police", "出租房屋信息季度核对", 1033, "", "", 0},
	}
}

// loadDemoDemands fills the first two communities' inboxes with a few
// months of demands: accepted, done, refused with reasons, and open ones,
// among them a campaign not admitted.
func loadDemoDemands(ctx context.Context, db *database.DB, today time.Time) error {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM demands WHERE sent_by = $1`, demoBy).Scan(&n); err != nil || n > 0 {
		return err
	}
	rows, err := db.QueryContext(ctx, `SELECT id FROM org_units WHERE level = 'community' ORDER BY sort, id`)
	if err != nil {
		return err
	}
	var communities []int64
	for rows.Next() && len(communities) < 2 {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		communities = append(communities, id)
	}
	rows.Close()
	v := *access.System
	v.Name = demoBy
	for ci, c := range communities {
		for _, dd := range demoDemands() {
			sent := today.In(workdays.Shanghai).AddDate(0, 0, -dd.daysAgo-ci)
			at := time.Date(sent.Year(), sent.Month(), sent.Day(), 10, 0, 0, 0, workdays.Shanghai)
			s := NewService(db, func() time.Time { return at })
			d, err := s.Send(ctx, &v, DemandDraft{Kind: dd.kind, Title: dd.title, Department: dd.dept, CommunityID: c,
				WorkItemID: dd.item, DueOn: dateOf(at.AddDate(0, 0, dd.dueIn))})
			if err != nil {
				return fmt.Errorf("%s: %w", dd.title, err)
			}
			if dd.answer == "" {
				continue
			}
			at = at.AddDate(0, 0, 2)
			if d, err = s.Answer(ctx, &v, d.ID, d.Version, dd.answer == DemandRefused, dd.reason); err != nil {
				return fmt.Errorf("%s: %w", dd.title, err)
			}
			if dd.doneIn == 0 {
				continue
			}
			done := at.AddDate(0, 0, dd.doneIn)
			s = NewService(db, func() time.Time { return done })
			if _, err := s.Complete(ctx, &v, d.ID, d.Version); err != nil {
				return fmt.Errorf("%s: %w", dd.title, err)
			}
		}
	}
	return nil
}
