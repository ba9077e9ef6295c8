package workaccess

import (
	"context"
	"database/sql"
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

// DoneLine is an item in force in a month with the work recorded for it.
type DoneLine struct {
	ItemID      int64
	Title       string
	Department  string
	Frequency   string
	Funding     string
	Occurrences int
	Recorded    bool
	// FromInbox is how many demands on the item the community marked done
	// in the month: what the ledger counts when nothing is recorded.
	FromInbox int
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
	one := Area{Communities: map[int64]int{community: 0}}
	done, err := s.handDone(ctx, one, period, period)
	if err != nil {
		return nil, err
	}
	inbox, err := s.inboxDone(ctx, one, period, period)
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
			Funding: full.FundingText(), Occurrences: int(n), Recorded: rec,
			FromInbox: int(inbox[doneKey{community, it.id, period}])})
	}
	return out, nil
}
