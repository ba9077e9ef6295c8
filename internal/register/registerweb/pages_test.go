package registerweb

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/audit"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/testdb"
	"shequ/internal/web"
	"shequ/internal/web/webtest"
)

// fixture is a small register behind the kit and the register's routes: 城北社区 with three
// grids (two with boundaries), a building with an owner-occupied and a
// rented house, households and persons created through the register's own
// validation, an organisation, tags and staff; and 城南社区 next door, which
// a 城北 user must not see.
type fixture struct {
	db       *database.DB
	reg      *register.Store
	org      *orgtree.Store
	audit    *audit.Log
	srv      *webtest.Server
	kit      *web.Kit
	log      *webtest.Log
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
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func square(lon, lat, size float64) string {
	return `{"type":"Polygon","coordinates":[[[` +
		f(lon) + `,` + f(lat) + `],[` + f(lon+size) + `,` + f(lat) + `],[` + f(lon+size) + `,` + f(lat+size) + `],[` +
		f(lon) + `,` + f(lat+size) + `],[` + f(lon) + `,` + f(lat) + `]]]}`
}

func f(x float64) string { return strconv.FormatFloat(x, 'f', 6, 64) }

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db := dbtest.Open(t, testdb.Engine{Name: "sqlite", DSN: testdb.SQLiteDSN})
	fx := &fixture{db: db, reg: register.NewStore(db), org: orgtree.NewStore(db)}
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
		StartedOn: "2024-01-01", MonthlyRentFen: 90050, TenantIDs: []int64{fx.tenant.ID}}))
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

	// Names, ID and phone numbers must never reach the log; no page may show
	// an ID or phone number in full.
	var secrets, numbers []string
	for _, p := range append([]register.Person{fx.head, fx.spouse, fx.tenant, fx.other}, fx.many...) {
		secrets = append(secrets, p.Name)
		numbers = append(numbers, p.IDNumber)
		if p.Phone != "" {
			numbers = append(numbers, p.Phone)
		}
	}
	numbers = append(numbers, "13909110009", "13709110004", "09118123456", "13809110005")
	secrets = append(secrets, numbers...)

	fx.log = webtest.NewLog(t, secrets...)
	k, rt := webtest.Kit(t, db, web.Config{Org: fx.org, Log: fx.log.Logger()})
	for _, e := range register.Entities() {
		k.Access.Resolve(e, fx.reg.Resolver(e))
	}
	webtest.AddUser(t, k, "admin", "系统管理员", "admin")
	webtest.AddUser(t, k, "cbstaff", "城北小王", "community_staff", fx.cb.ID)
	fx.audit, fx.kit = k.Audit, k
	Routes(rt, k, Deps{Register: fx.reg, Org: fx.org, Access: k.Access, Audit: k.Audit, Log: k.Log})
	fx.srv = webtest.Serve(t, rt)
	fx.srv.Numbers = numbers
	return fx
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

