package events

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
	"shequ/internal/workdays"
)

// A grid worker's report rises to the street, is dispatched to 城管,
// handled, verified, closed and rated; each step by the role the
// documents give it, every other role refused.
func TestStreetPath(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFix(t, db)
		e := f.report("env.garbage")
		if e.Status != StatusReported || e.Level != LevelCommunity || NormalizeTracking(e.TrackingNo) != e.TrackingNo {
			t.Fatalf("reported: %+v", e)
		}
		// Monday 09:00 + 4 working hours = 15:00 (lunch 12:00–14:00).
		if want := workdays.Date(2026, 3, 2).Add(15 * time.Hour); !e.DueAt.Equal(want) {
			t.Errorf("accept deadline %s, want %s", e.DueAt, want)
		}
		if got := f.outbox(e); !slices.Equal(got, []string{"13912345678", "13800000001"}) {
			t.Errorf("report told %v, want the reporter and the community office", got)
		}
		f.refused(f.gw, e, Action{Name: ActAccept, Route: LevelStreet}, ErrForbidden)
		f.refused(f.police, e, Action{Name: ActAccept, Route: LevelStreet}, ErrNotFound)
		f.refused(f.street2Op, e, Action{Name: ActAccept, Route: LevelStreet}, ErrNotFound)
		if !f.s.May(ctx, f.streetOp, ActAccept, e) {
			t.Error("the street platform may accept for its community")
		}
		f.refused(f.street2Op, e, Action{Name: ActComment, Note: "看看"}, ErrNotFound)
		f.refused(f.staff, e, Action{Name: ActAccept}, fault.Fields{"route": ""})

		f.now = f.now.Add(time.Hour)
		e = f.act(f.staff, e, Action{Name: ActAccept, Route: LevelStreet, Note: "需城管处理", Version: e.Version})
		if e.Status != StatusEscalated || e.Level != LevelStreet {
			t.Fatalf("accepted to the street: %s %s", e.Status, e.Level)
		}
		f.refused(f.staff, e, Action{Name: ActFile}, ErrForbidden)
		f.refused(f.gw, e, Action{Name: ActFile}, ErrForbidden)
		e = f.act(f.streetOp, e, Action{Name: ActFile})
		f.refused(f.staff, e, Action{Name: ActDispatch, Department: "urban"}, ErrForbidden)
		f.refused(f.streetOp, e, Action{Name: ActDispatch, Department: "nowhere"}, fault.Fields{"department": ""})
		e = f.act(f.streetOp, e, Action{Name: ActDispatch}) // the category's department: 城管
		if e.Department != "urban" || e.DispatchedBy != LevelStreet {
			t.Fatalf("dispatched to %q by %q", e.Department, e.DispatchedBy)
		}
		// 5 working days from Monday 10:00: the next Monday at 17:30.
		if want := workdays.Date(2026, 3, 9).Add(17*time.Hour + 30*time.Minute); !e.DueAt.Equal(want) || !e.HandleDueAt.Equal(want) {
			t.Errorf("handling deadline %s, want %s", e.DueAt, want)
		}
		f.refused(f.police, e, Action{Name: ActTake}, ErrNotFound)
		f.refused(f.gw, e, Action{Name: ActTake}, ErrForbidden)
		if _, err := f.s.Get(ctx, f.urban, e.ID); err != nil {
			t.Fatalf("城管 cannot see what was dispatched to it: %v", err)
		}
		e = f.act(f.urban, e, Action{Name: ActTake})
		if e.AssigneeUserID != f.urban.UserID {
			t.Error("签收 did not assign the event")
		}
		f.now = f.now.Add(26 * time.Hour)
		photo := testJPEG(t, 2000, 1500)
		e = f.act(f.urban, e, Action{Name: ActFeedback, Note: "已清运", PublicNote: "垃圾已清运完毕", Photos: []Photo{photo}})
		if e.Status != StatusVerifying || e.OnTime == nil || !*e.OnTime || e.HandlingMinutes == nil || *e.HandlingMinutes <= 0 {
			t.Fatalf("feedback: %s on time %v minutes %v", e.Status, e.OnTime, e.HandlingMinutes)
		}
		f.refused(f.urban, e, Action{Name: ActVerifyPass}, ErrForbidden)
		e = f.act(f.gw, e, Action{Name: ActVerifyPass, Note: "现场已清理"})
		f.refused(f.gw, e, Action{Name: ActClose}, ErrForbidden)
		f.refused(f.staff, e, Action{Name: ActClose}, ErrForbidden) // escalated events are closed by the platform
		e = f.act(f.streetOp, e, Action{Name: ActClose, PublicNote: "问题已解决"})
		if e.Status != StatusClosed || e.ClosedAt.IsZero() {
			t.Fatalf("closed: %s", e.Status)
		}
		if _, err := f.s.RatePublic(ctx, e.TrackingNo, 5, "很及时"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.RatePublic(ctx, e.TrackingNo, 1, "改评"); err == nil {
			t.Error("rated twice")
		}

		steps, err := f.s.Steps(ctx, e)
		if err != nil {
			t.Fatal(err)
		}
		var trail []string
		for _, st := range steps {
			trail = append(trail, st.Action+":"+st.ActorName+"@"+st.ActorUnit)
		}
		want := []string{"report:网格员小王@", "accept:社区干事小李@城北社区", "file:街道平台小赵@真武洞街道",
			"dispatch:街道平台小赵@真武洞街道", "take:城管队员@城市管理", "feedback:城管队员@城市管理",
			"verify_pass:网格员小王@城北社区", "close:街道平台小赵@真武洞街道", "rate:群众@"}
		if strings.Join(trail, " ") != strings.Join(want, " ") {
			t.Errorf("history:\n got %v\nwant %v", trail, want)
		}
		if len(steps[5].Attachments) != 1 || steps[5].Attachments[0].Width != 1600 {
			t.Errorf("feedback photo: %+v", steps[5].Attachments)
		}
		// Notices: the street on escalation, 城管 on dispatch, the grid
		// worker to verify, the reporter along the way.
		got := f.outbox(e)
		for _, phone := range []string{"13800000002", "13800000004", "13800000005"} {
			if !slices.Contains(got, phone) {
				t.Errorf("no notice to %s: %v", phone, got)
			}
		}
		n := 0
		for _, p := range got {
			if p == "13912345678" {
				n++
			}
		}
		if n != 4 { // received, accepted, dispatched, closed
			t.Errorf("the reporter got %d messages, want 4", n)
		}

		// The public page shows the progress, not the person.
		pub, err := f.s.Public(ctx, strings.ToLower(e.TrackingNo))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(pub)
		for _, secret := range []string{"韩梅梅", "13912345678", "楼下垃圾", "城北路3号楼", "网格员小王", "城管队员"} {
			if strings.Contains(string(b), secret) {
				t.Errorf("public view shows %q: %s", secret, b)
			}
		}
		if !strings.Contains(string(b), "城市管理") || !strings.Contains(string(b), "垃圾已清运完毕") || pub.Rating != 5 || pub.CanRate {
			t.Errorf("public view lacks the progress: %s", b)
		}

		// The KPIs count it once, on time, closed, satisfied.
		rows, err := f.s.KPIs(ctx, f.districtOp, KPIQuery{By: ByDepartment})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].Label != "城市管理" || rows[0].Handled != 1 || rows[0].OnTimeRate() != 1 ||
			rows[0].ClosureRate() != 1 || rows[0].Satisfaction() != 1 || rows[0].ReworkRate() != 0 {
			t.Errorf("KPIs: %+v", rows)
		}
		for by, label := range map[string]string{ByGrid: "城北第一网格", ByCommunity: "城北社区", ByCategory: "市容环境", ByMonth: "2026-03"} {
			rows, err := f.s.KPIs(ctx, f.districtOp, KPIQuery{By: by, Unit: f.street.ID})
			if err != nil || len(rows) != 1 || rows[0].Label != label || rows[0].Reported != 1 {
				t.Errorf("KPIs by %s: %+v %v", by, rows, err)
			}
		}
	})
}

