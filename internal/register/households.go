package register

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
)

const householdColumns = `h.community_id, h.id, h.number, h.kind, COALESCE(h.house_id, 0), h.org_id,
	COALESCE(h.grid_id, 0), COALESCE(h.head_id, 0), h.address, h.phone, h.status, h.version, h.created_at, h.updated_at`

func scanHousehold(row interface{ Scan(...any) error }) (Household, error) {
	var h Household
	err := row.Scan(&h.CommunityID, &h.ID, &h.Number, &h.Kind, &h.HouseID, &h.OrgID, &h.GridID, &h.HeadID,
		&h.Address, &h.Phone, &h.Status, &h.Version, &h.CreatedAt, &h.UpdatedAt)
	return h, err
}

func (s *Store) queryHouseholds(ctx context.Context, q database.Querier, query string, args ...any) ([]Household, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Household
	for rows.Next() {
		h, err := scanHousehold(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// Household returns one household if it lies in scope, as the scope may see it.
func (s *Store) Household(ctx context.Context, scope access.Scope, id int64) (Household, error) {
	h, err := s.householdTx(ctx, s.db, scope, id)
	if err != nil {
		return Household{}, err
	}
	h.redact(scope.Fields(h.Place()))
	return h, nil
}

// householdTx reads a household in scope as stored, for writes.
func (s *Store) householdTx(ctx context.Context, q database.Querier, scope access.Scope, id int64) (Household, error) {
	where, args := scope.And("h", 2)
	hs, err := s.queryHouseholds(ctx, q, `SELECT `+householdColumns+` FROM households h WHERE h.id = $1`+where,
		append([]any{id}, args...)...)
	if err != nil {
		return Household{}, err
	}
	if len(hs) == 0 {
		return Household{}, ErrNotFound
	}
	return hs[0], nil
}

// HouseholdsOfHouse lists the households in scope living in a house.
func (s *Store) HouseholdsOfHouse(ctx context.Context, scope access.Scope, h House) ([]Household, error) {
	where, args := scope.And("h", 3)
	hs, err := s.queryHouseholds(ctx, s.db, `SELECT `+householdColumns+` FROM households h
		WHERE h.community_id = $1 AND h.house_id = $2`+where+` ORDER BY h.number`,
		append([]any{h.CommunityID, h.ID}, args...)...)
	redactHouseholds(scope, hs)
	return hs, err
}

func redactHouseholds(scope access.Scope, hs []Household) {
	for i := range hs {
		hs[i].redact(scope.Fields(hs[i].Place()))
	}
}

// HouseholdQuery describes a listing of households.
type HouseholdQuery struct {
	Text   string // 户号, address or the head's name
	Kind   string
	Limit  int
	Offset int
}

// SearchHouseholds lists households in scope in id order.
func (s *Store) SearchHouseholds(ctx context.Context, scope access.Scope, q HouseholdQuery) ([]Household, bool, error) {
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 20
	}
	var conds []string
	a := s.db.Args()
	conds = append(conds, "h.status = 'active'")
	if q.Kind != "" {
		conds = append(conds, "h.kind = "+a.Arg(q.Kind))
	}
	for _, term := range strings.Fields(normalise(q.Text)) {
		tokens, short := queryTokens(term)
		if short && len(tokens) == 0 {
			return nil, false, fault.Fields{"q": "数字请至少输入4位"}
		}
		if len(tokens) == 0 {
			continue
		}
		conds = append(conds, s.db.Search().Match(a, "households", "h", tokens))
	}
	where := scope.Where(a, "h")
	query := `SELECT ` + householdColumns + ` FROM households h WHERE ` + strings.Join(conds, " AND ") + where +
		fmt.Sprintf(" ORDER BY h.id LIMIT %d OFFSET %d", q.Limit+1, max(q.Offset, 0))
	hs, err := s.queryHouseholds(ctx, s.db, query, a.Values()...)
	if err != nil {
		return nil, false, err
	}
	redactHouseholds(scope, hs)
	if len(hs) > q.Limit {
		return hs[:q.Limit], true, nil
	}
	return hs, false, nil
}

func householdSearchText(h Household, headName string) string {
	return SearchText(h.Number, h.Address, headName)
}

// placeHousehold derives the household's place from its house or unit.
func (s *Store) placeHousehold(ctx context.Context, q database.Querier, h *Household) error {
	if h.HouseID != 0 {
		err := q.QueryRowContext(ctx, `SELECT community_id, org_id, COALESCE(grid_id, 0), address FROM houses WHERE id = $1`, h.HouseID).
			Scan(&h.CommunityID, &h.OrgID, &h.GridID, new(string))
		if errors.Is(err, sql.ErrNoRows) {
			return fault.Fields{"house_id": "房屋不存在"}
		}
		return err
	}
	pl, err := placeInUnit(ctx, q, h.OrgID)
	if err != nil {
		return err
	}
	h.CommunityID, h.OrgID, h.GridID = pl.community, pl.org, pl.grid
	return nil
}

func (s *Store) headName(ctx context.Context, q database.Querier, h Household) (string, error) {
	if h.HeadID == 0 {
		return "", nil
	}
	var name string
	err := q.QueryRowContext(ctx, `SELECT name FROM persons WHERE community_id = $1 AND id = $2 AND household_id = $3`,
		h.CommunityID, h.HeadID, h.ID).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fault.Fields{"head_id": "户主必须是本户成员"}
	}
	return name, err
}

// CreateHousehold validates and adds a household. Its head, if any, is set
// later with UpdateHousehold once the head is a member.
func (s *Store) CreateHousehold(ctx context.Context, actor Actor, scope access.Scope, h *Household) error {
	now := s.now()
	if err := validateHousehold(h); err != nil {
		return err
	}
	h.HeadID = 0
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		return s.createHouseholdTx(ctx, tx, actor, scope, now, h, "")
	})
}

