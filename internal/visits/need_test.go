package visits

import (
	"context"
	"errors"
	"testing"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/events"
	"shequ/internal/fault"
	"shequ/internal/register"
)

// gridWorker makes the account of 网格员1 (user 100, of fixture's first
// grid) and returns them as a viewer.
func (f *fixture) gridWorker(t *testing.T) *access.Viewer {
	t.Helper()
	ctx := context.Background()
	if _, err := f.db.ExecContext(ctx, `INSERT INTO users (id, name, password_hash, created_at, updated_at)
		VALUES (100, '网格员1', 'x', '2026-01-01', '2026-01-01')`); err != nil {
		t.Fatal(err)
	}
	acs := access.NewService(f.db)
	if err := acs.AddGrant(ctx, nil, &access.Grant{UserID: 100, Role: "grid_worker", Units: []int64{f.grid1.ID}}); err != nil {
		t.Fatal(err)
	}
	v, err := acs.Viewer(ctx, 100, "网格员1")
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// A need found at the door becomes an event in one step, at the
// household's building, with the household as its subject and the visit
// as its source; a bad need saves neither the visit nor the event, and a
// visit gets one event.
func TestNeedBecomesEvent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		ev := events.NewStore(db)
		f.s.UseEvents(ev)
		gw := f.gridWorker(t)
		h, _ := f.household(t, f.b10, "1-301", register.HouseholdRegistered, "M")
		by := Visitor{UserID: gw.UserID, Name: gw.Name, Scope: gw.Scope(PermRecord), Viewer: gw}

		// No category and no description: nothing is saved.
		_, _, err := f.s.RecordVisit(ctx, by, Record{HouseholdID: h.ID, Outcome: OutcomeMet, Met: "户主",
			Need: &Need{Category: "demand", Description: " "}})
		fe := fault.FieldsOf(err)
		if fe["need_category"] == "" || fe["need_description"] == "" {
			t.Fatalf("a need without a 小类 or a description: %v", err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM visits`); n != 0 {
			t.Fatalf("%d visits saved with a refused need", n)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM events`); n != 0 {
			t.Fatalf("%d events saved with a refused need", n)
		}

		v, created, err := f.s.RecordVisit(ctx, by, Record{HouseholdID: h.ID, Outcome: OutcomeMet, Met: "户主",
			Need: &Need{Category: "demand.assist", Description: "老人行动不便,需要代购药品"}})
		if err != nil || !created || v.EventID == 0 {
			t.Fatalf("visit with a need: %+v %v %v", v, created, err)
		}
		e, err := ev.Get(ctx, gw, v.EventID)
		if err != nil {
			t.Fatal(err)
		}
		if e.OrgID != f.b10.ID || e.GridID != f.grid1.ID || e.CommunityID != f.cb.ID || e.Category != "demand.assist" ||
			e.SubjectKind != "household" || e.SubjectID != h.ID || e.Source != events.SourceGrid || !e.Private {
			t.Errorf("the event: %+v", e)
		}
		stored, err := f.s.Visit(ctx, access.Everything, v.ID)
		if err != nil || stored.EventID != e.ID {
			t.Errorf("the visit's event: %d, want %d (%v)", stored.EventID, e.ID, err)
		}

		// The visit's page offers 报事件 once: a second is a conflict, and
		// leaves no event behind.
		_, err = f.s.ReportNeed(ctx, gw, v.ID, Need{Category: "demand.other", Description: "再报一次"})
		if !errors.Is(err, ErrNeedReported) {
			t.Errorf("a second event for a visit: %v", err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM events`); n != 1 {
			t.Errorf("%d events, want 1", n)
		}

		// A visit recorded without a need reports one afterwards.
		v2, _, err := f.s.RecordVisit(ctx, by, Record{HouseholdID: h.ID, Outcome: OutcomeAbsent})
		if err != nil {
			t.Fatal(err)
		}
		e2, err := f.s.ReportNeed(ctx, gw, v2.ID, Need{Category: "safety.gas", Urgency: events.UrgencyUrgent,
			Description: "楼道有燃气味"})
		if err != nil {
			t.Fatal(err)
		}
		if stored, _ := f.s.Visit(ctx, access.Everything, v2.ID); stored.EventID != e2.ID || e2.Urgency != events.UrgencyUrgent {
			t.Errorf("after the visit: event %d on the visit, %+v", stored.EventID, e2)
		}

		// Outside where the viewer may report: refused at the field.
		other, _ := f.household(t, f.b2, "2-101", register.HouseholdRegistered, "M")
		if _, err := db.ExecContext(ctx, `UPDATE households SET org_id = $1, grid_id = $1 WHERE id = $2`, f.grid2.ID, other.ID); err != nil {
			t.Fatal(err)
		}
		v3, _, err := f.s.RecordVisit(ctx, Visitor{UserID: 100, Name: "网格员1", Scope: access.Everything}, Record{
			HouseholdID: other.ID, Outcome: OutcomeAbsent})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.ReportNeed(ctx, gw, v3.ID, Need{Category: "demand.other", Description: "x"}); err == nil {
			t.Error("a need reported outside the viewer's grid")
		}
	})
}
