package volunteers

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/workdays"
)

// Activity is a volunteer activity (志愿服务活动) with its shifts.
type Activity struct {
	ID          int64   `json:"id"`
	CommunityID int64   `json:"community_id"`
	Title       string  `json:"title"`
	Content     string  `json:"content"`
	Place       string  `json:"place"`
	Kind        string  `json:"kind"` // service, training
	TeamID      int64   `json:"team_id,omitempty"`
	Skill       string  `json:"skill,omitempty"`
	OrganiserID int64   `json:"organiser_id"`
	Organiser   string  `json:"organiser"`
	Source      string  `json:"source,omitempty"`
	Status      string  `json:"status"`
	Version     int     `json:"version"`
	Shifts      []Shift `json:"shifts,omitempty"`
}

// KindName names an activity's or an hours row's kind.
func KindName(k string) string {
	if k == "training" {
		return "培训"
	}
	return "服务"
}

// Shift is one time window of an activity with its slots.
type Shift struct {
	ID          int64     `json:"id"`
	CommunityID int64     `json:"community_id"`
	ActivityID  int64     `json:"activity_id"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	Day         string    `json:"day"` // in Shanghai
	Slots       int       `json:"slots"`
	Signed      int       `json:"signed"`
	Secret      string    `json:"-"`
	Signups     []Signup  `json:"signups,omitempty"`
}

// Label is the shift as people say it: 2026-05-01 08:30–11:30.
func (s Shift) Label() string {
	return s.Day + " " + s.Start.In(workdays.Shanghai).Format("15:04") + "–" + s.End.In(workdays.Shanghai).Format("15:04")
}

// PlannedMinutes is the shift's length.
func (s Shift) PlannedMinutes() int { return int(s.End.Sub(s.Start) / time.Minute) }

// Free is the slots left.
func (s Shift) Free() int { return s.Slots - s.Signed }

// Signup is a volunteer's place on a shift.
type Signup struct {
	ShiftID     int64     `json:"shift_id"`
	VolunteerID int64     `json:"volunteer_id"`
	Number      string    `json:"number"`
	Name        string    `json:"name"`
	WalkIn      bool      `json:"walk_in"`
	CheckedIn   time.Time `json:"checked_in,omitempty"`
	CheckedOut  time.Time `json:"checked_out,omitempty"`
	HoursID     int64     `json:"hours_id,omitempty"`
}

// ActivityInput is a new activity and its first shift.
type ActivityInput struct {
	CommunityID int64
	Title       string
	Content     string
	Place       string
	Kind        string
	TeamID      int64
	Skill       string
	Source      string // set by the needs' assignment
	Shift       ShiftInput
}

// ShiftInput is a shift as typed: a day, times of day in Shanghai, slots.
type ShiftInput struct {
	Day, From, To string
	Slots         int
}

// Errors of activities.
var (
	ErrNoActivity = fault.New(fault.NotFound, "没有这项志愿服务活动,或不在您的管辖范围内")
	ErrNoShift    = fault.New(fault.NotFound, "没有这个班次")
)

// shiftOf checks a shift as typed and returns its instants.
func (s *Service) shiftOf(fe fault.Fields, in ShiftInput) (start, end time.Time) {
	day, err := time.ParseInLocation(database.DateLayout, strings.TrimSpace(in.Day), workdays.Shanghai)
	if err != nil {
		fe.Add("day", "请填写班次日期")
		return
	}
	if !clockTime(in.From) || !clockTime(in.To) {
		fe.Add("from", "请填写开始和结束时间,如 08:30 和 11:30")
		return
	}
	at := func(hm string) time.Time {
		h, _ := strconv.Atoi(hm[:2])
		m, _ := strconv.Atoi(hm[3:])
		return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
	}
	start, end = at(in.From), at(in.To)
	if !end.After(start) {
		fe.Add("to", "结束时间须晚于开始时间")
	}
	if in.Slots < 1 || in.Slots > 500 {
		fe.Add("slots", "名额须为 1 至 500")
	}
	if start.Before(s.now().AddDate(-1, 0, 0)) || start.After(s.now().AddDate(1, 0, 0)) {
		fe.Add("day", "班次日期须在前后一年之内")
	}
	return start, end
}

// CreateActivity creates an activity with its first shift; the staff is
// its organiser, who verifies the hours its check-outs write.
func (s *Service) CreateActivity(ctx context.Context, st Staff, in ActivityInput) (Activity, error) {
	if in.CommunityID == 0 || !st.May(in.CommunityID) {
		return Activity{}, fault.Fields{"community": "请选择您管辖的社区"}
	}
	fe := fault.Fields{}
	in.Title, in.Content, in.Place = strings.TrimSpace(in.Title), strings.TrimSpace(in.Content), strings.TrimSpace(in.Place)
	if in.Title == "" || utf8.RuneCountInString(in.Title) > 60 {
		fe.Add("title", "请填写活动名称(不超过60字)")
	}
	if utf8.RuneCountInString(in.Content) > 1000 {
		fe.Add("content", "服务内容不超过1000字")
	}
	if utf8.RuneCountInString(in.Place) > 100 {
		fe.Add("place", "地点不超过100字")
	}
	if in.Kind == "" {
		in.Kind = "service"
	}
	if in.Kind != "service" && in.Kind != "training" {
		fe.Add("kind", "请选择活动类别")
	}
	if in.Skill != "" && SkillName(in.Skill) == "" {
		fe.Add("skill", "技能须从列表中选择")
	}
	start, end := s.shiftOf(fe, in.Shift)
	if err := fe.Err(); err != nil {
		return Activity{}, err
	}
	a := Activity{ID: database.NewID(), CommunityID: in.CommunityID, Title: in.Title, Content: in.Content, Place: in.Place,
		Kind: in.Kind, TeamID: in.TeamID, Skill: in.Skill, OrganiserID: st.UserID, Organiser: st.Name, Source: in.Source,
		Status: "open", Version: 1}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if in.TeamID != 0 {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM volunteer_teams WHERE community_id = $1 AND id = $2`,
				in.CommunityID, in.TeamID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return fault.Fields{"team": "服务队须是本社区的服务队"}
			}
		}
		now := database.FormatTime(s.now())
		if _, err := tx.ExecContext(ctx, `INSERT INTO volunteer_activities (community_id, id, title, content, place, kind,
			team_id, skill, organiser_id, organiser, source, status, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'open', 1, $12, $12)`, a.CommunityID, a.ID, a.Title,
			a.Content, a.Place, a.Kind, nullID(a.TeamID), a.Skill, a.OrganiserID, a.Organiser, a.Source, now); err != nil {
			return err
		}
		sh, err := s.insertShift(ctx, tx, a, start, end, in.Shift.Slots)
		a.Shifts = []Shift{sh}
		return err
	})
	return a, err
}

