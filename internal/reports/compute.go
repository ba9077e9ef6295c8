package reports

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"

	"shequ/internal/indicators"
	"shequ/internal/orgtree"
)

// Report is a template computed for a unit and a period.
type Report struct {
	Template   *Template
	Unit       indicators.Unit
	Path       []orgtree.Unit // from the root of the tree down to Unit
	Period     indicators.Period
	Categories []*Category
	Rows       []*Row
	Warnings   []Warning
	Burden     Burden
	// SignOff is the community's confirmation of this period, if any;
	// Diffs the items whose recomputed value differs from the confirmed.
	SignOff *SignOff
	Diffs   []*Row
	// Units are the units the computation covered (Unit first, then the
	// units below it down to the grids), for per-unit breakdowns.
	Units      []indicators.Unit
	ComputedAt time.Time
	Elapsed    time.Duration
	// Limited is set when only the items of some departments are shown.
	Limited []string

	values map[string][]float64 // indicator code → value per unit (Units order), for the main period
}

// Category is a 大类 of a report.
type Category struct {
	Name string
	Subs []*Sub
}

// Sub is a 小类 of a report.
type Sub struct {
	Name string
	Rows []*Row
}

// Row is one item of a computed report.
type Row struct {
	Item           *Item
	Indicator      string
	Label          string
	Unit           string
	Decimals       int // decimal places the value is shown with
	Department     string
	DepartmentName string
	Frequency      string
	Definition     string // the indicator as one readable line
	// Due is false for an item not reported in this period (a quarterly
	// item in a month that does not end a quarter).
	Due bool
	// Manual items are typed by the community; Entered counts the
	// communities (one, for a community's report) whose value is in.
	Manual   bool
	Entered  int
	Expected int // communities expected to enter a manual value
	Version  int // the community's entry version, for editing
	Note     string
	Value    float64
	Known    bool
	Period   indicators.Period // the item's own period (the quarter of a quarterly item)
	Error    string            // the definition cannot be computed
	// Confirmed is the value the community signed off, where it differs
	// from Value (Changed).
	Confirmed    float64
	HasConfirmed bool
	Changed      bool
}

// Text formats the row's value for display.
func (r *Row) Text() string {
	if !r.Due {
		return "本期不报"
	}
	if !r.Known {
		if r.Manual {
			return "未填报"
		}
		return "—"
	}
	if r.Manual && r.Note == None && r.Value == 0 {
		return None
	}
	return FormatValue(r.Value, r.Decimals)
}

// UnitText is the unit as a reader sees it beside the value.
func (r *Row) UnitText() string { return UnitText(r.Unit) }

// Rounded is the value at the row's precision, as a workbook cell holds it.
func (r *Row) Rounded() float64 { return Round(r.Value, r.Decimals) }

// ConfirmedText formats the confirmed value.
func (r *Row) ConfirmedText() string {
	if !r.HasConfirmed {
		return "—"
	}
	return FormatValue(r.Confirmed, r.Decimals)
}

// FormatValue renders a value with its indicator's decimal places; a
// negative precision shows integers as they are and other values with two
// places (values that have no indicator, such as a rule's sums).
func FormatValue(v float64, decimals int) string {
	if math.IsNaN(v) {
		return "—"
	}
	if decimals < 0 {
		if v == math.Trunc(v) && math.Abs(v) < 1e15 {
			return strconv.FormatFloat(v, 'f', 0, 64)
		}
		decimals = 2
	}
	return strconv.FormatFloat(Round(v, decimals), 'f', decimals, 64)
}

// Round rounds half away from zero to the decimal places, as statistical
// tables do (四舍五入).
func Round(v float64, decimals int) float64 {
	if math.IsNaN(v) || decimals < 0 {
		return v
	}
	p := math.Pow(10, float64(decimals))
	return math.Round(v*p) / p
}

// UnitText is a unit as shown beside a value: a ratio (比, ×100) is a bare
// number, so it shows no unit at all; every other unit as it is.
func UnitText(unit string) string {
	if unit == indicators.UnitRatio {
		return ""
	}
	return unit
}