// Returns (退回), the district platform, and rework (返工).
func TestReturnsAndRework(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFix(t, db)
		e := f.report("facility.manhole")
		e = f.act(f.staff, e, Action{Name: ActAccept, Route: LevelStreet})
		e = f.act(f.streetOp, e, Action{Name: ActFile})
		e = f.act(f.streetOp, e, Action{Name: ActEscalateDistrict, Note: "需区城管局协调"})
		f.refused(f.streetOp, e, Action{Name: ActDispatch, Department: "urban"}, ErrForbidden)
		e = f.act(f.districtOp, e, Action{Name: ActDispatch, Department: "urban"})
		if e.DispatchedBy != LevelDistrict {
			t.Fatalf("dispatched by %q", e.DispatchedBy)
		}
		f.refused(f.urban, e, Action{Name: ActRequestReturn}, fault.Fields{"note": ""})
		e = f.act(f.urban, e, Action{Name: ActRequestReturn, Note: "井盖属燃气公司,非城管职责"})
		f.refused(f.streetOp, e, Action{Name: ActApproveReturn}, ErrForbidden)
		e = f.act(f.districtOp, e, Action{Name: ActApproveReturn})
		if e.Status != StatusDistrict || e.Department != "" {
			t.Fatalf("after the return: %s %q", e.Status, e.Department)
		}
		if _, err := f.s.Get(ctx, f.urban, e.ID); !errors.Is(err, ErrNotFound) {
			t.Error("城管 still sees an event returned from it")
		}
		e = f.act(f.districtOp, e, Action{Name: ActDispatch, Department: "urban"})
		handleDue := e.HandleDueAt
		e = f.act(f.urban, e, Action{Name: ActRequestReturn, Note: "再次申请"})
		f.now = f.now.Add(2 * time.Hour)
		e = f.act(f.districtOp, e, Action{Name: ActRefuseReturn, Note: "属城管职责,继续办理"})
		if e.Status != StatusHandling || !e.DueAt.Equal(handleDue) {
			t.Fatalf("after a refused return: %s due %s, want the original %s", e.Status, e.DueAt, handleDue)
		}
		e = f.act(f.urban, e, Action{Name: ActFeedback, Note: "已更换"})
		f.refused(f.gw, e, Action{Name: ActRework}, fault.Fields{"note": ""})
		e = f.act(f.gw, e, Action{Name: ActRework, Note: "井盖松动,未固定"})
		if e.Status != StatusDispatched || e.ReworkCount != 1 || e.Department != "urban" {
			t.Fatalf("rework: %s %d %q", e.Status, e.ReworkCount, e.Department)
		}
		// The second feedback comes after the new handling deadline: late.
		f.now = e.DueAt.Add(time.Minute)
		e = f.act(f.urban, e, Action{Name: ActFeedback, Note: "已固定"})
		if e.OnTime == nil || *e.OnTime {
			t.Error("a late feedback counted on time")
		}
		steps, _ := f.s.Steps(ctx, e)
		if last := steps[len(steps)-1]; !last.Late {
			t.Error("the late step is not marked late")
		}
		rows, _ := f.s.KPIs(ctx, f.districtOp, KPIQuery{})
		if len(rows) != 1 || rows[0].ReworkRate() != 1 || rows[0].OnTimeRate() != 0 || rows[0].Label != "合计" {
			t.Errorf("KPIs: %+v", rows)
		}
	})
}

