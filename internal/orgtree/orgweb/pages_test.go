package orgweb

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/accounts"
	"shequ/internal/audit"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/web"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

const password = "correct-horse-42"

// site is the tree's pages on a small tree: 城北社区 with two grids, a
// building with a household in the first; an administrator and a
// community worker who may read but not keep the tree.
type site struct {
	t                      *testing.T
	org                    *orgtree.Store
	reg                    *register.Store
	srv                    *httptest.Server
	cb, grid1, grid2, bldg orgtree.Unit
}

func newSite(t *testing.T, db *database.DB) *site {
	t.Helper()
	accounts.SetCost(accounts.Argon2Params{Time: 1, Memory: 64, Threads: 1})
	ctx := context.Background()
	s := &site{t: t, org: orgtree.NewStore(db), reg: register.NewStore(db)}
	mk := func(parent int64, level, name, code string) orgtree.Unit {
		u := orgtree.Unit{ParentID: parent, Level: level, Name: name, Code: code}
		if err := s.org.Create(ctx, db, &u); err != nil {
			t.Fatal(err)
		}
		return u
	}
	street := mk(0, orgtree.LevelStreet, "真武洞街道", "610603100000")
	s.cb = mk(street.ID, orgtree.LevelCommunity, "城北社区", "610603100001")
	s.grid1 = mk(s.cb.ID, orgtree.LevelGrid, "第一网格", "")
	s.grid2 = mk(s.cb.ID, orgtree.LevelGrid, "第二网格", "")
	s.bldg = mk(s.grid1.ID, orgtree.LevelBuilding, "3号楼", "")
	ra := register.Actor{Name: "装载", Source: "cli"}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.reg.CreateBuilding(ctx, ra, access.Everything, &register.Building{ID: s.bldg.ID, Name: "3号楼", Kind: "residential"}))
	house := register.House{BuildingID: s.bldg.ID, Number: "1-301", Use: register.HouseOwner}
	must(s.reg.CreateHouse(ctx, ra, access.Everything, &house))
	hh := register.Household{Number: "CB0001", Kind: register.HouseholdRegistered, HouseID: house.ID}
	must(s.reg.CreateHousehold(ctx, ra, access.Everything, &hh))
	must(s.reg.CreatePerson(ctx, ra, access.Everything, &register.Person{HouseholdID: hh.ID, Name: "李建国",
		IDNumber:  ident.MakeResidentID("610624", time.Date(1968, 3, 9, 0, 0, 0, 0, time.UTC), 131),
		Residence: register.ResidenceRegistered, Relation: "02"}))

	acc := accounts.NewStore(db)
	acs := access.NewService(db)
	for name, role := range map[string]string{"admin": "admin", "cbstaff": "community_staff"} {
		u := &accounts.User{Name: name, DisplayName: name}
		must(acc.AddUser(ctx, nil, u, password))
		g := &access.Grant{UserID: u.ID, Role: role}
		if role != "admin" {
			g.Units = []int64{s.cb.ID}
		}
		must(acs.AddGrant(ctx, nil, g))
	}
	acs.Resolve("unit", func(ctx context.Context, id int64) (access.Place, error) {
		c, g, err := s.org.Place(ctx, id)
		if err != nil {
			return access.Place{}, access.ErrNoObject
		}
		return access.Place{Community: c, Grid: g, Org: id}, nil
	})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	aud := audit.New(db, log)
	t.Cleanup(aud.Close)
	kit := web.NewKit(web.Config{Accounts: acc, Access: acs, Org: s.org, Audit: aud, Log: log})
	rt := web.NewRoutes()
	kit.Routes(rt)
	Routes(rt, kit, Deps{Manager: orgtree.NewManager(s.org, s.reg)})
	s.srv = httptest.NewServer(rt)
	t.Cleanup(s.srv.Close)
	return s
}

type client struct {
	t    *testing.T
	s    *site
	http *http.Client
	csrf string
}