// Warning is a validation rule a report does not meet.
type Warning struct {
	Rule        *Rule
	Left, Right float64
}

// Burden counts what a template asks of a community (减负).
type Burden struct {
	Items     int // all items
	Computed  int // computed from the register
	Manual    int // typed by hand
	DueManual int // manual items due this period
	Entered   int // of those, entered (for the unit's communities, all of them)
}

// ComputedShare is the share of items computed, in percent.
func (b Burden) ComputedShare() float64 {
	if b.Items == 0 {
		return 0
	}
	return float64(b.Computed) / float64(b.Items) * 100
}

// Options narrow a report.
type Options struct {
	// Departments, when not nil, keeps only the items these departments
	// require (department roles read their own items).
	Departments []string
}

// Compute computes a template for a unit and a period.
func (s *Service) Compute(ctx context.Context, templateID string, unitID int64, period indicators.Period, opt Options) (*Report, error) {
	started := s.now()
	t, err := s.Template(ctx, templateID)
	if err != nil {
		return nil, err
	}
	path, err := s.org.Ancestors(ctx, unitID)
	if err != nil {
		return nil, err
	}
	if len(path) == 0 {
		return nil, indicators.ErrUnknownUnit
	}
	reg, err := s.Registry(ctx)
	if err != nil {
		return nil, err
	}
	all, err := s.indicatorMap(ctx, s.db)
	if err != nil {
		return nil, err
	}
	depts, err := s.Departments(ctx)
	if err != nil {
		return nil, err
	}
	deptName := map[string]string{}
	for _, d := range depts {
		deptName[d.Code] = d.Name
	}
	keep := func(dept string) bool { return true }
	if opt.Departments != nil {
		set := map[string]bool{}
		for _, d := range opt.Departments {
			set[d] = true
		}
		keep = func(dept string) bool { return set[dept] }
	}
	known := func(code string) (indicators.Indicator, bool) { o, ok := all[code]; return o, ok }

	r := &Report{Template: t, Path: path, Period: period, Limited: opt.Departments}
	// Rows, and the indicators to compute per item period.
	type batch struct {
		period indicators.Period
		list   []*indicators.Compiled
		index  map[string]int
	}
	batches := map[indicators.Period]*batch{}
	compiled := map[string]*indicators.Compiled{}
	add := func(p indicators.Period, c *indicators.Compiled) {
		b := batches[p]
		if b == nil {
			b = &batch{period: p, index: map[string]int{}}
			batches[p] = b
		}
		if _, ok := b.index[c.Code]; !ok {
			b.index[c.Code] = len(b.list)
			b.list = append(b.list, c)
		}
	}
	for _, cat := range t.Sections {
		rc := &Category{Name: cat.Name}
		for _, sub := range cat.Subs {
			rs := &Sub{Name: sub.Name}
			for _, it := range sub.Items {
				ind := all[it.Indicator]
				dept := it.Department
				if dept == "" {
					dept = ind.Department
				}
				if !keep(dept) {
					continue
				}
				row := &Row{Item: it, Indicator: it.Indicator, Label: it.Label, Unit: ind.Unit, Decimals: ind.Decimals, Department: dept,
					DepartmentName: deptName[dept], Frequency: it.Frequency, Manual: ind.Measure == indicators.Manual,
					Due: period.Due(it.Frequency), Definition: ind.Definition(reg), Value: math.NaN()}
				if row.Label == "" {
					row.Label = ind.Name
				}
				row.Period = period.Of(it.Frequency)
				if !row.Due {
					row.Period = period
				}
				if !row.Manual && row.Due {
					c := compiled[ind.Code]
					if c == nil {
						c, err = indicators.Compile(reg, ind, known)
						if err != nil {
							row.Error = err.Error()
						} else {
							compiled[ind.Code] = c
						}
					}
					if c != nil {
						add(row.Period, c)
						if c.Measure == indicators.Share {
							den := compiled[c.Of]
							if den == nil {
								den, err = indicators.Compile(reg, all[c.Of], known)
								if err != nil {
									row.Error = "分母指标 " + c.Of + ":" + err.Error()
								} else {
									compiled[c.Of] = den
								}
							}
							if den != nil {
								add(row.Period, den)
							}
						}
					}
				}
				rs.Rows = append(rs.Rows, row)
				r.Rows = append(r.Rows, row)
			}
			if len(rs.Rows) > 0 {
				rc.Subs = append(rc.Subs, rs)
			}
		}
		if len(rc.Subs) > 0 {
			r.Categories = append(r.Categories, rc)
		}
	}

	// Compute each item period; the report's own period first, whose
	// units are the report's.
	periods := make([]indicators.Period, 0, len(batches))
	for p := range batches {
		periods = append(periods, p)
	}
	sort.Slice(periods, func(i, j int) bool {
		if (periods[i] == period) != (periods[j] == period) {
			return periods[i] == period
		}
		return periods[i].String() < periods[j].String()
	})
	en := s.engine(reg)
	values := map[indicators.Period]map[string]float64{}
	r.values = map[string][]float64{}
	for _, p := range periods {
		b := batches[p]
		res, err := en.Compute(ctx, indicators.Request{Root: unitID, Period: p, Indicators: b.list})
		if err != nil {
			return nil, err
		}
		if r.Units == nil {
			r.Units = res.Units
			r.Unit = res.Units[0]
		}
		m := map[string]float64{}
		for code, i := range b.index {
			m[code] = res.Values[0][i]
			if p == period {
				col := make([]float64, len(res.Units))
				for u := range res.Units {
					col[u] = res.Values[u][i]
				}
				r.values[code] = col
			}
		}
		values[p] = m
	}
	if r.Units == nil {
		// Nothing to compute (a template of manual items): the units alone.
		res, err := en.Compute(ctx, indicators.Request{Root: unitID, Period: period})
		if err != nil {
			return nil, err
		}
		r.Units, r.Unit = res.Units, res.Units[0]
	}

	// Manual values: a community's own entry; above a community, the sum
	// of its communities' entries.
	var communities []int64
	for _, u := range r.Units {
		if u.Level == orgtree.LevelCommunity {
			communities = append(communities, u.ID)
		}
	}
	manualByPeriod := map[indicators.Period]map[int64]map[string]ManualValue{}
	for _, row := range r.Rows {
		if row.Manual && row.Due && manualByPeriod[row.Period] == nil {
			m, err := s.manualValues(ctx, communities, row.Period.String())
			if err != nil {
				return nil, err
			}
			manualByPeriod[row.Period] = m
		}
	}
	for _, row := range r.Rows {
		switch {
		case !row.Due || row.Error != "":
		case row.Manual:
			row.Expected = len(communities)
			var sum float64
			for _, c := range communities {
				if mv, ok := manualByPeriod[row.Period][c][row.Indicator]; ok {
					sum += mv.Value
					row.Entered++
					if c == r.Unit.ID {
						row.Version, row.Note = mv.Version, mv.Note
					}
				}
			}
			if row.Entered > 0 {
				row.Value, row.Known = sum, true
			}
		default:
			v, ok := values[row.Period][row.Indicator]
			if ok && !math.IsNaN(v) {
				row.Value, row.Known = v, true
			}
		}
	}

	// Validation rules on the values of this period.
	rules, err := s.Rules(ctx)
	if err != nil {
		return nil, err
	}
	inReport := map[string]float64{}
	for _, row := range r.Rows {
		if row.Due && row.Period == period {
			if row.Known {
				inReport[row.Indicator] = row.Value
			} else {
				inReport[row.Indicator] = math.NaN()
			}
		}
	}
	for _, rule := range rules {
		l, rt, ok, applicable := rule.Check(inReport)
		if applicable && !ok {
			r.Warnings = append(r.Warnings, Warning{Rule: rule, Left: l, Right: rt})
		}
	}

	r.Burden = burdenOf(r.Rows)
	if r.Unit.Level == orgtree.LevelCommunity {
		so, err := s.currentSignOff(ctx, t.ID, r.Unit.ID, period)
		if err != nil {
			return nil, err
		}
		if so != nil {
			r.SignOff = so
			r.Diffs = so.compare(r.Rows)
		}
	}
	r.ComputedAt = started
	r.Elapsed = s.now().Sub(started)
	return r, nil
}

