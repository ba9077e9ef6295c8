package workaccess

import (
	"context"

	"shequ/internal/orgtree"
)

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
	a, _, err := s.areaOf(ctx, unit)
	return a, err
}

// areaOf is AreaOf with the communities it found, in the tree's order.
func (s *Service) areaOf(ctx context.Context, unit int64) (Area, []orgtree.Unit, error) {
	a := Area{Communities: map[int64]int{}, StaffOf: map[int64]int{}}
	cs, err := s.org.CommunitiesUnder(ctx, unit)
	if err != nil {
		return a, nil, err
	}
	households, err := s.register.ActiveHouseholds(ctx, unit)
	if err != nil {
		return a, nil, err
	}
	staff, err := s.org.PaidStaff(ctx, unit)
	if err != nil {
		return a, nil, err
	}
	for _, c := range cs {
		a.Communities[c.ID] = households[c.ID]
		a.StaffOf[c.ID] = staff[c.ID]
		a.Staff += staff[c.ID]
	}
	return a, cs, nil
}