func TestPages(t *testing.T) {
	fx := newFixture(t)
	c := fx.srv.Client()
	c.Login("admin")

	// Home: the whole register for an administrator without a unit.
	r := c.Get("/")
	webtest.Contains(t, "home", r.Body, "全部辖区", "人口", "户籍", "流动", "户数", "出租房", "单位", "网格", "延安市", "系统管理员", "管理员", "退出",
		`href="/search"`, `href="/map"`, `aria-current="page">首页`)

	// The org tree: breadcrumb with level names, children with counts.
	r = c.Get("/org/" + id(fx.cb.ID))
	webtest.Contains(t, "community", r.Body, "延安市", "安塞区", "真武洞街道", `<span class="lvl">街道</span>`, "城北社区",
		`href="/org/`+id(fx.grid1.ID)+`"`, `href="/map?org=`+id(fx.cb.ID)+`"`, "刘网格", "网格员", "周楼长", "楼栋长")
	// Children in natural order, 第10网格 last, each with households and persons.
	i1, i2, i10 := strings.Index(r.Body, "第1网格"), strings.Index(r.Body, "第2网格"), strings.Index(r.Body, "第10网格")
	if !(i1 < i2 && i2 < i10) {
		t.Errorf("grids not in natural order: %d %d %d", i1, i2, i10)
	}
	row := between(r.Body, `href="/org/`+id(fx.grid2.ID)+`"`, "</tr>")
	webtest.Contains(t, "grid 2 row", row, `>1</td>`, `>25</td>`)
	// The street lists its communities with their counts.
	r = c.Get("/org/" + id(fx.street.ID))
	row = between(r.Body, `href="/org/`+id(fx.cb.ID)+`"`, "</tr>")
	webtest.Contains(t, "城北 row", row, `>3</td>`, `>28</td>`)
	// Above the communities staff are counted by role, not listed.
	webtest.Contains(t, "street staff", r.Body, "共 2 人", "网格员 1", "楼栋长 1", "请进入各社区查看")
	webtest.Lacks(t, "street staff", r.Body, "刘网格")
	// The grid lists buildings, counted through the closure table.
	r = c.Get("/org/" + id(fx.grid1.ID))
	row = between(r.Body, `href="/org/`+id(fx.building.ID)+`"`, "</tr>")
	webtest.Contains(t, "building row", row, `>2</td>`, `>3</td>`)
	webtest.Contains(t, "grid staff workload", between(r.Body, "刘网格", "</tr>"), `>2</td>`, `>3</td>`, "138****0005")

	// A building: its houses and households.
	r = c.Get("/org/" + id(fx.building.ID))
	webtest.Contains(t, "building", r.Body, "楼栋信息", "城北路12号3号楼", "住宅楼", `href="/houses/`+id(fx.house.ID)+`"`, "1-301", "自住",
		"1-302", "出租", `href="/households/`+id(fx.hh.ID)+`"`, "CB0001", "李建国", "CB0002")

	// A person: labels from the code lists, masked numbers, tags, history.
	r = c.Get("/persons/" + id(fx.spouse.ID))
	webtest.Contains(t, "person", r.Body, "王秀兰", "回族", "妻", "户籍", "居民身份证", web.Mask("id", fx.spouse.IDNumber),
		"139****0002", `href="/households/`+id(fx.hh.ID)+`"`, `href="/organisations/`+id(fx.school.ID)+`"`, "城北小学",
		"教师", "第1网格", "3号楼", "变更记录", "新建", "测试装载", "命令行")
	r = c.Get("/persons/" + id(fx.head.ID))
	webtest.Contains(t, "tags", r.Body, "低保", "社区矫正", "敏感", "2023-02-01", "2024-02-01", "至今")

	// A household: members with relations, house link, history.
	r = c.Get("/households/" + id(fx.hh.ID))
	webtest.Contains(t, "household", r.Body, "CB0001", "户籍户", "户主", "李建国", "王秀兰", "妻", `href="/houses/`+id(fx.house.ID)+`"`,
		`href="/persons/new?household=`+id(fx.hh.ID)+`"`, "091****3456", "变更记录")
	// The history names the head rather than showing an id.
	webtest.Contains(t, "household history", between(r.Body, "变更记录", "</section>"), "户主", "李建国")

	// A house with its rental and tenant.
	r = c.Get("/houses/" + id(fx.rented.ID))
	webtest.Contains(t, "rented house", r.Body, "1-302", "出租", "孙房东", "137****0004", "2024-01-01", "900.50 元",
		`href="/persons/`+id(fx.tenant.ID)+`"`, "张伟", "CB0002")
	r = c.Get("/houses/" + id(fx.house.ID))
	webtest.Contains(t, "house", r.Body, "89.5", "139****0009", "CB0001")

	// An organisation with its employees.
	r = c.Get("/organisations/" + id(fx.school.ID))
	webtest.Contains(t, "organisation", r.Body, "城北小学", "学校", fx.school.USCC, "王秀兰", "教师")

	// The map: grids as links filled by households, a legend, labels, and
	// the grid without a boundary listed below.
	r = c.Get("/map?org=" + id(fx.cb.ID))
	svg := between(r.Body, "<svg", "</svg>\n  <figcaption>")
	webtest.Contains(t, "map svg", svg, `viewBox="0 0 1000 `, `<a href="/org/`+id(fx.grid1.ID)+`"`, `<a href="/org/`+id(fx.grid2.ID)+`"`,
		`<path d="M`, `fill="#`, "第1网格", "2户", "1户")
	webtest.Lacks(t, "map svg", svg, "第10网格")
	webtest.Contains(t, "map", r.Body, "未绘制边界的网格", `href="/org/`+id(fx.grid3.ID)+`"`, "图例", "无住户")
	// The street map draws the same grids; a building has none.
	r = c.Get("/map?org=" + id(fx.street.ID))
	webtest.Contains(t, "street map", r.Body, `<a href="/org/`+id(fx.grid1.ID)+`"`)
	r = c.Get("/map?org=" + id(fx.building.ID))
	webtest.Contains(t, "building map", r.Body, "没有可显示的网格")
	// The bare map and org links choose the only root.
	if r := c.Get("/map"); r.Status != http.StatusOK || !strings.Contains(r.Body, "延安市") {
		t.Errorf("/map: %d", r.Status)
	}
	if r := c.Get("/org"); r.Status != http.StatusSeeOther {
		t.Errorf("/org for an admin with one root: %d", r.Status)
	}

	// Errors are Chinese pages that say nothing about internals.
	for _, p := range []string{"/persons/999", "/persons/abc", "/households/1", "/houses/0", "/organisations/5",
		"/org/12345", "/map?org=12345", "/map?org=x", "/no/such/page", "/persons/new?household=9"} {
		r := c.Get(p)
		if r.Status != http.StatusNotFound || !strings.Contains(r.Body, "找不到该页面") {
			t.Errorf("%s: %d", p, r.Status)
		}
	}
}

