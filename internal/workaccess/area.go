package workaccess

import "context"

// Area is what a ledger or a burden covers: the communities at or below a
// unit with their active households (the household rule pays by them), and
// the paid staff whose working hours are theirs to give.
type Area struct {
	Communities map[int64]int // active households by community
	StaffOf     map[int64]int // paid staff by community
	Staff       int           // the communities' paid staff in all
}

// AreaOf reads the area of a unit from the org tree (its communities and
// their paid staff) and the register (their active households): one
// grouped query each, however many communities the unit has.
func (s *Service) AreaOf(ctx context.Context, unit int64) (Area, error) {
	a := Area{Communities: map[int64]int{}, StaffOf: map[int64]int{}}
	cs, err := s.org.CommunitiesUnder(ctx, unit)
	if err != nil {
		return a, err
	}
	households, err := s.register.ActiveHouseholds(ctx, unit)
	if err != nil {
		return a, err
	}
	staff, err := s.org.PaidStaff(ctx, unit)
	if err != nil {
		return a, err
	}
	for _, c := range cs {
		a.Communities[c.ID] = households[c.ID]
		a.StaffOf[c.ID] = staff[c.ID]
		a.Staff += staff[c.ID]
	}
	return a, nil
}
