package events

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

// allowedActions is the workflow of the issue written out by hand, status
// by status: 上报 → 受理/不予受理/合并 → 社区自办 or 上报街道 → 立案 → 派遣
// (or 上报区县 → 派遣) → 签收/处置 → 反馈 → 核查 (通过, or 返工) → 结案 →
// 评价; 退回 of a dispatch; corrections (改类, 改地点, 转办), 督办 and
// comments on the way. The test takes every action from every status and
// expects exactly these to succeed and every other to be refused as
// illegal.
var allowedActions = map[string][]string{
	StatusReported:        {ActAccept, ActReject, ActMerge, ActTransfer, ActRecategorise, ActReroute, ActSupervise, ActComment},
	StatusCommunity:       {ActEscalate, ActFeedback, ActTransfer, ActRecategorise, ActReroute, ActSupervise, ActComment},
	StatusEscalated:       {ActReject, ActMerge, ActSendBack, ActFile, ActTransfer, ActRecategorise, ActReroute, ActSupervise, ActComment},
	StatusFiled:           {ActMerge, ActEscalateDistrict, ActDispatch, ActTransfer, ActRecategorise, ActReroute, ActSupervise, ActComment},
	StatusDistrict:        {ActDispatch, ActRecategorise, ActReroute, ActSupervise, ActComment},
	StatusDispatched:      {ActTake, ActRequestReturn, ActFeedback, ActRecategorise, ActReroute, ActSupervise, ActComment},
	StatusHandling:        {ActRequestReturn, ActFeedback, ActRecategorise, ActReroute, ActSupervise, ActComment},
	StatusReturnRequested: {ActApproveReturn, ActRefuseReturn, ActRecategorise, ActReroute, ActSupervise, ActComment},
	StatusVerifying:       {ActVerifyPass, ActRework, ActRecategorise, ActReroute, ActSupervise, ActComment},
	StatusVerified:        {ActClose, ActRecategorise, ActReroute, ActSupervise, ActComment},
	StatusClosed:          {ActRate, ActComment},
	StatusRejected:        {ActComment},
	StatusMerged:          {ActComment},
	StatusTransferred:     {ActComment},
}

// where each status is reached: the level and the dispatch it implies
var statusSetting = map[string][3]string{ // level, department, dispatched_by
	StatusReported: {LevelCommunity}, StatusCommunity: {LevelCommunity}, StatusEscalated: {LevelStreet},
	StatusFiled: {LevelStreet}, StatusDistrict: {LevelDistrict},
	StatusDispatched: {LevelStreet, "urban", LevelStreet}, StatusHandling: {LevelStreet, "urban", LevelStreet},
	StatusReturnRequested: {LevelStreet, "urban", LevelStreet}, StatusVerifying: {LevelStreet, "urban", LevelStreet},
	StatusVerified: {LevelStreet, "urban", LevelStreet}, StatusClosed: {LevelStreet, "urban", LevelStreet},
	StatusRejected: {LevelCommunity}, StatusMerged: {LevelCommunity}, StatusTransferred: {LevelCommunity},
}

