package volunteers

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/database"
	"shequ/internal/fault"
)

// HoursRow is one row of the hours ledger (volunteer_hours): a stint of
// service or training, or a reversal of one (negative minutes, Reverses
// set). Totals are sums of rows; nothing is edited.
type HoursRow struct {
	ID           int64     `json:"id"`
	CommunityID  int64     `json:"community_id"`
	VolunteerID  int64     `json:"volunteer_id"`
	Kind         string    `json:"kind"`
	ServedOn     string    `json:"served_on"`
	Start        time.Time `json:"start,omitempty"`
	End          time.Time `json:"end,omitempty"`
	Planned      int       `json:"planned_minutes"`
	Minutes      int       `json:"minutes"`
	Content      string    `json:"content"`
	ActivityID   int64     `json:"activity_id,omitempty"`
	TeamID       int64     `json:"team_id,omitempty"`
	Source       string    `json:"source"`
	VerifiedBy   string    `json:"verified_by"`
	VerifiedByID int64     `json:"verified_by_id,omitempty"`
	Reverses     int64     `json:"reverses_id,omitempty"`
	Reversed     bool      `json:"reversed"`
	Reason       string    `json:"reason,omitempty"`
	CreatedAt    string    `json:"created_at"`
	CreatedBy    string    `json:"created_by"`
}

// DayLimit is the most a volunteer's rows of one day may add up to.
const DayLimit = 24 * 60

// Errors of the ledger.
var (
	ErrNoRow     = fault.New(fault.NotFound, "没有这条服务时长记录")
	ErrReversed  = fault.New(fault.Refused, "这条记录已被冲销,不能再次冲销")
	ErrReversing = fault.New(fault.Refused, "冲销记录不能再冲销")
	ErrTwice     = fault.New(fault.Refused, "这次服务的时长已经记录过,不能重复计入")
)

// insertHours writes a row, refusing one that would take the volunteer's
// day past 24 hours or count a source twice; it returns the day's minutes
// after it.
func (s *Service) insertHours(ctx context.Context, tx *sql.Tx, r HoursRow) (int, error) {
	var day int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(minutes), 0) FROM volunteer_hours WHERE volunteer_id = $1
		AND served_on = $2`, r.VolunteerID, r.ServedOn).Scan(&day); err != nil {
		return 0, err
	}
	if r.Minutes > 0 && day+r.Minutes > DayLimit {
		return 0, refused("该志愿者 " + r.ServedOn + " 已记录 " + strconv.FormatFloat(Hours(day), 'f', 1, 64) +
			" 小时,再记 " + strconv.FormatFloat(Hours(r.Minutes), 'f', 1, 64) + " 小时将超过每天24小时,不能记录;请联系组织者核实")
	}
	start, end := "", ""
	if !r.Start.IsZero() {
		start, end = database.FormatTime(r.Start), database.FormatTime(r.End)
	}
	if r.CreatedAt == "" {
		r.CreatedAt = database.FormatTime(s.now())
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO volunteer_hours (community_id, id, volunteer_id, kind, served_on, started_at,
		ended_at, planned_minutes, minutes, content, activity_id, team_id, source, verified_by, verified_by_id, reverses_id,
		reversed, reason, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
		$16, 0, $17, $18, $19)`, r.CommunityID, r.ID, r.VolunteerID, r.Kind, r.ServedOn, start, end, r.Planned, r.Minutes,
		r.Content, nullID(r.ActivityID), nullID(r.TeamID), r.Source, r.VerifiedBy, nullID(r.VerifiedByID), nullID(r.Reverses),
		r.Reason, r.CreatedAt, r.CreatedBy)
	if err != nil && isUnique(err) {
		return 0, ErrTwice
	}
	if err != nil {
		return 0, err
	}
	return day + r.Minutes, s.summarise(ctx, tx, r)
}

