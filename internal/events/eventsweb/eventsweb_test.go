package eventsweb_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"shequ/internal/access"
	"shequ/internal/accounts"
	"shequ/internal/audit"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/events"
	"shequ/internal/events/eventsweb"
	"shequ/internal/orgtree"
	"shequ/internal/web"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

const password = "correct-horse-42"

var costOnce sync.Once

// server is the kit and the events pages over a community with one grid
// and building, a grid worker who reported an event there, and the
// community's staff who handle it.
type server struct {
	t     *testing.T
	srv   *httptest.Server
	event *events.Event
}

func newServer(t *testing.T, db *database.DB) *server {
	t.Helper()
	costOnce.Do(func() { accounts.SetCost(accounts.Argon2Params{Time: 1, Memory: 64, Threads: 1}) })
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
	acc, acs, ev := accounts.NewStore(db), access.NewService(db), events.NewStore(db)
	acs.Resolve("event", ev.Resolve)
	user := func(name, role string, unit int64) *access.Viewer {
		t.Helper()
		u := &accounts.User{Name: name}
		if err := acc.AddUser(ctx, nil, u, password); err != nil {
			t.Fatal(err)
		}
		if err := acs.AddGrant(ctx, nil, &access.Grant{UserID: u.ID, Role: role, Units: []int64{unit}}); err != nil {
			t.Fatal(err)
		}
		v, err := acs.Viewer(ctx, u.ID, name)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	gw := user("wangge", "grid_worker", grid.ID)
	user("shequ", "community_staff", community.ID)
	e, err := ev.Report(ctx, gw, events.Report{OrgID: building.ID, Category: "env.garbage",
		Description: "楼下垃圾堆放三天无人清理", Address: "城北路3号楼东侧", Source: events.SourceGrid})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	aud := audit.New(db, log)
	t.Cleanup(aud.Close)
	rt := web.NewRoutes()
	kit := web.NewKit(web.Config{Accounts: acc, Access: acs, Org: org, Audit: aud, Log: log})
	kit.Routes(rt)
	eventsweb.Routes(rt, kit, eventsweb.Deps{Events: ev, Org: org, Log: log})
	s := &server{t: t, srv: httptest.NewServer(rt), event: e}
	t.Cleanup(s.srv.Close)
	return s
}

// client is a browser without JavaScript that does not follow redirects.
type client struct {
	s    *server
	http *http.Client
}

func (s *server) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{s: s, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *client) do(method, path string, form url.Values) (int, string) {
	c.s.t.Helper()
	req, _ := http.NewRequest(method, c.s.srv.URL+path, strings.NewReader(form.Encode()))
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, body string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no csrf field in page:\n%s", body)
	}
	return m[1]
}

func (c *client) login(name string) {
	c.s.t.Helper()
	_, page := c.do(http.MethodGet, "/login", nil)
	if st, body := c.do(http.MethodPost, "/login", url.Values{"csrf": {csrfOf(c.s.t, page)}, "name": {name}, "password": {password}}); st != http.StatusSeeOther {
		c.s.t.Fatalf("login %s: status %d\n%s", name, st, body)
	}
}

// The event's page renders through the kit with the events pages' own
// template funcs; a step the event's status does not allow is refused
// with 409 and the reason at the form, and bad fields with 422.
func TestEventPageAndRefusedSteps(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		s := newServer(t, db)
		staff := s.client()
		staff.login("shequ")
		path := "/events/" + strconv.FormatInt(s.event.ID, 10)

		st, page := staff.do(http.MethodGet, path, nil)
		if st != http.StatusOK {
			t.Fatalf("GET %s: %d\n%s", path, st, page)
		}
		for _, want := range []string{s.event.TrackingNo, "城北社区", `value="accept"`, events.StatusNames[events.StatusReported]} {
			if !strings.Contains(page, want) {
				t.Errorf("GET %s: missing %q", path, want)
			}
		}
		csrf := csrfOf(t, page)

		// 结案 a reported event: illegal.
		st, page = staff.do(http.MethodPost, path+"/act", url.Values{"csrf": {csrf}, "action": {events.ActClose}})
		want := (&events.IllegalError{Action: events.ActClose, Status: events.StatusReported}).Error()
		if st != http.StatusConflict || !strings.Contains(page, want) {
			t.Errorf("close a reported event: status %d, want 409 with %q\n%s", st, want, page)
		}
		// 受理 without saying where it goes: a field error.
		st, page = staff.do(http.MethodPost, path+"/act", url.Values{"csrf": {csrf}, "action": {events.ActAccept}})
		if st != http.StatusUnprocessableEntity || !strings.Contains(page, "未办理") {
			t.Errorf("accept without a route: status %d, want 422 with the message\n%s", st, page)
		}
		// The event is as it was.
		if st, page = staff.do(http.MethodGet, path, nil); st != http.StatusOK || !strings.Contains(page, `value="accept"`) {
			t.Errorf("after the refused steps: %d", st)
		}
		// Another community's event, or none: the 404 page.
		if st, _ = staff.do(http.MethodGet, "/events/999999", nil); st != http.StatusNotFound {
			t.Errorf("GET a missing event: %d, want 404", st)
		}
	})
}