// between returns the text of s from the first from up to the next to.
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i:], to)
	if j < 0 {
		return s[i:]
	}
	return s[i : i+j]
}

func TestScope(t *testing.T) {
	fx := newFixture(t)
	c := fx.srv.Client()
	c.Login("cbstaff")

	r := c.Get("/")
	webtest.Contains(t, "home", r.Body, "城北社区", "城北小王", "社区工作者", `href="/map?org=`+id(fx.cb.ID)+`"`)
	if r := c.Get("/org"); r.Location() != "/org/"+id(fx.cb.ID) {
		t.Errorf("/org → %s", r.Location())
	}
	// Above the user's unit the breadcrumb names places without linking.
	r = c.Get("/org/" + id(fx.grid1.ID))
	webtest.Contains(t, "breadcrumb", r.Body, "真武洞街道", `href="/org/`+id(fx.cb.ID)+`"`)
	webtest.Lacks(t, "breadcrumb", r.Body, `href="/org/`+id(fx.street.ID)+`"`)

	// 城南社区 and everything in it does not exist for this user.
	for _, p := range []string{"/org/" + id(fx.cn.ID), "/org/" + id(fx.street.ID), "/map?org=" + id(fx.cn.ID),
		"/persons/" + id(fx.other.ID), "/persons/" + id(fx.other.ID) + "/edit", "/households/" + id(fx.otherHH.ID),
		"/households/" + id(fx.otherHH.ID) + "/edit", "/persons/new?household=" + id(fx.otherHH.ID)} {
		if r := c.Get(p); r.Status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, r.Status)
		}
	}
	csrf := webtest.CSRFOf(t, c.Get("/").Body)
	r = c.Post("/persons/"+id(fx.other.ID)+"/edit", url.Values{"csrf": {csrf}, "name": {"改名"}, "version": {"1"}})
	if r.Status != http.StatusNotFound {
		t.Errorf("edit outside scope: %d", r.Status)
	}
	r = c.Get("/search?q=" + url.QueryEscape("赵敏"))
	webtest.Contains(t, "search outside scope", r.Body, "没有找到")
	r = c.Get("/search?q=" + url.QueryEscape(fx.other.IDNumber[6:14]))
	webtest.Lacks(t, "search outside scope", r.Body, "赵敏")
	if p, _ := fx.reg.Person(context.Background(), access.Everything, fx.other.ID); p.Name != "赵敏" {
		t.Error("the out-of-scope person was changed")
	}
}

