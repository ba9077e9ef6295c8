package reports

import (
	"context"
	"fmt"
	"math"

	"shequ/internal/indicators"
)

// Figures computes indicators of the catalogue for one unit and period,
// by code: the figures 居务公开 publishes, the same numbers a report of
// that unit and period shows. A value that has none (a share of nothing)
// is NaN; an unknown code is an error.
func (s *Service) Figures(ctx context.Context, unitID int64, p indicators.Period, codes ...string) (map[string]float64, error) {
	reg, err := s.Registry(ctx)
	if err != nil {
		return nil, err
	}
	all, err := s.indicatorMap(ctx, s.db)
	if err != nil {
		return nil, err
	}
	known := func(code string) (indicators.Indicator, bool) { o, ok := all[code]; return o, ok }
	var list []*indicators.Compiled
	index := map[string]int{}
	var add func(code string) error
	add = func(code string) error {
		if _, ok := index[code]; ok {
			return nil
		}
		ind, ok := all[code]
		if !ok {
			return fmt.Errorf("reports: no indicator %s", code)
		}
		c, err := indicators.Compile(reg, ind, known)
		if err != nil {
			return fmt.Errorf("reports: indicator %s: %w", code, err)
		}
		index[code] = len(list)
		list = append(list, c)
		if c.Measure == indicators.Share {
			return add(c.Of) // the engine divides by it
		}
		return nil
	}
	for _, code := range codes {
		if err := add(code); err != nil {
			return nil, err
		}
	}
	res, err := s.engine(reg).Compute(ctx, indicators.Request{Root: unitID, Period: p, Indicators: list})
	if err != nil {
		return nil, err
	}
	u := res.Unit(unitID)
	out := map[string]float64{}
	for _, code := range codes {
		out[code] = math.NaN()
		if u >= 0 {
			out[code] = res.Values[u][index[code]]
		}
	}
	return out, nil
}

// PeriodFigures is Figures of a period written as 2026-03, 2026-Q1 or 2026.
func (s *Service) PeriodFigures(ctx context.Context, unitID int64, period string, codes ...string) (map[string]float64, error) {
	p, err := indicators.ParsePeriod(period)
	if err != nil {
		return nil, err
	}
	return s.Figures(ctx, unitID, p, codes...)
}
