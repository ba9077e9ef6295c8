package volunteers

import (
	"context"
	"database/sql"
	"time"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/workdays"
)

// A volunteer signs up on their phone for a shift with a slot left, and
// may change to another shift or cancel until the day before the shift:
// on the day the organiser counts on them, so a change is refused and
// the page says to call the organiser.

// Errors of sign-ups.
var (
	ErrFull       = fault.New(fault.Refused, "该班次名额已满,请选择其他班次")
	ErrSigned     = fault.New(fault.Refused, "您已报名该班次")
	ErrNotSigned  = fault.New(fault.Refused, "您没有报名该班次")
	ErrTooLate    = fault.New(fault.Refused, "班次当天及之后不能更改或取消报名,只能在班次前一天(含)之前更改;如有变动请联系活动组织者")
	ErrShiftOver  = fault.New(fault.Refused, "该班次已经结束,不能报名")
	ErrCancelled  = fault.New(fault.Refused, "该活动已取消")
	ErrCheckedIn  = fault.New(fault.Refused, "您已签到,不能更改或取消报名")
	ErrSameShift  = fault.New(fault.Refused, "请选择另一个班次")
	ErrOtherPlace = fault.New(fault.Refused, "只能改到同一活动的其他班次")
)

// OpenShift is a shift a volunteer may sign up for, with its activity.
type OpenShift struct {
	Shift
	Activity Activity
	Mine     bool // the volunteer is signed up
}

// OpenShifts lists the shifts of the volunteer's community from today
// on, with their activities, the earliest first.
func (s *Service) OpenShifts(ctx context.Context, v Volunteer) ([]OpenShift, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT h.community_id, h.id, h.activity_id, h.starts_at, h.ends_at, h.served_on,
		h.slots, h.signed, '', a.title, a.content, a.place, a.kind, a.organiser, a.status,
		(SELECT COUNT(*) FROM volunteer_signups g WHERE g.community_id = h.community_id AND g.shift_id = h.id AND g.volunteer_id = $3)
		FROM volunteer_shifts h JOIN volunteer_activities a ON a.community_id = h.community_id AND a.id = h.activity_id
		WHERE h.community_id = $1 AND h.served_on >= $2 AND a.status = 'open' AND a.source = ''
		ORDER BY h.starts_at, h.id LIMIT 200`, v.CommunityID, s.today(), v.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OpenShift
	for rows.Next() {
		var o OpenShift
		var start, end string
		var mine int
		if err := rows.Scan(&o.CommunityID, &o.ID, &o.ActivityID, &start, &end, &o.Day, &o.Slots, &o.Signed, &o.Secret,
			&o.Activity.Title, &o.Activity.Content, &o.Activity.Place, &o.Activity.Kind, &o.Activity.Organiser,
			&o.Activity.Status, &mine); err != nil {
			return nil, err
		}
		o.Start, o.End, o.Mine = database.ParseTime(start), database.ParseTime(end), mine > 0
		o.Activity.ID, o.Activity.CommunityID = o.ActivityID, o.CommunityID
		if o.End.After(s.now()) {
			out = append(out, o)
		}
	}
	return out, rows.Err()
}

// MyShift is a shift the volunteer signed up for.
type MyShift struct {
	OpenShift
	Signup     Signup
	Changeable bool // the day before or earlier
	Minutes    int  // what the check-out recorded
}

// MyShifts lists the volunteer's sign-ups, the coming ones first, then
// the last year's past ones.
func (s *Service) MyShifts(ctx context.Context, v Volunteer) (coming, past []MyShift, err error) {
	rows, err := s.db.QueryContext(ctx, `SELECT h.community_id, h.id, h.activity_id, h.starts_at, h.ends_at, h.served_on,
		h.slots, h.signed, a.title, a.place, a.kind, a.organiser, a.status, g.walk_in, g.checked_in_at, g.checked_out_at,
		COALESCE((SELECT minutes FROM volunteer_hours r WHERE r.community_id = g.community_id AND r.id = g.hours_id AND r.reversed = 0), 0)
		FROM volunteer_signups g JOIN volunteer_shifts h ON h.community_id = g.community_id AND h.id = g.shift_id
		JOIN volunteer_activities a ON a.community_id = h.community_id AND a.id = h.activity_id
		WHERE g.volunteer_id = $1 AND h.served_on >= $2 ORDER BY h.starts_at DESC LIMIT 300`, v.ID,
		s.now().AddDate(-1, 0, 0).In(workdays.Shanghai).Format(database.DateLayout))
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	today := s.today()
	for rows.Next() {
		var m MyShift
		var start, end, in, out string
		var walkIn int
		if err := rows.Scan(&m.CommunityID, &m.ID, &m.ActivityID, &start, &end, &m.Day, &m.Slots, &m.Signed,
			&m.Activity.Title, &m.Activity.Place, &m.Activity.Kind, &m.Activity.Organiser, &m.Activity.Status,
			&walkIn, &in, &out, &m.Minutes); err != nil {
			return nil, nil, err
		}
		m.Start, m.End, m.Mine = database.ParseTime(start), database.ParseTime(end), true
		m.Signup.ShiftID, m.Signup.VolunteerID, m.Signup.WalkIn = m.ID, v.ID, walkIn == 1
		m.Signup.CheckedIn, m.Signup.CheckedOut = database.ParseTime(in), database.ParseTime(out)
		m.Changeable = m.Day > today && m.Signup.CheckedIn.IsZero()
		if m.Day >= today && m.Signup.CheckedOut.IsZero() && s.now().Before(m.End.Add(CheckOutAfter)) {
			coming = append([]MyShift{m}, coming...) // the soonest first
		} else {
			past = append(past, m)
		}
	}
	return coming, past, rows.Err()
}

// SignUp signs the volunteer up for a shift with a slot left.
func (s *Service) SignUp(ctx context.Context, v Volunteer, shift int64) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		sh, err := s.signable(ctx, tx, shift)
		if err != nil {
			return err
		}
		return s.take(ctx, tx, v, sh, false)
	})
}

// signable is a shift of an open activity not over yet.
func (s *Service) signable(ctx context.Context, tx *sql.Tx, id int64) (Shift, error) {
	sh, err := s.shift(ctx, tx, id)
	if err != nil {
		return sh, err
	}
	a, err := s.activity(ctx, tx, sh.ActivityID)
	if err != nil {
		return sh, err
	}
	if a.Status != "open" {
		return sh, ErrCancelled
	}
	if !s.now().Before(sh.End) {
		return sh, ErrShiftOver
	}
	return sh, nil
}

// take takes a slot of the shift for the volunteer: one statement that
// refuses a full shift on both engines, whoever signs up at once.
func (s *Service) take(ctx context.Context, tx *sql.Tx, v Volunteer, sh Shift, walkIn bool) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM volunteer_signups WHERE community_id = $1 AND shift_id = $2
		AND volunteer_id = $3`, sh.CommunityID, sh.ID, v.ID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return ErrSigned
	}
	res, err := tx.ExecContext(ctx, `UPDATE volunteer_shifts SET signed = signed + 1 WHERE community_id = $1 AND id = $2
		AND signed < slots`, sh.CommunityID, sh.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrFull
	}
	now := database.FormatTime(s.now())
	_, err = tx.ExecContext(ctx, `INSERT INTO volunteer_signups (community_id, shift_id, volunteer_id, activity_id, walk_in,
		created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)`, sh.CommunityID, sh.ID, v.ID, sh.ActivityID, flag(walkIn), now)
	if err != nil && isUnique(err) {
		return ErrSigned
	}
	return err
}

