package imports

import (
	"context"
	"database/sql"
	"time"

	"shequ/internal/orgtree"
)

// FollowUnits carries what imports keep of register records into the
// community a unit of the tree moved to, after the register moved the
// records themselves (orgtree.Followers runs it second, in the same
// transaction). The conflict queue, the values people declined and the
// identity decisions are of the person: they follow the persons now under
// the unit, and a conflict about a row that would be registered there
// (no person yet) follows its unit. The imports themselves and their
// rejected rows stay: they are the old community's past work.
func (s *Service) FollowUnits(ctx context.Context, tx *sql.Tx, _ orgtree.Actor, _ time.Time, r orgtree.Repoint) (orgtree.Followed, error) {
	out := orgtree.Followed{}
	if r.Community == 0 {
		return out, nil
	}
	under := `IN (SELECT unit_id FROM org_closure WHERE ancestor_id = $1)`
	persons := `SELECT p.id FROM persons p WHERE p.community_id = $2 AND p.org_id ` + under
	grid := ""
	if !r.KeepGrid {
		grid = `, grid_id = $3`
	}
	res, err := tx.ExecContext(ctx, `UPDATE import_conflicts SET community_id = $2`+grid+`
		WHERE community_id <> $2 AND (person_id IN (`+persons+`) OR (person_id = 0 AND org_id `+under+`))`,
		followArgs(r, grid)...)
	if err != nil {
		return nil, err
	}
	n, _ := res.RowsAffected()
	out["conflict"] = int(n)
	for _, table := range []string{"import_declined", "import_links"} {
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET community_id = $2
			WHERE community_id <> $2 AND person_id IN (`+persons+`)`, r.Root, r.Community); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func followArgs(r orgtree.Repoint, grid string) []any {
	if grid == "" {
		return []any{r.Root, r.Community}
	}
	var g any
	if r.Grid != 0 {
		g = r.Grid
	}
	return []any{r.Root, r.Community, g}
}
