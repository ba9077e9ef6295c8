package reportsweb_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/accounts"
	"shequ/internal/audit"
	"shequ/internal/database"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/reports"
	"shequ/internal/reports/reportsweb"
	"shequ/internal/testlog"
	"shequ/internal/web"
)

// fixture is a street with two communities, 城北 (with a household of one
// person) and 城南, behind the kit and the reports' pages only.
type fixture struct {
	t       *testing.T
	db      *database.DB
	org     *orgtree.Store
	acc     *accounts.Store
	acs     *access.Service
	srv     *httptest.Server
	logs    *syncBuffer
	street  orgtree.Unit
	cb, cn  orgtree.Unit
	secrets []string // names, ID and phone numbers that must never reach the log
}

const password = "correct-horse-42"

var costOnce sync.Once

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	costOnce.Do(func() { accounts.SetCost(accounts.Argon2Params{Time: 1, Memory: 64, Threads: 1}) })
	ctx := context.Background()
	db, err := database.Open(ctx, filepath.Join(t.TempDir(), "web.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	fx := &fixture{t: t, db: db, org: orgtree.NewStore(db), acc: accounts.NewStore(db), logs: &syncBuffer{}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	mk := func(u *orgtree.Unit) { t.Helper(); must(fx.org.Create(ctx, db, u)) }
	city := orgtree.Unit{Level: "city", Name: "延安市", Code: "610600"}
	mk(&city)
	district := orgtree.Unit{ParentID: city.ID, Level: "district", Name: "安塞区", Code: "610603"}
	mk(&district)
	fx.street = orgtree.Unit{ParentID: district.ID, Level: "street", Name: "真武洞街道", Code: "610603100000"}
	mk(&fx.street)
	fx.cb = orgtree.Unit{ParentID: fx.street.ID, Level: "community", Name: "城北社区", Code: "610603100001"}
	mk(&fx.cb)
	fx.cn = orgtree.Unit{ParentID: fx.street.ID, Level: "community", Name: "城南社区", Code: "610603100002"}
	mk(&fx.cn)
	grid := orgtree.Unit{ParentID: fx.cb.ID, Level: "grid", Name: "第1网格"}
	mk(&grid)
	building := orgtree.Unit{ParentID: grid.ID, Level: "building", Name: "3号楼"}
	mk(&building)

	reg := register.NewStore(db)
	actor := register.Actor{Name: "测试装载", Source: "cli"}
	must(reg.CreateBuilding(ctx, actor, access.Everything, &register.Building{ID: building.ID, Name: "3号楼", Address: "城北路12号3号楼", Kind: "residential"}))
	house := register.House{BuildingID: building.ID, Number: "1-301", Use: register.HouseOwner}
	must(reg.CreateHouse(ctx, actor, access.Everything, &house))
	hh := register.Household{Number: "CB0001", Kind: register.HouseholdRegistered, HouseID: house.ID, Address: "城北路12号3号楼1-301"}
	must(reg.CreateHousehold(ctx, actor, access.Everything, &hh))
	head := register.Person{HouseholdID: hh.ID, Name: "李建国", IDNumber: ident.MakeResidentID("610624", time.Date(1968, 3, 9, 0, 0, 0, 0, time.UTC), 131),
		Residence: register.ResidenceRegistered, Relation: "02", Ethnicity: "01", Phone: "13909110001"}
	must(reg.CreatePerson(ctx, actor, access.Everything, &head))
	fx.secrets = []string{head.Name, head.IDNumber, head.Phone}

	fx.acs = access.NewService(db)
	fx.acs.Resolve("unit", func(ctx context.Context, id int64) (access.Place, error) {
		c, g, err := fx.org.Place(ctx, id)
		if err != nil {
			return access.Place{}, access.ErrNoObject
		}
		return access.Place{Community: c, Grid: g, Org: id}, nil
	})
	testlog.Secret(t, fx.secrets...)
	log := slog.New(slog.NewTextHandler(testlog.Writer(t, fx.logs), &slog.HandlerOptions{Level: slog.LevelDebug}))
	aud := audit.New(db, log)
	rt := web.NewRoutes()
	kit := web.NewKit(web.Config{Accounts: fx.acc, Access: fx.acs, Org: fx.org, Audit: aud, Log: log})
	kit.Routes(rt)
	reportsweb.Routes(rt, kit, reportsweb.Deps{Reports: reports.New(db, aud), Org: fx.org, Audit: aud})
	fx.srv = httptest.NewServer(rt)
	t.Cleanup(fx.srv.Close)
	t.Cleanup(aud.Close)
	// Whatever a test did, nothing personal may have been logged.
	t.Cleanup(func() {
		logs := fx.logs.String()
		for _, s := range fx.secrets {
			if strings.Contains(logs, s) {
				t.Errorf("the log contains personal data %q:\n%s", s, logs)
			}
		}
	})
	return fx
}

// addUser makes an account with one grant.
func (fx *fixture) addUser(name, display, role string, units ...int64) accounts.User {
	fx.t.Helper()
	ctx := context.Background()
	u := &accounts.User{Name: name, DisplayName: display}
	if err := fx.acc.AddUser(ctx, nil, u, password); err != nil {
		fx.t.Fatal(err)
	}
	if err := fx.acs.AddGrant(ctx, nil, &access.Grant{UserID: u.ID, Role: role, Units: units}); err != nil {
		fx.t.Fatal(err)
	}
	return *u
}

// client is a browser without JavaScript: a cookie jar, no automatic
// redirects, and a check on every HTML page it receives.
type client struct {
	t    *testing.T
	fx   *fixture
	http *http.Client
}

type result struct {
	status int
	body   string
	header http.Header
}

func (r result) location() string { return r.header.Get("Location") }

func (fx *fixture) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: fx.t, fx: fx, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *client) do(req *http.Request) result {
	c.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := result{status: resp.StatusCode, body: string(b), header: resp.Header}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") && (resp.StatusCode < 300 || resp.StatusCode >= 400) {
		checkPage(c.t, req.URL.Path, r.body)
	}
	return r
}

