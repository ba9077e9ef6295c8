package workaccess

import (
	"context"

	"shequ/internal/fault"
	"shequ/internal/workdays"
)

var errPeriod = fault.Fields{"period": "月份应为 YYYY-MM"}

// Burden is what is asked of an area's communities in one month against
// what they have to give and are given.
type Burden struct {
	Period           string  `json:"period"`
	Communities      int     `json:"communities"`
	ItemsDemanded    int     `json:"items_demanded"` // admitted items and requests pending or refused
	ItemsAdmitted    int     `json:"items_admitted"`
	MinutesDemanded  int64   `json:"-"`
	MinutesAvailable int64   `json:"-"`
	Workdays         int     `json:"workdays"`
	Staff            int     `json:"staff"`
	FundsDueFen      int64   `json:"funds_due_fen"`
	FundsReceivedFen int64   `json:"funds_received_fen"`
	Ledger           *Ledger `json:"-"` // the month's ledger the funds come from
}

// perYear is how often a year the catalogue's frequencies ask for the work;
// 每日 is counted on working days and 按需 by what was recorded.
var perYear = map[string]int64{"每月": 12, "每季度": 4, "每半年": 2, "每年": 1}

// Burden sums the area's burden for period (YYYY-MM). Staff minutes
// demanded are the work recorded for an item, or where nothing was recorded
// what its frequency asks; available are the paid staff's working days of
// the month at eight hours.
func (s *Service) Burden(ctx context.Context, area Area, period string) (*Burden, error) {
	m, ok := ParsePeriod(period)
	if !ok {
		return nil, errPeriod
	}
	end := m.AddDate(0, 1, -1)
	cal, err := workdays.Load(ctx, s.db)
	if err != nil {
		return nil, err
	}
	b := &Burden{Period: period, Communities: len(area.Communities), Staff: area.Staff}
	for d := m; !d.After(end); d = d.AddDate(0, 0, 1) {
		if cal.IsWorkday(d) {
			b.Workdays++
		}
	}
	b.MinutesAvailable = int64(area.Staff) * int64(b.Workdays) * 8 * 60
	items, err := s.ledgerItems(ctx)
	if err != nil {
		return nil, err
	}
	done, err := s.workDone(ctx, area, period, period)
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		if it.daysInForce(m, end) == 0 {
			continue
		}
		b.ItemsAdmitted++
		for c := range area.Communities {
			n, recorded := done[doneKey{c, it.id, period}]
			if recorded {
				b.MinutesDemanded += n * it.minutes
				continue
			}
			b.MinutesDemanded += it.expectedMinutes(b.Workdays)
		}
	}
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM work_requests
		WHERE status IN ('pending', 'refused') AND received_on <= $1 AND (valid_to = '' OR valid_to >= $2)`,
		end.Format("2006-01-02"), m.Format("2006-01-02")).Scan(&b.ItemsDemanded); err != nil {
		return nil, err
	}
	b.ItemsDemanded += b.ItemsAdmitted
	lg, err := s.Ledger(ctx, area, period, period)
	if err != nil {
		return nil, err
	}
	b.FundsDueFen, b.FundsReceivedFen, b.Ledger = lg.DueFen, lg.ReceivedFen, lg
	return b, nil
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
func (b *Burden) HoursDemanded() float64  { return float64((b.MinutesDemanded*100+30)/60) / 100 }
func (b *Burden) HoursAvailable() float64 { return float64((b.MinutesAvailable*100+30)/60) / 100 }
