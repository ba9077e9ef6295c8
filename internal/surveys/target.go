package surveys

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"shequ/internal/residents"
	"shequ/internal/workdays"
)

// Respondent is a verified resident with the register facts a survey's
// target asks of them beyond the session's: gender and birth date.
type Respondent struct {
	residents.Resident
	Gender    string // M, F
	BirthDate string // YYYY-MM-DD; a birth known to the month is the month's last day
}

// respondent reads the facts of a signed-in resident from the register.
func (s *Service) respondent(ctx context.Context, r residents.Resident) (Respondent, error) {
	p := Respondent{Resident: r}
	err := s.db.QueryRowContext(ctx, `SELECT gender, birth_date FROM persons WHERE community_id = $1 AND id = $2
		AND status = 'active'`, r.CommunityID, r.PersonID).Scan(&p.Gender, &p.BirthDate)
	if errors.Is(err, sql.ErrNoRows) {
		return Respondent{}, ErrNoResident
	}
	return p, err
}

// ageBounds are the birth dates a range of ages admits on the day of now:
// born on or before notAfter and, with an upper age, after after ("" when
// unbounded).
func ageBounds(sv Survey, now time.Time) (notAfter, after string) {
	today := now.In(workdays.Shanghai)
	notAfter = today.AddDate(-sv.AgeMin, 0, 0).Format("2006-01-02")
	if sv.AgeMax > 0 {
		// Aged at most AgeMax: not yet AgeMax+1 today.
		after = today.AddDate(-(sv.AgeMax + 1), 0, 0).Format("2006-01-02")
	}
	return notAfter, after
}

// Targets says whether a respondent is in a survey's target at now: a
// predicate over their own register facts, the same as TargetCount's.
func Targets(sv Survey, p Respondent, now time.Time) bool {
	if p.PersonID == 0 || p.CommunityID != sv.CommunityID || len(p.BirthDate) < 10 {
		return false
	}
	notAfter, after := ageBounds(sv, now)
	if b := p.BirthDate[:10]; b > notAfter || (after != "" && b <= after) {
		return false
	}
	if sv.Gender != "" && p.Gender != sv.Gender {
		return false
	}
	if sv.Unit == PerHousehold && p.HouseholdID == 0 {
		return false
	}
	if len(sv.Buildings) == 0 {
		return true
	}
	for _, b := range sv.Buildings {
		if b == p.BuildingID {
			return true
		}
	}
	return false
}

// TargetCount is the size of a survey's target now, in persons or
// households: one COUNT over the register, never a list.
func (s *Service) TargetCount(ctx context.Context, sv Survey) (int, error) {
	notAfter, after := ageBounds(sv, s.now())
	unit := "p.id"
	where := ""
	if sv.Unit == PerHousehold {
		unit = "p.household_id"
		where += " AND p.household_id IS NOT NULL"
	}
	q := s.db.Args(sv.CommunityID, notAfter)
	if after != "" {
		where += " AND SUBSTR(p.birth_date, 1, 10) > " + q.Arg(after)
	}
	if sv.Gender != "" {
		where += " AND p.gender = " + q.Arg(sv.Gender)
	}
	if len(sv.Buildings) > 0 {
		where += ` AND ho.building_id IN (SELECT building_id FROM survey_buildings sb
			WHERE sb.community_id = p.community_id AND sb.survey_id = ` + q.Arg(sv.ID) + `)`
	}
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(DISTINCT `+unit+`) FROM persons p
		LEFT JOIN households h ON h.community_id = p.community_id AND h.id = p.household_id
		LEFT JOIN houses ho ON ho.community_id = h.community_id AND ho.id = h.house_id
		WHERE p.community_id = $1 AND p.status = 'active' AND LENGTH(p.birth_date) >= 10
		AND SUBSTR(p.birth_date, 1, 10) <= $2`+where, q.Values()...).Scan(&n)
	return n, err
}
