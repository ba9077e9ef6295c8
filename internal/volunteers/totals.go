package volunteers

import (
	"context"
	"database/sql"

	"shequ/internal/database"
)

// Totals are a unit's hours of a year (the contract of
// GET /api/v1/volunteers/hours): registered volunteers, the ledger's
// records (rows standing: neither reversed nor reversals), service hours
// and training hours, by month and by team. A reversal is dated on the
// day of the row it undoes, so a year's totals drop by exactly that row.
type Totals struct {
	Volunteers    int       `json:"volunteers"`     // registered, active at some time in the year
	Serving       int       `json:"serving"`        // with service hours in the year
	Records       int       `json:"records"`        // ledger rows standing
	Hours         float64   `json:"hours"`          // service hours
	TrainingHours float64   `json:"training_hours"` // training hours, kept apart
	Minutes       int       `json:"minutes"`        // service minutes, exact
	TrainingMin   int       `json:"training_minutes"`
	ByMonth       []Month   `json:"by_month"`
	ByTeam        []TeamSum `json:"by_team"`
}

// Month is one month of a year's hours.
type Month struct {
	Month         string  `json:"month"` // YYYY-MM
	Records       int     `json:"records"`
	Hours         float64 `json:"hours"`
	TrainingHours float64 `json:"training_hours"`
}

// TeamSum is a team's service hours of the year (the rows that name it).
type TeamSum struct {
	TeamID int64   `json:"team_id"`
	Name   string  `json:"name"`
	Hours  float64 `json:"hours"`
}

// TotalsOf totals the year of the communities named (nil: every one, a
// city): grouped reads of the ledger's summaries (migration 079), which
// its write path keeps exact.
func (s *Service) TotalsOf(ctx context.Context, communities []int64, year int) (Totals, error) {
	from, to := yearRange(year)
	t := Totals{ByTeam: []TeamSum{}}
	if communities != nil && len(communities) == 0 {
		return t, nil
	}
	in := func(a *database.Args, col string) string {
		if communities == nil {
			return ""
		}
		return " AND " + a.In(col, database.AnyOf(communities)...)
	}
	a := s.db.Args(from, to)
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM volunteers WHERE joined_on <= $2
		AND (left_on = '' OR left_on >= $1)`+in(a, "community_id"), a.Values()...).Scan(&t.Volunteers); err != nil {
		return t, err
	}
	a = s.db.Args(from[:7], to[:7])
	rows, err := s.db.QueryContext(ctx, `SELECT month, kind, SUM(records), SUM(minutes) FROM volunteer_month_sums
		WHERE month >= $1 AND month <= $2`+in(a, "community_id")+` GROUP BY month, kind`, a.Values()...)
	if err != nil {
		return t, err
	}
	months := map[string]*[3]int{}
	for rows.Next() {
		var m, kind string
		var n, min int
		if err := rows.Scan(&m, &kind, &n, &min); err != nil {
			rows.Close()
			return t, err
		}
		if months[m] == nil {
			months[m] = &[3]int{}
		}
		months[m][0] += n
		t.Records += n
		if kind == "training" {
			months[m][2] += min
			t.TrainingMin += min
		} else {
			months[m][1] += min
			t.Minutes += min
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return t, err
	}
	y := from[:4]
	for i := 1; i <= 12; i++ {
		m := y + "-" + string(rune('0'+i/10)) + string(rune('0'+i%10))
		c := months[m]
		if c == nil {
			c = &[3]int{}
		}
		t.ByMonth = append(t.ByMonth, Month{Month: m, Records: c[0], Hours: Hours(c[1]), TrainingHours: Hours(c[2])})
	}
	t.Hours, t.TrainingHours = Hours(t.Minutes), Hours(t.TrainingMin)
	a = s.db.Args(from[:4])
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM volunteer_year_sums WHERE year = $1 AND kind = 'service'
		AND records > 0`+in(a, "community_id"), a.Values()...).Scan(&t.Serving); err != nil {
		return t, err
	}
	a = s.db.Args(from[:7], to[:7])
	rows, err = s.db.QueryContext(ctx, `SELECT h.team_id, t.name, SUM(h.minutes) FROM volunteer_month_sums h
		JOIN volunteer_teams t ON t.community_id = h.community_id AND t.id = h.team_id
		WHERE h.month >= $1 AND h.month <= $2 AND h.kind = 'service' AND h.team_id <> 0`+
		in(a, "h.community_id")+` GROUP BY h.team_id, t.name ORDER BY 3 DESC LIMIT 50`, a.Values()...)
	if err != nil {
		return t, err
	}
	defer rows.Close()
	for rows.Next() {
		var ts TeamSum
		var id sql.NullInt64
		var min int
		if err := rows.Scan(&id, &ts.Name, &min); err != nil {
			return t, err
		}
		ts.TeamID, ts.Hours = id.Int64, Hours(min)
		t.ByTeam = append(t.ByTeam, ts)
	}
	return t, rows.Err()
}
