package reports

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/indicators"
)

// ManualValue is a value a community typed for a manual indicator (手工填报)
// in a period.
type ManualValue struct {
	CommunityID int64   `json:"community_id"`
	Period      string  `json:"period"`
	Indicator   string  `json:"indicator"`
	Value       float64 `json:"value"`
	Note        string  `json:"note,omitempty"`
	Version     int     `json:"version"`
	EnteredBy   string  `json:"entered_by"`
	EnteredAt   string  `json:"entered_at"`
}

// manualValues reads the entries of the given communities (nil: all) for a
// period, by community and indicator.
func (s *Service) manualValues(ctx context.Context, communities []int64, period string) (map[int64]map[string]ManualValue, error) {
	q := `SELECT community_id, period, indicator, value, note, version, entered_by, entered_at
		FROM report_manual_values WHERE period = $1`
	a := s.db.Args(period)
	if communities != nil {
		if len(communities) == 0 {
			return map[int64]map[string]ManualValue{}, nil
		}
		q += ` AND ` + a.In("community_id", database.AnyOf(communities)...)
	}
	rows, err := s.db.QueryContext(ctx, q, a.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]map[string]ManualValue{}
	for rows.Next() {
		var m ManualValue
		if err := rows.Scan(&m.CommunityID, &m.Period, &m.Indicator, &m.Value, &m.Note, &m.Version, &m.EnteredBy, &m.EnteredAt); err != nil {
			return nil, err
		}
		if out[m.CommunityID] == nil {
			out[m.CommunityID] = map[string]ManualValue{}
		}
		out[m.CommunityID][m.Indicator] = m
	}
	return out, rows.Err()
}

// SetManual records (or, with value nil, clears) a community's value of a
// manual indicator for a period. version is the entry's version the editor
// read (0 for a new entry); a stale one is refused. The caller checks the
// user may enter values for the community.
func (s *Service) SetManual(ctx context.Context, by string, community int64, period indicators.Period, code string, value *float64, note string, version int) error {
	ind, err := s.Indicator(ctx, code)
	if errors.Is(err, ErrNotFound) {
		return fault.Fields{"indicator": fmt.Sprintf("指标 %s 不存在", code)}
	}
	if err != nil {
		return err
	}
	if ind.Measure != indicators.Manual {
		return fault.Fields{"value": fmt.Sprintf("「%s」由系统自动计算,不能手工填报", ind.Name)}
	}
	if value != nil {
		if math.IsNaN(*value) || math.IsInf(*value, 0) {
			return fault.Fields{"value": "请填写数字"}
		}
		if *value < 0 {
			return fault.Fields{"value": "数值不能为负"}
		}
		if *value > 1e12 {
			return fault.Fields{"value": "数值过大"}
		}
	}
	if len([]rune(note)) > 200 {
		return fault.Fields{"note": "备注不能超过 200 字"}
	}
	u, err := s.org.Get(ctx, community)
	if err != nil {
		return err
	}
	if u.Level != "community" {
		return fault.Fields{"unit": "手工项由社区填报,请选择社区"}
	}
	now := database.FormatTime(s.now())
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		var cur int
		var curBy, curAt string
		err := tx.QueryRowContext(ctx, `SELECT version, entered_by, entered_at FROM report_manual_values
			WHERE community_id = $1 AND period = $2 AND indicator = $3`, community, period.String(), code).Scan(&cur, &curBy, &curAt)
		exists := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if exists && cur != version || !exists && version != 0 {
			if !exists {
				return &ConflictError{What: "「" + ind.Name + "」的填报值", By: "他人", At: "刚才", Current: 0, Attempted: version}
			}
			return &ConflictError{What: "「" + ind.Name + "」的填报值", By: curBy, At: curAt, Current: cur, Attempted: version}
		}
		switch {
		case value == nil && exists:
			_, err = tx.ExecContext(ctx, `DELETE FROM report_manual_values WHERE community_id = $1 AND period = $2 AND indicator = $3`,
				community, period.String(), code)
		case value == nil:
		case exists:
			_, err = tx.ExecContext(ctx, `UPDATE report_manual_values SET value = $1, note = $2, version = version + 1,
				entered_by = $3, entered_at = $4 WHERE community_id = $5 AND period = $6 AND indicator = $7`,
				*value, note, by, now, community, period.String(), code)
		default:
			_, err = tx.ExecContext(ctx, `INSERT INTO report_manual_values (community_id, period, indicator, value, note,
				version, entered_by, entered_at) VALUES ($1, $2, $3, $4, $5, 1, $6, $7)`,
				community, period.String(), code, *value, note, by, now)
		}
		return err
	})
}
