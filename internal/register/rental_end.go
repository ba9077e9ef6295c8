package register

import (
	"context"
	"database/sql"
	"errors"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
)

// RentalEnding ends a rental (退租): its last day and what the house is
// used for afterwards.
type RentalEnding struct {
	HouseID  int64
	RentalID int64
	Version  int // the version the editor read
	EndedOn  string
	HouseUse string // owner or vacant; "" leaves the house as it is
}

// Rental returns one rental of a house in scope, as the scope may see it.
func (s *Store) Rental(ctx context.Context, scope access.Scope, houseID, rentalID int64) (Rental, error) {
	h, err := s.houseTx(ctx, s.db, scope, houseID)
	if err != nil {
		return Rental{}, err
	}
	rs, err := s.RentalsOfHouse(ctx, scope, h)
	if err != nil {
		return Rental{}, err
	}
	for _, r := range rs {
		if r.ID == rentalID {
			return r, nil
		}
	}
	return Rental{}, ErrNotFound
}

// EndRental ends a rental on a day. A rental changed since e.Version was
// read is not ended: the conflict lists what changed. When no other rental
// of the house remains in force the house takes e.HouseUse.
func (s *Store) EndRental(ctx context.Context, actor Actor, scope access.Scope, e RentalEnding) error {
	fe := fault.Fields{}
	e.EndedOn = checkDate(fe, "ended_on", e.EndedOn, true)
	if e.HouseUse != "" && e.HouseUse != HouseOwner && e.HouseUse != HouseVacant {
		fe.Add("use", "退租后房屋用途应为 自住 或 空置")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		house, err := s.houseTx(ctx, tx, scope, e.HouseID)
		if err != nil {
			return err
		}
		fields := scope.Fields(house.Place())
		var r Rental
		err = tx.QueryRowContext(ctx, `SELECT community_id, id, house_id, landlord, landlord_phone, started_on,
			COALESCE(ended_on, ''), monthly_rent_fen, version FROM rentals WHERE community_id = $1 AND id = $2 AND house_id = $3`,
			house.CommunityID, e.RentalID, house.ID).Scan(&r.CommunityID, &r.ID, &r.HouseID, &r.Landlord,
			&r.LandlordPhone, &r.StartedOn, &r.EndedOn, &r.MonthlyRentFen, &r.Version)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if r.Version != e.Version {
			return s.conflict(ctx, fields, "rental", r.ID, e.Version, r.Version)
		}
		if !fields.CanEdit("rental", "ended_on") {
			return fault.Fields{"ended_on": "您无权办理退租"}
		}
		if e.EndedOn < r.StartedOn {
			return fault.Fields{"ended_on": "退租日期不能早于起租日期(" + r.StartedOn + ")"}
		}
		if r.EndedOn != "" && r.EndedOn <= now.Format("2006-01-02") {
			return fault.Fields{"ended_on": "该出租已于 " + r.EndedOn + " 结束"}
		}
		if r.TenantIDs, err = s.tenantsOf(ctx, tx, r); err != nil {
			return err
		}
		before := r
		r.EndedOn, r.Version = e.EndedOn, r.Version+1
		ts := database.FormatTime(now)
		res, err := tx.ExecContext(ctx, `UPDATE rentals SET ended_on = $1, version = $2, updated_at = $3
			WHERE community_id = $4 AND id = $5 AND version = $6`, r.EndedOn, r.Version, ts, r.CommunityID, r.ID, before.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return s.conflict(ctx, fields, "rental", r.ID, before.Version, before.Version+1)
		}
		if err := s.record(ctx, tx, actor, now, r.CommunityID, "rental", r.ID, "update", r.Version, before, r); err != nil {
			return err
		}
		var others int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM rentals WHERE community_id = $1 AND house_id = $2 AND id <> $3
			AND (ended_on IS NULL OR ended_on >= $4)`, house.CommunityID, house.ID, r.ID, now.Format("2006-01-02")).Scan(&others); err != nil {
			return err
		}
		if others > 0 || e.HouseUse == "" || e.HouseUse == house.Use {
			return nil
		}
		after := house
		after.Use, after.Version = e.HouseUse, house.Version+1
		if _, err := tx.ExecContext(ctx, `UPDATE houses SET use = $1, version = $2, updated_at = $3
			WHERE community_id = $4 AND id = $5`, after.Use, after.Version, ts, house.CommunityID, house.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, now, house.CommunityID, "house", house.ID, "update", after.Version, house, after)
	})
}

func (s *Store) tenantsOf(ctx context.Context, q database.Querier, r Rental) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT person_id FROM rental_tenants WHERE community_id = $1 AND rental_id = $2
		ORDER BY person_id`, r.CommunityID, r.ID)
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