// createHouseholdTx adds a validated household on tx; a head (h.HeadID,
// named headName) must be added as a member on the same transaction.
func (s *Store) createHouseholdTx(ctx context.Context, tx database.Querier, actor Actor, scope access.Scope, now time.Time,
	h *Household, headName string) error {
	if err := s.placeHousehold(ctx, tx, h); err != nil {
		return err
	}
	if !scope.Contains(h.Place()) {
		return fault.Fields{"house_id": "房屋不在您的管辖范围内"}
	}
	if err := checkCreate("household", scope.Fields(h.Place()), *h); err != nil {
		return err
	}
	if h.ID == 0 {
		h.ID = database.NewID()
	}
	h.Version = 1
	h.CreatedAt = database.FormatTime(now)
	h.UpdatedAt = h.CreatedAt
	search := householdSearchText(*h, headName)
	_, err := tx.ExecContext(ctx, `INSERT INTO households (community_id, id, number, kind, house_id, org_id, grid_id,
		head_id, address, phone, status, search, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		h.CommunityID, h.ID, h.Number, h.Kind, nullID(h.HouseID), h.OrgID, nullID(h.GridID), nullID(h.HeadID),
		h.Address, h.Phone, h.Status, s.db.Search().Column(search), h.Version, h.CreatedAt, h.UpdatedAt)
	if err != nil {
		if isUniqueViolation(err) {
			return fault.Fields{"number": "户号在本社区已存在"}
		}
		return err
	}
	if err := s.db.Search().Put(ctx, tx, "households", h.ID, search); err != nil {
		return err
	}
	return s.record(ctx, tx, actor, now, h.CommunityID, "household", h.ID, "create", h.Version, nil, h)
}

// UpdateHousehold saves h if nobody changed it since h.Version was read.
func (s *Store) UpdateHousehold(ctx context.Context, actor Actor, scope access.Scope, h *Household) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error { return s.UpdateHouseholdTx(ctx, tx, actor, scope, h) })
}

// UpdateHouseholdTx is UpdateHousehold inside the caller's transaction.
func (s *Store) UpdateHouseholdTx(ctx context.Context, tx *sql.Tx, actor Actor, scope access.Scope, h *Household) error {
	now := s.now()
	old, err := s.householdTx(ctx, tx, scope, h.ID)
	if err != nil {
		return err
	}
	fields := scope.Fields(old.Place())
	if old.Version != h.Version {
		return s.conflict(ctx, fields, "household", h.ID, h.Version, old.Version)
	}
	if err := applyEdit("household", fields, old, h); err != nil {
		return err
	}
	if err := validateHousehold(h); err != nil {
		return err
	}
	if err := s.placeHousehold(ctx, tx, h); err != nil {
		return err
	}
	if !scope.Contains(h.Place()) {
		return fault.Fields{"house_id": "房屋不在您的管辖范围内"}
	}
	if h.CommunityID != old.CommunityID {
		return fault.Fields{"house_id": "不能把户迁到其他社区的房屋"}
	}
	head, err := s.headName(ctx, tx, *h)
	if err != nil {
		return err
	}
	h.Version = old.Version + 1
	h.CreatedAt = old.CreatedAt
	h.UpdatedAt = database.FormatTime(now)
	search := householdSearchText(*h, head)
	res, err := tx.ExecContext(ctx, `UPDATE households SET number = $1, kind = $2, house_id = $3, org_id = $4,
		grid_id = $5, head_id = $6, address = $7, phone = $8, status = $9, search = $10, version = $11, updated_at = $12
		WHERE community_id = $13 AND id = $14 AND version = $15`,
		h.Number, h.Kind, nullID(h.HouseID), h.OrgID, nullID(h.GridID), nullID(h.HeadID), h.Address, h.Phone,
		h.Status, s.db.Search().Column(search), h.Version, h.UpdatedAt, h.CommunityID, h.ID, old.Version)
	if err != nil {
		if isUniqueViolation(err) {
			return fault.Fields{"number": "户号在本社区已存在"}
		}
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return s.conflict(ctx, fields, "household", h.ID, old.Version, old.Version+1)
	}
	// Members live where the household lives.
	if h.OrgID != old.OrgID || h.GridID != old.GridID {
		if _, err := tx.ExecContext(ctx, `UPDATE persons SET org_id = $1, grid_id = $2
			WHERE community_id = $3 AND household_id = $4`, h.OrgID, nullID(h.GridID), h.CommunityID, h.ID); err != nil {
			return err
		}
	}
	if err := s.db.Search().Put(ctx, tx, "households", h.ID, search); err != nil {
		return err
	}
	return s.record(ctx, tx, actor, now, h.CommunityID, "household", h.ID, "update", h.Version, old, h)
}

// isUniqueViolation reports whether err is a unique-constraint failure on
// either engine.
func isUniqueViolation(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}
