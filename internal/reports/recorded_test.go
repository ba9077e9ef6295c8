package reports

import (
	"context"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/events"
	"shequ/internal/indicators"
	"shequ/internal/services"
	"shequ/internal/workdays"
)

// What the system itself records is computed in the sample, and over the
// hall's and the events' demo data each figure is non-zero and equal to a
// count of the rows queried directly: certificates issued in the month
// (M013), disputes reported (I024), disputes closed in the month with an
// agreement (I025), residents' 诉求 accepted in the month (M016) and
// 临时救助 approved in it (E026).
func TestRecordedItemsAreComputed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		tw := buildTown(t, db, 1, 40)
		if _, err := db.ExecContext(ctx, `UPDATE persons SET phone = '13800001234', address = '新华路1号'`); err != nil {
			t.Fatal(err)
		}
		today := time.Date(2026, 12, 4, 16, 0, 0, 0, workdays.Shanghai)
		if _, err := services.LoadDemo(ctx, db, services.DemoOptions{Seed: 2, Today: today, PerCommunity: 150}); err != nil {
			t.Fatal(err)
		}
		if err := events.LoadDemo(ctx, db, 2, today); err != nil {
			t.Fatal(err)
		}
		s := New(db, nil, sources...)
		if _, err := s.InstallSample(ctx); err != nil {
			t.Fatal(err)
		}
		p, _ := indicators.ParsePeriod("2026-11")
		r, err := s.Compute(ctx, SampleCode, tw.street.ID, p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		startCut := database.FormatTime(workdays.Date(2026, 11, 1))
		endCut := database.FormatTime(workdays.Date(2026, 12, 1))
		count := func(q string, args ...any) float64 {
			t.Helper()
			var n int
			if err := db.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return float64(n)
		}
		// The status of each event at the two cutoffs, from its steps.
		status := func(cut string) map[int64]string {
			rows, err := db.QueryContext(ctx, `SELECT event_id, to_status FROM event_steps WHERE created_at < $1 ORDER BY event_id, id`, cut)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			out := map[int64]string{}
			for rows.Next() {
				var id int64
				var st string
				rows.Scan(&id, &st)
				out[id] = st
			}
			return out
		}
		before, after := status(startCut), status(endCut)
		type ev struct {
			id           int64
			source, kind string
			outcome      string
			reportedOn   string
		}
		var evs []ev
		rows, err := db.QueryContext(ctx, `SELECT e.id, e.source, c.kind, COALESCE(m.outcome, ''), e.reported_on FROM events e
			JOIN event_categories c ON c.code = e.category
			LEFT JOIN event_mediations m ON m.community_id = e.community_id AND m.event_id = e.id`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var e ev
			rows.Scan(&e.id, &e.source, &e.kind, &e.outcome, &e.reportedOn)
			evs = append(evs, e)
		}
		rows.Close()
		var disputes, settled, accepted float64
		notAccepted := map[string]bool{"": true, events.StatusReported: true, events.StatusRejected: true,
			events.StatusMerged: true, events.StatusTransferred: true}
		for _, e := range evs {
			if e.kind == "dispute" && e.reportedOn >= p.Start() && e.reportedOn <= p.End() {
				disputes++
			}
			if e.kind == "dispute" && e.outcome == "success" && after[e.id] == events.StatusClosed && before[e.id] != events.StatusClosed {
				settled++
			}
			if e.source != events.SourceGrid && !notAccepted[after[e.id]] && (e.reportedOn > p.Before() || notAccepted[before[e.id]]) {
				accepted++
			}
		}
		for _, c := range []struct {
			code string
			want float64
		}{
			{"M013", count(`SELECT COUNT(*) FROM certificates WHERE issued_at >= $1 AND issued_at < $2`, startCut, endCut)},
			{"E026", count(`SELECT COUNT(*) FROM service_applications WHERE item_code = 'linshi' AND status = 'approved'
				AND finished_on >= $1 AND finished_on <= $2`, p.Start(), p.End())},
			{"I024", disputes},
			{"I025", settled},
			{"M016", accepted},
		} {
			row := r.Row(c.code)
			if row == nil || row.Manual || !row.Known {
				t.Errorf("%s is not computed: %+v", c.code, row)
				continue
			}
			if row.Value != c.want || c.want == 0 {
				t.Errorf("%s %s = %v, counted directly %v (want equal and non-zero)", c.code, row.Label, row.Value, c.want)
			}
		}
	})
}