// summarise adds a row to the summaries (migration 079) in its
// transaction: a row standing adds a record and its minutes; a reversal
// takes the record away with the minutes it carries (negative).
func (s *Service) summarise(ctx context.Context, tx *sql.Tx, r HoursRow) error {
	records := 1
	if r.Reverses != 0 {
		records = -1
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO volunteer_year_sums (community_id, year, kind, volunteer_id, records, minutes)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (community_id, year, kind, volunteer_id) DO UPDATE SET
		records = volunteer_year_sums.records + excluded.records, minutes = volunteer_year_sums.minutes + excluded.minutes`,
		r.CommunityID, r.ServedOn[:4], r.Kind, r.VolunteerID, records, r.Minutes); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO volunteer_month_sums (community_id, month, kind, team_id, records, minutes)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (community_id, month, kind, team_id) DO UPDATE SET
		records = volunteer_month_sums.records + excluded.records, minutes = volunteer_month_sums.minutes + excluded.minutes`,
		r.CommunityID, r.ServedOn[:7], r.Kind, r.TeamID, records, r.Minutes)
	return err
}

// Resummarise rebuilds the summaries from the ledger: for rows written
// around the write path (a bulk load, the bench's fixture).
func Resummarise(ctx context.Context, db *database.DB) error {
	return db.InTx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{`DELETE FROM volunteer_year_sums`, `DELETE FROM volunteer_month_sums`,
			`INSERT INTO volunteer_year_sums (community_id, year, kind, volunteer_id, records, minutes)
			SELECT community_id, SUBSTR(served_on, 1, 4), kind, volunteer_id, COUNT(*), SUM(minutes) FROM volunteer_hours
			WHERE reversed = 0 AND reverses_id IS NULL GROUP BY community_id, SUBSTR(served_on, 1, 4), kind, volunteer_id`,
			`INSERT INTO volunteer_month_sums (community_id, month, kind, team_id, records, minutes)
			SELECT community_id, SUBSTR(served_on, 1, 7), kind, COALESCE(team_id, 0), COUNT(*), SUM(minutes) FROM volunteer_hours
			WHERE reversed = 0 AND reverses_id IS NULL GROUP BY community_id, SUBSTR(served_on, 1, 7), kind, COALESCE(team_id, 0)`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
}

// Manual is hours staff record by hand: a stint without a QR (a service
// done elsewhere, a check-out missed), or training hours.
type Manual struct {
	Kind     string
	ServedOn string
	Hours    string // typed, e.g. 2.5
	Content  string
}

// RecordHours records hours by hand for a volunteer; the staff is the
// verifier, the source 'manual:<row>'.
func (s *Service) RecordHours(ctx context.Context, st Staff, volunteer int64, m Manual) (HoursRow, error) {
	v, err := s.Volunteer(ctx, st, volunteer)
	if err != nil {
		return HoursRow{}, err
	}
	fe := fault.Fields{}
	if m.Kind != "service" && m.Kind != "training" {
		fe.Add("kind", "请选择服务或培训")
	}
	day, err := time.Parse(database.DateLayout, strings.TrimSpace(m.ServedOn))
	switch {
	case err != nil:
		fe.Add("served_on", "请填写服务日期")
	case day.Format(database.DateLayout) > s.today():
		fe.Add("served_on", "服务日期不能晚于今天")
	case day.Before(s.now().AddDate(-2, 0, 0)):
		fe.Add("served_on", "只能补录两年之内的服务")
	}
	minutes := 0
	if h, err := strconv.ParseFloat(strings.TrimSpace(m.Hours), 64); err != nil || h <= 0 || h > 24 {
		fe.Add("hours", "时长须为大于0、不超过24的小时数,如 2.5")
	} else {
		minutes = int(h*60 + 0.5)
	}
	m.Content = strings.TrimSpace(m.Content)
	if m.Content == "" || utf8.RuneCountInString(m.Content) > 200 {
		fe.Add("content", "请填写服务内容(不超过200字)")
	}
	if err := fe.Err(); err != nil {
		return HoursRow{}, err
	}
	id := database.NewID()
	r := HoursRow{ID: id, CommunityID: v.CommunityID, VolunteerID: v.ID, Kind: m.Kind, ServedOn: m.ServedOn, Minutes: minutes,
		Content: m.Content, Source: "manual:" + strconv.FormatInt(id, 10), VerifiedBy: st.Name, VerifiedByID: st.UserID,
		CreatedBy: st.Name}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := s.insertHours(ctx, tx, r)
		return err
	})
	if fault.KindOf(err) == fault.Refused {
		return r, fault.Fields{"hours": fault.Message(err)}
	}
	return r, err
}

