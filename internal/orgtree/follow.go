package orgtree

import (
	"context"
	"database/sql"
	"time"
)

// Follower carries the records hanging on units (the register's
// buildings, houses, households, persons, organisations) along when units
// move or merge, inside the tree's transaction, each with its own change
// event so the register read as of a past day still places it where it
// was. The register implements it; the tree knows nothing of its tables
// beyond counting what lies under a unit.
type Follower interface {
	FollowUnits(ctx context.Context, tx *sql.Tx, actor Actor, at time.Time, r Repoint) (int, error)
}

// Repoint says where the records of some units lie now.
type Repoint struct {
	// Root is the unit whose subtree's records move: every record hanging
	// on Root or a unit below it (the closure as it stands before the move).
	Root int64
	// Grid is the grid the records lie in now.
	Grid int64
	// From and To: records hanging on From itself now hang on To (a merge
	// of two grids); 0 when records keep their unit.
	From, To int64
}
