package register

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
)

const houseColumns = `h.community_id, h.id, h.building_id, h.org_id, COALESCE(h.grid_id, 0), h.number, h.address,
	h.area_m2, h.use, h.owner_name, h.owner_phone, h.version`

func scanHouse(row interface{ Scan(...any) error }) (House, error) {
	var h House
	err := row.Scan(&h.CommunityID, &h.ID, &h.BuildingID, &h.OrgID, &h.GridID, &h.Number, &h.Address,
		&h.AreaM2, &h.Use, &h.OwnerName, &h.OwnerPhone, &h.Version)
	return h, err
}

func (s *Store) queryHouses(ctx context.Context, q database.Querier, query string, args ...any) ([]House, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []House
	for rows.Next() {
		h, err := scanHouse(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// House returns one house if it lies in scope, as the scope may see it.
func (s *Store) House(ctx context.Context, scope access.Scope, id int64) (House, error) {
	h, err := s.houseTx(ctx, s.db, scope, id)
	if err != nil {
		return House{}, err
	}
	h.redact(scope.Fields(h.Place()))
	return h, nil
}

// houseTx reads a house in scope as stored, for writes.
func (s *Store) houseTx(ctx context.Context, q database.Querier, scope access.Scope, id int64) (House, error) {
	where, args := scope.And("h", 2)
	hs, err := s.queryHouses(ctx, q, `SELECT `+houseColumns+` FROM houses h WHERE h.id = $1`+where,
		append([]any{id}, args...)...)
	if err != nil {
		return House{}, err
	}
	if len(hs) == 0 {
		return House{}, ErrNotFound
	}
	return hs[0], nil
}

// HousesOfBuilding lists the houses of a building in scope, in number order.
func (s *Store) HousesOfBuilding(ctx context.Context, scope access.Scope, buildingID int64) ([]House, error) {
	where, args := scope.And("h", 2)
	hs, err := s.queryHouses(ctx, s.db, `SELECT `+houseColumns+` FROM houses h WHERE h.building_id = $1`+where+
		` ORDER BY h.number`, append([]any{buildingID}, args...)...)
	for i := range hs {
		hs[i].redact(scope.Fields(hs[i].Place()))
	}
	return hs, err
}

// Building returns one building if it lies in scope. Buildings hold no
// personal data: whoever sees the building sees all of it.
func (s *Store) Building(ctx context.Context, scope access.Scope, id int64) (Building, error) {
	where, args := scope.UnitAnd("b", 2)
	var b Building
	err := s.db.QueryRowContext(ctx, `SELECT b.community_id, b.id, COALESCE(b.grid_id, 0), b.name, b.address,
		b.kind, b.floors, b.built_year, b.version FROM buildings b WHERE b.id = $1`+where, append([]any{id}, args...)...).
		Scan(&b.CommunityID, &b.ID, &b.GridID, &b.Name, &b.Address, &b.Kind, &b.Floors, &b.BuiltYear, &b.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return b, ErrNotFound
	}
	return b, err
}

// CreateBuilding records the register attributes of a building that exists
// as an org unit (b.ID).
func (s *Store) CreateBuilding(ctx context.Context, actor Actor, scope access.Scope, b *Building) error {
	fe := fault.Fields{}
	b.Name = checkText(fe, "building", "name", b.Name, true, 60)
	b.Address = checkText(fe, "building", "address", b.Address, false, 200)
	if _, ok := BuildingKindNames[b.Kind]; !ok {
		fe.Add("kind", "楼栋类别无效")
	}
	if b.Floors < 0 || b.Floors > 200 {
		fe.Add("floors", "层数无效")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		var level string
		err := tx.QueryRowContext(ctx, `SELECT level, COALESCE(community_id, 0), COALESCE(grid_id, 0) FROM org_units WHERE id = $1`, b.ID).
			Scan(&level, &b.CommunityID, &b.GridID)
		if errors.Is(err, sql.ErrNoRows) || level != "building" || b.CommunityID == 0 {
			return fault.Fields{"id": "楼栋必须先作为组织单元(楼栋层级)建立在某个社区内"}
		}
		if err != nil {
			return err
		}
		if !scope.Contains(b.Place()) {
			return fault.Fields{"id": "该楼栋不在您的管辖范围内"}
		}
		b.Version = 1
		ts := database.FormatTime(now)
		if _, err := tx.ExecContext(ctx, `INSERT INTO buildings (community_id, id, grid_id, name, address, kind, floors,
			built_year, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9)`,
			b.CommunityID, b.ID, nullID(b.GridID), b.Name, b.Address, b.Kind, b.Floors, b.BuiltYear, ts); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, now, b.CommunityID, "building", b.ID, "create", 1, nil, b)
	})
}

// CreateHouse validates and adds a house to a building (or one of its 单元,
// given as h.OrgID).
func (s *Store) CreateHouse(ctx context.Context, actor Actor, scope access.Scope, h *House) error {
	if err := validateHouse(h); err != nil {
		return err
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		var baddr string
		err := tx.QueryRowContext(ctx, `SELECT community_id, COALESCE(grid_id, 0), address FROM buildings WHERE id = $1`, h.BuildingID).
			Scan(&h.CommunityID, &h.GridID, &baddr)
		if errors.Is(err, sql.ErrNoRows) {
			return fault.Fields{"building_id": "楼栋不存在"}
		}
		if err != nil {
			return err
		}
		if h.OrgID == 0 {
			h.OrgID = h.BuildingID
		} else {
			var n int
			tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_closure WHERE ancestor_id = $1 AND unit_id = $2`, h.BuildingID, h.OrgID).Scan(&n)
			if n == 0 {
				return fault.Fields{"org_id": "单元不属于该楼栋"}
			}
		}
		if !scope.Contains(h.Place()) {
			return fault.Fields{"building_id": "该楼栋不在您的管辖范围内"}
		}
		if err := checkCreate("house", scope.Fields(h.Place()), *h); err != nil {
			return err
		}
		if h.Address == "" {
			h.Address = baddr + h.Number
		}
		if h.ID == 0 {
			h.ID = database.NewID()
		}
		h.Version = 1
		ts := database.FormatTime(now)
		_, err = tx.ExecContext(ctx, `INSERT INTO houses (community_id, id, building_id, org_id, grid_id, number, address,
			area_m2, use, owner_name, owner_phone, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $12)`,
			h.CommunityID, h.ID, h.BuildingID, h.OrgID, nullID(h.GridID), h.Number, h.Address, h.AreaM2, h.Use,
			h.OwnerName, h.OwnerPhone, ts)
		if err != nil {
			if isUniqueViolation(err) {
				return fault.Fields{"number": "该楼栋已有此房号"}
			}
			return err
		}
		return s.record(ctx, tx, actor, now, h.CommunityID, "house", h.ID, "create", 1, nil, h)
	})
}

// UpdateHouse saves h if nobody changed it since h.Version was read.
func (s *Store) UpdateHouse(ctx context.Context, actor Actor, scope access.Scope, h *House) error {
	now := s.now()
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		old, err := s.houseTx(ctx, tx, scope, h.ID)
		if err != nil {
			return err
		}
		fields := scope.Fields(old.Place())
		if old.Version != h.Version {
			return s.conflict(ctx, fields, "house", h.ID, h.Version, old.Version)
		}
		if err := applyEdit("house", fields, old, h); err != nil {
			return err
		}
		if err := validateHouse(h); err != nil {
			return err
		}
		h.CommunityID, h.BuildingID, h.OrgID, h.GridID = old.CommunityID, old.BuildingID, old.OrgID, old.GridID
		h.Version = old.Version + 1
		res, err := tx.ExecContext(ctx, `UPDATE houses SET number = $1, address = $2, area_m2 = $3, use = $4,
			owner_name = $5, owner_phone = $6, version = $7, updated_at = $8
			WHERE community_id = $9 AND id = $10 AND version = $11`,
			h.Number, h.Address, h.AreaM2, h.Use, h.OwnerName, h.OwnerPhone,
			h.Version, database.FormatTime(now), h.CommunityID, h.ID, old.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return s.conflict(ctx, fields, "house", h.ID, old.Version, old.Version+1)
		}
		return s.record(ctx, tx, actor, now, h.CommunityID, "house", h.ID, "update", h.Version, old, h)
	})
}

// CreateRental records that a house is let and who lives in it; the house
// becomes 出租.
func (s *Store) CreateRental(ctx context.Context, actor Actor, scope access.Scope, r *Rental) error {
	fe := fault.Fields{}
	r.Landlord = checkText(fe, "rental", "landlord", r.Landlord, true, 50)
	r.LandlordPhone = checkPhone(fe, "landlord_phone", r.LandlordPhone)
	r.StartedOn = checkDate(fe, "started_on", r.StartedOn, true)
	r.EndedOn = checkDate(fe, "ended_on", r.EndedOn, false)
	if r.EndedOn != "" && r.EndedOn < r.StartedOn {
		fe.Add("ended_on", "结束日期不能早于开始日期")
	}
	if r.MonthlyRentFen < 0 {
		fe.Add("monthly_rent", "租金不能为负")
	}
	// Tenants in id order and once each, as later events list them.
	slices.Sort(r.TenantIDs)
	r.TenantIDs = slices.Compact(r.TenantIDs)
	if err := fe.Err(); err != nil {
		return err
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		house, err := s.houseTx(ctx, tx, scope, r.HouseID)
		if errors.Is(err, ErrNotFound) {
			return fault.Fields{"house_id": "房屋不存在"}
		}
		if err != nil {
			return err
		}
		if err := checkCreate("rental", scope.Fields(house.Place()), *r); err != nil {
			return err
		}
		r.CommunityID = house.CommunityID
		for _, pid := range r.TenantIDs {
			var n int
			tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM persons WHERE community_id = $1 AND id = $2`, r.CommunityID, pid).Scan(&n)
			if n == 0 {
				return fault.Fields{"tenant_ids": fmt.Sprintf("承租人 %d 不在本社区登记", pid)}
			}
		}
		if r.ID == 0 {
			r.ID = database.NewID()
		}
		r.Version = 1
		ts := database.FormatTime(now)
		if _, err := tx.ExecContext(ctx, `INSERT INTO rentals (community_id, id, house_id, landlord, landlord_phone,
			started_on, ended_on, monthly_rent_fen, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9)`,
			r.CommunityID, r.ID, r.HouseID, r.Landlord, r.LandlordPhone, r.StartedOn, nullText(r.EndedOn),
			r.MonthlyRentFen, ts); err != nil {
			return err
		}
		for _, pid := range r.TenantIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO rental_tenants (community_id, rental_id, person_id) VALUES ($1, $2, $3)`,
				r.CommunityID, r.ID, pid); err != nil {
				return err
			}
		}
		if house.Use != HouseRented {
			before := house
			house.Use = HouseRented
			house.Version++
			if _, err := tx.ExecContext(ctx, `UPDATE houses SET use = 'rented', version = version + 1, updated_at = $1
				WHERE community_id = $2 AND id = $3`, ts, house.CommunityID, house.ID); err != nil {
				return err
			}
			if err := s.record(ctx, tx, actor, now, house.CommunityID, "house", house.ID, "update", house.Version, before, house); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, actor, now, r.CommunityID, "rental", r.ID, "create", 1, nil, r)
	})
}

// RentalsOfHouse lists a house's rentals, newest first, with their tenants,
// as the scope may see them at the house.
func (s *Store) RentalsOfHouse(ctx context.Context, scope access.Scope, h House) ([]Rental, error) {
	if !scope.Contains(h.Place()) {
		return nil, nil
	}
	fields := scope.Fields(h.Place())
	rows, err := s.db.QueryContext(ctx, `SELECT community_id, id, house_id, landlord, landlord_phone, started_on,
		COALESCE(ended_on, ''), monthly_rent_fen, version FROM rentals WHERE community_id = $1 AND house_id = $2
		ORDER BY started_on DESC`, h.CommunityID, h.ID)
	if err != nil {
		return nil, err
	}
	var out []Rental
	for rows.Next() {
		var r Rental
		if err := rows.Scan(&r.CommunityID, &r.ID, &r.HouseID, &r.Landlord, &r.LandlordPhone, &r.StartedOn,
			&r.EndedOn, &r.MonthlyRentFen, &r.Version); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, r)
	}
	rows.Close()
	for i := range out {
		trows, err := s.db.QueryContext(ctx, `SELECT person_id FROM rental_tenants WHERE community_id = $1 AND rental_id = $2`,
			out[i].CommunityID, out[i].ID)
		if err != nil {
			return nil, err
		}
		for trows.Next() {
			var id int64
			trows.Scan(&id)
			out[i].TenantIDs = append(out[i].TenantIDs, id)
		}
		trows.Close()
		out[i].redact(fields)
	}
	return out, nil
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}