// The community handles what it can itself; the street can send back what
// it will not file.
func TestCommunityPath(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFix(t, db)
		e := f.report("rental.unregistered")
		e = f.act(f.staff, e, Action{Name: ActAccept, Route: LevelCommunity})
		if e.Status != StatusCommunity || e.DueStep != StepHandle {
			t.Fatalf("self-handling: %s %s", e.Status, e.DueStep)
		}
		f.refused(f.gw, e, Action{Name: ActFeedback}, ErrForbidden)
		f.refused(f.urban, e, Action{Name: ActFeedback}, ErrNotFound)
		e = f.act(f.staff, e, Action{Name: ActEscalate, Note: "房东拒不配合"})
		f.refused(f.streetOp, e, Action{Name: ActSendBack}, fault.Fields{"note": ""})
		e = f.act(f.streetOp, e, Action{Name: ActSendBack, Note: "请社区先行登记"})
		if e.Status != StatusCommunity || e.Level != LevelCommunity {
			t.Fatalf("sent back: %s %s", e.Status, e.Level)
		}
		e = f.act(f.staff, e, Action{Name: ActFeedback, PublicNote: "已登记"})
		e = f.act(f.gw, e, Action{Name: ActVerifyPass})
		f.refused(f.streetOp, e, Action{Name: ActClose}, ErrForbidden) // a community event: the community closes it
		e = f.act(f.staff, e, Action{Name: ActClose})
		if e.Status != StatusClosed {
			t.Fatalf("closed: %s", e.Status)
		}
	})
}

