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
	FollowUnits(ctx context.Context, tx *sql.Tx, actor Actor, at time.Time, r Repoint) (Followed, error)
}

// Repoint says where the records of some units lie now.
type Repoint struct {
	// Root is the unit whose subtree's records move: every record hanging
	// on Root or a unit below it (the closure as it stands before the move).
	Root int64
	// Grid is the grid the records lie in now.
	Grid int64
	// KeepGrid: the records keep their grids (a unit holding grids moved).
	KeepGrid bool
	// Community is the community the records lie in now when it is
	// another one (a grid redrawn into a neighbouring community); 0 when
	// they stay in theirs.
	Community int64
	// From and To: records hanging on From itself now hang on To (a merge
	// of two grids); 0 when records keep their unit.
	From, To int64
}

// Followed counts the records that followed, by entity (building, house,
// household, person, organisation, rental, tag, and whatever else a
// follower keeps of them).
type Followed map[string]int

// Total is the number of records that followed.
func (f Followed) Total() int {
	n := 0
	for _, c := range f {
		n += c
	}
	return n
}

// Followers carries records along with several followers, one after
// another in the same transaction: the register first, then what other
// capabilities keep of its records.
type Followers []Follower

// FollowUnits runs each follower and adds up what followed.
func (fs Followers) FollowUnits(ctx context.Context, tx *sql.Tx, actor Actor, at time.Time, r Repoint) (Followed, error) {
	out := Followed{}
	for _, f := range fs {
		got, err := f.FollowUnits(ctx, tx, actor, at, r)
		if err != nil {
			return nil, err
		}
		for k, n := range got {
			out[k] += n
		}
	}
	return out, nil
}
