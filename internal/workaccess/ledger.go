package workaccess

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/workdays"
)

// ParsePeriod reads a month "YYYY-MM".
func ParsePeriod(p string) (time.Time, bool) {
	t, err := time.ParseInLocation("2006-01", p, workdays.Shanghai)
	return t, err == nil && t.Format("2006-01") == p
}

// months lists the periods from..to inclusive.
func months(from, to time.Time) []time.Time {
	var out []time.Time
	for m := from; !m.After(to); m = m.AddDate(0, 1, 0) {
		out = append(out, m)
	}
	return out
}

// RecordDone records how often a community did an item's work in a month,
// replacing what was recorded before.
func (s *Service) RecordDone(ctx context.Context, by string, community, item int64, period string, occurrences int) error {
	fe := fault.Fields{}
	if _, ok := ParsePeriod(period); !ok {
		fe["period"] = "月份应为 YYYY-MM"
	}
	if occurrences < 0 || occurrences > 100000 {
		fe["occurrences"] = "次数应为不小于 0 的整数"
	}
	if err := fe.Err(); err != nil {
		return err
	}
	if _, err := s.Item(ctx, item); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM work_done WHERE community_id = $1 AND item_id = $2 AND period = $3`,
			community, item, period); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO work_done (community_id, item_id, period, occurrences, recorded_at, recorded_by)
			VALUES ($1, $2, $3, $4, $5, $6)`, community, item, period, occurrences, database.FormatTime(s.now()), by)
		return err
	})
}

// Payment is money a department paid a community for its work.
type Payment struct {
	Department string
	Community  int64
	AmountYuan string // as typed, up to two decimals
	ReceivedOn string
	Voucher    string
}

// Receive records a payment; the amount is kept in 分.
func (s *Service) Receive(ctx context.Context, by string, p Payment) (int64, error) {
	depts, err := s.Departments(ctx)
	if err != nil {
		return 0, err
	}
	fe := fault.Fields{}
	if _, ok := depts[p.Department]; !ok {
		fe["department"] = "请选择拨付经费的部门"
	}
	fen, ok := parseDecimal(p.AmountYuan, 2)
	if !ok || fen <= 0 {
		fe["amount"] = "金额应为大于 0 的元数,最多两位小数"
	}
	if _, err := workdays.ParseDate(p.ReceivedOn); err != nil {
		fe["received_on"] = "请填写到账日期"
	}
	if strings.TrimSpace(p.Voucher) == "" {
		fe["voucher"] = "请填写凭证号或说明"
	}
	if err := fe.Err(); err != nil {
		return 0, err
	}
	id := database.NewID()
	_, err = s.db.ExecContext(ctx, `INSERT INTO work_funds (id, department, community_id, amount_fen, received_on, voucher,
		recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		id, p.Department, p.Community, fen, p.ReceivedOn, strings.TrimSpace(p.Voucher), database.FormatTime(s.now()), by)
	return id, err
}

// DoneLine is an item in force in a month with the work recorded for it.
type DoneLine struct {
	ItemID      int64
	Title       string
	Department  string
	Frequency   string
	Funding     string
	Occurrences int
	Recorded    bool
}

// Done lists the items in force in period, duties and assistance, with the
// work a community recorded for each.
func (s *Service) Done(ctx context.Context, community int64, period string) ([]DoneLine, error) {
	m, ok := ParsePeriod(period)
	if !ok {
		return nil, errPeriod
	}
	items, err := s.ledgerItems(ctx)
	if err != nil {
		return nil, err
	}
	done, err := s.workDone(ctx, Area{Communities: map[int64]int{community: 0}}, period, period)
	if err != nil {
		return nil, err
	}
	all, err := s.Items(ctx, Filter{})
	if err != nil {
		return nil, err
	}
	byID := map[int64]*Item{}
	for _, it := range all {
		byID[it.ID] = it
	}
	var out []DoneLine
	for _, it := range items {
		if it.daysInForce(m, m.AddDate(0, 1, -1)) == 0 || byID[it.id] == nil {
			continue
		}
		n, rec := done[doneKey{community, it.id, period}]
		full := byID[it.id]
		out = append(out, DoneLine{ItemID: it.id, Title: full.Title, Department: it.deptName, Frequency: it.freq,
			Funding: full.FundingText(), Occurrences: int(n), Recorded: rec})
	}
	return out, nil
}
