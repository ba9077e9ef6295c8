package services

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"shequ/internal/database"
	"shequ/internal/fault"
)

// Station is a service station (便民服务站) and the communities it serves
// (一站多居). A window clerk's grant names the same communities; the station
// gives receipts and cards their header and hotline.
type Station struct {
	ID          int64   `json:"id"`
	Name        string  `json:"name"`
	UnitID      int64   `json:"unit_id"`
	Address     string  `json:"address"`
	Phone       string  `json:"phone"`
	Hours       string  `json:"hours"`
	Communities []int64 `json:"communities"`
}

// CreateStation records a station.
func (s *Service) CreateStation(ctx context.Context, q database.Querier, st *Station) error {
	st.Name = strings.TrimSpace(st.Name)
	if st.Name == "" {
		return fault.Fields{"name": "请填写服务站名称"}
	}
	if len(st.Communities) == 0 {
		return fault.Fields{"communities": "请选择服务站所服务的社区"}
	}
	if q == nil {
		q = s.db
	}
	st.ID = database.NewID()
	if _, err := q.ExecContext(ctx, `INSERT INTO service_stations (id, name, unit_id, address, phone, hours, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, st.ID, st.Name, st.UnitID, st.Address, st.Phone, st.Hours,
		database.FormatTime(s.now())); err != nil {
		return err
	}
	for _, c := range st.Communities {
		if _, err := q.ExecContext(ctx, `INSERT INTO service_station_communities (station_id, community_id) VALUES ($1, $2)`,
			st.ID, c); err != nil {
			return err
		}
	}
	return nil
}

// StationOf returns the station serving a community (the first one when
// several do); ErrNotFound when none does.
func (s *Service) StationOf(ctx context.Context, community int64) (Station, error) {
	var st Station
	err := s.db.QueryRowContext(ctx, `SELECT s.id, s.name, s.unit_id, s.address, s.phone, s.hours
		FROM service_stations s JOIN service_station_communities c ON c.station_id = s.id
		WHERE c.community_id = $1 ORDER BY s.id LIMIT 1`, community).Scan(&st.ID, &st.Name, &st.UnitID, &st.Address, &st.Phone, &st.Hours)
	if errors.Is(err, sql.ErrNoRows) {
		return st, ErrNotFound
	}
	if err != nil {
		return st, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT community_id FROM service_station_communities WHERE station_id = $1 ORDER BY community_id`, st.ID)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var c int64
		if err := rows.Scan(&c); err != nil {
			return st, err
		}
		st.Communities = append(st.Communities, c)
	}
	return st, rows.Err()
}
