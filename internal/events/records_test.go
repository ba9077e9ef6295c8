package events

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
)

// A dispute's mediation record: parties shown as each role may see them,
// masked values kept when sent back unchanged, stale saves refused,
// sessions and outcome in the history.
func TestMediation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFix(t, db)
		e := f.report("dispute.neighbour")
		m, err := f.s.Mediation(ctx, f.staff, e)
		if err != nil || m == nil || m.Version != 1 {
			t.Fatalf("new dispute's record: %+v %v", m, err)
		}
		idNo := ident.MakeResidentID("610603", time.Date(1970, 3, 9, 0, 0, 0, 0, time.UTC), 101)
		m.DisputeType = "邻里纠纷"
		m.Parties = []Party{{Name: "张三", Side: "applicant", Phone: "13711112222", IDNumber: idNo},
			{Name: "李四", Side: "respondent", Phone: "13733334444"}}
		m.Mediators = []Mediator{{Name: "王调解", Org: "城北社区人民调解委员会"}}
		if err := f.s.SaveMediation(ctx, f.gw, e.ID, *m); !errors.Is(err, ErrForbidden) {
			t.Errorf("a grid worker kept the record: %v", err)
		}
		bad := *m
		bad.Parties = []Party{{Name: "张三", Side: "applicant", Phone: "123"}}
		bad.Outcome = "success"
		var fe fault.Fields
		if err := f.s.SaveMediation(ctx, f.staff, e.ID, bad); !errors.As(err, &fe) || fe["parties.0.phone"] == "" || fe["agreement"] == "" {
			t.Errorf("bad record: %v", err)
		}
		if err := f.s.SaveMediation(ctx, f.staff, e.ID, *m); err != nil {
			t.Fatal(err)
		}
		shown, _ := f.s.Mediation(ctx, f.staff, e)
		if shown.Parties[0].Phone != "137****2222" || shown.Parties[0].IDNumber == idNo || shown.Parties[0].Name != "张三" {
			t.Errorf("community staff see %+v", shown.Parties[0])
		}
		gwView, _ := f.s.Mediation(ctx, f.gw, e)
		if gwView.Parties[0].IDNumber != "" || gwView.Parties[0].Phone != "137****2222" {
			t.Errorf("grid worker sees %+v", gwView.Parties[0])
		}
		// The masked values go back unchanged with the agreement: stored as they were.
		shown.Outcome, shown.Agreement, shown.AgreedOn = "success", "李四于三日内修好漏水管道", "2026-03-02"
		if err := f.s.SaveMediation(ctx, f.staff, e.ID, *shown); err != nil {
			t.Fatal(err)
		}
		full, _ := f.s.Mediation(ctx, access.System, e)
		if full.Parties[0].Phone != "13711112222" || full.Parties[0].IDNumber != idNo || full.Version != 3 {
			t.Errorf("stored: %+v v%d", full.Parties, full.Version)
		}
		stale := *shown // version 2
		if err := f.s.SaveMediation(ctx, f.head, e.ID, stale); !errors.As(err, &fe) || fe["version"] == "" {
			t.Errorf("stale save: %v", err)
		}
		if err := f.s.AddSession(ctx, f.staff, e.ID, Session{HeldOn: "2026-03-02", Place: "社区调解室", Summary: "双方同意维修"}); err != nil {
			t.Fatal(err)
		}
		if err := f.s.AddSession(ctx, f.staff, e.ID, Session{HeldOn: "2099-01-01", Summary: "x"}); !errors.As(err, &fe) || fe["held_on"] == "" {
			t.Errorf("future session: %v", err)
		}
		full, _ = f.s.Mediation(ctx, access.System, e)
		if len(full.Sessions) != 1 {
			t.Errorf("sessions: %+v", full.Sessions)
		}
		steps, _ := f.s.Steps(ctx, e)
		var notes []string
		for _, st := range steps {
			if st.Action == ActMediate {
				notes = append(notes, st.Note)
			}
		}
		if strings.Join(notes, "|") != "更新调解记录|调解结果:调解成功|调解会议 2026-03-02" {
			t.Errorf("history: %v", notes)
		}
		// A general event has none.
		g := f.report("env.garbage")
		if m, _ := f.s.Mediation(ctx, f.staff, g); m != nil {
			t.Error("a general event has a mediation record")
		}
	})
}

// Events as a report entity: counts by any dimensions, and the records
// behind a count, within the caller's scope.
func TestCounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFix(t, db)
		f.report("env.garbage")
		f.report("env.garbage")
		d := f.report("dispute.family")
		f.act(f.staff, d, Action{Name: ActReject, Note: "已自行和解"})
		if _, err := f.s.Report(ctx, f.admin, Report{OrgID: f.zn.ID, Category: "env.posters", Description: "小广告"}); err != nil {
			t.Fatal(err)
		}
		rows, err := f.s.Counts(ctx, access.Everything, CountQuery{By: []string{"community", "group", "status"}})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rows {
			got = append(got, strings.Join(r.Labels, "/")+"="+itoa(int64(r.Count)))
		}
		want := "城北社区/矛盾纠纷/不予受理=1 城北社区/市容环境/待受理=2 紫南社区/市容环境/待受理=1"
		if strings.Join(got, " ") != want {
			t.Errorf("counts:\n got %v\nwant %s", got, want)
		}
		// The street's scope does not count 紫南 (another street).
		rows, _ = f.s.Counts(ctx, f.streetOp.Scope(PermRead), CountQuery{Where: map[string]string{"open": "1"}})
		if len(rows) != 1 || rows[0].Count != 2 {
			t.Errorf("open in the street: %+v", rows)
		}
		rows, _ = f.s.Counts(ctx, access.Everything, CountQuery{Unit: f.cb.ID, By: []string{"month"},
			From: f.now.Add(-time.Hour), To: f.now.Add(time.Hour)})
		if len(rows) != 1 || rows[0].Keys[0] != "2026-03" || rows[0].Count != 3 {
			t.Errorf("by month: %+v", rows)
		}
		list, total, err := f.s.Matching(ctx, access.Everything, CountQuery{Where: map[string]string{"category": "dispute.family"}}, 10, 0)
		if err != nil || total != 1 || len(list) != 1 || list[0].ID != d.ID {
			t.Errorf("matching: %d %v", total, err)
		}
		if _, err := f.s.Counts(ctx, access.Everything, CountQuery{By: []string{"colour"}}); err == nil {
			t.Error("unknown dimension accepted")
		}
	})
}

