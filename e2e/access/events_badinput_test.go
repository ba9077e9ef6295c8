package access

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

// TestEventsBadInput sends hostile and confused input to the event pages,
// the events API, the residents' pages and Open311, and expects clean 4xx
// answers (or empty results), never a 500, never the input unescaped.
func TestEventsBadInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		roles, err := w.app.Access.Roles(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var admin *agent
		for _, r := range roles {
			if r.Code == "admin" {
				admin = w.newAgent(t, r)
			}
		}
		ev := w.objects[in]["event"]
		check := func(what string, r answer, api bool) {
			t.Helper()
			if r.status >= 500 || r.status < 200 {
				t.Errorf("%s: %d", what, r.status)
			}
			if strings.Contains(r.body, "<script>alert") || strings.Contains(r.body, "<img src=x") {
				t.Errorf("%s: the input comes back unescaped", what)
			}
			if api && !isJSON(r.body) && !strings.HasPrefix(strings.TrimSpace(r.body), "<?xml") {
				t.Errorf("%s: not JSON or XML: %.200s", what, r.body)
			}
		}
		for _, q := range injections {
			e := url.QueryEscape(q)
			short := fmt.Sprintf("%.30q", q)
			for _, p := range []string{"/events/all?q=", "/events/all?status=", "/events/all?category=", "/events/all?org=",
				"/events/all?page=", "/events/kpi?from=", "/events/kpi?by=", "/events/map?org=", "/public/events/track?no=",
				"/events/manage?code=", "/events/manage?limits="} {
				check("GET "+p+short, admin.get(p+e), false)
			}
			for _, p := range []string{"/api/v1/events?q=", "/api/v1/events?status=", "/api/v1/events?org=", "/api/v1/events?from=",
				"/api/v1/events/kpi?by=", "/api/v1/events/kpi?from=", "/api/v1/events/counts?by=", "/api/v1/events/counts?status=",
				"/api/v1/calendar?year=", "/open311/v2/requests.json?service_request_id=", "/open311/v2/requests.xml?start_date=",
				"/open311/v2/requests.json?page_size=", "/open311/v2/requests.json?jurisdiction_id=", "/open311/v2/services/" + e + ".json?x="} {
				check("GET "+p+short, admin.api("GET", p+e, ""), true)
			}
			form := url.Values{"csrf": {admin.csrf}, "category": {q}, "org": {q}, "description": {q}, "urgency": {q},
				"address": {q}, "reporter_phone": {q}, "level": {q}, "source": {q}}
			check("POST /events/new "+short, admin.postForm("/events/new", form), false)
			act := url.Values{"csrf": {admin.csrf}, "action": {q}, "version": {q}, "note": {q}, "department": {q}, "org": {q},
				"merge_into": {q}, "rating": {q}, "grade": {q}, "category": {q}}
			check("POST act "+short, admin.postForm(fmt.Sprintf("/events/%d/act", ev), act), false)
			act.Set("action", "dispatch")
			check("POST act dispatch "+short, admin.postForm(fmt.Sprintf("/events/%d/act", ev), act), false)
			check("POST api act "+short, admin.api("POST", fmt.Sprintf("/api/v1/events/%d/actions", ev),
				fmt.Sprintf(`{"action": %q, "note": %q}`, q, q)), true)
			check("POST api report "+short, admin.api("POST", "/api/v1/events",
				fmt.Sprintf(`{"category": %q, "description": %q, "org_id": 1}`, q, q)), true)
			check("POST open311 "+short, admin.api("POST", "/open311/v2/requests.json?api_key="+e+"&service_code="+e, ""), true)
			pub := url.Values{"csrf": {q}, "category": {q}, "org": {q}, "description": {q}}
			check("POST public report "+short, admin.postForm("/public/events", pub), false)
			check("POST public rate "+short, admin.postForm("/public/events/rate", url.Values{"no": {q}, "rating": {q}}), false)
		}
		if r := admin.api("POST", "/api/v1/events", `{"category": "env.garbage", "description": "x", "org_id": 1, "photos": [{"data": "!!"}]}`); r.status != 422 {
			t.Errorf("bad photo data: %d", r.status)
		}
	})
}
