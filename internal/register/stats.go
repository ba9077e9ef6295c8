package register

import (
	"context"

	"shequ/internal/access"
)

// Stats counts the register in a scope (GET /api/v1/stats).
type Stats struct {
	Persons            int `json:"persons"`
	RegisteredPersons  int `json:"registered_persons"`
	ResidentPersons    int `json:"resident_persons"`
	FloatingPersons    int `json:"floating_persons"`
	OverseasPersons    int `json:"overseas_persons"`
	Households         int `json:"households"`
	FloatingHouseholds int `json:"floating_households"`
	Houses             int `json:"houses"`
	RentedHouses       int `json:"rented_houses"`
	Buildings          int `json:"buildings"`
	Organisations      int `json:"organisations"`
	Grids              int `json:"grids"`
	Communities        int `json:"communities"`
}

// Stats counts active rows in scope.
func (s *Store) Stats(ctx context.Context, scope access.Scope) (Stats, error) {
	var st Stats
	where, args := scope.And("p", 1)
	rows, err := s.db.QueryContext(ctx, `SELECT p.residence, COUNT(*) FROM persons p WHERE p.status = 'active'`+where+
		` GROUP BY p.residence`, args...)
	if err != nil {
		return st, err
	}
	for rows.Next() {
		var r string
		var n int
		if err := rows.Scan(&r, &n); err != nil {
			rows.Close()
			return st, err
		}
		st.Persons += n
		switch r {
		case ResidenceRegistered:
			st.RegisteredPersons = n
		case ResidenceResident:
			st.ResidentPersons = n
		case ResidenceFloating:
			st.FloatingPersons = n
		case ResidenceOverseas:
			st.OverseasPersons = n
		}
	}
	rows.Close()
	count := func(dst *int, query, alias string) error {
		where, args := scope.And(alias, 1)
		return s.db.QueryRowContext(ctx, query+where, args...).Scan(dst)
	}
	if err := count(&st.Households, `SELECT COUNT(*) FROM households h WHERE h.status = 'active'`, "h"); err != nil {
		return st, err
	}
	if err := count(&st.FloatingHouseholds, `SELECT COUNT(*) FROM households h WHERE h.status = 'active' AND h.kind = 'floating'`, "h"); err != nil {
		return st, err
	}
	if err := count(&st.Houses, `SELECT COUNT(*) FROM houses h WHERE 1 = 1`, "h"); err != nil {
		return st, err
	}
	if err := count(&st.RentedHouses, `SELECT COUNT(*) FROM houses h WHERE h.use = 'rented'`, "h"); err != nil {
		return st, err
	}
	if err := count(&st.Organisations, `SELECT COUNT(*) FROM organisations o WHERE o.status = 'active'`, "o"); err != nil {
		return st, err
	}
	where, args = scope.UnitAnd("u", 1)
	for _, c := range []struct {
		dst   *int
		level string
	}{{&st.Grids, "grid"}, {&st.Buildings, "building"}, {&st.Communities, "community"}} {
		q := `SELECT COUNT(*) FROM org_units u WHERE u.level = '` + c.level + `'` + where
		if err := s.db.QueryRowContext(ctx, q, args...).Scan(c.dst); err != nil {
			return st, err
		}
	}
	return st, nil
}

// GridLoad is the register's weight on one grid, for maps and workload.
type GridLoad struct {
	GridID     int64 `json:"grid_id"`
	Households int   `json:"households"`
	Persons    int   `json:"persons"`
}

// GridLoads counts active households and persons per grid in scope.
func (s *Store) GridLoads(ctx context.Context, scope access.Scope) (map[int64]GridLoad, error) {
	out := map[int64]GridLoad{}
	where, args := scope.And("h", 1)
	rows, err := s.db.QueryContext(ctx, `SELECT h.grid_id, COUNT(*) FROM households h
		WHERE h.status = 'active' AND h.grid_id IS NOT NULL`+where+` GROUP BY h.grid_id`, args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var g GridLoad
		rows.Scan(&g.GridID, &g.Households)
		out[g.GridID] = g
	}
	rows.Close()
	where, args = scope.And("p", 1)
	rows, err = s.db.QueryContext(ctx, `SELECT p.grid_id, COUNT(*) FROM persons p
		WHERE p.status = 'active' AND p.grid_id IS NOT NULL`+where+` GROUP BY p.grid_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		rows.Scan(&id, &n)
		g := out[id]
		g.GridID, g.Persons = id, n
		out[id] = g
	}
	return out, rows.Err()
}
