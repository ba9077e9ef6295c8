package reports

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/indicators"
)

// ErrNotFound is returned for an indicator, template or rule that does not
// exist.
var ErrNotFound = fault.New(fault.NotFound, "记录不存在")

// ConflictError is returned when a definition changed after the editor
// read it.
type ConflictError struct {
	What      string
	By        string
	At        string
	Current   int
	Attempted int
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("保存冲突:%s已被 %s 于 %s 修改(当前版本 %d,您修改的是版本 %d),未保存您的更改。请刷新后重新修改。",
		e.What, e.By, e.At, e.Current, e.Attempted)
}

const indicatorColumns = `code, name, entity, filter_expr, measure, field, denominator, period_rule, unit, decimals,
	COALESCE(department, ''), note, sample, version, updated_at, updated_by`

func scanIndicator(row interface{ Scan(...any) error }) (indicators.Indicator, bool, error) {
	var ind indicators.Indicator
	var sample int
	err := row.Scan(&ind.Code, &ind.Name, &ind.Entity, &ind.Filter, &ind.Measure, &ind.Field, &ind.Of, &ind.Rule,
		&ind.Unit, &ind.Decimals, &ind.Department, &ind.Note, &sample, &ind.Version, &ind.UpdatedAt, &ind.UpdatedBy)
	return ind, sample != 0, err
}

// Indicators lists every indicator by code.
func (s *Service) Indicators(ctx context.Context) ([]indicators.Indicator, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+indicatorColumns+` FROM indicators ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []indicators.Indicator
	for rows.Next() {
		ind, _, err := scanIndicator(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ind)
	}
	return out, rows.Err()
}

// Indicator returns one indicator.
func (s *Service) Indicator(ctx context.Context, code string) (indicators.Indicator, error) {
	ind, _, err := scanIndicator(s.db.QueryRowContext(ctx, `SELECT `+indicatorColumns+` FROM indicators WHERE code = $1`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return ind, ErrNotFound
	}
	return ind, err
}

// indicatorMap reads every indicator, by code.
func (s *Service) indicatorMap(ctx context.Context, q database.Querier) (map[string]indicators.Indicator, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+indicatorColumns+` FROM indicators`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]indicators.Indicator{}
	for rows.Next() {
		ind, _, err := scanIndicator(rows)
		if err != nil {
			return nil, err
		}
		out[ind.Code] = ind
	}
	return out, rows.Err()
}

// ValidateIndicator checks a definition as the editor would save it,
// returning fault.Fields in Chinese keyed by form field.
func (s *Service) ValidateIndicator(ctx context.Context, ind indicators.Indicator) (*indicators.Compiled, error) {
	reg, err := s.Registry(ctx)
	if err != nil {
		return nil, err
	}
	all, err := s.indicatorMap(ctx, s.db)
	if err != nil {
		return nil, err
	}
	fe := fault.Fields{}
	if u := ind.Unit; ind.Measure == indicators.Share && u != indicators.UnitPercent && u != indicators.UnitPermille && u != indicators.UnitRatio &&
		u != indicators.UnitPerMyriad {
		fe["unit"] = "占比的计量单位应为 %(百分比)、‰(千分比)、‱(万分比,如每万人)或 比(如性别比,男/女×100,不带百分号)"
	}
	if ind.Department != "" {
		ok, err := s.departmentExists(ctx, ind.Department)
		if err != nil {
			return nil, err
		}
		if !ok {
			fe["department"] = "部门不存在"
		}
	}
	c, err := indicators.Compile(reg, ind, func(code string) (indicators.Indicator, bool) {
		o, ok := all[code]
		return o, ok
	})
	if err != nil {
		var cfe fault.Fields
		if !errors.As(err, &cfe) {
			return nil, err
		}
		for k, v := range cfe {
			fe[k] = v
		}
	}
	if len(fe) > 0 {
		return nil, fe
	}
	return c, nil
}

func (s *Service) departmentExists(ctx context.Context, code string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM departments WHERE code = $1`, code).Scan(&n)
	return n > 0, err
}