func TestSearch(t *testing.T) {
	fx := newFixture(t)
	c := fx.srv.Client()
	c.Login("admin")

	r := c.Get("/search")
	webtest.Contains(t, "empty search", r.Body, `type="search"`, `name="q"`, "人口类别", `aria-current="page">人员`)
	webtest.Lacks(t, "empty search", r.Body, "没有找到")

	// Part of an ID number: the birth date digits.
	part := fx.spouse.IDNumber[6:14]
	r = c.Get("/search?q=" + part)
	row := between(r.Body, `href="/persons/`+id(fx.spouse.ID)+`"`, "</tr>")
	webtest.Contains(t, "search by ID part", row, "王秀兰", "女", web.Age(fx.spouse.BirthDate), web.Mask("id", fx.spouse.IDNumber),
		"139****0002", "户籍", "CB0001", "城北路12号3号楼1-301", "第1网格")
	webtest.Lacks(t, "search by ID part", r.Body, "李建国")

	// The same search as a CSV 台账, masked, its row count audited.
	webtest.Contains(t, "export link", r.Body, `href="/search/export?q=`+part+`"`)
	csvFile := c.Get("/search/export?q=" + part)
	if csvFile.Status != http.StatusOK || !strings.HasPrefix(csvFile.Header.Get("Content-Type"), "text/csv") {
		t.Errorf("export: %d %s", csvFile.Status, csvFile.Header.Get("Content-Type"))
	}
	webtest.Contains(t, "export", csvFile.Body, "姓名,性别", "王秀兰", web.Mask("id", fx.spouse.IDNumber), "139****0002")
	webtest.Lacks(t, "export", csvFile.Body, fx.spouse.IDNumber, "13909110002", "李建国")
	fx.audit.Flush()
	var rows int
	fx.db.QueryRow(`SELECT rows FROM audit_log WHERE action = 'export'`).Scan(&rows)
	if rows != 1 {
		t.Errorf("export recorded with %d rows, want 1", rows)
	}

	// By name, by phone, by address (through the household).
	webtest.Contains(t, "by name", c.Get("/search?q="+url.QueryEscape("李建国")).Body, `href="/persons/`+id(fx.head.ID)+`"`)
	webtest.Contains(t, "by phone", c.Get("/search?q=15909110003").Body, "张伟")
	r = c.Get("/search?q=" + url.QueryEscape("城北路12号"))
	webtest.Contains(t, "by address", r.Body, "李建国", "王秀兰", "张伟")
	// With a residence filter.
	r = c.Get("/search?q=" + url.QueryEscape("城北路12号") + "&residence=floating")
	webtest.Contains(t, "residence filter", r.Body, "张伟", `value="floating" selected`)
	webtest.Lacks(t, "residence filter", r.Body, "李建国")

	// Too few digits: the message at the search box, no results.
	r = c.Get("/search?q=139")
	if r.Status != http.StatusUnprocessableEntity {
		t.Errorf("short digits: %d", r.Status)
	}
	webtest.Contains(t, "short digits", r.Body, `id="err-q"`, "数字请至少输入4位", `aria-describedby="err-q"`, `value="139"`)
	webtest.Lacks(t, "short digits", r.Body, "<table")

	// Paging through 25 persons named 陈.
	r = c.Get("/search?q=" + url.QueryEscape("陈"))
	if n := strings.Count(r.Body, `<a href="/persons/`); n != 20 {
		t.Errorf("page 1 shows %d persons", n)
	}
	webtest.Contains(t, "page 1", r.Body, "下一页", `page=2`)
	webtest.Lacks(t, "page 1", r.Body, "上一页")
	next := regexp.MustCompile(`href="([^"]*page=2[^"]*)" rel="next"`).FindStringSubmatch(r.Body)
	if next == nil {
		t.Fatal("no next link")
	}
	r = c.Get(strings.ReplaceAll(next[1], "&amp;", "&"))
	if n := strings.Count(r.Body, `<a href="/persons/`); n != 5 {
		t.Errorf("page 2 shows %d persons", n)
	}
	webtest.Contains(t, "page 2", r.Body, "上一页", "第 2 页")
	webtest.Lacks(t, "page 2", r.Body, "下一页")

	// Households and organisations tabs.
	r = c.Get("/search?tab=households&q=CB0002")
	webtest.Contains(t, "households tab", r.Body, `href="/households/`+id(fx.hhFloat.ID)+`"`, "流动户", `aria-current="page">户`)
	r = c.Get("/search?tab=households&q=" + url.QueryEscape("李建国"))
	webtest.Contains(t, "household by head", r.Body, "CB0001", "李建国")
	r = c.Get("/search?tab=organisations&q=" + url.QueryEscape("小学"))
	webtest.Contains(t, "organisations tab", r.Body, `href="/organisations/`+id(fx.school.ID)+`"`, "学校", fx.school.USCC)
	r = c.Get("/search?tab=organisations&q=" + url.QueryEscape("医院"))
	webtest.Contains(t, "no organisation", r.Body, "没有找到符合条件的单位")
}