type answer struct {
	status int
	body   string
	where  string
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
var inline = regexp.MustCompile(`(?i)\sstyle\s*=|<script|\son[a-z]+\s*=`)

func (s *site) login(name string) *client {
	jar, _ := cookiejar.New(nil)
	c := &client{t: s.t, s: s, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	c.csrf = csrfField.FindStringSubmatch(c.get("/login").body)[1]
	if a := c.post("/login", url.Values{"name": {name}, "password": {password}}); a.status != http.StatusSeeOther {
		s.t.Fatalf("login %s: %d", name, a.status)
	}
	c.csrf = csrfField.FindStringSubmatch(c.get("/admin/org").body + c.get("/login").body)[1]
	return c
}

func (c *client) do(req *http.Request) answer {
	c.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if inline.Match(b) {
		c.t.Errorf("%s %s: inline style or script", req.Method, req.URL.Path)
	}
	return answer{status: resp.StatusCode, body: string(b), where: resp.Header.Get("Location")}
}

func (c *client) get(path string) answer {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.s.srv.URL+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values) answer {
	c.t.Helper()
	form.Set("csrf", c.csrf)
	req, _ := http.NewRequest(http.MethodPost, c.s.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func (c *client) upload(path string, fields map[string]string, file string) answer {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", c.csrf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", "grid.geojson")
	fw.Write([]byte(file))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.s.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func has(t *testing.T, what string, a answer, status int, wants ...string) {
	t.Helper()
	if a.status != status {
		t.Errorf("%s: status %d, want %d\n%s", what, a.status, status, a.body)
		return
	}
	for _, w := range wants {
		if !strings.Contains(a.body, w) {
			t.Errorf("%s: missing %q", what, w)
		}
	}
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

func TestManagePages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		c := s.login("admin")
		has(t, "the roots", c.get("/admin/org"), http.StatusOK, "真武洞街道", "添加顶级单元")
		cb := "/admin/org/" + id(s.cb.ID)

		// Add: errors at the field, in Chinese; then the grid is made.
		a := c.post(cb+"/add", url.Values{"level": {"grid"}, "name": {""}})
		has(t, "an unnamed grid", a, http.StatusUnprocessableEntity, `id="err-name"`, "请填写名称")
		a = c.post(cb+"/add", url.Values{"level": {"grid"}, "name": {"第三网格"}})
		if a.status != http.StatusSeeOther {
			t.Fatalf("add: %d\n%s", a.status, a.body)
		}
		grid3, err := s.org.Find(ctx, "第三网格")
		if err != nil || a.where != "/admin/org/"+id(grid3.ID) {
			t.Fatalf("the new grid: %v, redirect to %s", err, a.where)
		}

		// Move the building into it: a stale version conflicts visibly.
		b := "/admin/org/" + id(s.bldg.ID)
		has(t, "the move form", c.get(b+"/move"), http.StatusOK, "第三网格", "第二网格")
		a = c.post(b+"/move", url.Values{"version": {"7"}, "parent_id": {id(grid3.ID)}})
		has(t, "a stale move", a, http.StatusConflict, "已被他人修改", `name="version" value="1"`)
		a = c.post(b+"/move", url.Values{"version": {"1"}, "parent_id": {id(grid3.ID)}})
		if a.status != http.StatusSeeOther {
			t.Fatalf("move: %d\n%s", a.status, a.body)
		}
		if u, _ := s.org.Get(ctx, s.bldg.ID); u.GridID != grid3.ID {
			t.Errorf("the building's grid after the move: %d", u.GridID)
		}

		// Assign a 网格员 to the new grid, and end it.
		g3 := "/admin/org/" + id(grid3.ID)
		has(t, "the staff form", c.get(g3+"/staff"), http.StatusOK, "网格员")
		a = c.post(g3+"/staff", url.Values{"role": {"building_head"}, "name": {"赵丽"}, "started_on": {"2024-03-01"}})
		has(t, "a 楼栋长 on a grid", a, http.StatusUnprocessableEntity, `id="err-role"`, "楼栋长只能任命在楼栋上")
		a = c.post(g3+"/staff", url.Values{"role": {"grid_worker"}, "name": {"赵丽"}, "phone": {"13909110009"}, "started_on": {"2024-03-01"}})
		if a.status != http.StatusSeeOther {
			t.Fatalf("assign: %d\n%s", a.status, a.body)
		}
		page := c.get(g3)
		has(t, "the grid's page", page, http.StatusOK, "赵丽", "已任命", "移动", "3号楼")
		if strings.Contains(page.body, "13909110009") {
			t.Error("the unit's page shows the staff's full phone number")
		}
		staff, _ := s.org.StaffOf(ctx, grid3.ID)
		if len(staff) != 1 {
			t.Fatalf("staff: %+v", staff)
		}
		end := g3 + "/staff/" + id(staff[0].ID) + "/end"
		has(t, "an end before the start", c.post(end, url.Values{"ended_on": {"2024-01-01"}}), http.StatusUnprocessableEntity, "免任日期不能早于")
		if a := c.post(end, url.Values{"ended_on": {"2024-06-30"}}); a.status != http.StatusSeeOther {
			t.Errorf("end: %d", a.status)
		}

		// Retire: refused while the household lives there, saying where.
		a = c.post(g3+"/retire", url.Values{"version": {id(int64(mustGet(t, s, grid3.ID).Version))}})
		has(t, "retiring an inhabited grid", a, http.StatusConflict, "不能撤销", "第三网格", "1户")

		// Boundary: a point is refused at the field; a file is taken.
		v := id(int64(mustGet(t, s, grid3.ID).Version))
		a = c.upload(g3+"/boundary", map[string]string{"version": v}, `{"type":"Point","coordinates":[1,2]}`)
		has(t, "a point", a, http.StatusUnprocessableEntity, `id="err-boundary"`, "Polygon")
		a = c.upload(g3+"/boundary", map[string]string{"version": v},
			`{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[109.3,36.8],[109.31,36.8],[109.31,36.81],[109.3,36.8]]]}}`)
		if a.status != http.StatusSeeOther {
			t.Fatalf("boundary: %d\n%s", a.status, a.body)
		}

		// Merge the second grid into the first; the history says so.
		g2 := "/admin/org/" + id(s.grid2.ID)
		a = c.post(g2+"/merge", url.Values{"version": {"1"}, "into": {id(s.grid1.ID)}})
		if a.status != http.StatusSeeOther {
			t.Fatalf("merge: %d\n%s", a.status, a.body)
		}
		has(t, "the merged grid", c.get(g2), http.StatusOK, "已于", "撤销", "并入")
		has(t, "the history of the grid", c.get(g3), http.StatusOK, "变更记录", "新建", "边界", "免任", "1个多边形")

		// A community worker reads the tree but does not keep it.
		w := s.login("cbstaff")
		if a := w.get(g3); a.status != http.StatusForbidden {
			t.Errorf("a community worker on the management page: %d", a.status)
		}
	})
}

func mustGet(t *testing.T, s *site, id int64) orgtree.Unit {
	t.Helper()
	u, err := s.org.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
