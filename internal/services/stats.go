package services

import (
	"context"

	"shequ/internal/access"
	"shequ/internal/database"
)

// ItemStats are the figures of one service item over a period, for the
// hall's statistics page and API (report indicators count applications
// through indicator_source.go). Counts are of applications taken in during
// the period, in their state today; OnTime counts finished ones closed by
// their legal deadline.
type ItemStats struct {
	Item       string  `json:"item"`
	Name       string  `json:"name"`
	Total      int     `json:"total"`
	Incomplete int     `json:"incomplete"` // waiting for materials at intake
	Processing int     `json:"processing"`
	Returned   int     `json:"returned"`
	Approved   int     `json:"approved"`
	Rejected   int     `json:"rejected"`
	Overdue    int     `json:"overdue"` // in progress past the stage deadline today
	Finished   int     `json:"finished"`
	OnTime     int     `json:"on_time"`
	OnTimeRate float64 `json:"on_time_rate"` // OnTime / Finished, 0 when none finished
	Rated      int     `json:"rated"`
	AvgRating  float64 `json:"avg_rating"` // 1–5
	Proxy      int     `json:"proxy"`      // 代办
}

// StageCount is how many cases wait at one stage of one item.
type StageCount struct {
	Item  string `json:"item"`
	Stage string `json:"stage"` // the stage's name, or 窗口 / 已办结
	Level string `json:"level"` // community, street, district, window, done
	Count int    `json:"count"`
}

// Stats counts the applications in scope taken in between from and to
// (YYYY-MM-DD, inclusive; "" leaves that end open) by item, in catalogue
// order. Items without applications are left out.
func (s *Service) Stats(ctx context.Context, scope access.Scope, from, to string) ([]ItemStats, error) {
	q, args := periodQuery(`SELECT a.item_code, MIN(i.name), COUNT(*),
		SUM(CASE WHEN a.status = 'incomplete' THEN 1 ELSE 0 END),
		SUM(CASE WHEN a.status = 'processing' THEN 1 ELSE 0 END),
		SUM(CASE WHEN a.status = 'returned' THEN 1 ELSE 0 END),
		SUM(CASE WHEN a.status = 'approved' THEN 1 ELSE 0 END),
		SUM(CASE WHEN a.status = 'rejected' THEN 1 ELSE 0 END),
		SUM(CASE WHEN a.status = 'processing' AND a.stage_due < $1 THEN 1 ELSE 0 END),
		SUM(CASE WHEN a.on_time = 1 THEN 1 ELSE 0 END),
		SUM(CASE WHEN a.rating IS NOT NULL THEN 1 ELSE 0 END),
		COALESCE(SUM(a.rating), 0),
		SUM(a.proxy)
		FROM service_applications a JOIN service_items i ON i.code = a.item_code WHERE 1 = 1`, scope, from, to, s.overdueBefore())
	rows, err := s.db.QueryContext(ctx, q+` GROUP BY a.item_code ORDER BY MIN(i.sort), a.item_code`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ItemStats
	for rows.Next() {
		var st ItemStats
		var ratingSum int
		if err := rows.Scan(&st.Item, &st.Name, &st.Total, &st.Incomplete, &st.Processing, &st.Returned, &st.Approved,
			&st.Rejected, &st.Overdue, &st.OnTime, &st.Rated, &ratingSum, &st.Proxy); err != nil {
			return nil, err
		}
		st.Finished = st.Approved + st.Rejected
		if st.Finished > 0 {
			st.OnTimeRate = float64(st.OnTime) / float64(st.Finished)
		}
		if st.Rated > 0 {
			st.AvgRating = float64(ratingSum) / float64(st.Rated)
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// StageCounts counts the applications in scope taken in during the period
// by item and the stage they are at now.
func (s *Service) StageCounts(ctx context.Context, scope access.Scope, from, to string) ([]StageCount, error) {
	q, args := periodQuery(`SELECT a.item_code, a.stage_level, a.chain, a.stage, a.status FROM service_applications a
		WHERE a.created_at >= $1`, scope, from, to, "")
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type key struct{ item, stage, level string }
	counts := map[key]int{}
	var order []key
	for rows.Next() {
		var item, level, chainJSON, status string
		var stage int
		if err := rows.Scan(&item, &level, &chainJSON, &stage, &status); err != nil {
			return nil, err
		}
		name := "窗口"
		switch level {
		case QueueDone:
			name = "已办结"
		case QueueWindow:
		default:
			a := Application{}
			if err := unmarshalChain(chainJSON, &a); err != nil {
				return nil, err
			}
			a.Stage = stage
			name = a.CurrentStage().Name
		}
		k := key{item, name, level}
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]StageCount, 0, len(order))
	for _, k := range order {
		out = append(out, StageCount{Item: k.item, Stage: k.stage, Level: k.level, Count: counts[k]})
	}
	return out, nil
}

// periodQuery appends the period and scope conditions to q, whose $1 is
// first (the created_at floor for StageCounts, today for Stats).
func periodQuery(q string, scope access.Scope, from, to, first string) (string, []any) {
	args := []any{first}
	if first == "" {
		args[0] = "0000"
	}
	if from != "" {
		args = append(args, from)
		q += ` AND a.created_at >= $` + itoa(len(args))
	}
	if to != "" {
		args = append(args, database.EndOfDay(to))
		q += ` AND a.created_at <= $` + itoa(len(args))
	}
	where, sargs := scope.And("a", len(args)+1)
	return q + where, append(args, sargs...)
}

func itoa(n int) string {
	const digits = "0123456789"
	if n < 10 {
		return digits[n : n+1]
	}
	return itoa(n/10) + digits[n%10:n%10+1]
}