// Wrong reports are corrected without losing their history.
func TestCorrections(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFix(t, db)
		e := f.report("env.garbage")
		due := e.DueAt
		e = f.act(f.staff, e, Action{Name: ActRecategorise, Category: "dispute.neighbour", Urgency: UrgencyUrgent, Note: "实为邻里纠纷"})
		if e.Category != "dispute.neighbour" || e.Urgency != UrgencyUrgent || e.DueAt.Equal(due) {
			t.Fatalf("recategorised: %s %s due %s", e.Category, e.Urgency, e.DueAt)
		}
		if m, err := f.s.Mediation(ctx, f.staff, e); err != nil || m == nil {
			t.Errorf("a dispute without a mediation record: %v", err)
		}
		f.refused(f.staff, e, Action{Name: ActRecategorise, Category: "env"}, fault.Fields{"category": ""})
		steps, _ := f.s.Steps(ctx, e)
		if len(steps) != 2 || !strings.Contains(steps[1].Data, `"from_category":"env.garbage"`) {
			t.Errorf("recategorise history: %+v", steps)
		}

		// Re-routed to grid 2: the grid 1 worker no longer sees it.
		e = f.act(f.staff, e, Action{Name: ActReroute, OrgID: f.grid2.ID, Address: "城北路5号"})
		if e.GridID != f.grid2.ID || e.Address != "城北路5号" {
			t.Fatalf("rerouted: grid %d %q", e.GridID, e.Address)
		}
		if _, err := f.s.Get(ctx, f.gw, e.ID); !errors.Is(err, ErrNotFound) {
			t.Error("the grid 1 worker still sees an event moved to grid 2")
		}
		f.refused(f.staff, e, Action{Name: ActReroute, OrgID: f.cnGrid.ID}, fault.Fields{"org": ""})

		// Transferred to 城南 by the street: a new event there.
		f.refused(f.staff, e, Action{Name: ActTransfer, OrgID: f.cnGrid.ID, Note: "属城南"}, fault.Fields{"org": ""})
		e = f.act(f.streetOp, e, Action{Name: ActTransfer, OrgID: f.cnGrid.ID, Note: "位于城南社区"})
		var to struct {
			Tracking string `json:"to_tracking_no"`
		}
		steps, _ = f.s.Steps(ctx, e)
		json.Unmarshal([]byte(steps[len(steps)-1].Data), &to)
		n, err := f.s.GetByTracking(ctx, to.Tracking)
		if err != nil || n.CommunityID != f.cn.ID || n.Status != StatusReported || e.Status != StatusTransferred {
			t.Fatalf("transfer: %v %+v", err, n)
		}
		nsteps, _ := f.s.Steps(ctx, n)
		if !strings.Contains(nsteps[0].Note, e.TrackingNo) {
			t.Errorf("the new event does not say where it came from: %q", nsteps[0].Note)
		}

		// Duplicates are merged into the event kept.
		a, b := f.report("env.garbage"), f.report("env.garbage")
		f.refused(f.staff, b, Action{Name: ActMerge, MergeInto: "E000000XXXXXXXX"}, fault.Fields{"merge_into": ""})
		f.refused(f.staff, b, Action{Name: ActMerge, MergeInto: b.TrackingNo}, fault.Fields{"merge_into": ""})
		b = f.act(f.staff, b, Action{Name: ActMerge, MergeInto: strings.ToLower(a.TrackingNo)})
		if b.Status != StatusMerged || b.MergedInto != a.ID {
			t.Fatalf("merged: %s into %d", b.Status, b.MergedInto)
		}
		asteps, _ := f.s.Steps(ctx, a)
		if !strings.Contains(asteps[len(asteps)-1].Note, b.TrackingNo) {
			t.Error("the kept event does not record the merge")
		}
		c := f.report("env.garbage")
		f.refused(f.staff, c, Action{Name: ActReject}, fault.Fields{"note": ""})
		c = f.act(f.staff, c, Action{Name: ActReject, Note: "非本社区事务", PublicNote: "请向物业反映"})
		f.refused(f.staff, c, Action{Name: ActAccept, Route: LevelCommunity}, &IllegalError{})
	})
}

