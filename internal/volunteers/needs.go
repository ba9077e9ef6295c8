package volunteers

import (
	"context"
	"database/sql"
	"sort"
	"strconv"
	"time"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/workdays"
)

// Needs found in visits (报事件 from the door) and in events (群众诉求:
// 困难群众帮扶, 其他诉求 — an elderly person living alone needing help) are
// listed for their community, open ones, each with the volunteers who fit:
// same grid first, then the skill the need asks for, then whoever is
// available on the coming days. Staff assign one: a one-shift activity
// sourced 'need:event:<id>' with the volunteer signed up, whose QR
// check-out writes the hours (source 'need:event:<id>:shift:<shift>').

// needCategories are the events' categories a volunteer can meet, with the
// skill they ask for.
var needCategories = map[string]string{"demand.assist": "companion", "demand.other": "other"}

// Need is an open need with the volunteers matched to it.
type Need struct {
	EventID    int64
	TrackingNo string
	Title      string
	Address    string
	GridID     int64
	GridName   string
	Skill      string
	FromVisit  bool
	ReportedAt string
	Assigned   int64 // the activity already made for it
	Matches    []Match
}

// Match is a volunteer fitting a need, with why.
type Match struct {
	Volunteer
	SameGrid, HasSkill, Available bool
	Score                         int
}

// Needs lists a community's open needs and their matches (at most five
// each).
func (s *Service) Needs(ctx context.Context, st Staff, community int64) ([]Need, error) {
	if !st.May(community) {
		return nil, ErrNoVolunteer
	}
	rows, err := s.db.QueryContext(ctx, `SELECT e.id, e.tracking_no, e.title, e.address, e.grid_id, COALESCE(g.name, ''),
		e.category, e.created_at,
		(SELECT COUNT(*) FROM visits v WHERE v.community_id = e.community_id AND v.event_id = e.id),
		COALESCE((SELECT MAX(a.id) FROM volunteer_activities a WHERE a.community_id = e.community_id
			AND a.source = 'need:event:' || CAST(e.id AS TEXT)), 0)
		FROM events e LEFT JOIN org_units g ON g.id = e.grid_id
		WHERE e.community_id = $1 AND e.category IN ('demand.assist', 'demand.other')
		AND e.status NOT IN ('closed', 'rejected', 'merged', 'transferred')
		ORDER BY e.created_at DESC LIMIT 100`, community)
	if err != nil {
		return nil, err
	}
	var out []Need
	for rows.Next() {
		var n Need
		var grid sql.NullInt64
		var cat string
		var visits int
		if err := rows.Scan(&n.EventID, &n.TrackingNo, &n.Title, &n.Address, &grid, &n.GridName, &cat, &n.ReportedAt,
			&visits, &n.Assigned); err != nil {
			rows.Close()
			return nil, err
		}
		n.GridID, n.Skill, n.FromVisit = grid.Int64, needCategories[cat], visits > 0
		out = append(out, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	vs, err := s.List(ctx, st, community, 0, s.now().In(workdays.Shanghai).Year())
	if err != nil {
		return nil, err
	}
	// Available: serves on one of the coming seven days.
	soon := map[int]bool{}
	for i := 1; i <= 7; i++ {
		wd := int(s.now().In(workdays.Shanghai).AddDate(0, 0, i).Weekday())
		if wd == 0 {
			wd = 7
		}
		soon[wd] = true
	}
	for i := range out {
		n := &out[i]
		for _, l := range vs {
			if l.Status != "active" {
				continue
			}
			m := Match{Volunteer: l.Volunteer, SameGrid: n.GridID != 0 && l.GridID == n.GridID}
			for _, sk := range l.Skills {
				m.HasSkill = m.HasSkill || sk == n.Skill
			}
			for _, d := range l.Availability.Weekdays {
				m.Available = m.Available || soon[d]
			}
			m.Score = 4*b(m.SameGrid) + 2*b(m.HasSkill) + b(m.Available)
			if m.Score > 0 {
				n.Matches = append(n.Matches, m)
			}
		}
		sort.SliceStable(n.Matches, func(a, c int) bool { return n.Matches[a].Score > n.Matches[c].Score })
		if len(n.Matches) > 5 {
			n.Matches = n.Matches[:5]
		}
	}
	return out, nil
}

func b(x bool) int {
	if x {
		return 1
	}
	return 0
}

// Assignment is staff assigning a volunteer to a need.
type Assignment struct {
	CommunityID, EventID, VolunteerID int64
	Shift                             ShiftInput
}

// Assign makes the need a one-shift activity with the volunteer signed up.
func (s *Service) Assign(ctx context.Context, st Staff, as Assignment) (Activity, error) {
	if !st.May(as.CommunityID) {
		return Activity{}, ErrNoVolunteer
	}
	var title, cat, status string
	err := s.db.QueryRowContext(ctx, `SELECT title, category, status FROM events WHERE community_id = $1 AND id = $2`,
		as.CommunityID, as.EventID).Scan(&title, &cat, &status)
	if err == sql.ErrNoRows || (err == nil && needCategories[cat] == "") {
		return Activity{}, fault.New(fault.NotFound, "没有这条需求")
	}
	if err != nil {
		return Activity{}, err
	}
	v, err := s.Volunteer(ctx, st, as.VolunteerID)
	if err != nil || v.Status != "active" {
		return Activity{}, fault.Fields{"volunteer": "请选择本社区在册的志愿者"}
	}
	as.Shift.Slots = 1
	a, err := s.CreateActivity(ctx, st, ActivityInput{CommunityID: as.CommunityID, Title: "需求帮扶:" + title,
		Content: "事件 " + strconv.FormatInt(as.EventID, 10) + " 的需求", Kind: "service", Skill: needCategories[cat],
		Source: "need:event:" + strconv.FormatInt(as.EventID, 10), Shift: as.Shift})
	if err != nil {
		return a, err
	}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error { return s.take(ctx, tx, v, a.Shifts[0], false) })
	return a, err
}

// NextDay is tomorrow in Shanghai, the default day of an assignment.
func (s *Service) NextDay() string {
	return s.now().In(workdays.Shanghai).Add(24 * time.Hour).Format(database.DateLayout)
}
