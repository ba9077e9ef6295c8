package reports

import (
	"context"
	"fmt"
	"math"

	"shequ/internal/access"
	"shequ/internal/fault"
	"shequ/internal/indicators"
)

// Ledger is the list of records behind one number of a report (台账), as
// the viewer may see them.
type Ledger struct {
	Indicator indicators.Indicator
	Entity    *indicators.Entity
	Unit      indicators.Unit
	Period    indicators.Period
	Columns   []indicators.Column
	Rows      []indicators.LedgerRow
	// Total is the number of records behind the value (for a distinct
	// count, the distinct records); Hidden those not listed because the
	// viewer may not see them (outside the scope, or a tag the role does
	// not see).
	Total  int
	Hidden int
	Offset int
	Limit  int
	// Value is the number as the report shows it, for comparison.
	Value float64
	// Breakdown is the value in each unit directly below Unit.
	Breakdown []UnitValue

	refs  []indicators.RecordRef
	scope access.Scope
	svc   *Service
	tags  []string
}

// ErrNoLedger is returned for a value without records behind it (a manual
// item).
var ErrNoLedger = fault.New(fault.NotFound, "该项为手工填报,没有台账")

// Ledger computes the records behind an indicator's value in a unit and
// period and returns one page of them (limit 0: the first 100), masked as
// scope's field sets say. scope is the viewer's register.read scope.
func (s *Service) Ledger(ctx context.Context, scope access.Scope, code string, unitID int64, p indicators.Period, offset, limit int) (*Ledger, error) {
	ind, err := s.Indicator(ctx, code)
	if err != nil {
		return nil, err
	}
	if ind.Measure == indicators.Manual {
		return nil, ErrNoLedger
	}
	reg, err := s.Registry(ctx)
	if err != nil {
		return nil, err
	}
	all, err := s.indicatorMap(ctx, s.db)
	if err != nil {
		return nil, err
	}
	c, err := indicators.Compile(reg, ind, func(code string) (indicators.Indicator, bool) { o, ok := all[code]; return o, ok })
	if err != nil {
		return nil, fmt.Errorf("指标 %s 的定义有误:%w", code, err)
	}
	list := []*indicators.Compiled{c}
	if c.Measure == indicators.Share {
		den, err := indicators.Compile(reg, all[c.Of], nil)
		if err != nil {
			return nil, err
		}
		list = append(list, den)
	}
	res, err := s.engine(reg).Compute(ctx, indicators.Request{Root: unitID, Period: p, Indicators: list,
		Collect: &indicators.Collect{Indicator: 0, Unit: unitID}})
	if err != nil {
		return nil, err
	}
	l := &Ledger{Indicator: ind, Entity: res.RecordEntity, Unit: res.Units[0], Period: p, Value: res.Values[0][0],
		refs: res.Records, scope: scope, svc: s, tags: c.Tags(), Total: len(res.Records), Offset: offset, Limit: limit}
	l.Columns = reg.Source(l.Entity).Columns(l.Entity)
	for i, u := range res.Units {
		if i == 0 || u.Parent != 0 {
			continue
		}
		v := res.Values[i][0]
		l.Breakdown = append(l.Breakdown, UnitValue{Unit: u, Value: v, Known: !math.IsNaN(v)})
	}
	if limit <= 0 {
		l.Limit = 100
	}
	if offset < 0 || offset > len(l.refs) {
		l.Offset = 0
	}
	end := min(l.Offset+l.Limit, len(l.refs))
	err = l.each(ctx, reg, l.refs[l.Offset:end], func(row indicators.LedgerRow) error {
		l.Rows = append(l.Rows, row)
		return nil
	})
	return l, err
}

// All calls fn for every record of the ledger, for exports, and returns
// how many it gave.
func (l *Ledger) All(ctx context.Context, fn func(row indicators.LedgerRow) error) (int, error) {
	reg, err := l.svc.Registry(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for start := 0; start < len(l.refs); start += 1000 {
		end := min(start+1000, len(l.refs))
		if err := l.each(ctx, reg, l.refs[start:end], func(row indicators.LedgerRow) error {
			n++
			return fn(row)
		}); err != nil {
			return n, err
		}
	}
	return n, nil
}

// each describes refs (grouped by community) and passes the rows the
// scope may see, masked.
func (l *Ledger) each(ctx context.Context, reg *indicators.Registry, refs []indicators.RecordRef, fn func(indicators.LedgerRow) error) error {
	src := reg.Source(l.Entity)
	for i := 0; i < len(refs); {
		j := i
		var ids []int64
		for j < len(refs) && refs[j].Community == refs[i].Community {
			ids = append(ids, refs[j].ID)
			j++
		}
		rows, err := src.Describe(ctx, l.Entity, l.Period, refs[i].Community, ids)
		if err != nil {
			return err
		}
		for _, row := range rows {
			masked, ok := l.mask(row)
			if !ok {
				l.Hidden++
				continue
			}
			if err := fn(masked); err != nil {
				return err
			}
		}
		i = j
	}
	return nil
}

// mask applies the scope's field set at the row's place; ok is false when
// the row must not be shown at all.
func (l *Ledger) mask(row indicators.LedgerRow) (indicators.LedgerRow, bool) {
	if !l.scope.Contains(row.Place) {
		return row, false
	}
	f := l.scope.Fields(row.Place)
	for _, t := range l.tags {
		if !f.CanSeeTag(t) {
			return row, false
		}
	}
	out := indicators.LedgerRow{ID: row.ID, Place: row.Place, Cells: make([]string, len(row.Cells))}
	entity := l.Entity.Name
	for i, col := range l.Columns {
		v := row.Cells[i]
		switch {
		case col.Field == "":
			out.Cells[i] = v
		case col.Kind == "id":
			out.Cells[i] = f.ID(entity, col.Field, v)
		case col.Kind == "phone":
			out.Cells[i] = f.Phone(entity, col.Field, v)
		default:
			out.Cells[i] = f.Text(entity, col.Field, v)
		}
	}
	return out, true
}

// Pages is the number of pages of the ledger.
func (l *Ledger) Pages() int {
	if l.Limit <= 0 {
		return 1
	}
	return (l.Total + l.Limit - 1) / l.Limit
}
