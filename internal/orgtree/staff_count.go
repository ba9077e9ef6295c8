package orgtree

import "context"

// RoleCount is how many current staff of one role a subtree has.
type RoleCount struct {
	Role string
	N    int
}

// StaffByRole counts the current staff of a subtree by role, and in all:
// above the communities a list of thousands helps nobody, the summary does.
func (s *Store) StaffByRole(ctx context.Context, unit int64) ([]RoleCount, int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT st.role, COUNT(*) FROM org_staff st
		JOIN org_closure c ON c.unit_id = st.unit_id
		WHERE c.ancestor_id = $1 AND st.ended_on IS NULL GROUP BY st.role ORDER BY st.role`, unit)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []RoleCount
	total := 0
	for rows.Next() {
		var rc RoleCount
		if err := rows.Scan(&rc.Role, &rc.N); err != nil {
			return nil, 0, err
		}
		out = append(out, rc)
		total += rc.N
	}
	return out, total, rows.Err()
}

// BelowGrid returns the units between a unit's grid and the unit itself
// (楼栋, 单元), to say where in the grid a household or person lives.
func (s *Store) BelowGrid(ctx context.Context, id int64) ([]Unit, error) {
	path, err := s.Ancestors(ctx, id)
	if err != nil {
		return nil, err
	}
	for i, u := range path {
		if u.Level == LevelGrid {
			return path[i+1:], nil
		}
	}
	return nil, nil
}