func personValues(csrf, version string, p register.Person) url.Values {
	return url.Values{"csrf": {csrf}, "version": {version}, "name": {p.Name}, "doc_type": {p.DocType},
		"ethnicity": {p.Ethnicity}, "relation": {p.Relation}, "residence": {p.Residence}, "address": {p.Address},
		"hukou_address": {p.HukouAddress}, "occupation": {p.Occupation}, "moved_in_on": {p.MovedInOn}, "status": {p.Status}}
}

func TestEditPerson(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	c := fx.srv.Client()
	c.Login("cbstaff")
	path := "/persons/" + id(fx.head.ID)

	r := c.Get(path + "/edit")
	webtest.Contains(t, "edit form", r.Body, `name="version" value="1"`, `value="李建国"`, `<option value="02" selected>户主</option>`,
		`<option value="01" selected>汉族</option>`, `placeholder="139****0001"`, "不修改请留空", "由居民身份证号码自动识别",
		`for="f-phone"`, `inputmode="tel"`)
	webtest.Lacks(t, "edit form", r.Body, fx.head.IDNumber, fx.head.Phone, `name="gender"`)
	csrf, version := webtest.CSRFOf(t, r.Body), webtest.VersionOf(t, r.Body)

	// Field errors: each message under its field, the input kept, nothing saved.
	form := personValues(csrf, version, fx.head)
	form.Set("phone", "12345")
	form.Set("moved_in_on", "2020-02-30")
	form.Set("occupation", "出租车司机")
	r = c.Post(path+"/edit", form)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad phone: %d", r.Status)
	}
	webtest.Contains(t, "field errors", r.Body, "内容尚未保存", `id="err-phone"`, "电话号码应为11位手机号", `aria-describedby="hint-phone err-phone"`,
		`aria-invalid="true"`, `value="12345"`, `id="err-moved_in_on"`, `value="出租车司机"`)
	if p, _ := fx.reg.Person(ctx, access.Everything, fx.head.ID); p.Version != 1 || p.Occupation != "司机" {
		t.Errorf("an invalid form was saved: %+v", p)
	}
	// A wrong ID number is refused the same way.
	form = personValues(csrf, version, fx.head)
	form.Set("id_number", "610624196803091312")
	r = c.Post(path+"/edit", form)
	webtest.Contains(t, "bad ID", r.Body, `id="err-id_number"`, "校验")

	// Without the CSRF token: refused, nothing saved.
	form = personValues("", version, fx.head)
	form.Set("phone", "13800000000")
	if r := c.Post(path+"/edit", form); r.Status != http.StatusForbidden {
		t.Errorf("no csrf: %d", r.Status)
	}

	// Success: back to the person page with 已保存 and the change in the
	// history, masked.
	form = personValues(csrf, version, fx.head)
	form.Set("phone", "13900001111")
	r = c.Post(path+"/edit", form)
	if r.Status != http.StatusSeeOther || r.Location() != path {
		t.Fatalf("save: %d %s\n%s", r.Status, r.Location(), r.Body)
	}
	r = c.Get(path)
	webtest.Contains(t, "saved", r.Body, `class="flash"`, "已保存", "139****1111")
	hist := between(r.Body, "变更记录", "</section>")
	webtest.Contains(t, "history", hist, "修改", "城北小王", "网页", "联系电话", "<del>139****0001</del>", "<ins>139****1111</ins>")
	webtest.Lacks(t, "history", r.Body, "13900001111", "13909110001")
	if r := c.Get(path); strings.Contains(r.Body, "已保存") {
		t.Error("the flash message outlived its page")
	}
	p, _ := fx.reg.Person(ctx, access.Everything, fx.head.ID)
	if p.Phone != "13900001111" || p.IDNumber != fx.head.IDNumber || p.Occupation != "司机" || p.Version != 2 {
		t.Errorf("saved person: %+v", p)
	}

	// Conflict: someone else saves first; the stale form is refused with
	// what changed, and the form comes back with the current values.
	r = c.Get(path + "/edit")
	stale := webtest.VersionOf(t, r.Body)
	other := p
	other.Occupation = "个体经营"
	other.Address = "城北路99号"
	if err := fx.reg.UpdatePerson(ctx, register.Actor{UserID: 99, Name: "王主任", Source: "web"}, access.Everything, &other); err != nil {
		t.Fatal(err)
	}
	form = personValues(csrf, stale, p)
	form.Set("occupation", "厨师")
	r = c.Post(path+"/edit", form)
	if r.Status != http.StatusConflict {
		t.Fatalf("conflict: %d", r.Status)
	}
	box := between(r.Body, `class="conflict"`, "</section>")
	webtest.Contains(t, "conflict box", box, "王主任", "职业", "<del>司机</del>", "<ins>个体经营</ins>", "现住址", "城北路99号",
		"尚未保存", "厨师")
	webtest.Contains(t, "conflict form", r.Body, `name="version" value="`+strconv.Itoa(other.Version)+`"`, `value="个体经营"`, `value="城北路99号"`)
	if p, _ := fx.reg.Person(ctx, access.Everything, fx.head.ID); p.Occupation != "个体经营" {
		t.Errorf("the conflicting save overwrote: %q", p.Occupation)
	}
	// Redoing the edit on the fresh form saves.
	form = personValues(csrf, webtest.VersionOf(t, r.Body), other)
	form.Set("occupation", "厨师")
	if r := c.Post(path+"/edit", form); r.Status != http.StatusSeeOther {
		t.Errorf("redo after conflict: %d", r.Status)
	}
	if p, _ := fx.reg.Person(ctx, access.Everything, fx.head.ID); p.Occupation != "厨师" || p.Address != "城北路99号" {
		t.Errorf("after redo: %+v", p)
	}

	// Clearing the phone needs the checkbox, not an empty field.
	r = c.Get(path + "/edit")
	form = personValues(csrf, webtest.VersionOf(t, r.Body), other)
	form.Set("phone_clear", "1")
	c.Post(path+"/edit", form)
	if p, _ := fx.reg.Person(ctx, access.Everything, fx.head.ID); p.Phone != "" {
		t.Errorf("phone not cleared: %q", p.Phone)
	}

	// A passport holder's form asks for gender and birth date.
	r = c.Get(path + "/edit")
	form = personValues(csrf, webtest.VersionOf(t, r.Body), other)
	form.Set("doc_type", "passport")
	form.Set("id_number", "E12345678")
	r = c.Post(path+"/edit", form)
	webtest.Contains(t, "passport", r.Body, `name="gender"`, `id="err-gender"`, `id="err-birth_date"`, `value="E12345678"`)
}

