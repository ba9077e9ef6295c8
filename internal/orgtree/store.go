package orgtree

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"shequ/internal/database"
	"shequ/internal/fault"
)

// ErrNotFound is returned for a unit id that does not exist.
var ErrNotFound = fault.New(fault.NotFound, "组织单元不存在")

// Store reads and writes the org tree.
type Store struct {
	db *database.DB
}

// NewStore returns a Store on db.
func NewStore(db *database.DB) *Store { return &Store{db: db} }

const unitColumns = `u.id, COALESCE(u.parent_id, 0), u.level, l.name, u.name, u.code,
	COALESCE(u.community_id, 0), COALESCE(u.grid_id, 0), u.boundary, u.sort, u.version, COALESCE(u.retired_on, '')`

func scanUnit(row interface{ Scan(...any) error }) (Unit, error) {
	var u Unit
	err := row.Scan(&u.ID, &u.ParentID, &u.Level, &u.LevelName, &u.Name, &u.Code,
		&u.CommunityID, &u.GridID, &u.Boundary, &u.Sort, &u.Version, &u.RetiredOn)
	return u, err
}

func (s *Store) queryUnits(ctx context.Context, q database.Querier, where string, args ...any) ([]Unit, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+unitColumns+`
		FROM org_units u JOIN org_levels l ON l.kind = u.level `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// Levels lists the configured levels from the top.
func (s *Store) Levels(ctx context.Context) ([]Level, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT kind, name, rank FROM org_levels ORDER BY rank`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Level
	for rows.Next() {
		var l Level
		if err := rows.Scan(&l.Kind, &l.Name, &l.Rank); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// SetLevel renames a level or adds one at the given rank.
func (s *Store) SetLevel(ctx context.Context, l Level) error {
	if strings.TrimSpace(l.Name) == "" {
		return fmt.Errorf("层级名称不能为空")
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO org_levels (kind, name, rank) VALUES ($1, $2, $3)
		ON CONFLICT (kind) DO UPDATE SET name = excluded.name`, l.Kind, l.Name, l.Rank)
	return err
}

// Get returns one unit.
func (s *Store) Get(ctx context.Context, id int64) (Unit, error) {
	us, err := s.queryUnits(ctx, s.db, `WHERE u.id = $1`, id)
	if err != nil {
		return Unit{}, err
	}
	if len(us) == 0 {
		return Unit{}, ErrNotFound
	}
	return us[0], nil
}

// ByCode returns the unit with a division code (区划代码); of two sharing
// one, the older.
func (s *Store) ByCode(ctx context.Context, code string) (Unit, error) {
	us, err := s.queryUnits(ctx, s.db, `WHERE u.code = $1 ORDER BY u.id LIMIT 1`, code)
	if err != nil {
		return Unit{}, err
	}
	if len(us) == 0 {
		return Unit{}, ErrNotFound
	}
	return us[0], nil
}

// Roots returns the units without a parent, retired ones left out.
func (s *Store) Roots(ctx context.Context) ([]Unit, error) {
	return s.queryUnits(ctx, s.db, `WHERE u.parent_id IS NULL AND u.retired_on IS NULL ORDER BY u.sort, u.name`)
}

// Children returns the direct children of a unit in display order, retired
// ones left out.
func (s *Store) Children(ctx context.Context, id int64) ([]Unit, error) {
	return s.queryUnits(ctx, s.db, `WHERE u.parent_id = $1 AND u.retired_on IS NULL ORDER BY u.sort, u.name, u.id`, id)
}

// Ancestors returns the path from the root down to the unit itself.
func (s *Store) Ancestors(ctx context.Context, id int64) ([]Unit, error) {
	return s.queryUnits(ctx, s.db, `JOIN org_closure c ON c.ancestor_id = u.id
		WHERE c.unit_id = $1 ORDER BY c.depth DESC`, id)
}

// Descendants returns every unit below id (not id itself) of the given level,
// or of any level when level is "", retired ones left out.
func (s *Store) Descendants(ctx context.Context, id int64, level string) ([]Unit, error) {
	if level == "" {
		return s.queryUnits(ctx, s.db, `JOIN org_closure c ON c.unit_id = u.id
			WHERE c.ancestor_id = $1 AND c.depth > 0 AND u.retired_on IS NULL ORDER BY c.depth, u.sort, u.name`, id)
	}
	return s.queryUnits(ctx, s.db, `JOIN org_closure c ON c.unit_id = u.id
		WHERE c.ancestor_id = $1 AND c.depth > 0 AND u.level = $2 AND u.retired_on IS NULL ORDER BY u.sort, u.name`, id, level)
}

// CountDescendants counts the units below id, by level kind.
func (s *Store) CountDescendants(ctx context.Context, id int64) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT u.level, COUNT(*) FROM org_closure c
		JOIN org_units u ON u.id = c.unit_id
		WHERE c.ancestor_id = $1 AND c.depth > 0 GROUP BY u.level`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

// IsWithin reports whether unit id lies in the subtree of ancestor (or is it).
func (s *Store) IsWithin(ctx context.Context, id, ancestor int64) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_closure WHERE ancestor_id = $1 AND unit_id = $2`,
		ancestor, id).Scan(&n)
	return n > 0, err
}