func TestStateMachine(t *testing.T) {
	if len(allowedActions) != len(Statuses) {
		t.Fatalf("the expected table covers %d of %d statuses", len(allowedActions), len(Statuses))
	}
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFix(t, db)
		keep := f.report("env.garbage") // the event duplicates are merged into
		// force puts a fresh event into a status as if it had got there.
		force := func(status string) *Event {
			t.Helper()
			e := f.report("env.garbage")
			set := statusSetting[status]
			if _, err := db.ExecContext(ctx, `UPDATE events SET status = $1, level = $2, department = $3, dispatched_by = $4
				WHERE community_id = $5 AND id = $6`, status, set[0], nullStr(set[1]), set[2], e.CommunityID, e.ID); err != nil {
				t.Fatal(err)
			}
			e, err := f.s.Get(ctx, f.super, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			return e
		}
		// full gives an action every field it may need, so that only the
		// status decides.
		full := func(name string) Action {
			return Action{Name: name, Note: "测试说明", Route: LevelStreet, Department: "urban", Category: "env.posters",
				OrgID: f.grid2.ID, MergeInto: keep.TrackingNo, Rating: 5, Grade: GradeYellow}
		}
		for _, status := range Statuses {
			refusedFrom := force(status)
			for _, name := range actionOrder {
				want := slices.Contains(allowedActions[status], name)
				e := refusedFrom
				a := full(name)
				if name == ActTransfer {
					a.OrgID = f.cnGrid.ID
				}
				if want {
					e = force(status)
				}
				_, err := f.s.Act(ctx, f.super, e.ID, a)
				var ie *IllegalError
				switch {
				case want && err != nil:
					t.Errorf("%s from %s: refused: %v", name, status, err)
				case !want && !errors.As(err, &ie):
					t.Errorf("%s from %s: %v, want refused as illegal", name, status, err)
				}
			}
			// Refused actions left no trace.
			got, _ := f.s.Get(ctx, f.super, refusedFrom.ID)
			steps, _ := f.s.Steps(ctx, got)
			if got.Status != status || got.Version != refusedFrom.Version || len(steps) != 1 {
				t.Errorf("refused actions from %s changed the event: %s v%d, %d steps", status, got.Status, got.Version, len(steps))
			}
		}
		// The table in the code lists the same actions (the pages offer them).
		for _, status := range Statuses {
			got := Actions(status)
			want := append([]string(nil), allowedActions[status]...)
			sort.Strings(got)
			sort.Strings(want)
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("Actions(%s) = %v, want %v", status, got, want)
			}
		}
	})
}

// Where each action leads.
func TestTargets(t *testing.T) {
	for _, c := range []struct {
		action, from, level, dispatchedBy, route, want string
	}{
		{ActAccept, StatusReported, LevelCommunity, "", LevelCommunity, StatusCommunity},
		{ActAccept, StatusReported, LevelCommunity, "", LevelStreet, StatusEscalated},
		{ActEscalate, StatusCommunity, LevelCommunity, "", "", StatusEscalated},
		{ActFile, StatusEscalated, LevelStreet, "", "", StatusFiled},
		{ActEscalateDistrict, StatusFiled, LevelStreet, "", "", StatusDistrict},
		{ActDispatch, StatusDistrict, LevelDistrict, "", "", StatusDispatched},
		{ActTake, StatusDispatched, LevelStreet, LevelStreet, "", StatusHandling},
		{ActFeedback, StatusHandling, LevelStreet, LevelStreet, "", StatusVerifying},
		{ActFeedback, StatusCommunity, LevelCommunity, "", "", StatusVerifying},
		{ActRework, StatusVerifying, LevelStreet, LevelStreet, "", StatusDispatched},
		{ActRework, StatusVerifying, LevelCommunity, "", "", StatusCommunity},
		{ActApproveReturn, StatusReturnRequested, LevelStreet, LevelStreet, "", StatusFiled},
		{ActApproveReturn, StatusReturnRequested, LevelDistrict, LevelDistrict, "", StatusDistrict},
		{ActRefuseReturn, StatusReturnRequested, LevelStreet, LevelStreet, "", StatusHandling},
		{ActVerifyPass, StatusVerifying, LevelStreet, LevelStreet, "", StatusVerified},
		{ActClose, StatusVerified, LevelStreet, LevelStreet, "", StatusClosed},
		{ActRate, StatusClosed, LevelStreet, LevelStreet, "", StatusClosed},
		{ActSendBack, StatusEscalated, LevelStreet, "", "", StatusCommunity},
		{ActReject, StatusReported, LevelCommunity, "", "", StatusRejected},
		{ActMerge, StatusReported, LevelCommunity, "", "", StatusMerged},
		{ActTransfer, StatusFiled, LevelStreet, "", "", StatusTransferred},
		{ActRecategorise, StatusHandling, LevelStreet, LevelStreet, "", StatusHandling},
	} {
		e := &Event{Status: c.from, Level: c.level, DispatchedBy: c.dispatchedBy}
		if got := target(c.action, e, &Action{Route: c.route}); got != c.want {
			t.Errorf("%s from %s (level %s): %s, want %s", c.action, c.from, c.level, got, c.want)
		}
	}
}
