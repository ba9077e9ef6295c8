package services

import (
	"context"
	"errors"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

// TestDecisionsWhereTheCaseStands: a level decides only on a case at its
// own stage, the window refuses only a case still at the window, and a
// decision must be one of the three.
func TestDecisionsWhereTheCaseStands(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		a, err := f.svc.Intake(ctx, f.clerk, IntakeRequest{PersonID: f.head.ID, Item: "dibao", Received: []string{"form", "income", "marriage"}})
		if err != nil {
			t.Fatal(err)
		}
		var se *StateError
		if _, err := f.svc.RefuseAtWindow(ctx, f.clerk, a.ID, a.Version, "材料不实"); !errors.As(err, &se) {
			t.Errorf("the window refused a case under review: %v", err)
		}
		if _, err := f.svc.Decide(ctx, f.streetOp, LevelStreet, a.ID, a.Version, Decision{Action: "approve"}); !errors.As(err, &se) {
			t.Errorf("the street decided on the community's stage: %v", err)
		}
		if _, err := f.svc.Decide(ctx, f.otherOp, LevelStreet, a.ID, a.Version, Decision{Action: "approve"}); !errors.Is(err, ErrNotFound) {
			t.Errorf("another street's operator reached the case: %v", err)
		}
		fieldErr(t, func() error {
			_, err := f.svc.Decide(ctx, f.staff, LevelCommunity, a.ID, a.Version, Decision{Action: "maybe"})
			return err
		}(), "action")
		b, err := f.svc.Decide(ctx, f.staff, LevelCommunity, a.ID, a.Version, Decision{Action: "approve", Note: "情况属实"})
		if err != nil {
			t.Fatal(err)
		}
		if b.Status != StatusProcessing || b.CurrentStage().Level != LevelStreet {
			t.Errorf("after the community's approval: %s at %s", b.Status, b.CurrentStage().Level)
		}

		c, err := f.svc.Intake(ctx, f.clerk, IntakeRequest{PersonID: f.spouse.ID, Item: "dibao", Received: []string{"form"}})
		if err != nil {
			t.Fatal(err)
		}
		fieldErr(t, func() error { _, err := f.svc.RefuseAtWindow(ctx, f.clerk, c.ID, c.Version, ""); return err }(), "reason")
		if r, err := f.svc.RefuseAtWindow(ctx, f.clerk, c.ID, c.Version, "不符合条件"); err != nil || r.Status != StatusRejected {
			t.Errorf("refusing an incomplete case at the window: %v", err)
		}
	})
}

func TestChainStates(t *testing.T) {
	chain := []Stage{{Name: "社区"}, {Name: "街道"}, {Name: "区县"}}
	states := func(at int, status string) (out []string) {
		for _, s := range ChainStates(chain, at, status) {
			out = append(out, s.State)
		}
		return out
	}
	for _, c := range []struct {
		at     int
		status string
		want   [3]string
	}{
		{1, StatusProcessing, [3]string{StageDone, StageCurrent, StageTodo}},
		{1, StatusRejected, [3]string{StageDone, StageRejected, StageTodo}},
		{2, StatusApproved, [3]string{StageDone, StageDone, StageDone}},
		{0, StatusIncomplete, [3]string{StageTodo, StageTodo, StageTodo}},
	} {
		if got := states(c.at, c.status); [3]string(got) != c.want {
			t.Errorf("%s at %d: %v, want %v", c.status, c.at, got, c.want)
		}
	}
}

func TestCategories(t *testing.T) {
	got := Categories([]Item{{Code: "a", Category: "社会救助"}, {Code: "b", Category: "证明"}, {Code: "c", Category: "社会救助"}})
	if len(got) != 2 || got[0].Name != "社会救助" || len(got[0].Items) != 2 || got[0].Items[1].Code != "c" || got[1].Name != "证明" {
		t.Errorf("categories: %+v", got)
	}
}
