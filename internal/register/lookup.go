package register

import (
	"context"

	"shequ/internal/access"
)

// Lists show, beside each row, the name of a related row (a household's
// head, a person's household). These look them up for a whole list in one
// query, within the scope and as the scope may see them.

// distinctIDs are the ids without zeros and repeats, for an IN list.
func distinctIDs(ids []int64) []any {
	out := make([]any, 0, len(ids))
	seen := map[int64]bool{}
	for _, id := range ids {
		if id == 0 || seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, id)
	}
	return out
}

// PersonNames returns id → name of the persons among ids that lie in scope
// and whose name the scope may see.
func (s *Store) PersonNames(ctx context.Context, scope access.Scope, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	in := distinctIDs(ids)
	if len(in) == 0 {
		return out, nil
	}
	a := s.db.Args()
	rows, err := s.db.QueryContext(ctx, `SELECT p.id, p.community_id, COALESCE(p.grid_id, 0), p.org_id, p.name
		FROM persons p WHERE `+a.In("p.id", in...)+scope.Where(a, "p"), a.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var pl access.Place
		var name string
		if err := rows.Scan(&id, &pl.Community, &pl.Grid, &pl.Org, &name); err != nil {
			return nil, err
		}
		if n := scope.Fields(pl).Text("person", "name", name); n != "" {
			out[id] = n
		}
	}
	return out, rows.Err()
}

// HouseholdBrief is what a list of persons shows of each one's household.
type HouseholdBrief struct {
	Number  string
	Address string
}

// HouseholdBriefs returns id → number and address of the households among
// ids that lie in scope, as the scope may see them.
func (s *Store) HouseholdBriefs(ctx context.Context, scope access.Scope, ids []int64) (map[int64]HouseholdBrief, error) {
	out := map[int64]HouseholdBrief{}
	in := distinctIDs(ids)
	if len(in) == 0 {
		return out, nil
	}
	a := s.db.Args()
	rows, err := s.db.QueryContext(ctx, `SELECT h.id, h.community_id, COALESCE(h.grid_id, 0), h.org_id, h.number, h.address
		FROM households h WHERE `+a.In("h.id", in...)+scope.Where(a, "h"), a.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var pl access.Place
		var b HouseholdBrief
		if err := rows.Scan(&id, &pl.Community, &pl.Grid, &pl.Org, &b.Number, &b.Address); err != nil {
			return nil, err
		}
		f := scope.Fields(pl)
		out[id] = HouseholdBrief{Number: f.Text("household", "number", b.Number), Address: f.Text("household", "address", b.Address)}
	}
	return out, rows.Err()
}

// OrganisationNames returns id → name of the organisations among ids. An
// organisation's name is public; it is shown even outside the scope.
func (s *Store) OrganisationNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	return s.db.TextByID(ctx, `SELECT id, name FROM organisations WHERE `, ids)
}
