package api

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/residents"
	"shequ/internal/surveys"
)

// TestSurveysContract: GET /api/v1/surveys answers each survey's status,
// responses and target for a community and its street, and refuses a
// token without the permission.
func TestSurveysContract(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := setup(t, db)
		ctx := context.Background()
		s := surveys.NewService(db, nil)
		f := surveys.Form{Title: "社区环境满意度调查", Questions: []surveys.Question{{Kind: surveys.Rating, Text: "请为小区环境打分", Required: true}}}
		sv, err := s.Create(ctx, "王主任", e.cb.ID, f)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.OpenSurvey(ctx, "王主任", e.cb.ID, sv.ID, sv.Version, time.Now().Add(-time.Hour), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		r := residents.Resident{PersonID: e.person.ID, HouseholdID: e.household.ID, CommunityID: e.cb.ID, Adult: true}
		if err := s.Respond(ctx, &r, e.cb.ID, sv.ID, surveys.Answers{1: {"4"}}); err != nil {
			t.Fatal(err)
		}
		f.Title = "老年食堂需求调查"
		if _, err := s.Create(ctx, "王主任", e.cb.ID, f); err != nil {
			t.Fatal(err)
		}
		for _, org := range []int64{e.cb.ID, e.cb.ParentID} {
			status, body := e.do(t, e.adminToken, "GET", fmt.Sprintf("/api/v1/surveys?org=%d", org), "")
			if status != http.StatusOK {
				t.Fatalf("surveys: %d %v", status, body)
			}
			list, _ := body["surveys"].([]any)
			if len(list) != 2 {
				t.Fatalf("listed %v", body)
			}
			for _, x := range list {
				p := x.(map[string]any)
				switch p["status"] {
				case "open":
					if p["responses"].(float64) != 1 || p["target"].(float64) != 2 || p["phase"] != "open" {
						t.Fatalf("open survey %v", p)
					}
				case "draft":
					if p["responses"].(float64) != 0 || p["target"] != nil {
						t.Fatalf("draft %v", p)
					}
				default:
					t.Fatalf("survey %v", p)
				}
			}
		}
		if status, _ := e.do(t, e.adminToken, "GET", "/api/v1/surveys", ""); status != http.StatusBadRequest {
			t.Fatalf("no org: %d", status)
		}
		if status, _ := e.do(t, e.gwToken, "GET", fmt.Sprintf("/api/v1/surveys?org=%d", e.cb.ID), ""); status != http.StatusForbidden {
			t.Fatalf("a grid worker's token: %d", status)
		}
	})
}
