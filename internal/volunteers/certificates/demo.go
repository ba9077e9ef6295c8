package certificates

import (
	"context"
	"fmt"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/workdays"
)

// DemoSummary counts what LoadDemo wrote.
type DemoSummary struct {
	Issued, InNotice, Objected int
}

// demoHandler is the community worker the demo's certificates name as
// 经办人.
const demoHandler = "刘晓燕"

// LoadDemo writes a few certificates in each community on whatever
// volunteers and hours the registry's demo made: the volunteers with the
// most service time get, in turn, two certificates issued a month ago
// (after their notice), one in notice now, and one in notice with an
// objection waiting for staff. A community that has certificates already,
// or too few volunteers with hours, is left as it is; a second call adds
// nothing.
func LoadDemo(ctx context.Context, db *database.DB, communities []int64, today time.Time) (DemoSummary, error) {
	var sum DemoSummary
	clock := today
	s := NewService(db, Options{Now: func() time.Time { return clock }})
	staff := *access.System
	staff.Name = demoHandler
	day := func(back int) time.Time { return today.AddDate(0, 0, -back) }
	date := func(back int) string { return day(back).In(workdays.Shanghai).Format(time.DateOnly) }
	for _, community := range communities {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM volunteer_certificates WHERE community_id = $1`,
			community).Scan(&n); err != nil {
			return sum, err
		}
		if n > 0 {
			continue
		}
		// The periods end well before the first request, so that every
		// certificate's period lies in the past when it is requested.
		from, to := date(400), date(45)
		rows, err := db.QueryContext(ctx, `SELECT v.number, MIN(h.served_on), MAX(h.served_on)
			FROM volunteer_hours h JOIN volunteers v ON v.community_id = h.community_id AND v.id = h.volunteer_id
			WHERE h.community_id = $1 AND h.kind = 'service' AND h.served_on >= $2 AND h.served_on <= $3
			AND h.reverses_id IS NULL AND h.reversed = 0 AND h.minutes > 0
			GROUP BY v.number ORDER BY SUM(h.minutes) DESC, v.number LIMIT 4`, community, from, to)
		if err != nil {
			return sum, err
		}
		type pick struct{ number, from, to string }
		var picks []pick
		for rows.Next() {
			var p pick
			if err := rows.Scan(&p.number, &p.from, &p.to); err != nil {
				rows.Close()
				return sum, err
			}
			picks = append(picks, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return sum, err
		}
		if len(picks) < 4 {
			continue
		}
		// requested, published: days before today; issued after the notice
		// (0: stays in notice); objection: the day one is raised (0: none).
		plan := []struct{ requested, published, issued, objection int }{
			{40, 38, 30, 0},
			{36, 35, 27, 0},
			{3, 2, 0, 0},
			{6, 5, 0, 1},
		}
		for i, p := range picks {
			step := plan[i]
			clock = day(step.requested)
			c, err := s.Request(ctx, &staff, RequestForm{VolunteerNumber: p.number, From: p.from, To: p.to})
			if err != nil {
				return sum, fmt.Errorf("demo certificate of %s: %w", p.number, err)
			}
			clock = day(step.published)
			if c, err = s.Publish(ctx, &staff, c.ID, c.Version); err != nil {
				return sum, err
			}
			switch {
			case step.issued > 0:
				clock = day(step.issued)
				if _, err := s.Issue(ctx, &staff, c.ID, c.Version); err != nil {
					return sum, err
				}
				sum.Issued++
			case step.objection > 0:
				clock = day(step.objection)
				if err := s.Object(ctx, c.ID, ObjectionForm{Text: "该志愿者有几次巡逻是替家人顶班,时长是否应记在其名下,请社区核实。",
					Contact: "3号楼居民"}); err != nil {
					return sum, err
				}
				sum.Objected++
			default:
				sum.InNotice++
			}
		}
	}
	return sum, nil
}