var (
	inlineStyle  = regexp.MustCompile(`(?i)\sstyle\s*=`)
	inlineScript = regexp.MustCompile(`(?i)<script|\son[a-z]+\s*=|javascript:`)
)

// checkPage holds every page to the CSP rules: no inline style or script.
func checkPage(t *testing.T, path, body string) {
	t.Helper()
	if inlineStyle.MatchString(body) || inlineScript.MatchString(body) || strings.Contains(body, "<style") {
		t.Errorf("%s: inline style or script in the page", path)
	}
	if !strings.Contains(body, `<html lang="zh-CN">`) {
		t.Errorf("%s: not a page of the layout", path)
	}
}

func (c *client) get(path string) result {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.fx.srv.URL+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values) result {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.fx.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
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

// login logs in through the form and returns the session's CSRF token,
// read from the reports' index (the fixture serves no home page).
func (c *client) login(name string) string {
	c.t.Helper()
	page := c.get("/login")
	r := c.post("/login", url.Values{"csrf": {csrfOf(c.t, page.body)}, "name": {name}, "password": {password}})
	if r.status != http.StatusSeeOther {
		c.t.Fatalf("login %s: status %d\n%s", name, r.status, r.body)
	}
	index := c.get("/reports")
	if index.status != http.StatusOK {
		c.t.Fatalf("reports after login: %d", index.status)
	}
	return csrfOf(c.t, index.body)
}

func contains(t *testing.T, what string, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s: missing %q", what, w)
		}
	}
}

func lacks(t *testing.T, what string, body string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(body, w) {
			t.Errorf("%s: should not contain %q", what, w)
		}
	}
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

var versionField = regexp.MustCompile(`name="version" value="(\d+)"`)

func versionOf(t *testing.T, body string) string {
	t.Helper()
	m := versionField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no version field")
	}
	return m[1]
}