func burdenOf(rows []*Row) Burden {
	var b Burden
	for _, row := range rows {
		b.Items++
		if row.Manual {
			b.Manual++
			if row.Due {
				b.DueManual++
				if row.Expected > 0 && row.Entered >= row.Expected {
					b.Entered++
				}
			}
		} else {
			b.Computed++
		}
	}
	return b
}

// UnitValue is one unit's value of an item, for breakdowns.
type UnitValue struct {
	Unit  indicators.Unit
	Value float64
	Known bool
}

// Breakdown gives an item's value in each unit directly below the
// report's unit (communities of a street, grids of a community).
func (r *Report) Breakdown(code string) []UnitValue {
	col := r.values[code]
	var out []UnitValue
	for i, u := range r.Units {
		if u.Parent != 0 || i == 0 {
			continue
		}
		uv := UnitValue{Unit: u, Value: math.NaN()}
		if col != nil && !math.IsNaN(col[i]) {
			uv.Value, uv.Known = col[i], true
		}
		out = append(out, uv)
	}
	return out
}

// Row finds a report row by indicator code.
func (r *Report) Row(code string) *Row {
	for _, row := range r.Rows {
		if row.Indicator == code {
			return row
		}
	}
	return nil
}

// unitValues gives, for the unit at index u of Units, the computed values
// of this period by indicator code.
func (r *Report) unitValues(u int) map[string]float64 {
	out := map[string]float64{}
	for code, col := range r.values {
		out[code] = col[u]
	}
	return out
}

