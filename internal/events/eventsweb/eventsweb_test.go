package eventsweb_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/events"
	"shequ/internal/events/eventsweb"
	"shequ/internal/orgtree"
	"shequ/internal/web"
	"shequ/internal/web/webtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// server is the kit and the events pages over a community with one grid
// and building, a grid worker who reported an event there, and the
// community's staff who handle it.
type server struct {
	srv   *webtest.Server
	kit   *web.Kit
	event *events.Event
}

func newServer(t *testing.T, db *database.DB) *server {
	t.Helper()
	ctx := context.Background()
	org := orgtree.NewStore(db)
	var district, street, community, grid, building orgtree.Unit
	for _, u := range []struct {
		u      *orgtree.Unit
		parent *orgtree.Unit
		level  string
		name   string
	}{{&district, nil, "district", "安塞区"}, {&street, &district, "street", "真武洞街道"}, {&community, &street, "community", "城北社区"},
		{&grid, &community, "grid", "第1网格"}, {&building, &grid, "building", "3号楼"}} {
		if u.parent != nil {
			u.u.ParentID = u.parent.ID
		}
		u.u.Level, u.u.Name = u.level, u.name
		if err := org.Create(ctx, db, u.u); err != nil {
			t.Fatal(err)
		}
	}
	ev := events.NewStore(db)
	k, rt := webtest.Kit(t, db, web.Config{Org: org})
	k.Access.Resolve("event", ev.Resolve)
	eventsweb.Routes(rt, k, eventsweb.Deps{Events: ev, Org: org, Log: k.Log})
	gw := webtest.AddUser(t, k, "wangge", "", "grid_worker", grid.ID)
	webtest.AddUser(t, k, "shequ", "", "community_staff", community.ID)
	reporter, err := k.Access.Viewer(ctx, gw.ID, gw.Name)
	if err != nil {
		t.Fatal(err)
	}
	e, err := ev.Report(ctx, reporter, events.Report{OrgID: building.ID, Category: "env.garbage",
		Description: "楼下垃圾堆放三天无人清理", Address: "城北路3号楼东侧", Source: events.SourceGrid})
	if err != nil {
		t.Fatal(err)
	}
	return &server{srv: webtest.Serve(t, rt), kit: k, event: e}
}

// The event's page renders through the kit with the events pages' own
// template funcs; a step the event's status does not allow is refused
// with 409 and the reason at the form, and bad fields with 422.
func TestEventPageAndRefusedSteps(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		s := newServer(t, db)
		staff := s.srv.Client()
		staff.Login("shequ")
		path := "/events/" + strconv.FormatInt(s.event.ID, 10)

		r := staff.Get(path)
		st, page := r.Status, r.Body
		if st != http.StatusOK {
			t.Fatalf("GET %s: %d\n%s", path, st, page)
		}
		for _, want := range []string{s.event.TrackingNo, "城北社区", `value="accept"`, events.StatusNames[events.StatusReported]} {
			if !strings.Contains(page, want) {
				t.Errorf("GET %s: missing %q", path, want)
			}
		}
		csrf := webtest.CSRFOf(t, page)

		// 结案 a reported event: illegal.
		r = staff.Post(path+"/act", url.Values{"csrf": {csrf}, "action": {events.ActClose}})
		st, page = r.Status, r.Body
		want := (&events.IllegalError{Action: events.ActClose, Status: events.StatusReported}).Error()
		if st != http.StatusConflict || !strings.Contains(page, want) {
			t.Errorf("close a reported event: status %d, want 409 with %q\n%s", st, want, page)
		}
		// 受理 without saying where it goes: a field error.
		r = staff.Post(path+"/act", url.Values{"csrf": {csrf}, "action": {events.ActAccept}})
		st, page = r.Status, r.Body
		if st != http.StatusUnprocessableEntity || !strings.Contains(page, "未办理") {
			t.Errorf("accept without a route: status %d, want 422 with the message\n%s", st, page)
		}
		// The event is as it was.
		if r = staff.Get(path); r.Status != http.StatusOK || !strings.Contains(r.Body, `value="accept"`) {
			t.Errorf("after the refused steps: %d", r.Status)
		}
		// Another community's event, or none: the 404 page.
		if st = staff.Get("/events/999999").Status; st != http.StatusNotFound {
			t.Errorf("GET a missing event: %d, want 404", st)
		}
	})
}