// A stale action is refused with who did what meanwhile.
func TestConflict(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newFix(t, db)
		e := f.report("env.garbage")
		read := e.Version
		f.act(f.gw, e, Action{Name: ActComment, Note: "补充:已拍照"})
		_, err := f.s.Act(context.Background(), f.staff, e.ID, Action{Name: ActAccept, Route: LevelCommunity, Version: read})
		var ce *ConflictError
		if !errors.As(err, &ce) || len(ce.Since) != 1 || !strings.Contains(ce.Error(), "网格员小王") {
			t.Fatalf("stale accept: %v", err)
		}
	})
}

// Lists, queues and the map show each role what it may see and must do.
func TestListsAndQueues(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFix(t, db)
		mine := f.report("env.garbage")
		dispatched := f.report("facility.lamp")
		dispatched = f.act(f.staff, dispatched, Action{Name: ActAccept, Route: LevelStreet})
		dispatched = f.act(f.streetOp, dispatched, Action{Name: ActFile})
		dispatched = f.act(f.streetOp, dispatched, Action{Name: ActDispatch, Department: "urban"})
		other, err := f.s.Report(ctx, f.admin, Report{OrgID: f.zn.ID, Category: "env.posters", Description: "小广告"})
		if err != nil {
			t.Fatal(err)
		}
		ids := func(list []*Event) []int64 {
			var out []int64
			for _, e := range list {
				out = append(out, e.ID)
			}
			slices.Sort(out)
			return out
		}
		sorted := func(xs ...int64) []int64 { slices.Sort(xs); return xs }
		for _, c := range []struct {
			v    *access.Viewer
			want []int64
		}{
			{f.gw, sorted(mine.ID, dispatched.ID)},
			{f.staff, sorted(mine.ID, dispatched.ID)},
			{f.urban, sorted(dispatched.ID)},
			{f.police, nil},
			{f.street2Op, sorted(other.ID)},
			{f.districtOp, sorted(mine.ID, dispatched.ID, other.ID)},
		} {
			list, total, err := f.s.List(ctx, c.v, Filter{})
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(list); !slices.Equal(got, c.want) || total != len(c.want) {
				t.Errorf("%s sees %v (%d), want %v", c.v.Name, got, total, c.want)
			}
		}
		q, _ := f.s.Queue(ctx, f.staff, 0, 0)
		if got := ids(q); !slices.Equal(got, []int64{mine.ID}) {
			t.Errorf("community queue %v", got)
		}
		q, _ = f.s.Queue(ctx, f.urban, 0, 0)
		if got := ids(q); !slices.Equal(got, []int64{dispatched.ID}) {
			t.Errorf("城管 queue %v", got)
		}
		q, _ = f.s.Queue(ctx, f.gw, 0, 0)
		if len(q) != 0 {
			t.Errorf("grid worker queue %v, nothing to verify yet", ids(q))
		}
		list, _, _ := f.s.List(ctx, f.districtOp, Filter{Text: dispatched.TrackingNo})
		if len(list) != 1 || list[0].ID != dispatched.ID {
			t.Error("search by tracking number")
		}
		list, _, _ = f.s.List(ctx, f.districtOp, Filter{Text: "小广告"})
		if len(list) != 1 || list[0].ID != other.ID {
			t.Error("search by words")
		}
		list, _, _ = f.s.List(ctx, f.districtOp, Filter{Unit: f.cb.ID, Category: "env"})
		if len(list) != 1 || list[0].ID != mine.ID {
			t.Error("filter by unit and 大类")
		}
		counts, err := f.s.GridCounts(ctx, f.districtOp, f.cb.ID)
		if err != nil || counts[f.grid1.ID].Open != 2 {
			t.Errorf("grid counts %v %v", counts, err)
		}
	})
}