// Reverse writes the reversing row of a ledger row (冲销) with the reason:
// negative minutes on the same day, so the day's and the year's totals
// drop by exactly the row; the row is marked reversed and its source is
// free to be counted again.
func (s *Service) Reverse(ctx context.Context, st Staff, row int64, reason string) (HoursRow, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 200 {
		return HoursRow{}, fault.Fields{"reason": "请填写冲销原因(不超过200字)"}
	}
	var out HoursRow
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		r, err := s.hoursRow(ctx, tx, row)
		if err != nil {
			return err
		}
		if !st.May(r.CommunityID) {
			return ErrNoRow
		}
		if r.Reverses != 0 {
			return ErrReversing
		}
		res, err := tx.ExecContext(ctx, `UPDATE volunteer_hours SET reversed = 1 WHERE community_id = $1 AND id = $2 AND reversed = 0`,
			r.CommunityID, r.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrReversed
		}
		id := database.NewID()
		out = HoursRow{ID: id, CommunityID: r.CommunityID, VolunteerID: r.VolunteerID, Kind: r.Kind, ServedOn: r.ServedOn,
			Planned: -r.Planned, Minutes: -r.Minutes, Content: "冲销:" + r.Content, ActivityID: r.ActivityID, TeamID: r.TeamID,
			Source: "reversal:" + strconv.FormatInt(r.ID, 10), VerifiedBy: st.Name, VerifiedByID: st.UserID, Reverses: r.ID,
			Reason: reason, CreatedBy: st.Name}
		_, err = s.insertHours(ctx, tx, out)
		return err
	})
	return out, err
}

const hoursColumns = `community_id, id, volunteer_id, kind, served_on, started_at, ended_at, planned_minutes, minutes, content,
	activity_id, team_id, source, verified_by, verified_by_id, reverses_id, reversed, reason, created_at, created_by`

func scanHours(row interface{ Scan(...any) error }) (HoursRow, error) {
	var r HoursRow
	var start, end string
	var act, team, ver, rev sql.NullInt64
	var reversed int
	err := row.Scan(&r.CommunityID, &r.ID, &r.VolunteerID, &r.Kind, &r.ServedOn, &start, &end, &r.Planned, &r.Minutes,
		&r.Content, &act, &team, &r.Source, &r.VerifiedBy, &ver, &rev, &reversed, &r.Reason, &r.CreatedAt, &r.CreatedBy)
	r.Reversed = reversed == 1
	if start != "" {
		r.Start, r.End = database.ParseTime(start), database.ParseTime(end)
	}
	r.ActivityID, r.TeamID, r.VerifiedByID, r.Reverses = act.Int64, team.Int64, ver.Int64, rev.Int64
	return r, err
}

func (s *Service) hoursRow(ctx context.Context, q database.Querier, id int64) (HoursRow, error) {
	r, err := scanHours(q.QueryRowContext(ctx, `SELECT `+hoursColumns+` FROM volunteer_hours WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNoRow
	}
	return r, err
}

// Ledger lists a volunteer's rows, the latest first (at most limit).
func (s *Service) Ledger(ctx context.Context, v Volunteer, limit int) ([]HoursRow, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+hoursColumns+` FROM volunteer_hours WHERE volunteer_id = $1
		ORDER BY served_on DESC, created_at DESC LIMIT $2`, v.ID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []HoursRow
	for rows.Next() {
		r, err := scanHours(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Sum is a volunteer's totals: service and training minutes, all time and
// in the year of today.
type Sum struct {
	Service, Training, YearService, YearTraining, Records int
}

// SumOf totals a volunteer's ledger.
func (s *Service) SumOf(ctx context.Context, v Volunteer) (Sum, error) {
	var sum Sum
	year := s.today()[:4]
	err := s.db.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN kind = 'service' THEN minutes END), 0),
		COALESCE(SUM(CASE WHEN kind = 'training' THEN minutes END), 0),
		COALESCE(SUM(CASE WHEN kind = 'service' AND served_on >= $2 THEN minutes END), 0),
		COALESCE(SUM(CASE WHEN kind = 'training' AND served_on >= $2 THEN minutes END), 0),
		COALESCE(SUM(CASE WHEN reversed = 0 AND reverses_id IS NULL THEN 1 ELSE 0 END), 0)
		FROM volunteer_hours WHERE volunteer_id = $1`, v.ID, year+"-01-01").
		Scan(&sum.Service, &sum.Training, &sum.YearService, &sum.YearTraining, &sum.Records)
	return sum, err
}