func TestNewPerson(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	c := fx.srv.Client()
	c.Login("cbstaff")
	csrf := c.CSRF("/")

	r := c.Get("/persons/new?household=" + id(fx.hhFloat.ID))
	webtest.Contains(t, "new form", r.Body, "添加人员到户 CB0002", `name="household" value="`+id(fx.hhFloat.ID)+`"`,
		`<option value="floating" selected>流动</option>`, `value="城北路12号3号楼1-302"`)
	newID := ident.MakeResidentID("620102", day(2015, 9, 1), 21) // odd: a boy
	form := url.Values{"csrf": {csrf}, "household": {id(fx.hhFloat.ID)}, "name": {"张小明"}, "doc_type": {"resident_id"},
		"id_number": {newID[:17] + "0"}, "relation": {"20"}, "residence": {"floating"}, "status": {"active"}}
	if newID[17] == '0' {
		form.Set("id_number", newID[:17]+"1")
	}
	r = c.Post("/persons/new", form)
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad check digit: %d", r.Status)
	}
	webtest.Contains(t, "bad ID", r.Body, `id="err-id_number"`, `value="张小明"`, `<option value="20" selected>子</option>`)
	// A number already in the register.
	form.Set("id_number", fx.head.IDNumber)
	r = c.Post("/persons/new", form)
	webtest.Contains(t, "duplicate", r.Body, "该证件号码已登记在册")
	// Missing name.
	form.Set("id_number", newID)
	form.Set("name", "")
	r = c.Post("/persons/new", form)
	webtest.Contains(t, "no name", r.Body, `id="err-name"`, "姓名不能为空")

	form.Set("name", "张小明")
	r = c.Post("/persons/new", form)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/persons/") {
		t.Fatalf("add: %d %s\n%s", r.Status, r.Location(), r.Body)
	}
	r = c.Get(r.Location())
	webtest.Contains(t, "added", r.Body, "已添加", "张小明", "男", "子", "流动", "CB0002")
	ms, _ := fx.reg.Members(ctx, access.Everything, fx.hhFloat)
	if len(ms) != 2 {
		t.Errorf("members: %d", len(ms))
	}
}

