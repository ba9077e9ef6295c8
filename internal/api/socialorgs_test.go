package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/socialorgs"
)

// TestSocialOrganisationsContract: GET /api/v1/social-organisations
// answers a community's and its street's organisations with their filing
// and counts, names no person, and refuses a token without the permission.
func TestSocialOrganisationsContract(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := setup(t, db)
		ctx := context.Background()
		s := socialorgs.NewService(db, nil)
		st := socialorgs.Staff{Name: "张书记", May: func(int64) bool { return true }}
		day := time.Now().AddDate(0, 0, -3).Format("2006-01-02")
		o, err := s.Create(ctx, st, e.cb.ID, socialorgs.Draft{Name: "老年人协会", Kind: "service", Status: "filed",
			FilingNumber: "ZWD-001", FiledOn: day, LeaderID: e.person.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Join(ctx, st, o.ID, e.person.ID, "会长", day); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Record(ctx, st, o.ID, socialorgs.Activity{Title: "茶话会", HeldOn: time.Now().Format("2006-01-02"), Participants: 20}); err != nil {
			t.Fatal(err)
		}
		for _, org := range []int64{e.cb.ID, e.cb.ParentID} {
			status, body := e.do(t, e.adminToken, "GET", fmt.Sprintf("/api/v1/social-organisations?org=%d", org), "")
			if status != http.StatusOK {
				t.Fatalf("org %d: %d %v", org, status, body)
			}
			list, _ := body["organisations"].([]any)
			if len(list) != 1 {
				t.Fatalf("org %d: %v", org, body)
			}
			got := list[0].(map[string]any)
			for k, want := range map[string]any{"name": "老年人协会", "status": "filed", "filing_number": "ZWD-001",
				"members": 1.0, "activities_year": 1.0, "hub": false} {
				if got[k] != want {
					t.Errorf("%s = %v, want %v", k, got[k], want)
				}
			}
			raw, _ := json.Marshal(body)
			if strings.Contains(string(raw), e.person.Name) {
				t.Errorf("the answer names the leader: %s", raw)
			}
		}
		if status, _ := e.do(t, e.adminToken, "GET", "/api/v1/social-organisations", ""); status != http.StatusBadRequest {
			t.Fatalf("no org: %d", status)
		}
		if status, _ := e.do(t, e.gwToken, "GET", fmt.Sprintf("/api/v1/social-organisations?org=%d", e.cb.ID), ""); status != http.StatusForbidden {
			t.Fatalf("a grid worker's token: %d", status)
		}
	})
}