func (s *Service) insertShift(ctx context.Context, tx *sql.Tx, a Activity, start, end time.Time, slots int) (Shift, error) {
	b := make([]byte, 18)
	rand.Read(b)
	sh := Shift{ID: database.NewID(), CommunityID: a.CommunityID, ActivityID: a.ID, Start: start, End: end,
		Day: start.In(workdays.Shanghai).Format(database.DateLayout), Slots: slots,
		Secret: base64.RawURLEncoding.EncodeToString(b)}
	_, err := tx.ExecContext(ctx, `INSERT INTO volunteer_shifts (community_id, id, activity_id, starts_at, ends_at, served_on,
		slots, signed, secret, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9)`, sh.CommunityID, sh.ID, a.ID,
		database.FormatTime(start), database.FormatTime(end), sh.Day, slots, sh.Secret, database.FormatTime(s.now()))
	return sh, err
}

// AddShift adds a shift to an activity.
func (s *Service) AddShift(ctx context.Context, st Staff, activity int64, in ShiftInput) (Shift, error) {
	a, err := s.Activity(ctx, st, activity)
	if err != nil {
		return Shift{}, err
	}
	fe := fault.Fields{}
	start, end := s.shiftOf(fe, in)
	if err := fe.Err(); err != nil {
		return Shift{}, err
	}
	var sh Shift
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		sh, err = s.insertShift(ctx, tx, a, start, end, in.Slots)
		return err
	})
	return sh, err
}

const activityColumns = `community_id, id, title, content, place, kind, team_id, skill, organiser_id, organiser, source, status, version`

func scanActivity(row interface{ Scan(...any) error }) (Activity, error) {
	var a Activity
	var team sql.NullInt64
	err := row.Scan(&a.CommunityID, &a.ID, &a.Title, &a.Content, &a.Place, &a.Kind, &team, &a.Skill, &a.OrganiserID,
		&a.Organiser, &a.Source, &a.Status, &a.Version)
	a.TeamID = team.Int64
	return a, err
}

// Activity reads an activity the staff may see, with its shifts and their
// sign-ups.
func (s *Service) Activity(ctx context.Context, st Staff, id int64) (Activity, error) {
	a, err := s.activity(ctx, s.db, id)
	if err == nil && !st.May(a.CommunityID) {
		return Activity{}, ErrNoActivity
	}
	if err != nil {
		return a, err
	}
	a.Shifts, err = s.shifts(ctx, a, true)
	return a, err
}