// Create adds a unit under u.ParentID (0 for a root), filling in its id,
// community and grid, and its closure rows. q may be a transaction.
func (s *Store) Create(ctx context.Context, q database.Querier, u *Unit) error {
	if strings.TrimSpace(u.Name) == "" {
		return fmt.Errorf("名称不能为空")
	}
	if err := ValidateCode(u.Level, u.Code); err != nil {
		return err
	}
	var parentRank int
	if u.ParentID != 0 {
		var parentLevel string
		err := q.QueryRowContext(ctx, `SELECT u.level, l.rank, COALESCE(u.community_id, 0), COALESCE(u.grid_id, 0)
			FROM org_units u JOIN org_levels l ON l.kind = u.level WHERE u.id = $1`, u.ParentID).
			Scan(&parentLevel, &parentRank, &u.CommunityID, &u.GridID)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("上级单元不存在")
		}
		if err != nil {
			return err
		}
	}
	var rank int
	err := q.QueryRowContext(ctx, `SELECT rank, name FROM org_levels WHERE kind = $1`, u.Level).Scan(&rank, &u.LevelName)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("层级 %q 不存在", u.Level)
	}
	if err != nil {
		return err
	}
	if u.ParentID != 0 && rank <= parentRank {
		return fmt.Errorf("下级单元的层级必须低于上级")
	}
	if u.ID == 0 {
		u.ID = database.NewID()
	}
	switch u.Level {
	case LevelCommunity:
		u.CommunityID = u.ID
	case LevelGrid:
		u.GridID = u.ID
	}
	now := database.FormatTime(time.Now())
	u.Version = 1
	if _, err := q.ExecContext(ctx, `INSERT INTO org_units
		(id, parent_id, level, name, code, community_id, grid_id, boundary, sort, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10)`,
		u.ID, nullID(u.ParentID), u.Level, u.Name, u.Code, nullID(u.CommunityID), nullID(u.GridID),
		u.Boundary, u.Sort, now); err != nil {
		return err
	}
	_, err = q.ExecContext(ctx, `INSERT INTO org_closure (ancestor_id, unit_id, depth)
		SELECT ancestor_id, CAST($1 AS BIGINT), depth + 1 FROM org_closure WHERE unit_id = $2
		UNION ALL SELECT CAST($1 AS BIGINT), CAST($1 AS BIGINT), 0`, u.ID, u.ParentID)
	return err
}

// Update changes a unit's name, code, sort order and boundary, refusing the
// change if someone else saved the unit since version was read.
func (s *Store) Update(ctx context.Context, u Unit) error {
	if strings.TrimSpace(u.Name) == "" {
		return fmt.Errorf("名称不能为空")
	}
	if err := ValidateCode(u.Level, u.Code); err != nil {
		return err
	}
	if u.Boundary != "" {
		if _, err := ParseGeometry(u.Boundary); err != nil {
			return err
		}
	}
	res, err := s.db.ExecContext(ctx, `UPDATE org_units SET name = $1, code = $2, sort = $3, boundary = $4,
		version = version + 1, updated_at = $5 WHERE id = $6 AND version = $7`,
		u.Name, u.Code, u.Sort, u.Boundary, database.FormatTime(time.Now()), u.ID, u.Version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("该单元已被他人修改,请刷新后重试")
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Names returns id → name of the units among ids.
func (s *Store) Names(ctx context.Context, ids []int64) (map[int64]string, error) {
	return s.db.TextByID(ctx, `SELECT id, name FROM org_units WHERE `, ids)
}

// Find resolves a unit given by id, administrative code or exact name, as
// people type them into forms and command lines.
func (s *Store) Find(ctx context.Context, ref string) (Unit, error) {
	ref = strings.TrimSpace(ref)
	n, _ := strconv.ParseInt(ref, 10, 64)
	us, err := s.queryUnits(ctx, s.db, `WHERE u.id = $1 OR u.code = $2 OR u.name = $2 ORDER BY u.id LIMIT 2`, n, ref)
	if err != nil {
		return Unit{}, err
	}
	switch len(us) {
	case 0:
		return Unit{}, fmt.Errorf("找不到组织单元“%s”", ref)
	case 1:
		return us[0], nil
	default:
		return Unit{}, fmt.Errorf("组织单元“%s”不唯一,请填写其编号(id)", ref)
	}
}

// FindAll resolves a list of units separated by commas, 、 or spaces.
func (s *Store) FindAll(ctx context.Context, refs string) ([]Unit, error) {
	var out []Unit
	for _, ref := range strings.FieldsFunc(refs, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ' ' || r == '\n' || r == '\t'
	}) {
		u, err := s.Find(ctx, ref)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// Place is where a unit lies, for the access check of routes that name
// one: its community, its grid and itself.
func (s *Store) Place(ctx context.Context, id int64) (community, grid int64, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT COALESCE(community_id, 0), COALESCE(grid_id, 0) FROM org_units WHERE id = $1`, id).
		Scan(&community, &grid)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, ErrNotFound
	}
	return community, grid, err
}
