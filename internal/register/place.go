package register

import (
	"context"
	"database/sql"
	"errors"

	"shequ/internal/access"
)

// placeQueries find where a row of each entity lies, for the access check
// of routes that name one.
var placeQueries = map[string]string{
	"person":       `SELECT community_id, COALESCE(grid_id, 0), org_id FROM persons WHERE id = $1`,
	"household":    `SELECT community_id, COALESCE(grid_id, 0), org_id FROM households WHERE id = $1`,
	"house":        `SELECT community_id, COALESCE(grid_id, 0), org_id FROM houses WHERE id = $1`,
	"organisation": `SELECT community_id, COALESCE(grid_id, 0), org_id FROM organisations WHERE id = $1`,
	"building":     `SELECT community_id, COALESCE(grid_id, 0), id FROM buildings WHERE id = $1`,
}

// Entities are the register's entities that routes may name.
func Entities() []string {
	return []string{"person", "household", "house", "organisation", "building"}
}

// Resolver returns the access resolver of one of the register's entities.
func (s *Store) Resolver(entity string) access.Resolver {
	q, ok := placeQueries[entity]
	if !ok {
		panic("register: no place query for " + entity)
	}
	return func(ctx context.Context, id int64) (access.Place, error) {
		var p access.Place
		err := s.db.QueryRowContext(ctx, q, id).Scan(&p.Community, &p.Grid, &p.Org)
		if errors.Is(err, sql.ErrNoRows) {
			return p, access.ErrNoObject
		}
		return p, err
	}
}
