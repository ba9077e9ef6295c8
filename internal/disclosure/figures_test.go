package disclosure

import (
	"context"
	"strings"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/events"
	"shequ/internal/reports"
	"shequ/internal/satisfaction"
	"shequ/internal/services"
)

// publishOf publishes the period's publication of a catalogue row.
func publishOf(t *testing.T, f *fixture, item, period string) Publication {
	t.Helper()
	ctx := context.Background()
	all, err := f.s.Publications(ctx, f.staff.Scope, Filter{Community: f.cb.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range all {
		if p.Item == item && p.Period == period {
			p, err := f.s.Publish(ctx, f.staff, f.cb.ID, p.ID, PublishDraft{Body: "本期公开", Version: p.Version})
			if err != nil {
				t.Fatalf("publish %s %s: %v", item, period, err)
			}
			return p
		}
	}
	t.Fatalf("no publication %s %s", item, period)
	return Publication{}
}

// TestFigureBlocks: the rows of report figures publish what the reports
// compute for the publication's period — 为民服务办理情况 the events and
// applications of the month, 群众满意度 the quarter's ratings and their
// share — and the 低保 row lists the households with names masked and
// nothing else of the register.
func TestFigureBlocks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		rep := reports.New(db, nil, events.NewIndicatorSource, services.NewIndicatorSource, satisfaction.NewIndicatorSource)
		var asked []string
		f.s.WithFigures(func(ctx context.Context, community int64, period string, codes ...string) (map[string]float64, error) {
			asked = append(asked, period)
			return rep.PeriodFigures(ctx, community, period, codes...)
		})
		// Two March visits rated 5 and 2 in 城北; one in 城南 not counted.
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := db.ExecContext(ctx, q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		for i, r := range []struct {
			c     int64
			score int
		}{{f.cb.ID, 5}, {f.cb.ID, 2}, {f.other.ID, 1}} {
			exec(`INSERT INTO visit_ratings (community_id, visit_id, household_id, person_id, score, rated_at, rated_on)
				VALUES ($1, $2, 1, 1, $3, '2026-03-05 02:00:00.000000', '2026-03-05')`, r.c, 100+i, r.score)
		}
		if _, _, err := f.s.Pass(ctx, []int64{f.cb.ID}); err != nil {
			t.Fatal(err)
		}
		*f.clock = day(2026, 4, 16)
		if _, _, err := f.s.Pass(ctx, []int64{f.cb.ID}); err != nil {
			t.Fatal(err)
		}
		p := publishOf(t, f, "为民服务办理情况", "2026-03")
		if p.Computed != "2026年3月受理群众反映事件 0 件,结案 0 件;受理办事申请 0 件,办结 0 件(来自社区报表)" {
			t.Errorf("handling block %q", p.Computed)
		}
		p = publishOf(t, f, "群众满意度", "2026-Q1")
		for _, want := range []string{"2026年第1季度群众综合满意率 50.0%(居民评价 2 次)", "入户走访 50.0%(2 次)",
			"事件处置 —(0 次)", "按各部分评价次数加权"} {
			if !strings.Contains(p.Computed, want) {
				t.Errorf("satisfaction block %q lacks %q", p.Computed, want)
			}
		}
		if strings.Join(asked, " ") != "2026-03 2026-Q1" {
			t.Errorf("periods asked %v", asked)
		}

		// The 低保 list: a household of two holding 低保 (one tag ended), a
		// household of one; the head's name masked, no ID number or phone.
		grid := f.cb.ID
		person := func(id, household int64, name, number, phone string) {
			exec(`INSERT INTO persons (community_id, id, org_id, household_id, name, id_number, gender, birth_date, residence,
				phone, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'M', '1950-01-01', 'registered', $7, '2026-01-01', '2026-01-01')`,
				f.cb.ID, id, grid, household, name, number, phone)
		}
		tag := func(id, person int64, ended any) {
			exec(`INSERT INTO person_tags (community_id, id, person_id, tag, started_on, ended_on, created_at, updated_at)
				VALUES ($1, $2, $3, 'dibao', '2025-01-01', $4, '2026-01-01', '2026-01-01')`, f.cb.ID, id, person, ended)
		}
		for _, h := range []struct {
			id, head int64
			number   string
		}{{11, 21, "H11"}, {12, 24, "H12"}} {
			exec(`INSERT INTO households (community_id, id, number, kind, org_id, head_id, created_at, updated_at)
				VALUES ($1, $2, $3, 'registered', $4, $5, '2026-01-01', '2026-01-01')`, f.cb.ID, h.id, h.number, grid, h.head)
		}
		person(21, 11, "王建国", "610603195001010011", "13800000001")
		person(22, 11, "王小红", "610603195001010022", "13800000002")
		person(23, 11, "王小明", "610603195001010033", "")
		person(24, 12, "欧阳秀兰", "610603195001010044", "13800000004")
		tag(31, 21, nil)
		tag(32, 22, nil)
		tag(33, 23, "2026-02-01")
		tag(34, 24, nil)
		p = publishOf(t, f, "低保、救助对象", "2026-Q1")
		want := "在保低保 2 户 3 人(来自社区人口登记;姓名按规定隐去,保障金额以民政部门核定为准)\n1. 户主 王**,在保 2 人\n2. 户主 欧**,在保 1 人"
		if p.Computed != want {
			t.Errorf("dibao list %q, want %q", p.Computed, want)
		}
		for _, leak := range []string{"建国", "小红", "秀兰", "6106031950", "138"} {
			if strings.Contains(p.Computed, leak) {
				t.Errorf("the list shows %q: %q", leak, p.Computed)
			}
		}
	})
}