func (s *Service) activity(ctx context.Context, q database.Querier, id int64) (Activity, error) {
	a, err := scanActivity(q.QueryRowContext(ctx, `SELECT `+activityColumns+` FROM volunteer_activities WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNoActivity
	}
	return a, err
}

const shiftColumns = `community_id, id, activity_id, starts_at, ends_at, served_on, slots, signed, secret`

func scanShift(row interface{ Scan(...any) error }) (Shift, error) {
	var sh Shift
	var start, end string
	err := row.Scan(&sh.CommunityID, &sh.ID, &sh.ActivityID, &start, &end, &sh.Day, &sh.Slots, &sh.Signed, &sh.Secret)
	sh.Start, sh.End = database.ParseTime(start), database.ParseTime(end)
	return sh, err
}

func (s *Service) shifts(ctx context.Context, a Activity, signups bool) ([]Shift, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+shiftColumns+` FROM volunteer_shifts WHERE community_id = $1
		AND activity_id = $2 ORDER BY starts_at`, a.CommunityID, a.ID)
	if err != nil {
		return nil, err
	}
	var out []Shift
	for rows.Next() {
		sh, err := scanShift(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, sh)
	}
	rows.Close()
	if err := rows.Err(); err != nil || !signups {
		return out, err
	}
	for i := range out {
		rows, err := s.db.QueryContext(ctx, `SELECT g.shift_id, g.volunteer_id, v.number, p.name, g.walk_in,
			g.checked_in_at, g.checked_out_at, g.hours_id FROM volunteer_signups g
			JOIN volunteers v ON v.id = g.volunteer_id
			JOIN persons p ON p.community_id = v.community_id AND p.id = v.person_id
			WHERE g.community_id = $1 AND g.shift_id = $2 ORDER BY v.number`, a.CommunityID, out[i].ID)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var g Signup
			var in, outAt string
			var hours sql.NullInt64
			var walkIn int
			if err := rows.Scan(&g.ShiftID, &g.VolunteerID, &g.Number, &g.Name, &walkIn, &in, &outAt, &hours); err != nil {
				rows.Close()
				return nil, err
			}
			g.CheckedIn, g.CheckedOut, g.HoursID, g.WalkIn = database.ParseTime(in), database.ParseTime(outAt), hours.Int64, walkIn == 1
			out[i].Signups = append(out[i].Signups, g)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ActivityRow is an activity in a list.
type ActivityRow struct {
	Activity
	First, Last     string // the days of its first and last shifts
	Shifts, Signups int
}

// Activities lists a community's activities of a year, the latest first.
func (s *Service) Activities(ctx context.Context, st Staff, community int64, year int) ([]ActivityRow, error) {
	if !st.May(community) {
		return nil, ErrNoActivity
	}
	from, to := yearRange(year)
	rows, err := s.db.QueryContext(ctx, `SELECT a.community_id, a.id, a.title, a.content, a.place, a.kind, a.team_id, a.skill,
		a.organiser_id, a.organiser, a.source, a.status, a.version, MIN(h.served_on), MAX(h.served_on), COUNT(*), SUM(h.signed)
		FROM volunteer_activities a JOIN volunteer_shifts h ON h.community_id = a.community_id AND h.activity_id = a.id
		WHERE a.community_id = $1 GROUP BY a.community_id, a.id, a.title, a.content, a.place, a.kind, a.team_id, a.skill,
		a.organiser_id, a.organiser, a.source, a.status, a.version
		HAVING MAX(h.served_on) >= $2 AND MIN(h.served_on) <= $3 ORDER BY MAX(h.served_on) DESC, a.id DESC`, community, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ActivityRow
	for rows.Next() {
		var r ActivityRow
		var team sql.NullInt64
		if err := rows.Scan(&r.CommunityID, &r.ID, &r.Title, &r.Content, &r.Place, &r.Kind, &team, &r.Skill, &r.OrganiserID,
			&r.Organiser, &r.Source, &r.Status, &r.Version, &r.First, &r.Last, &r.Shifts, &r.Signups); err != nil {
			return nil, err
		}
		r.TeamID = team.Int64
		out = append(out, r)
	}
	return out, rows.Err()
}

// shift reads a shift by id.
func (s *Service) shift(ctx context.Context, q database.Querier, id int64) (Shift, error) {
	sh, err := scanShift(q.QueryRowContext(ctx, `SELECT `+shiftColumns+` FROM volunteer_shifts WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return sh, ErrNoShift
	}
	return sh, err
}
