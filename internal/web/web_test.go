package web

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
	"testing/fstest"
	"time"

	"shequ/internal/access"
	"shequ/internal/accounts"
	"shequ/internal/audit"
	"shequ/internal/database"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/testlog"
)

// fixture is a small register behind the real routes: 城北社区 with three
// grids (two with boundaries), a building with an owner-occupied and a
// rented house, households and persons created through the register's own
// validation, an organisation, tags and staff; and 城南社区 next door, which
// a 城北 user must not see.
type fixture struct {
	t        *testing.T
	db       *database.DB
	reg      *register.Store
	org      *orgtree.Store
	acc      *accounts.Store
	acs      *access.Service
	audit    *audit.Log
	srv      *httptest.Server
	logs     *syncBuffer
	street   orgtree.Unit
	cb, cn   orgtree.Unit
	grid1    orgtree.Unit
	grid2    orgtree.Unit
	grid3    orgtree.Unit // no boundary
	building orgtree.Unit
	house    register.House
	rented   register.House
	hh       register.Household // CB0001: 李建国 and 王秀兰
	hhFloat  register.Household // CB0002: 张伟, a tenant
	head     register.Person
	spouse   register.Person
	tenant   register.Person
	school   register.Organisation
	other    register.Person // in 城南社区
	otherHH  register.Household
	many     []register.Person // 陈 × 25, for paging
	secrets  []string          // names, ID and phone numbers that must never reach the log
	numbers  []string          // ID and phone numbers no page may show in full
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

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func square(lon, lat, size float64) string {
	return `{"type":"Polygon","coordinates":[[[` +
		f(lon) + `,` + f(lat) + `],[` + f(lon+size) + `,` + f(lat) + `],[` + f(lon+size) + `,` + f(lat+size) + `],[` +
		f(lon) + `,` + f(lat+size) + `],[` + f(lon) + `,` + f(lat) + `]]]}`
}

func f(x float64) string { return strconv.FormatFloat(x, 'f', 6, 64) }

func newFixture(t *testing.T, secure bool) *fixture {
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
	fx := &fixture{t: t, db: db, reg: register.NewStore(db), org: orgtree.NewStore(db), acc: accounts.NewStore(db),
		logs: &syncBuffer{}}
	actor := register.Actor{Name: "测试装载", Source: "cli"}
	mk := func(u *orgtree.Unit) {
		t.Helper()
		if err := fx.org.Create(ctx, db, u); err != nil {
			t.Fatalf("create unit %s: %v", u.Name, err)
		}
	}
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
	fx.grid1 = orgtree.Unit{ParentID: fx.cb.ID, Level: "grid", Name: "第1网格", Boundary: square(109.320, 36.870, 0.004)}
	mk(&fx.grid1)
	fx.grid2 = orgtree.Unit{ParentID: fx.cb.ID, Level: "grid", Name: "第2网格", Boundary: square(109.324, 36.870, 0.004)}
	mk(&fx.grid2)
	fx.grid3 = orgtree.Unit{ParentID: fx.cb.ID, Level: "grid", Name: "第10网格"}
	mk(&fx.grid3)
	fx.building = orgtree.Unit{ParentID: fx.grid1.ID, Level: "building", Name: "3号楼"}
	mk(&fx.building)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(fx.reg.CreateBuilding(ctx, actor, access.Everything, &register.Building{ID: fx.building.ID, Name: "3号楼", Address: "城北路12号3号楼", Kind: "residential", Floors: 6}))
	fx.house = register.House{BuildingID: fx.building.ID, Number: "1-301", Use: register.HouseOwner, AreaM2: 89.5, OwnerName: "李建国", OwnerPhone: "13909110009"}
	must(fx.reg.CreateHouse(ctx, actor, access.Everything, &fx.house))
	fx.rented = register.House{BuildingID: fx.building.ID, Number: "1-302", Use: register.HouseVacant, AreaM2: 60, OwnerName: "孙房东"}
	must(fx.reg.CreateHouse(ctx, actor, access.Everything, &fx.rented))
	fx.hh = register.Household{Number: "CB0001", Kind: register.HouseholdRegistered, HouseID: fx.house.ID, Address: "城北路12号3号楼1-301", Phone: "09118123456"}
	must(fx.reg.CreateHousehold(ctx, actor, access.Everything, &fx.hh))
	fx.school = register.Organisation{Name: "城北小学", Kind: "school", OrgID: fx.grid1.ID, Address: "城北路1号",
		USCC: ident.MakeUSCC('1', '2', "610603", "12345678"), StaffCount: 40}
	must(fx.reg.CreateOrganisation(ctx, actor, access.Everything, &fx.school))
	fx.head = register.Person{HouseholdID: fx.hh.ID, Name: "李建国", IDNumber: ident.MakeResidentID("610624", day(1968, 3, 9), 131),
		Residence: register.ResidenceRegistered, Relation: "02", Ethnicity: "01", Phone: "13909110001", Occupation: "司机"}
	must(fx.reg.CreatePerson(ctx, actor, access.Everything, &fx.head))
	fx.spouse = register.Person{HouseholdID: fx.hh.ID, Name: "王秀兰", IDNumber: ident.MakeResidentID("610602", day(1970, 8, 1), 242),
		Residence: register.ResidenceRegistered, Relation: "12", Ethnicity: "03", Phone: "13909110002", EmployerID: fx.school.ID, Occupation: "教师"}
	must(fx.reg.CreatePerson(ctx, actor, access.Everything, &fx.spouse))
	fx.hh.HeadID = fx.head.ID
	must(fx.reg.UpdateHousehold(ctx, actor, access.Everything, &fx.hh))
	fx.hhFloat = register.Household{Number: "CB0002", Kind: register.HouseholdFloating, HouseID: fx.rented.ID, Address: "城北路12号3号楼1-302"}
	must(fx.reg.CreateHousehold(ctx, actor, access.Everything, &fx.hhFloat))
	fx.tenant = register.Person{HouseholdID: fx.hhFloat.ID, Name: "张伟", IDNumber: ident.MakeResidentID("620102", day(1990, 5, 20), 357),
		Residence: register.ResidenceFloating, Relation: "02", Phone: "15909110003"}
	must(fx.reg.CreatePerson(ctx, actor, access.Everything, &fx.tenant))
	must(fx.reg.CreateRental(ctx, actor, access.Everything, &register.Rental{HouseID: fx.rented.ID, Landlord: "孙房东", LandlordPhone: "13709110004",
		StartedOn: "2024-01-01", MonthlyRent: 900, TenantIDs: []int64{fx.tenant.ID}}))
	must(fx.reg.AddTag(ctx, actor, access.Everything, &register.Tag{PersonID: fx.head.ID, Tag: "dibao", StartedOn: "2020-01-01"}))
	must(fx.reg.AddTag(ctx, actor, access.Everything, &register.Tag{PersonID: fx.head.ID, Tag: "correction", StartedOn: "2023-02-01", EndedOn: "2024-02-01"}))
	must(fx.org.AddStaff(ctx, db, &orgtree.Staff{UnitID: fx.grid1.ID, Role: orgtree.RoleGridWorker, Name: "刘网格", Phone: "13809110005"}))
	must(fx.org.AddStaff(ctx, db, &orgtree.Staff{UnitID: fx.building.ID, Role: orgtree.RoleBuildingHead, Name: "周楼长"}))

	// 25 persons named 陈… in 第2网格, for paging.
	b7 := orgtree.Unit{ParentID: fx.grid2.ID, Level: "building", Name: "7号楼"}
	mk(&b7)
	must(fx.reg.CreateBuilding(ctx, actor, access.Everything, &register.Building{ID: b7.ID, Name: "7号楼", Address: "城北路20号7号楼", Kind: "residential"}))
	h7 := register.House{BuildingID: b7.ID, Number: "2-101", Use: register.HouseOwner}
	must(fx.reg.CreateHouse(ctx, actor, access.Everything, &h7))
	big := register.Household{Number: "CB0003", Kind: register.HouseholdCollective, HouseID: h7.ID, Address: "城北路20号7号楼2-101"}
	must(fx.reg.CreateHousehold(ctx, actor, access.Everything, &big))
	for i := 0; i < 25; i++ {
		p := register.Person{HouseholdID: big.ID, Name: "陈" + string(rune('甲'+i)), IDNumber: ident.MakeResidentID("610603", day(1980+i%20, 1, 1+i), 500+i),
			Residence: register.ResidenceResident}
		must(fx.reg.CreatePerson(ctx, actor, access.Everything, &p))
		fx.many = append(fx.many, p)
	}

	// 城南社区, out of a 城北 user's reach.
	gs := orgtree.Unit{ParentID: fx.cn.ID, Level: "grid", Name: "城南一网格"}
	mk(&gs)
	b5 := orgtree.Unit{ParentID: gs.ID, Level: "building", Name: "5号楼"}
	mk(&b5)
	must(fx.reg.CreateBuilding(ctx, actor, access.Everything, &register.Building{ID: b5.ID, Name: "5号楼", Address: "城南路5号", Kind: "residential"}))
	h5 := register.House{BuildingID: b5.ID, Number: "101", Use: register.HouseOwner}
	must(fx.reg.CreateHouse(ctx, actor, access.Everything, &h5))
	fx.otherHH = register.Household{Number: "CN0001", Kind: register.HouseholdRegistered, HouseID: h5.ID, Address: "城南路5号101"}
	must(fx.reg.CreateHousehold(ctx, actor, access.Everything, &fx.otherHH))
	fx.other = register.Person{HouseholdID: fx.otherHH.ID, Name: "赵敏", IDNumber: ident.MakeResidentID("610603", day(1985, 7, 7), 77),
		Residence: register.ResidenceRegistered, Phone: "13609110006"}
	must(fx.reg.CreatePerson(ctx, actor, access.Everything, &fx.other))

	fx.acs = access.NewService(db)
	fx.addUser("admin", "系统管理员", "admin")
	fx.addUser("cbstaff", "城北小王", "community_staff", fx.cb.ID)

	for _, p := range append([]register.Person{fx.head, fx.spouse, fx.tenant, fx.other}, fx.many...) {
		fx.secrets = append(fx.secrets, p.Name)
		fx.numbers = append(fx.numbers, p.IDNumber)
		if p.Phone != "" {
			fx.numbers = append(fx.numbers, p.Phone)
		}
	}
	fx.numbers = append(fx.numbers, "13909110009", "13709110004", "09118123456", "13809110005")
	fx.secrets = append(fx.secrets, fx.numbers...)

	for _, e := range register.Entities() {
		fx.acs.Resolve(e, fx.reg.Resolver(e))
	}
	fx.acs.Resolve("unit", func(ctx context.Context, id int64) (access.Place, error) {
		c, g, err := fx.org.Place(ctx, id)
		if err != nil {
			return access.Place{}, access.ErrNoObject
		}
		return access.Place{Community: c, Grid: g, Org: id}, nil
	})
	rt := NewRoutes()
	testlog.Secret(t, fx.secrets...)
	log := slog.New(slog.NewTextHandler(testlog.Writer(t, fx.logs), &slog.HandlerOptions{Level: slog.LevelDebug}))
	fx.audit = audit.New(db, log)
	kit := NewKit(Config{Accounts: fx.acc, Access: fx.acs, Org: fx.org, Audit: fx.audit, Log: log, SecureCookies: secure})
	kit.Routes(rt)
	notePages(rt, kit)
	fx.srv = httptest.NewServer(rt)
	t.Cleanup(fx.srv.Close)
	t.Cleanup(fx.audit.Close)
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

// notePages are pages for the kit's tests, which need pages behind a login
// but none of a capability's: a home page and a note that name the user, and
// a form that changes nothing.
func notePages(rt *Routes, k *Kit) {
	tmpl := k.Templates(fstest.MapFS{"note.html": {Data: []byte(
		`{{define "content"}}<h1>{{.Title}}</h1><p class="note">{{.Data}}</p>{{end}}`)}}, nil)
	show := func(w http.ResponseWriter, r *http.Request, rq *Request) {
		tmpl.Render(w, r, http.StatusOK, "note", NewPage(rq, "首页", "home", "您好,"+actorName(rq.User)))
	}
	login := access.Rule{Login: true}
	k.Handle(rt, "GET /{$}", login, show)
	k.Handle(rt, "GET /notes/{id}", login, show)
	k.Handle(rt, "POST /notes/{id}/edit", login, func(w http.ResponseWriter, r *http.Request, rq *Request) {
		http.Redirect(w, r, "/notes/"+r.PathValue("id"), http.StatusSeeOther)
	})
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
		// Pages show stored ID and phone numbers masked. (A search box or a
		// form sent back after a POST echoes what the user typed.)
		if req.Method == http.MethodGet {
			for _, n := range c.fx.numbers {
				if strings.Contains(r.body, n) && !strings.Contains(req.URL.RawQuery, n) {
					c.t.Errorf("GET %s shows the full number %s", req.URL.Path, n)
				}
			}
		}
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

// login logs in through the form and returns the session's CSRF token.
func (c *client) login(name string) string {
	c.t.Helper()
	page := c.get("/login")
	r := c.post("/login", url.Values{"csrf": {csrfOf(c.t, page.body)}, "name": {name}, "password": {password}})
	if r.status != http.StatusSeeOther {
		c.t.Fatalf("login %s: status %d\n%s", name, r.status, r.body)
	}
	home := c.get("/")
	if home.status != http.StatusOK {
		c.t.Fatalf("home after login: %d", home.status)
	}
	return csrfOf(c.t, home.body)
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

func TestLogin(t *testing.T) {
	fx := newFixture(t, false)
	c := fx.client()

	// Without a session a page sends the browser to the login form,
	// remembering where it was going.
	r := c.get("/notes/" + id(fx.head.ID) + "?x=1")
	if r.status != http.StatusSeeOther || r.location() != "/login?next="+url.QueryEscape("/notes/"+id(fx.head.ID)+"?x=1") {
		t.Fatalf("unauthenticated GET: %d %s", r.status, r.location())
	}
	page := c.get(r.location())
	contains(t, "login form", page.body, `name="next" value="/notes/`+id(fx.head.ID)+`?x=1"`, "用户名", "密码",
		`autocomplete="current-password"`)
	token := csrfOf(t, page.body)

	// Wrong password: the message at the form, the name kept.
	r = c.post("/login", url.Values{"csrf": {token}, "name": {"admin"}, "password": {"wrong-password-1"}, "next": {"/"}})
	if r.status != http.StatusUnauthorized {
		t.Errorf("wrong password: status %d", r.status)
	}
	contains(t, "wrong password", r.body, "用户名或密码错误", `value="admin"`)
	r = c.post("/login", url.Values{"csrf": {csrfOf(t, r.body)}, "name": {"nobody"}, "password": {password}})
	contains(t, "unknown user", r.body, "用户名或密码错误")

	// Missing or wrong form token: refused.
	r = c.post("/login", url.Values{"name": {"admin"}, "password": {password}})
	if r.status != http.StatusForbidden {
		t.Errorf("login without csrf: %d", r.status)
	}
	r = c.post("/login", url.Values{"csrf": {"forged"}, "name": {"admin"}, "password": {password}})
	if r.status != http.StatusForbidden {
		t.Errorf("login with a forged csrf: %d", r.status)
	}
	// A token from another browser is no good either.
	other := fx.client()
	r = c.post("/login", url.Values{"csrf": {csrfOf(t, other.get("/login").body)}, "name": {"admin"}, "password": {password}})
	if r.status != http.StatusForbidden {
		t.Errorf("login with another browser's csrf: %d", r.status)
	}

	// Success goes where the user was going, with a proper cookie.
	page = c.get("/login?next=" + url.QueryEscape("/notes/"+id(fx.head.ID)))
	r = c.post("/login", url.Values{"csrf": {csrfOf(t, page.body)}, "name": {"admin"}, "password": {password},
		"next": {"/notes/" + id(fx.head.ID)}})
	if r.status != http.StatusSeeOther || r.location() != "/notes/"+id(fx.head.ID) {
		t.Fatalf("login: %d → %s", r.status, r.location())
	}
	first := sessionSetCookie(t, r.header)
	if !first.HttpOnly || first.SameSite != http.SameSiteLaxMode || first.Path != "/" || first.Secure {
		t.Errorf("session cookie attributes: %+v", first)
	}
	if r := c.get("/notes/" + id(fx.head.ID)); r.status != http.StatusOK || !strings.Contains(r.body, "您好,系统管理员") {
		t.Errorf("after login: %d", r.status)
	}
	// Logging in again gives a fresh session token; the old one is over.
	page = c.get("/login")
	if page.status != http.StatusSeeOther {
		t.Errorf("GET /login with a session should go home, got %d", page.status)
	}
	fresh := fx.client()
	page = fresh.get("/login")
	r = fresh.post("/login", url.Values{"csrf": {csrfOf(t, page.body)}, "name": {"admin"}, "password": {password}})
	second := sessionSetCookie(t, r.header)
	if second.Value == first.Value {
		t.Error("a second login reused the session token")
	}

	// Only local paths are followed after login.
	for _, next := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"} {
		b := fx.client()
		page := b.get("/login?next=" + url.QueryEscape(next))
		r := b.post("/login", url.Values{"csrf": {csrfOf(t, page.body)}, "name": {"admin"}, "password": {password}, "next": {next}})
		if r.location() != "/" {
			t.Errorf("next=%s redirected to %s", next, r.location())
		}
	}

	// Logout needs the token, ends the session and clears the cookie.
	csrf := csrfOf(t, c.get("/").body)
	if r := c.post("/logout", url.Values{}); r.status != http.StatusForbidden || !strings.Contains(r.body, "无法完成操作") {
		t.Errorf("logout without csrf: %d", r.status)
	}
	r = c.post("/logout", url.Values{"csrf": {csrf}})
	if r.status != http.StatusSeeOther || r.location() != "/login" {
		t.Errorf("logout: %d %s", r.status, r.location())
	}
	if r := c.get("/"); r.status != http.StatusSeeOther || r.location() != "/login" {
		t.Errorf("after logout: %d %s", r.status, r.location())
	}
	// The old token itself is dead, not just forgotten by the browser.
	if _, err := fx.acc.Session(context.Background(), first.Value); err == nil {
		t.Error("the session survived logout")
	}
	// A POST without a session is refused with a link to the login
	// form, and never runs.
	anon := fx.client()
	r = anon.post("/notes/"+id(fx.head.ID)+"/edit", url.Values{"name": {"X"}})
	if r.status != http.StatusUnauthorized || !strings.Contains(r.body, `href="/login"`) {
		t.Errorf("anonymous POST: %d %s", r.status, r.location())
	}
	// Static files need no session.
	if r := anon.get(cssURL); r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/css") {
		t.Errorf("stylesheet: %d %s", r.status, r.header.Get("Content-Type"))
	}
	if r := anon.get("/static/../web.go"); r.status == http.StatusOK {
		t.Error("static served a file outside static/")
	}
}

func sessionSetCookie(t *testing.T, h http.Header) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == sessionCookie && c.Value != "" {
			return c
		}
	}
	t.Fatalf("no session cookie set: %v", h["Set-Cookie"])
	return nil
}

