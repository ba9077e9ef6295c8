package workaccess

import (
	"context"
	"time"

	"shequ/internal/fault"
)

var errPeriod = fault.Fields{"period": "月份应为 YYYY-MM"}

// Burden is what is asked of one community, or of an area's communities in
// all, in one month against what they have to give and are given.
type Burden struct {
	Period           string `json:"period"`
	Communities      int    `json:"communities"`
	ItemsDemanded    int    `json:"items_demanded"` // admitted items, requests pending or refused, and the inbox's demands
	ItemsAdmitted    int    `json:"items_admitted"` // catalogue items in force in the month
	RequestsOpen     int    `json:"requests_not_admitted"`
	MinutesDemanded  int64  `json:"-"`
	MinutesAvailable int64  `json:"-"`
	Workdays         int    `json:"workdays"`
	Staff            int    `json:"staff"`
	Households       int    `json:"households"`
	FundsDueFen      int64  `json:"funds_due_fen"`
	FundsReceivedFen int64  `json:"funds_received_fen"`
	// The communities' inbox (社区收件箱): the demands falling due in the
	// month by kind, and of those the ones resting on no admitted, funded
	// item (Demand.Grounds), which the community may refuse.
	Demands            int            `json:"demands"`
	DemandsByKind      map[string]int `json:"demands_by_kind"`
	DemandsNotAdmitted int            `json:"demands_not_admitted"`
	NotAdmittedByKind  map[string]int `json:"demands_not_admitted_by_kind"`
	// Of those, the ones the community refused (with its reason, on the
	// inbox's refused list).
	DemandsRefused int            `json:"demands_refused"`
	RefusedByKind  map[string]int `json:"demands_refused_by_kind"`
	// Report items asked of the communities and those shequ computes.
	IndicatorsDemanded int `json:"indicators_demanded"`
	IndicatorsComputed int `json:"indicators_computed"`
	// The departments' own systems (部门业务系统) the items in force still
	// need the work entered in.
	SeparateSystems     int      `json:"separate_systems"`
	SeparateSystemNames []string `json:"separate_system_names"`
}

func newBurden(period string) *Burden {
	b := &Burden{Period: period, DemandsByKind: map[string]int{}, NotAdmittedByKind: map[string]int{},
		RefusedByKind: map[string]int{}, SeparateSystemNames: []string{}}
	for _, k := range DemandKinds {
		b.DemandsByKind[k.Code], b.NotAdmittedByKind[k.Code], b.RefusedByKind[k.Code] = 0, 0, 0
	}
	return b
}

// add sums o, a community's month, into b, the area's.
func (b *Burden) add(o *Burden) {
	b.Communities += o.Communities
	b.MinutesDemanded += o.MinutesDemanded
	b.MinutesAvailable += o.MinutesAvailable
	b.Staff += o.Staff
	b.Households += o.Households
	b.FundsDueFen += o.FundsDueFen
	b.FundsReceivedFen += o.FundsReceivedFen
	b.Demands += o.Demands
	b.DemandsNotAdmitted += o.DemandsNotAdmitted
	for k, n := range o.DemandsByKind {
		b.DemandsByKind[k] += n
	}
	for k, n := range o.NotAdmittedByKind {
		b.NotAdmittedByKind[k] += n
	}
	b.DemandsRefused += o.DemandsRefused
	for k, n := range o.RefusedByKind {
		b.RefusedByKind[k] += n
	}
	b.IndicatorsDemanded += o.IndicatorsDemanded
	b.IndicatorsComputed += o.IndicatorsComputed
}

// perYear is how often a year the catalogue's frequencies ask for the work;
// 每日 is counted on working days and 按需 by what was recorded.
var perYear = map[string]int64{"每月": 12, "每季度": 4, "每半年": 2, "每年": 1}

// Burden sums an area's burden for period (YYYY-MM), as the board does.
// Staff minutes demanded are the work recorded for an item, or where
// nothing was recorded what its frequency asks; available are the paid
// staff's working days of the month at eight hours.
func (s *Service) Burden(ctx context.Context, area Area, period string) (*Burden, error) {
	m, ok := ParsePeriod(period)
	if !ok {
		return nil, errPeriod
	}
	cols := make([]Column, 0, len(area.Communities))
	for id := range area.Communities {
		cols = append(cols, Column{ID: id})
	}
	b, err := s.board(ctx, areaScope{}, area, cols, m, false)
	if err != nil {
		return nil, err
	}
	return b.Total, nil
}

// expectedMinutes is what an item's frequency asks of one community in a
// month of workdays working days, to the nearest minute.
func (it ledgerItem) expectedMinutes(workdays int) int64 {
	if it.freq == "每日" {
		return it.minutes * int64(workdays)
	}
	n := perYear[it.freq]
	if it.freq == "每五年" {
		return (it.minutes + 30) / 60
	}
	return (it.minutes*n + 6) / 12
}

// HoursDemanded and HoursAvailable are the staff-hours, to two places.
func (b *Burden) HoursDemanded() float64  { return hoursOf(b.MinutesDemanded) }
func (b *Burden) HoursAvailable() float64 { return hoursOf(b.MinutesAvailable) }

func hoursOf(minutes int64) float64 { return float64((minutes*100+30)/60) / 100 }

// ComputedPercent is the share of the report items demanded that shequ
// computes, in whole percent; -1 when none are demanded.
func (b *Burden) ComputedPercent() int {
	if b.IndicatorsDemanded == 0 {
		return -1
	}
	return int((int64(b.IndicatorsComputed)*100 + int64(b.IndicatorsDemanded)/2) / int64(b.IndicatorsDemanded))
}

// BeatsJiangxi reports whether shequ computes more of the indicators than
// 江西 removed by hand.
func (b *Burden) BeatsJiangxi() bool { return b.ComputedPercent() > JiangxiShare }

// workdaysIn counts the working days of the month starting m.
func workdaysIn(isWorkday func(time.Time) bool, m time.Time) int {
	n := 0
	for d := m; d.Month() == m.Month(); d = d.AddDate(0, 0, 1) {
		if isWorkday(d) {
			n++
		}
	}
	return n
}
