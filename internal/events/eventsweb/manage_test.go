package eventsweb_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/events"
	"shequ/internal/web/webtest"
)

// The settings page names departments as people know them: 城市管理, not
// urban, in the categories' table and in a unit's contacts.
func TestManagePageNamesDepartments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		s := newServer(t, db)
		ctx := context.Background()
		community := s.event.Place().Community
		if err := events.NewStore(db).AddContact(ctx, db, &events.Contact{UnitID: community, Department: "water",
			Name: "供水抢修值班", Phone: "09112345678"}); err != nil {
			t.Fatal(err)
		}
		admin := s.srv.Client()
		webtest.AddUser(t, s.kit, "guanli", "", "admin")
		admin.Login("guanli")
		r := admin.Get("/events/manage?unit=" + strconv.FormatInt(community, 10))
		if r.Status != 200 {
			t.Fatalf("GET /events/manage: %d\n%s", r.Status, r.Body)
		}
		text := visibleText(r.Body)
		for _, code := range []string{"urban", "water", "police"} {
			if regexp.MustCompile(`\b` + code + `\b`).MatchString(text) {
				t.Errorf("the page shows the department code %q:\n%s", code, text)
			}
		}
		for _, name := range []string{"城市管理", "· 水务"} {
			if !strings.Contains(text, name) {
				t.Errorf("the page does not show %q", name)
			}
		}
	})
}

// visibleText is what a reader sees of a page: its text outside tags,
// option values and other attributes left out.
func visibleText(page string) string {
	page = regexp.MustCompile(`(?s)<(script|style)\b.*?</(script|style)>`).ReplaceAllString(page, " ")
	return regexp.MustCompile(`(?s)<[^>]*>`).ReplaceAllString(page, " ")
}

// The audit page names an event by its tracking number.
func TestEventNamedInAuditLog(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		s := newServer(t, db)
		m, err := s.kit.RecordNamers()["event"](context.Background(), []int64{s.event.ID})
		if err != nil || m[s.event.ID] != s.event.TrackingNo {
			t.Errorf("the event's name in the audit log: %v %v", m, err)
		}
	})
}
