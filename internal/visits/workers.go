package visits

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"shequ/internal/database"
	"shequ/internal/fault"
)

// Worker is a grid worker (网格员, org_staff role grid_worker) with the
// grids they visit and their capacity.
type Worker struct {
	StaffID      int64   `json:"staff_id"`
	UserID       int64   `json:"user_id,omitempty"`
	Name         string  `json:"name"`
	CommunityID  int64   `json:"community_id"`
	Grids        []int64 `json:"grids"`
	GridNames    string  `json:"grid_names"`
	VisitsPerDay int     `json:"visits_per_day"` // the team's
	TeamSize     int     `json:"team_size"`
	OwnSetting   bool    `json:"own_setting"` // set for this worker, not the community's default
}

// DailyShare is the visits a day the worker's own households get: the
// team's visits shared among its members, at least one.
func (w Worker) DailyShare() int {
	return max(1, (w.VisitsPerDay+w.TeamSize-1)/w.TeamSize)
}

// DefaultVisitsPerDay is the community default when none is set.
const DefaultVisitsPerDay = 10

// ErrNoWorker answers a worker who does not exist or lies outside the
// viewer's part of the tree.
var ErrNoWorker = fault.New(fault.NotFound, "没有这位网格员")

// Workers lists the grid workers of the communities (nil: all), in the
// order of their first grid. One person holding several grids (one
// org_staff row each, the same account) is one worker.
func (s *Service) Workers(ctx context.Context, communities []int64) ([]Worker, error) {
	return s.workersOf(ctx, s.db, communities)
}

func (s *Service) workersOf(ctx context.Context, q database.Querier, communities []int64) ([]Worker, error) {
	a := s.db.Args()
	where := ""
	if communities != nil {
		where = " AND " + a.In("st.community_id", database.AnyOf(communities)...)
	}
	rows, err := q.QueryContext(ctx, `SELECT st.id, COALESCE(st.user_id, 0), st.name, COALESCE(st.community_id, 0), u.id, u.name
		FROM org_staff st JOIN org_units u ON u.id = st.unit_id
		WHERE st.role = 'grid_worker' AND st.ended_on IS NULL AND u.level = 'grid'`+where+`
		ORDER BY st.community_id, u.sort, u.name, st.id`, a.Values()...)
	if err != nil {
		return nil, err
	}
	var out []Worker
	byKey := map[string]int{}
	for rows.Next() {
		var w Worker
		var grid int64
		var gridName string
		if err := rows.Scan(&w.StaffID, &w.UserID, &w.Name, &w.CommunityID, &grid, &gridName); err != nil {
			rows.Close()
			return nil, err
		}
		key := "s" + strconv.FormatInt(w.StaffID, 10)
		if w.UserID != 0 {
			key = "u" + strconv.FormatInt(w.UserID, 10) + "/" + strconv.FormatInt(w.CommunityID, 10)
		}
		if i, ok := byKey[key]; ok {
			out[i].Grids = append(out[i].Grids, grid)
			out[i].GridNames += "、" + gridName
			continue
		}
		w.Grids, w.GridNames = []int64{grid}, gridName
		byKey[key] = len(out)
		out = append(out, w)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	caps, err := s.capacities(ctx, q, communities)
	if err != nil {
		return nil, err
	}
	for i := range out {
		w := &out[i]
		c, own := caps[capKey{w.CommunityID, w.StaffID}]
		if !own {
			c = caps[capKey{w.CommunityID, 0}]
		}
		w.VisitsPerDay, w.TeamSize, w.OwnSetting = c.perDay, c.team, own
		if w.VisitsPerDay == 0 {
			w.VisitsPerDay, w.TeamSize = DefaultVisitsPerDay, 1
		}
	}
	return out, nil
}

type capKey struct{ community, staff int64 }
type capacity struct{ perDay, team int }

func (s *Service) capacities(ctx context.Context, q database.Querier, communities []int64) (map[capKey]capacity, error) {
	a := s.db.Args()
	where := ""
	if communities != nil {
		where = " WHERE " + a.In("community_id", database.AnyOf(communities)...)
	}
	rows, err := q.QueryContext(ctx, `SELECT community_id, staff_id, visits_per_day, team_size FROM visit_capacity`+where, a.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[capKey]capacity{}
	for rows.Next() {
		var k capKey
		var c capacity
		if err := rows.Scan(&k.community, &k.staff, &c.perDay, &c.team); err != nil {
			return nil, err
		}
		out[k] = c
	}
	return out, rows.Err()
}

// Worker returns one worker by any of their org_staff ids.
func (s *Service) Worker(ctx context.Context, staffID int64) (Worker, error) {
	var community int64
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(community_id, 0) FROM org_staff WHERE id = $1 AND role = 'grid_worker'`,
		staffID).Scan(&community)
	if errors.Is(err, sql.ErrNoRows) {
		return Worker{}, ErrNoWorker
	}
	if err != nil {
		return Worker{}, err
	}
	ws, err := s.Workers(ctx, []int64{community})
	if err != nil {
		return Worker{}, err
	}
	for _, w := range ws {
		if w.StaffID == staffID {
			return w, nil
		}
	}
	// Another row of a worker holding several grids.
	var user int64
	s.db.QueryRowContext(ctx, `SELECT COALESCE(user_id, 0) FROM org_staff WHERE id = $1`, staffID).Scan(&user)
	for _, w := range ws {
		if user != 0 && w.UserID == user {
			return w, nil
		}
	}
	return Worker{}, ErrNoWorker
}

// WorkersOfUser lists the workers an account is (a grid worker's own
// lists).
func (s *Service) WorkersOfUser(ctx context.Context, userID int64) ([]Worker, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT COALESCE(community_id, 0) FROM org_staff
		WHERE user_id = $1 AND role = 'grid_worker' AND ended_on IS NULL`, userID)
	if err != nil {
		return nil, err
	}
	var cs []int64
	for rows.Next() {
		var c int64
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return nil, err
		}
		cs = append(cs, c)
	}
	rows.Close()
	if len(cs) == 0 {
		return nil, rows.Err()
	}
	ws, err := s.Workers(ctx, cs)
	if err != nil {
		return nil, err
	}
	out := ws[:0]
	for _, w := range ws {
		if w.UserID == userID {
			out = append(out, w)
		}
	}
	return out, nil
}

// SetCapacity sets a worker's visits a day and team size (staffID 0: the
// community's default).
func (s *Service) SetCapacity(ctx context.Context, k Keeper, community, staffID int64, perDay, team string) error {
	if !k.may(community) || community == 0 {
		return fault.New(fault.Forbidden, "只能设置本社区的走访量")
	}
	fe := fault.Fields{}
	p := count(fe, "visits_per_day", perDay, 1, 200, true, "每日走访户数")
	t := count(fe, "team_size", team, 1, 10, true, "每组人数")
	if err := fe.Err(); err != nil {
		return err
	}
	if staffID != 0 {
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_staff WHERE id = $1 AND community_id = $2 AND role = 'grid_worker'`,
			staffID, community).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return ErrNoWorker
		}
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO visit_capacity (community_id, staff_id, visits_per_day, team_size, updated_at, updated_by)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (community_id, staff_id) DO UPDATE SET visits_per_day = excluded.visits_per_day,
		team_size = excluded.team_size, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		community, staffID, p, t, database.FormatTime(s.now()), k.Name)
	return err
}

// Communities lists every community of the tree.
func (s *Service) Communities(ctx context.Context) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM org_units WHERE level = 'community' ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