// Departments lists the departments (code → name) in display order.
func (s *Service) Departments(ctx context.Context) ([]Department, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT code, name FROM departments ORDER BY sort, code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Department
	for rows.Next() {
		var d Department
		if err := rows.Scan(&d.Code, &d.Name); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Department is an entry of the departments catalogue.
type Department struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// SaveIndicator creates an indicator (Version 0) or changes one, refusing
// a change to a version someone else has replaced. A share's denominator
// and the indicator code cannot change once items use the indicator.
func (s *Service) SaveIndicator(ctx context.Context, by string, ind *indicators.Indicator) error {
	c, err := s.ValidateIndicator(ctx, *ind)
	if err != nil {
		return err
	}
	ind.Entity, ind.Field = c.Indicator.Entity, c.Indicator.Field
	if ind.Measure == indicators.Manual {
		ind.Entity, ind.Filter, ind.Field, ind.Of, ind.Rule = "", "", "", "", indicators.AtEnd
	}
	now := database.FormatTime(s.now())
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		var cur indicators.Indicator
		cur, _, err := scanIndicator(tx.QueryRowContext(ctx, `SELECT `+indicatorColumns+` FROM indicators WHERE code = $1`, ind.Code))
		exists := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if ind.Version == 0 {
			if exists {
				return fault.Fields{"code": fmt.Sprintf("编码 %s 已被指标「%s」使用", ind.Code, cur.Name)}
			}
			ind.Version = 1
			_, err := tx.ExecContext(ctx, `INSERT INTO indicators (code, name, entity, filter_expr, measure, field,
				denominator, period_rule, unit, decimals, department, note, sample, version, updated_at, updated_by)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, 1, $13, $14)`,
				ind.Code, ind.Name, ind.Entity, ind.Filter, ind.Measure, ind.Field, ind.Of, ind.Rule, ind.Unit, ind.Decimals,
				nullText(ind.Department), ind.Note, now, by)
			ind.UpdatedAt, ind.UpdatedBy = now, by
			return err
		}
		if !exists {
			return ErrNotFound
		}
		if cur.Version != ind.Version {
			return &ConflictError{What: "指标 " + ind.Code, By: cur.UpdatedBy, At: cur.UpdatedAt, Current: cur.Version, Attempted: ind.Version}
		}
		res, err := tx.ExecContext(ctx, `UPDATE indicators SET name = $1, entity = $2, filter_expr = $3, measure = $4,
			field = $5, denominator = $6, period_rule = $7, unit = $8, department = $9, note = $10,
			version = version + 1, updated_at = $11, updated_by = $12, decimals = $15 WHERE code = $13 AND version = $14`,
			ind.Name, ind.Entity, ind.Filter, ind.Measure, ind.Field, ind.Of, ind.Rule, ind.Unit,
			nullText(ind.Department), ind.Note, now, by, ind.Code, ind.Version, ind.Decimals)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &ConflictError{What: "指标 " + ind.Code, By: cur.UpdatedBy, At: cur.UpdatedAt, Current: cur.Version + 1, Attempted: ind.Version}
		}
		ind.Version++
		ind.UpdatedAt, ind.UpdatedBy = now, by
		return nil
	})
}

// DeleteIndicator removes an indicator no template, share or rule uses; it
// refuses (RefusedError) one that something uses.
func (s *Service) DeleteIndicator(ctx context.Context, code string) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM report_items WHERE indicator = $1`, code).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return &RefusedError{Reason: fmt.Sprintf("指标 %s 被 %d 个报表项使用,不能删除", code, n)}
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM indicators WHERE denominator = $1`, code).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return &RefusedError{Reason: fmt.Sprintf("指标 %s 是 %d 个占比指标的分母,不能删除", code, n)}
		}
		rules, err := s.rulesTx(ctx, tx)
		if err != nil {
			return err
		}
		for _, r := range rules {
			if r.uses(code) {
				return &RefusedError{Reason: fmt.Sprintf("指标 %s 被校验规则「%s」使用,不能删除", code, r.Expr)}
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM report_manual_values WHERE indicator = $1`, code); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM indicators WHERE code = $1`, code)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
}

func nullText(s string) any {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return s
}

// IndicatorUse counts, per indicator code, the template items using it.
func (s *Service) IndicatorUse(ctx context.Context) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT indicator, COUNT(*) FROM report_items GROUP BY indicator`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var c string
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			return nil, err
		}
		out[c] = n
	}
	return out, rows.Err()
}

// EntityHelp describes the entities and their fields for the editor.
type EntityHelp struct {
	Name   string
	Label  string
	Note   string
	Fields []FieldHelp
}

// FieldHelp is one field of an entity, for the editor.
type FieldHelp struct {
	Label  string
	Kind   string
	Values string
	Note   string
}

// Help lists the entities indicators may count, with their fields.
func (s *Service) Help(ctx context.Context) ([]EntityHelp, error) {
	reg, err := s.Registry(ctx)
	if err != nil {
		return nil, err
	}
	var out []EntityHelp
	for _, e := range reg.Entities() {
		h := EntityHelp{Name: e.Name, Label: e.Label, Note: e.Note}
		for _, f := range e.Fields {
			fh := FieldHelp{Label: f.Label, Kind: f.Kind.Label(), Note: f.Note}
			var vals []string
			for i, v := range f.Values {
				if i == 12 {
					vals = append(vals, fmt.Sprintf("…共 %d 个", len(f.Values)))
					break
				}
				vals = append(vals, v.Name)
			}
			fh.Values = strings.Join(vals, "、")
			if f.Unit != "" && fh.Values == "" {
				fh.Values = "单位:" + f.Unit
			}
			h.Fields = append(h.Fields, fh)
		}
		out = append(out, h)
	}
	return out, nil
}

// FaultKind makes a stale save a fault.Conflict.
func (e *ConflictError) FaultKind() fault.Kind { return fault.Conflict }