// release gives back the volunteer's slot of a shift, refusing on the
// shift's day and after, and once checked in.
func (s *Service) release(ctx context.Context, tx *sql.Tx, v Volunteer, sh Shift) error {
	var in string
	err := tx.QueryRowContext(ctx, `SELECT checked_in_at FROM volunteer_signups WHERE community_id = $1 AND shift_id = $2
		AND volunteer_id = $3`, sh.CommunityID, sh.ID, v.ID).Scan(&in)
	if err == sql.ErrNoRows {
		return ErrNotSigned
	}
	if err != nil {
		return err
	}
	if in != "" {
		return ErrCheckedIn
	}
	if sh.Day <= s.today() {
		return ErrTooLate
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM volunteer_signups WHERE community_id = $1 AND shift_id = $2 AND volunteer_id = $3`,
		sh.CommunityID, sh.ID, v.ID); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE volunteer_shifts SET signed = signed - 1 WHERE community_id = $1 AND id = $2`,
		sh.CommunityID, sh.ID)
	return err
}

// Cancel cancels the volunteer's sign-up, until the day before the shift.
func (s *Service) Cancel(ctx context.Context, v Volunteer, shift int64) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		sh, err := s.shift(ctx, tx, shift)
		if err != nil {
			return err
		}
		return s.release(ctx, tx, v, sh)
	})
}

// Change moves the volunteer's sign-up to another shift of the same
// activity, until the day before either shift.
func (s *Service) Change(ctx context.Context, v Volunteer, from, to int64) error {
	if from == to {
		return ErrSameShift
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		old, err := s.shift(ctx, tx, from)
		if err != nil {
			return err
		}
		sh, err := s.signable(ctx, tx, to)
		if err != nil {
			return err
		}
		if sh.ActivityID != old.ActivityID || sh.CommunityID != old.CommunityID {
			return ErrOtherPlace
		}
		if sh.Day <= s.today() {
			return ErrTooLate
		}
		if err := s.release(ctx, tx, v, old); err != nil {
			return err
		}
		return s.take(ctx, tx, v, sh, false)
	})
}

// ShiftsOf lists the other shifts of a shift's activity a volunteer may
// change to.
func (s *Service) ShiftsOf(ctx context.Context, shift int64) ([]Shift, error) {
	sh, err := s.shift(ctx, s.db, shift)
	if err != nil {
		return nil, err
	}
	all, err := s.shifts(ctx, Activity{ID: sh.ActivityID, CommunityID: sh.CommunityID}, false)
	var out []Shift
	for _, o := range all {
		if o.ID != shift && o.Day > s.today() && o.Free() > 0 {
			out = append(out, o)
		}
	}
	return out, err
}

// window bounds: check-in opens CheckInBefore the start and closes at the
// end; check-out is taken until CheckOutAfter the end.
const (
	CheckInBefore = 30 * time.Minute
	CheckOutAfter = 2 * time.Hour
	// MinService is how long after a check-in a second scan checks out;
	// sooner, it is a double scan and refused as a second check-in.
	MinService = 5 * time.Minute
)

func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}
