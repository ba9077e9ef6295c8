package surveys

import (
	"context"
	"strings"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/residents"
	"shequ/internal/workdays"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// fixture is 城北社区 with 3号楼 (an old couple, 李 born 1950 a man and 王
// born 1956 a woman; a family of a mother born 1990 and a child) and 5号楼
// (a man born 1985), and 城南社区 with one adult; residents as their
// sessions would show them.
type fixture struct {
	db     *database.DB
	s      *Service
	clock  *time.Time
	cb, cn int64
	b3, b5 int64

	li, wang      residents.Resident // 3号楼, one household, 76 and 70
	mother, child residents.Resident // 3号楼, another household
	zhao          residents.Resident // 5号楼, 41
	outsider      residents.Resident // 城南社区
}

func newFixture(t *testing.T, db *database.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, workdays.Shanghai)
	f := &fixture{db: db, clock: &now}
	clock := func() time.Time { return *f.clock }
	f.s = NewService(db, clock)
	org := orgtree.NewStore(db)
	reg := register.NewStore(db).WithClock(clock)
	actor := register.Actor{Name: "t", Source: "cli"}
	mk := func(u *orgtree.Unit) {
		t.Helper()
		if err := org.Create(ctx, db, u); err != nil {
			t.Fatalf("create unit %s: %v", u.Name, err)
		}
	}
	street := orgtree.Unit{Level: "street", Name: "真武洞街道", Code: "610603100000"}
	mk(&street)
	community := func(name, code string) (orgtree.Unit, orgtree.Unit) {
		c := orgtree.Unit{ParentID: street.ID, Level: "community", Name: name, Code: code}
		mk(&c)
		g := orgtree.Unit{ParentID: c.ID, Level: "grid", Name: name + "第一网格"}
		mk(&g)
		return c, g
	}
	cb, grid := community("城北社区", "610603100001")
	cn, gridS := community("城南社区", "610603100002")
	f.cb, f.cn = cb.ID, cn.ID
	building := func(g orgtree.Unit, name string) int64 {
		u := orgtree.Unit{ParentID: g.ID, Level: "building", Name: name}
		mk(&u)
		b := register.Building{ID: u.ID, Name: name, Kind: "residential"}
		if err := reg.CreateBuilding(ctx, actor, access.Everything, &b); err != nil {
			t.Fatal(err)
		}
		return b.ID
	}
	f.b3, f.b5 = building(grid, "3号楼"), building(grid, "5号楼")
	bS := building(gridS, "1号楼")
	type born struct {
		name string
		on   time.Time
		seq  int // odd: a man, even: a woman (the ID number's 17th digit)
	}
	household := func(community, b int64, number string, people ...born) []residents.Resident {
		t.Helper()
		house := register.House{BuildingID: b, Number: number, Use: register.HouseOwner}
		if err := reg.CreateHouse(ctx, actor, access.Everything, &house); err != nil {
			t.Fatal(err)
		}
		hh := register.Household{Number: "H" + number + people[0].name, Kind: register.HouseholdRegistered, HouseID: house.ID}
		if err := reg.CreateHousehold(ctx, actor, access.Everything, &hh); err != nil {
			t.Fatal(err)
		}
		var out []residents.Resident
		for _, x := range people {
			p := register.Person{HouseholdID: hh.ID, Name: x.name, Residence: register.ResidenceRegistered,
				IDNumber: ident.MakeResidentID("610603", x.on, x.seq)}
			if err := reg.CreatePerson(ctx, actor, access.Everything, &p); err != nil {
				t.Fatalf("person %s: %v", x.name, err)
			}
			out = append(out, residents.Resident{PersonID: p.ID, HouseholdID: hh.ID, HouseID: house.ID, BuildingID: b,
				CommunityID: community, Adult: x.on.Before(now.AddDate(-18, 0, 0)), Name: x.name})
		}
		return out
	}
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	r := household(f.cb, f.b3, "1-101", born{"李建国", d(1950, 3, 9), 101}, born{"王秀兰", d(1956, 7, 1), 102})
	f.li, f.wang = r[0], r[1]
	r = household(f.cb, f.b3, "1-102", born{"张丽", d(1990, 1, 5), 104}, born{"张小明", d(2014, 6, 1), 105})
	f.mother, f.child = r[0], r[1]
	f.zhao = household(f.cb, f.b5, "2-201", born{"赵刚", d(1985, 10, 2), 107})[0]
	f.outsider = household(f.cn, bS, "1-101", born{"孙平", d(1970, 1, 1), 109})[0]
	return f
}

// form is a survey of every kind of question, targeting the community's
// adults one per person unless changed.
func form(anonymous bool) Form {
	return Form{Title: "社区环境满意度调查", Intro: "请如实填写。", Anonymous: anonymous, Questions: []Question{
		{Kind: Single, Text: "您对小区环境卫生是否满意?", Options: []string{"满意", "一般", "不满意"}, Required: true},
		{Kind: Multiple, Text: "您希望改进哪些方面?", Options: []string{"绿化", "照明", "停车", "健身设施"}},
		{Kind: Rating, Text: "请为物业服务打分", Required: true},
		{Kind: Text, Text: "其他意见", MaxLen: 20},
		{Kind: Number, Text: "家中常住几人?", Min: 1, Max: 20},
	}}
}

// open creates and opens a survey of the form for a week from now.
func (f *fixture) open(t *testing.T, fm Form) Survey {
	t.Helper()
	ctx := context.Background()
	sv, err := f.s.Create(ctx, "王主任", f.cb, fm)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.OpenSurvey(ctx, "王主任", f.cb, sv.ID, sv.Version, *f.clock, f.clock.AddDate(0, 0, 7)); err != nil {
		t.Fatal(err)
	}
	sv, err = f.s.Get(ctx, f.cb, sv.ID)
	if err != nil || sv.Status != Open {
		t.Fatalf("open: %+v %v", sv, err)
	}
	return sv
}

// full is a complete answer to form's questions.
func full(single string, multiple []string, rating, text, number string) Answers {
	return Answers{1: {single}, 2: multiple, 3: {rating}, 4: {text}, 5: {number}}
}

func fieldOf(t *testing.T, err error, field, want string) {
	t.Helper()
	fe := fault.FieldsOf(err)
	if fe == nil || !strings.Contains(fe[field], want) {
		t.Fatalf("%s: want %q, got %v", field, want, err)
	}
}
