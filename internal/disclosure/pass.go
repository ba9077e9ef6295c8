package disclosure

import (
	"context"
	"database/sql"
	"fmt"

	"shequ/internal/database"
)

// The pass (the server runs it at start and hourly) schedules the periods
// ended and escalates (督办) what is overdue. Most runs find nothing new,
// so it keeps progress instead of rereading every community: a row of
// disclosure_pass per community says in which month it was last scheduled
// and which catalogue it read then. The periods ended before today depend
// only on today's month and the catalogue (rules, starting days, active
// rows), so a community whose mark matches both is skipped. Escalation
// reads the partial index of publications neither published nor
// escalated: only the rows whose due day passed since the last pass, or
// that were added since (a decision recorded late, a period just
// scheduled), are touched.

// Pass schedules the periods ended of every active periodic row in the
// communities named (Communities lists them all) and marks their overdue
// publications escalated (督办) once. It is idempotent: run it any number
// of times a day. It returns how many rows it scheduled and escalated.
func (s *Service) Pass(ctx context.Context, communities []int64) (scheduled, escalated int, err error) {
	return s.pass(ctx, communities, false)
}

// PassAll runs the pass over every community of the tree.
func (s *Service) PassAll(ctx context.Context) (scheduled, escalated int, err error) {
	cs, err := s.Communities(ctx)
	if err != nil {
		return 0, 0, err
	}
	return s.pass(ctx, cs, true)
}

func (s *Service) pass(ctx context.Context, communities []int64, all bool) (scheduled, escalated int, err error) {
	today := s.today()
	day, ok := parseDay(today)
	if !ok {
		return 0, 0, fmt.Errorf("disclosure: today %q", today)
	}
	month := periodOf(RuleMonthly, day).Key
	stamps, err := s.catalogueStamps(ctx)
	if err != nil {
		return 0, 0, err
	}
	marks, err := s.passMarks(ctx)
	if err != nil {
		return 0, 0, err
	}
	for _, c := range communities {
		// The shared sample and the community's own rows.
		stamp := stamps[0] + " " + stamps[c]
		if m, ok := marks[c]; ok && m == (passMark{month, stamp}) {
			continue
		}
		err = s.db.InTx(ctx, func(tx *sql.Tx) error {
			n, err := s.schedule(ctx, tx, c, today)
			if err != nil {
				return err
			}
			scheduled += n
			_, err = tx.ExecContext(ctx, `INSERT INTO disclosure_pass (community_id, month, catalogue) VALUES ($1, $2, $3)
				ON CONFLICT (community_id) DO UPDATE SET month = excluded.month, catalogue = excluded.catalogue`, c, month, stamp)
			return err
		})
		if err != nil {
			return scheduled, escalated, err
		}
	}
	// One statement over the whole tree when the pass covers it; else one
	// per community named (the demo's, a test's).
	escalate := func(where string, args ...any) error {
		res, err := s.db.ExecContext(ctx, `UPDATE disclosure_publications SET escalated_on = $1
			WHERE published_on = '' AND escalated_on = '' AND due_on < $1`+where, args...)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		escalated += int(n)
		return nil
	}
	if all {
		return scheduled, escalated, escalate("", today)
	}
	for _, c := range communities {
		if err := escalate(" AND community_id = $2", today, c); err != nil {
			return scheduled, escalated, err
		}
	}
	return scheduled, escalated, nil
}

// schedule adds the publications of the periods ended before today of a
// community's active periodic rows; a period already there stays as it is.
func (s *Service) schedule(ctx context.Context, tx *sql.Tx, community int64, today string) (int, error) {
	items, err := catalogueOf(ctx, tx, community)
	if err != nil {
		return 0, err
	}
	scheduled := 0
	for _, it := range items {
		if !it.Active || !it.Periodic() {
			continue
		}
		for _, p := range PeriodsEnded(it.Rule, it.StartsOn, today) {
			res, err := tx.ExecContext(ctx, `INSERT INTO disclosure_publications (community_id, id, item_id, period,
				title, due_on, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
				ON CONFLICT (community_id, item_id, period) DO NOTHING`,
				community, database.NewID(), it.ID, p.Key, p.Name, p.DueOn, s.stamp())
			if err != nil {
				return 0, err
			}
			n, _ := res.RowsAffected()
			scheduled += int(n)
		}
	}
	return scheduled, nil
}

// passMark is what a community's last scheduling read.
type passMark struct{ month, catalogue string }

func (s *Service) passMarks(ctx context.Context) (map[int64]passMark, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT community_id, month, catalogue FROM disclosure_pass`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]passMark{}
	for rows.Next() {
		var c int64
		var m passMark
		if err := rows.Scan(&c, &m.month, &m.catalogue); err != nil {
			return nil, err
		}
		out[c] = m
	}
	return out, rows.Err()
}

// catalogueStamps sums up the catalogue of each community (0: the shared
// sample) as its rows, the sum of their versions and the last change: an
// edit raises a version (edits are version-checked), a new row the count,
// so any change of the catalogue changes its stamp.
func (s *Service) catalogueStamps(ctx context.Context) (map[int64]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT COALESCE(community_id, 0), COUNT(*), SUM(version), MAX(updated_at)
		FROM disclosure_items GROUP BY community_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var c, n, versions int64
		var last string
		if err := rows.Scan(&c, &n, &versions, &last); err != nil {
			return nil, err
		}
		out[c] = fmt.Sprintf("%d/%d/%s", n, versions, last)
	}
	return out, rows.Err()
}
