package satisfaction

import (
	"context"

	"shequ/internal/fault"
	"shequ/internal/residents"
	"shequ/internal/visits"
	"shequ/internal/volunteers"
)

// Rateable is what a verified resident may rate, or has rated, of late:
// their household's visits and the volunteer activities they served in.
// Events and applications are rated on their public progress pages, by
// the tracking number their reporter holds.
type Rateable struct {
	Visits     []visits.RateableVisit
	Activities []volunteers.RateableActivity
}

// Empty says there is nothing to show.
func (r Rateable) Empty() bool { return len(r.Visits) == 0 && len(r.Activities) == 0 }

// ErrNoResident answers a rating without a verified resident.
var ErrNoResident = fault.New(fault.Unauthorized, "请先核验居民身份。")

// ForResident lists what the resident may rate.
func (s *Service) ForResident(ctx context.Context, res *residents.Resident) (Rateable, error) {
	var out Rateable
	if res == nil {
		return out, ErrNoResident
	}
	var err error
	if s.visits != nil {
		if out.Visits, err = s.visits.HouseholdVisits(ctx, res.CommunityID, res.HouseholdID); err != nil {
			return out, err
		}
	}
	if s.volunteers != nil {
		out.Activities, err = s.volunteers.AttendedActivities(ctx, res.CommunityID, res.PersonID)
	}
	return out, err
}

// Rating is a resident's rating of a visit or an activity.
type Rating struct {
	Part      string // visit, activity
	Community int64  // the activity's community (a visit is the resident's own)
	ID        int64
	Score     int
	Comment   string
}

// ErrNoPart answers a rating of something residents do not rate here.
var ErrNoPart = fault.New(fault.NotFound, "没有这项可评价的服务")

// Rate records a resident's rating: the capability that keeps the visit or
// the activity checks that it is the resident's to rate, once.
func (s *Service) Rate(ctx context.Context, res *residents.Resident, r Rating) error {
	if res == nil {
		return ErrNoResident
	}
	switch {
	case r.Part == Parts[PartVisit].Code && s.visits != nil:
		return s.visits.RateVisit(ctx, res.CommunityID, res.HouseholdID, res.PersonID, r.ID, r.Score, r.Comment)
	case r.Part == Parts[PartActivity].Code && s.volunteers != nil:
		return s.volunteers.RateActivity(ctx, res.CommunityID, res.PersonID, r.Community, r.ID, r.Score, r.Comment)
	}
	return ErrNoPart
}
