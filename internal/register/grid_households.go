package register

import (
	"context"

	"shequ/internal/access"
	"shequ/internal/database"
)

// HouseholdsInGrids returns the active households of some grids of a
// community that lie in scope, with their members on the register, each
// as the scope may see it (masked and emptied as on every other read): a
// grid worker's phone takes them along to work with no network. Two
// reads, whatever the number of households.
func (s *Store) HouseholdsInGrids(ctx context.Context, scope access.Scope, community int64, grids []int64) (
	[]Household, map[int64][]Person, error) {
	if len(grids) == 0 {
		return nil, map[int64][]Person{}, nil
	}
	a := s.db.Args(community)
	in := a.In("h.grid_id", database.AnyOf(grids)...)
	where := scope.Where(a, "h")
	hs, err := s.queryHouseholds(ctx, s.db, `SELECT `+householdColumns+` FROM households h
		WHERE h.community_id = $1 AND h.status = 'active' AND `+in+where+` ORDER BY h.number`, a.Values()...)
	if err != nil {
		return nil, nil, err
	}
	redactHouseholds(scope, hs)

	a = s.db.Args(community)
	in = a.In("h.grid_id", database.AnyOf(grids)...)
	where = scope.Where(a, "p")
	ps, err := s.queryPersons(ctx, s.db, `SELECT `+personColumns+` FROM persons p
		JOIN households h ON h.community_id = p.community_id AND h.id = p.household_id
		WHERE p.community_id = $1 AND p.status = 'active' AND h.status = 'active' AND `+in+where+`
		ORDER BY p.household_id, CASE WHEN p.id = h.head_id THEN 0 ELSE 1 END, p.relation, p.birth_date`, a.Values()...)
	if err != nil {
		return nil, nil, err
	}
	redactPersons(scope, ps)
	members := make(map[int64][]Person, len(hs))
	for _, p := range ps {
		members[p.HouseholdID] = append(members[p.HouseholdID], p)
	}
	return hs, members, nil
}
