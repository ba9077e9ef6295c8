package api

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/volunteers"
)

// TestVolunteerHoursContract: GET /api/v1/volunteers/hours answers the
// fields other tools rely on, for a community and for its street, counts
// a reversed row nowhere, and refuses a token without the permission.
func TestVolunteerHoursContract(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := setup(t, db)
		ctx := context.Background()
		s := volunteers.NewService(db, nil)
		st := volunteers.Staff{Name: "张书记", May: func(int64) bool { return true }}
		v, err := s.Register(ctx, st, volunteers.Registration{CommunityID: e.cb.ID, PersonID: e.person.ID})
		if err != nil {
			t.Fatal(err)
		}
		year := time.Now().Year()
		day := fmt.Sprintf("%d-01-02", year)
		for _, m := range []volunteers.Manual{{Kind: "service", ServedOn: day, Hours: "2.5", Content: "巡逻"},
			{Kind: "service", ServedOn: day, Hours: "1", Content: "重复"}, {Kind: "training", ServedOn: day, Hours: "3", Content: "培训"}} {
			r, err := s.RecordHours(ctx, st, v.ID, m)
			if err != nil {
				t.Fatal(err)
			}
			if m.Content == "重复" {
				if _, err := s.Reverse(ctx, st, r.ID, "重复登记"); err != nil {
					t.Fatal(err)
				}
			}
		}
		path := fmt.Sprintf("/api/v1/volunteers/hours?org=%d&year=%d", e.cb.ID, year)
		status, body := e.do(t, e.adminToken, "GET", path, "")
		if status != http.StatusOK {
			t.Fatalf("hours: %d %v", status, body)
		}
		for k, want := range map[string]float64{"volunteers": 1, "records": 2, "hours": 2.5, "training_hours": 3} {
			if got, ok := body[k].(float64); !ok || got != want {
				t.Errorf("%s = %v, want %v", k, body[k], want)
			}
		}
		status, body = e.do(t, e.adminToken, "GET", fmt.Sprintf("/api/v1/volunteers/hours?org=%d&year=%d", e.cb.ParentID, year), "")
		if status != http.StatusOK || body["hours"].(float64) != 2.5 {
			t.Fatalf("the street: %d %v", status, body)
		}
		if status, _ := e.do(t, e.adminToken, "GET", fmt.Sprintf("/api/v1/volunteers/hours?org=%d", e.cb.ID), ""); status != http.StatusBadRequest {
			t.Fatalf("no year: %d", status)
		}
		if status, _ := e.do(t, e.gwToken, "GET", path, ""); status != http.StatusForbidden {
			t.Fatalf("a grid worker's token: %d", status)
		}
	})
}
