package workforce

import (
	"context"
	"math"

	"shequ/internal/orgtree"
)

// ResidentsPerWorker is the national baseline the provinces staff
// communities by: about one community worker per 350 residents, i.e.
// ≈ 2.86 per 1,000 residents.
const ResidentsPerWorker = 350

// BaselinePerThousand is the baseline as workers per 1,000 residents.
const BaselinePerThousand = 1000.0 / ResidentsPerWorker

// Staffing is the staffing of one community, or the sum of an area's.
type Staffing struct {
	Community    int64   `json:"community"`
	Name         string  `json:"name"`
	Staff        int     `json:"staff"`        // paid community workers in office, each person once
	Coordinators int     `json:"coordinators"` // 协管员 in office
	Qualified    int     `json:"qualified"`    // staff and coordinators holding a social work certificate in force
	Residents    int     `json:"residents"`    // persons of the register living in the community
	PerThousand  float64 `json:"per_thousand"` // staff per 1,000 residents, two places
	Baseline     float64 `json:"baseline_per_thousand"`
	Required     int     `json:"required"`  // staff the baseline asks for: residents / 350, rounded up
	Shortfall    int     `json:"shortfall"` // required − staff; negative: staff beyond the baseline
}

// finish computes the ratios of counted figures.
func (st *Staffing) finish() {
	st.Baseline = math.Round(BaselinePerThousand*100) / 100
	if st.Residents > 0 {
		st.PerThousand = math.Round(float64(st.Staff)*1000*100/float64(st.Residents)) / 100
	}
	st.Required = (st.Residents + ResidentsPerWorker - 1) / ResidentsPerWorker
	st.Shortfall = st.Required - st.Staff
}

// StaffingReport is an area's staffing: each community in force at or
// below the unit, in the tree's order, and their sum. The sum's shortfall
// is the sum of the communities' (one community's excess does not fill
// another's gap); Required likewise.
type StaffingReport struct {
	Unit        orgtree.Unit
	Communities []Staffing
	Total       Staffing
}

// Staffing counts the staffing of the communities at or below unit, with
// grouped queries whatever their number.
func (s *Service) Staffing(ctx context.Context, unit int64) (*StaffingReport, error) {
	u, err := s.org.Get(ctx, unit)
	if err != nil {
		return nil, ErrNoUnit
	}
	cs, err := s.org.CommunitiesUnder(ctx, unit)
	if err != nil {
		return nil, err
	}
	rep := &StaffingReport{Unit: u}
	if len(cs) == 0 {
		rep.Total.finish()
		return rep, nil
	}
	staff, coordinators, err := s.paidAndCoordinators(ctx, unit)
	if err != nil {
		return nil, err
	}
	residents, err := s.db.CountByID(ctx, `SELECT p.community_id, COUNT(*) FROM persons p
		WHERE p.status = 'active' AND p.community_id IN (SELECT c.unit_id FROM org_closure c
			JOIN org_units u ON u.id = c.unit_id WHERE c.ancestor_id = $1 AND u.level = 'community')
		GROUP BY p.community_id`, unit)
	if err != nil {
		return nil, err
	}
	qualified, err := s.db.CountByID(ctx, `SELECT q.community_id, COUNT(DISTINCT st.name || '|' || st.phone)
		FROM workforce_qualifications q JOIN org_staff st ON st.id = q.staff_id
		JOIN org_closure c ON c.unit_id = st.unit_id
		WHERE c.ancestor_id = $1 AND st.ended_on IS NULL AND q.withdrawn = 0
		AND q.kind IN ('sw_assistant', 'sw', 'sw_senior') AND q.issued_on <= $2 AND (q.expires_on = '' OR q.expires_on >= $2)
		GROUP BY q.community_id`, unit, s.today())
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		st := Staffing{Community: c.ID, Name: c.Name, Staff: staff[c.ID], Coordinators: coordinators[c.ID],
			Qualified: qualified[c.ID], Residents: residents[c.ID]}
		st.finish()
		rep.Communities = append(rep.Communities, st)
		rep.Total.Staff += st.Staff
		rep.Total.Coordinators += st.Coordinators
		rep.Total.Qualified += st.Qualified
		rep.Total.Residents += st.Residents
	}
	rep.Total.Community, rep.Total.Name = u.ID, u.Name
	rep.Total.finish()
	rep.Total.Required, rep.Total.Shortfall = 0, 0
	for _, c := range rep.Communities {
		rep.Total.Required += c.Required
		rep.Total.Shortfall += max(c.Shortfall, 0)
	}
	return rep, nil
}

func (s *Service) paidAndCoordinators(ctx context.Context, unit int64) (staff, coordinators map[int64]int, err error) {
	if staff, err = s.org.PaidStaff(ctx, unit); err != nil {
		return nil, nil, err
	}
	coordinators, err = s.db.CountByID(ctx, `SELECT st.community_id, COUNT(DISTINCT st.name || '|' || st.phone) FROM org_staff st
		JOIN org_closure c ON c.unit_id = st.unit_id
		WHERE c.ancestor_id = $1 AND st.ended_on IS NULL AND st.community_id IS NOT NULL
		AND st.role = 'coordinator' GROUP BY st.community_id`, unit)
	return staff, coordinators, err
}