// Title is the report's heading: template, unit and period.
func (r *Report) Title() string {
	return fmt.Sprintf("%s %s %s", r.Unit.Name, r.Period.Label(), r.Template.Name)
}

// TemplateBurden counts a template's items computed and typed by hand,
// without computing anything.
func (s *Service) TemplateBurden(ctx context.Context, t *Template) (Burden, error) {
	all, err := s.indicatorMap(ctx, s.db)
	if err != nil {
		return Burden{}, err
	}
	var b Burden
	for _, it := range t.Items() {
		b.Items++
		if all[it.Indicator].Measure == indicators.Manual {
			b.Manual++
		} else {
			b.Computed++
		}
	}
	return b, nil
}

// Preview computes a definition (not necessarily saved) for a unit and a
// period, for the editor's 试算.
func (s *Service) Preview(ctx context.Context, ind indicators.Indicator, unitID int64, p indicators.Period) (float64, time.Duration, error) {
	started := s.now()
	reg, err := s.Registry(ctx)
	if err != nil {
		return 0, 0, err
	}
	all, err := s.indicatorMap(ctx, s.db)
	if err != nil {
		return 0, 0, err
	}
	known := func(code string) (indicators.Indicator, bool) { o, ok := all[code]; return o, ok }
	if ind.Code == "" {
		ind.Code = "PREVIEW"
	}
	c, err := indicators.Compile(reg, ind, known)
	if err != nil {
		return 0, 0, err
	}
	list := []*indicators.Compiled{c}
	if c.Measure == indicators.Share {
		den, err := indicators.Compile(reg, all[c.Of], known)
		if err != nil {
			return 0, 0, err
		}
		list = append(list, den)
	}
	res, err := s.engine(reg).Compute(ctx, indicators.Request{Root: unitID, Period: p, Indicators: list})
	if err != nil {
		return 0, 0, err
	}
	return res.Values[0][0], s.now().Sub(started), nil
}

// Values gives an indicator's value in each of the report's units (Units
// order), for its own period; nil when the report does not hold it.
func (r *Report) Values(code string) []float64 { return r.values[code] }
