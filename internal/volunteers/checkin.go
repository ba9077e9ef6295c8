package volunteers

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/workdays"
)

// Check-in and check-out by the shift's QR: the organiser's page shows a
// QR of /v/scan/<shift>?k=<secret>; a volunteer signed in on their phone
// opens it once to check in and again, after the service, to check out.
// The check-out writes one row of the hours ledger, source
// 'shift:<shift>' (or the need's source and the shift), verified by the
// activity's organiser; the ledger's unique index keeps it once.
//
// The window: check-in from 30 minutes before the start to the end;
// check-out until 2 hours after the end (then staff record the hours by
// hand). A volunteer without a sign-up checks in as a walk-in when a slot
// is left. A day's hours never pass 24.

// ScanResult says what a scan did.
type ScanResult struct {
	CheckedIn  bool // false: checked out
	Activity   Activity
	Shift      Shift
	At         time.Time
	Minutes    int // served, on a check-out
	Planned    int
	WalkIn     bool
	HoursID    int64
	Verifier   string
	DayMinutes int // the volunteer's hours that day, after the check-out
}

// ErrBadQR answers a QR whose shift or secret is wrong.
var ErrBadQR = fault.New(fault.NotFound, "二维码无效,请扫描活动现场的签到二维码")

func refused(msg string) error { return fault.New(fault.Refused, msg) }

func clock(t time.Time) string { return t.In(workdays.Shanghai).Format("15:04") }

// ShiftOfQR reads the shift a QR names, checking its secret.
func (s *Service) ShiftOfQR(ctx context.Context, shift int64, secret string) (Shift, Activity, error) {
	sh, err := s.shift(ctx, s.db, shift)
	if errors.Is(err, ErrNoShift) || (err == nil && subtle.ConstantTimeCompare([]byte(sh.Secret), []byte(secret)) != 1) {
		return Shift{}, Activity{}, ErrBadQR
	}
	if err != nil {
		return sh, Activity{}, err
	}
	a, err := s.activity(ctx, s.db, sh.ActivityID)
	return sh, a, err
}

// Scan checks the volunteer in, or out when checked in already.
func (s *Service) Scan(ctx context.Context, v Volunteer, shift int64, secret string) (ScanResult, error) {
	var r ScanResult
	sh, a, err := s.ShiftOfQR(ctx, shift, secret)
	if err != nil {
		return r, err
	}
	if a.Status != "open" {
		return r, ErrCancelled
	}
	r.Activity, r.Shift, r.Planned, r.Verifier = a, sh, sh.PlannedMinutes(), a.Organiser
	now := s.now()
	r.At = now
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		var in, out string
		var walkIn int
		err := tx.QueryRowContext(ctx, `SELECT checked_in_at, checked_out_at, walk_in FROM volunteer_signups
			WHERE community_id = $1 AND shift_id = $2 AND volunteer_id = $3`, sh.CommunityID, sh.ID, v.ID).Scan(&in, &out, &walkIn)
		signed := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		r.WalkIn = walkIn == 1
		switch {
		case signed && out != "":
			return refused("您已于 " + clock(database.ParseTime(out)) + " 签退,本班次的服务时长已记录,不能重复签到")
		case signed && in != "":
			return s.checkOut(ctx, tx, v, a, sh, database.ParseTime(in), &r)
		}
		// A check-in.
		if now.Before(sh.Start.Add(-CheckInBefore)) {
			return refused("签到时间未到:本班次 " + sh.Label() + ",开始前30分钟起可以签到")
		}
		if !now.Before(sh.End) {
			return refused("本班次已于 " + sh.Day + " " + clock(sh.End) + " 结束,不能再签到;如确已参加服务,请联系组织者补录时长")
		}
		if !signed {
			// A walk-in: welcome while a slot is left.
			if err := s.take(ctx, tx, v, sh, true); err != nil {
				if errors.Is(err, ErrFull) {
					return refused("您没有报名该班次,且名额已满,不能签到")
				}
				return err
			}
			r.WalkIn = true
		}
		r.CheckedIn = true
		_, err = tx.ExecContext(ctx, `UPDATE volunteer_signups SET checked_in_at = $1, updated_at = $1 WHERE community_id = $2
			AND shift_id = $3 AND volunteer_id = $4 AND checked_in_at = ''`, database.FormatTime(now), sh.CommunityID, sh.ID, v.ID)
		return err
	})
	return r, err
}

func (s *Service) checkOut(ctx context.Context, tx *sql.Tx, v Volunteer, a Activity, sh Shift, in time.Time, r *ScanResult) error {
	now := r.At
	if now.Sub(in) < MinService {
		return refused("您已于 " + clock(in) + " 签到,不能重复签到;服务结束后再扫码签退")
	}
	if now.After(sh.End.Add(CheckOutAfter)) {
		return refused("已超过签退时间(班次结束后2小时),请联系组织者补录服务时长")
	}
	minutes := int(now.Sub(in) / time.Minute)
	source := "shift:" + strconv.FormatInt(sh.ID, 10)
	if strings.HasPrefix(a.Source, "need:") {
		source = a.Source + ":" + source
	}
	row := HoursRow{ID: database.NewID(), CommunityID: sh.CommunityID, VolunteerID: v.ID, Kind: a.Kind, ServedOn: sh.Day,
		Start: in, End: now, Planned: sh.PlannedMinutes(), Minutes: minutes, Content: a.Title, ActivityID: a.ID,
		TeamID: a.TeamID, Source: source, VerifiedBy: a.Organiser, VerifiedByID: a.OrganiserID, CreatedBy: "本人扫码签退"}
	day, err := s.insertHours(ctx, tx, row)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE volunteer_signups SET checked_out_at = $1, hours_id = $2, updated_at = $1
		WHERE community_id = $3 AND shift_id = $4 AND volunteer_id = $5 AND checked_out_at = ''`,
		database.FormatTime(now), row.ID, sh.CommunityID, sh.ID, v.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return refused("本班次已签退") // another scan meanwhile; its row stands
	}
	r.Minutes, r.HoursID, r.DayMinutes = minutes, row.ID, day
	return nil
}