// Residents report without an account; the tracking number shows progress
// and nothing personal; guessing is slowed down.
func TestPublicReporting(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFix(t, db)
		_, err := f.s.ReportPublic(ctx, Report{OrgID: f.grid1.ID, Category: "env", Description: "x"})
		var fe fault.Fields
		if !errors.As(err, &fe) || fe["category"] == "" {
			t.Errorf("a 大类 accepted: %v", err)
		}
		_, err = f.s.ReportPublic(ctx, Report{OrgID: f.street.ID, Category: "env.garbage", Description: "x", ReporterPhone: "12"})
		if !errors.As(err, &fe) || fe["org"] == "" || fe["reporter_phone"] == "" {
			t.Errorf("a street as the place, a bad phone: %v", err)
		}
		e, err := f.s.ReportPublic(ctx, Report{OrgID: f.grid1.ID, Category: "env.garbage", Description: "门口堆满垃圾",
			ReporterName: "不留名", ReporterPhone: "13955556666", Anonymous: true, Photos: []Photo{testJPEG(t, 300, 200)}})
		if err != nil {
			t.Fatal(err)
		}
		if e.Source != SourceResident || e.ReporterName != "" || e.ReporterPhone != "" || e.ReporterUserID != 0 {
			t.Errorf("anonymous report kept %q %q", e.ReporterName, e.ReporterPhone)
		}
		pub, err := f.s.Public(ctx, e.TrackingNo[:7]+"-"+e.TrackingNo[7:])
		if err != nil {
			t.Fatal(err)
		}
		if pub.Status != "已收到,待受理" || len(pub.Photos) != 1 || pub.CanRate || pub.Community != "城北社区" {
			t.Errorf("public view %+v", pub)
		}
		if _, data, err := f.s.PublicPhoto(ctx, e.TrackingNo, pub.Photos[0].ID); err != nil || len(data) == 0 {
			t.Errorf("public photo: %v", err)
		}
		if _, err := f.s.Public(ctx, "E000000AAAAAAAA"); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown number: %v", err)
		}
		for _, bad := range []string{"", "E26", "x' OR 1=1 --", "E2611300000000U"} {
			if NormalizeTracking(bad) != "" {
				t.Errorf("NormalizeTracking(%q) accepted", bad)
			}
		}

		l := NewMissLimiter(3, time.Minute)
		clock := time.Unix(0, 0)
		l.now = func() time.Time { return clock }
		for i := 0; i < 3; i++ {
			if l.Blocked("1.2.3.4") {
				t.Fatal("blocked before the burst was used")
			}
			l.Miss("1.2.3.4")
		}
		if !l.Blocked("1.2.3.4") || l.Blocked("5.6.7.8") {
			t.Error("misses not limited per client")
		}
		clock = clock.Add(time.Minute)
		if l.Blocked("1.2.3.4") {
			t.Error("a miss not earned back after a minute")
		}
	})
}

// The grid holding a point.
func TestGridAt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFix(t, db)
		org := orgtree.NewStore(db)
		// Grid 1 is a square with a square hole; grid 2 lies east of it.
		g1, _ := org.Get(ctx, f.grid1.ID)
		g1.Boundary = `{"type":"Polygon","coordinates":[[[109.00,36.00],[109.01,36.00],[109.01,36.01],[109.00,36.01],[109.00,36.00]],
			[[109.004,36.004],[109.006,36.004],[109.006,36.006],[109.004,36.006],[109.004,36.004]]]}`
		if err := org.Update(ctx, g1); err != nil {
			t.Fatal(err)
		}
		g2, _ := org.Get(ctx, f.grid2.ID)
		g2.Boundary = `{"type":"Polygon","coordinates":[[[109.01,36.00],[109.02,36.00],[109.02,36.01],[109.01,36.01],[109.01,36.00]]]}`
		if err := org.Update(ctx, g2); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			lat, lon float64
			want     int64
		}{
			{36.002, 109.002, f.grid1.ID},
			{36.005, 109.005, 0}, // in the hole
			{36.005, 109.015, f.grid2.ID},
			{36.5, 109.5, 0},
		} {
			if got, err := f.s.GridAt(ctx, c.lat, c.lon); err != nil || got != c.want {
				t.Errorf("GridAt(%v, %v) = %d, want %d (%v)", c.lat, c.lon, got, c.want, err)
			}
		}
		lat, lon := 36.008, 109.018
		e, err := f.s.ReportPublic(ctx, Report{Lat: &lat, Lon: &lon, Category: "facility.lamp", Description: "路灯不亮"})
		if err != nil || e.GridID != f.grid2.ID || e.CommunityID != f.cb.ID {
			t.Errorf("located report: %+v %v", e, err)
		}
	})
}