func TestEditHousehold(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	c := fx.srv.Client()
	c.Login("cbstaff")
	csrf := c.CSRF("/")
	path := "/households/" + id(fx.hh.ID)

	r := c.Get(path + "/edit")
	webtest.Contains(t, "household form", r.Body, `value="CB0001"`, `<option value="registered" selected>户籍户</option>`,
		`<option value="`+id(fx.head.ID)+`" selected>李建国(户主)</option>`, "王秀兰(妻)", `placeholder="091****3456"`)
	version := webtest.VersionOf(t, r.Body)
	values := func(v string) url.Values {
		return url.Values{"csrf": {csrf}, "version": {v}, "number": {"CB0001"}, "kind": {"registered"},
			"address": {fx.hh.Address}, "head_id": {id(fx.head.ID)}}
	}
	// Errors: a number taken by another household, a head from elsewhere.
	form := values(version)
	form.Set("number", "CB0002")
	r = c.Post(path+"/edit", form)
	webtest.Contains(t, "duplicate number", r.Body, `id="err-number"`, "户号在本社区已存在", `value="CB0002"`)
	form = values(version)
	form.Set("head_id", id(fx.tenant.ID))
	r = c.Post(path+"/edit", form)
	webtest.Contains(t, "foreign head", r.Body, `id="err-head_id"`, "户主必须是本户成员")
	form = values(version)
	form.Set("phone", "abc")
	r = c.Post(path+"/edit", form)
	webtest.Contains(t, "bad phone", r.Body, `id="err-phone"`)

	// Success: new head and phone.
	form = values(version)
	form.Set("head_id", id(fx.spouse.ID))
	form.Set("phone", "13912345678")
	r = c.Post(path+"/edit", form)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("save household: %d\n%s", r.Status, r.Body)
	}
	r = c.Get(path)
	webtest.Contains(t, "household saved", r.Body, "已保存", "139****5678")
	hist := between(r.Body, "变更记录", "</section>")
	webtest.Contains(t, "household history", hist, "户主", "<del>李建国</del>", "<ins>王秀兰</ins>", "<del>091****3456</del>")

	// Conflict on the old version.
	r = c.Post(path+"/edit", values(version))
	if r.Status != http.StatusConflict {
		t.Fatalf("household conflict: %d", r.Status)
	}
	webtest.Contains(t, "household conflict", r.Body, "未保存:记录已被他人修改", "城北小王", `<option value="`+id(fx.spouse.ID)+`" selected>`)
	if h, _ := fx.reg.Household(ctx, access.Everything, fx.hh.ID); h.HeadID != fx.spouse.ID {
		t.Error("the stale save overwrote the head")
	}
}

func TestHelpers(t *testing.T) {
	h := &handler{kit: web.NewKit(web.Config{})}
	if got := h.displayText("household", "kind", "floating"); got != "流动户" {
		t.Errorf("household kind: %s", got)
	}
}