func TestSecureCookies(t *testing.T) {
	fx := newFixture(t, true)
	c := fx.client()
	page := c.get("/login")
	for _, ck := range (&http.Response{Header: page.header}).Cookies() {
		if !ck.Secure {
			t.Errorf("cookie %s without Secure", ck.Name)
		}
	}
	// The cookie jar will not send Secure cookies over http://, so post the
	// login cookie by hand.
	token := csrfOf(t, page.body)
	req, _ := http.NewRequest(http.MethodPost, fx.srv.URL+"/login",
		strings.NewReader(url.Values{"csrf": {token}, "name": {"admin"}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: loginCookie, Value: token})
	r := c.do(req)
	if s := sessionSetCookie(t, r.header); !s.Secure || !s.HttpOnly {
		t.Errorf("session cookie: %+v", s)
	}
}

// versionOf reads the version field of an edit form.
var versionField = regexp.MustCompile(`name="version" value="(\d+)"`)

func versionOf(t *testing.T, body string) string {
	t.Helper()
	m := versionField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no version field")
	}
	return m[1]
}

func TestPanicRecovered(t *testing.T) {
	var logs syncBuffer
	k := NewKit(Config{Log: slog.New(slog.NewTextHandler(&logs, nil))})
	srv := httptest.NewServer(k.Recover(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("person 李建国 610624196803091312 13909110001")
	})))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/persons/1?q=610624196803091312")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError || !strings.Contains(string(b), "服务器出错了") {
		t.Errorf("panic: %d\n%s", resp.StatusCode, b)
	}
	lacks(t, "500 page", string(b), "李建国", "goroutine", ".go:")
	l := logs.String()
	contains(t, "panic log", l, "web panic", "/persons/1")
	lacks(t, "panic log", l, "李建国", "610624196803091312", "13909110001", "q=")
}

func TestHelpers(t *testing.T) {
	for in, want := range map[string]string{"": "/", "/search?q=1": "/search?q=1", "//x": "/", "http://x/": "/", "/\\x": "/",
		"/login?next=/": "/", "x": "/"} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
