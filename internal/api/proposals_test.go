package api

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/proposals"
	"shequ/internal/residents"
)

// TestProposalsContract: GET /api/v1/proposals answers each matter's
// status, votes, eligible set and decision for a community and its street,
// filters by status, and refuses a token without the permission.
func TestProposalsContract(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := setup(t, db)
		ctx := context.Background()
		s := proposals.NewService(db, nil)
		m, err := s.ProposeAsCommittee(ctx, "王主任", proposals.Draft{CommunityID: e.cb.ID, Title: "加装电梯", Body: "全体居民表决。"})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.OpenVoting(ctx, "王主任", e.cb.ID, m.ID, m.Version, time.Now().Add(-time.Hour), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		voter := residents.Resident{PersonID: e.person.ID, HouseholdID: e.household.ID, CommunityID: e.cb.ID, Adult: true}
		if _, err := s.Vote(ctx, &voter, e.cb.ID, m.ID, proposals.For); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ProposeAsResident(ctx, &voter, proposals.Draft{Title: "增设快递柜", Body: "楼下增设。"}); err != nil {
			t.Fatal(err)
		}
		status, body := e.do(t, e.adminToken, "GET", fmt.Sprintf("/api/v1/proposals?org=%d", e.cb.ID), "")
		if status != http.StatusOK {
			t.Fatalf("proposals: %d %v", status, body)
		}
		list, _ := body["proposals"].([]any)
		if len(list) != 2 || body["total"].(float64) != 2 {
			t.Fatalf("listed %v", body)
		}
		var voting, pending map[string]any
		for _, x := range list {
			p := x.(map[string]any)
			for _, k := range []string{"status", "votes_for", "votes_against", "eligible", "decision"} {
				if _, ok := p[k]; !ok {
					t.Fatalf("no %s in %v", k, p)
				}
			}
			if p["status"] == "voting" {
				voting = p
			} else {
				pending = p
			}
		}
		if voting == nil || voting["votes_for"].(float64) != 1 || voting["votes_against"].(float64) != 0 || voting["eligible"].(float64) != 2 {
			t.Fatalf("voting matter %v", voting)
		}
		if pending == nil || pending["status"] != "moderation" || pending["eligible"] != nil {
			t.Fatalf("pending matter %v", pending)
		}
		status, body = e.do(t, e.adminToken, "GET", fmt.Sprintf("/api/v1/proposals?org=%d&status=voting", e.cb.ParentID), "")
		if status != http.StatusOK || body["total"].(float64) != 1 {
			t.Fatalf("the street, voting: %d %v", status, body)
		}
		for _, bad := range []string{"", "&status=bogus", "&size=0", "&page=x"} {
			org := fmt.Sprint(e.cb.ID)
			if bad == "" {
				org = ""
			}
			if status, _ := e.do(t, e.adminToken, "GET", "/api/v1/proposals?org="+org+bad, ""); status != http.StatusBadRequest {
				t.Errorf("%q: %d", bad, status)
			}
		}
		if status, _ := e.do(t, e.gwToken, "GET", fmt.Sprintf("/api/v1/proposals?org=%d", e.cb.ID), ""); status != http.StatusForbidden {
			t.Fatalf("a grid worker's token: %d", status)
		}
	})
}
