package certificates

import (
	"context"
	"fmt"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

// LoadDemo works on whatever volunteers exist: two certificates issued,
// one in notice, one with an objection open; a second load adds nothing,
// and a community with too few volunteers with hours gets none.
func TestLoadDemo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		for i := range 5 {
			v := f.volunteer(t, f.grid1, fmt.Sprintf("志愿者%d", i))
			for m := 1; m <= 10; m++ {
				f.hours(t, v, fmt.Sprintf("2025-%02d-%02d", m, 3+i), 60+30*i, "巡逻")
			}
		}
		lone := f.volunteer(t, f.cn, "孙南")
		f.hours(t, lone, "2025-05-05", 60, "巡逻")
		today := at(2026, 3, 2)
		sum, err := LoadDemo(ctx, db, []int64{f.cb.ID, f.cn.ID}, today)
		if err != nil {
			t.Fatal(err)
		}
		if sum != (DemoSummary{Issued: 2, InNotice: 1, Objected: 1}) {
			t.Errorf("demo wrote %+v", sum)
		}
		*f.clock = today
		list, err := f.s.List(ctx, f.head.Scope(PermIssue), Filter{})
		if err != nil {
			t.Fatal(err)
		}
		states := map[string]int{}
		for _, c := range list {
			states[c.Status]++
			if c.Minutes == 0 {
				t.Errorf("a demo certificate without hours: %+v", c)
			}
		}
		if states[StatusIssued] != 2 || states[StatusNotice] != 2 {
			t.Errorf("states %v", states)
		}
		ns, err := f.s.Notices(ctx, f.cb.ID)
		if err != nil || len(ns) != 2 {
			t.Errorf("notices today: %d %v", len(ns), err)
		}
		var open int
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM volunteer_certificate_objections WHERE status = 'open'`).Scan(&open)
		if open != 1 {
			t.Errorf("%d objections open", open)
		}
		again, err := LoadDemo(ctx, db, []int64{f.cb.ID, f.cn.ID}, today.Add(time.Hour))
		if err != nil || again != (DemoSummary{}) {
			t.Errorf("a second load: %+v %v", again, err)
		}
	})
}
