package events

import (
	"context"
	"sort"
	"strconv"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
)

// KPI groupings.
const (
	ByDepartment = "department"
	ByGrid       = "grid"
	ByCommunity  = "community"
	ByCategory   = "category" // 大类
	ByMonth      = "month"
)

// KPIRow is one group's figures over the events reported in a period.
//
//	on-time rate (按期处置率)  OnTime / Handled: handled (反馈) events whose every feedback came by its handling deadline
//	closure rate (结案率)      Closed / Accepted: accepted events (not rejected, merged or transferred) now closed
//	rework rate (返工率)       Reworked / Handled: handled events sent back at least once
//	average handling time     HandlingMinutes / Handled, in working time from dispatch (or acceptance) to the last feedback
//	satisfaction (满意率)      Satisfied / Rated: ratings of 4 or 5 stars
//	overdue now               open events past their current deadline (the one definition)
type KPIRow struct {
	Key      string `json:"key"`
	Label    string `json:"label"`
	Reported int    `json:"reported"`
	Accepted int    `json:"accepted"`
	Handled  int    `json:"handled"`
	OnTime   int    `json:"on_time"`
	Reworked int    `json:"reworked"`
	Closed   int    `json:"closed"`
	Rated    int    `json:"rated"`
	// Satisfied counts ratings of 4 or 5; RatingSum adds up every rating.
	Satisfied       int   `json:"satisfied"`
	RatingSum       int   `json:"rating_sum"`
	HandlingMinutes int64 `json:"handling_minutes"`
	OverdueNow      int   `json:"overdue_now"`
}

// Rates, 0 when there is nothing to divide.
func (r KPIRow) OnTimeRate() float64  { return ratio(r.OnTime, r.Handled) }
func (r KPIRow) ClosureRate() float64 { return ratio(r.Closed, r.Accepted) }
func (r KPIRow) ReworkRate() float64  { return ratio(r.Reworked, r.Handled) }
func (r KPIRow) Satisfaction() float64 {
	return ratio(r.Satisfied, r.Rated)
}
func (r KPIRow) AvgRating() float64 { return ratio(r.RatingSum, r.Rated) }
func (r KPIRow) AvgHandlingHours() float64 {
	if r.Handled == 0 {
		return 0
	}
	return float64(r.HandlingMinutes) / float64(r.Handled) / 60
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// KPIQuery selects the events measured.
type KPIQuery struct {
	Unit     int64     // within a unit's subtree; 0 for all v sees
	From, To time.Time // reported in [From, To)
	By       string    // ByDepartment, ByGrid, ByCommunity, ByCategory, ByMonth; "" for one total row
}

// KPIs computes the figures of the events v may see, grouped.
func (s *Store) KPIs(ctx context.Context, v *access.Viewer, kq KPIQuery) ([]KPIRow, error) {
	now := s.now()
	b, err := s.filterSQL(ctx, v, Filter{Unit: kq.Unit, From: kq.From, To: kq.To}, now)
	if err != nil {
		return nil, err
	}
	key := "''"
	switch kq.By {
	case ByDepartment:
		key = "COALESCE(e.department, '')"
	case ByGrid:
		key = "CAST(COALESCE(e.grid_id, 0) AS TEXT)"
	case ByCommunity:
		key = "CAST(e.community_id AS TEXT)"
	case ByCategory:
		key = "(SELECT COALESCE(c.parent, c.code) FROM event_categories c WHERE c.code = e.category)"
	case ByMonth:
		key = "SUBSTR(e.reported_on, 1, 7)"
	}
	nowArg := b.arg(fmtT(now))
	final := b.List(database.AnyOf([]string{StatusRejected, StatusMerged, StatusTransferred})...)
	open := b.List(database.AnyOf(OpenStatuses)...)
	closed := b.arg(StatusClosed)
	group := ""
	if kq.By != "" {
		group = ` GROUP BY 1 ORDER BY 1`
	}
	sum := func(cond string) string { return "COALESCE(SUM(CASE WHEN " + cond + " THEN 1 ELSE 0 END), 0)" }
	rows, err := s.db.QueryContext(ctx, `SELECT `+key+` AS k, COUNT(*), `+
		sum("e.status NOT IN ("+final+")")+`, `+
		sum("e.feedback_at <> ''")+`, `+
		sum("e.on_time = 1")+`, `+
		sum("e.feedback_at <> '' AND e.rework_count > 0")+`, `+
		sum("e.status = "+closed)+`, `+
		sum("e.rating IS NOT NULL")+`, `+
		sum("e.rating >= 4")+`,
		COALESCE(SUM(e.rating), 0),
		COALESCE(SUM(CASE WHEN e.feedback_at <> '' THEN e.handling_minutes ELSE 0 END), 0), `+
		sum("e.status IN ("+open+") AND "+OverdueSQL("e", nowArg))+`
		FROM events e WHERE 1 = 1`+b.sql()+group, b.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []KPIRow
	for rows.Next() {
		var r KPIRow
		if err := rows.Scan(&r.Key, &r.Reported, &r.Accepted, &r.Handled, &r.OnTime, &r.Reworked, &r.Closed,
			&r.Rated, &r.Satisfied, &r.RatingSum, &r.HandlingMinutes, &r.OverdueNow); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, s.labelKPIs(ctx, kq.By, out)
}

// labelKPIs names each group and orders them by name.
func (s *Store) labelKPIs(ctx context.Context, by string, rows []KPIRow) error {
	switch by {
	case ByDepartment:
		names, err := s.Departments(ctx)
		if err != nil {
			return err
		}
		for i := range rows {
			rows[i].Label = names[rows[i].Key]
			if rows[i].Key == "" {
				rows[i].Label = "社区自办/未派遣"
			}
		}
	case ByGrid, ByCommunity:
		for i := range rows {
			rows[i].Label = "未划网格"
			id, _ := strconv.ParseInt(rows[i].Key, 10, 64)
			if id == 0 {
				continue
			}
			if u, err := s.org.Get(ctx, id); err == nil {
				rows[i].Label = u.Name
			}
		}
	case ByCategory:
		cat, err := s.Catalogue(ctx)
		if err != nil {
			return err
		}
		for i := range rows {
			rows[i].Label = cat.Name(rows[i].Key)
		}
	case ByMonth:
		for i := range rows {
			rows[i].Label = rows[i].Key
		}
	default:
		for i := range rows {
			rows[i].Label = "合计"
		}
	}
	if by != ByMonth {
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].Label < rows[j].Label })
	}
	return nil
}
