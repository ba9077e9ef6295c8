package surveysweb_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/residents"
	"shequ/internal/sheets"
	"shequ/internal/surveys"
	"shequ/internal/surveys/surveysweb"
	"shequ/internal/web"
	"shequ/internal/web/webtest"
	"shequ/internal/workdays"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// world is 城北社区 with 3号楼 and 5号楼, one adult in each, and 城南社区
// beside it under the same street.
type world struct {
	org            *orgtree.Store
	street, cb, cn orgtree.Unit
	b3, b5         int64
	lao, zhao      residents.Resident
}

func newWorld(t *testing.T, db *database.DB, now time.Time) world {
	t.Helper()
	ctx := context.Background()
	w := world{org: orgtree.NewStore(db)}
	reg := register.NewStore(db).WithClock(func() time.Time { return now })
	actor := register.Actor{Name: "t", Source: "cli"}
	mk := func(u *orgtree.Unit) {
		t.Helper()
		if err := w.org.Create(ctx, db, u); err != nil {
			t.Fatal(err)
		}
	}
	w.street = orgtree.Unit{Level: orgtree.LevelStreet, Name: "真武洞街道", Code: "610603100000"}
	mk(&w.street)
	w.cb = orgtree.Unit{ParentID: w.street.ID, Level: orgtree.LevelCommunity, Name: "城北社区", Code: "610603100001"}
	mk(&w.cb)
	w.cn = orgtree.Unit{ParentID: w.street.ID, Level: orgtree.LevelCommunity, Name: "城南社区", Code: "610603100002"}
	mk(&w.cn)
	grid := orgtree.Unit{ParentID: w.cb.ID, Level: "grid", Name: "第一网格"}
	mk(&grid)
	person := func(building, name string, seq int) (int64, residents.Resident) {
		u := orgtree.Unit{ParentID: grid.ID, Level: "building", Name: building}
		mk(&u)
		b := register.Building{ID: u.ID, Name: building, Kind: "residential"}
		if err := reg.CreateBuilding(ctx, actor, access.Everything, &b); err != nil {
			t.Fatal(err)
		}
		house := register.House{BuildingID: b.ID, Number: "1-101", Use: register.HouseOwner}
		if err := reg.CreateHouse(ctx, actor, access.Everything, &house); err != nil {
			t.Fatal(err)
		}
		hh := register.Household{Number: "H" + name, Kind: register.HouseholdRegistered, HouseID: house.ID}
		if err := reg.CreateHousehold(ctx, actor, access.Everything, &hh); err != nil {
			t.Fatal(err)
		}
		p := register.Person{HouseholdID: hh.ID, Name: name, Residence: register.ResidenceRegistered,
			IDNumber: ident.MakeResidentID("610603", time.Date(1960, 4, 1, 0, 0, 0, 0, time.UTC), seq)}
		if err := reg.CreatePerson(ctx, actor, access.Everything, &p); err != nil {
			t.Fatal(err)
		}
		return b.ID, residents.Resident{PersonID: p.ID, HouseholdID: hh.ID, HouseID: house.ID, BuildingID: b.ID,
			CommunityID: w.cb.ID, Adult: true, Name: name, Community: "城北社区"}
	}
	w.b3, w.lao = person("3号楼", "李秀兰", 102)
	w.b5, w.zhao = person("5号楼", "赵刚", 103)
	return w
}

func elevator(b int64) surveys.Form {
	return surveys.Form{Title: "3号楼加装电梯意愿征询", Intro: "每户填写一份。", Unit: surveys.PerHousehold, Buildings: []int64{b},
		Questions: []surveys.Question{
			{Kind: surveys.Single, Text: "您家是否同意加装电梯?", Options: []string{"同意", "不同意", "无所谓"}, Required: true},
			{Kind: surveys.Rating, Text: "您家上下楼的困难程度", Required: true},
			{Kind: surveys.Text, Text: "对费用分摊的意见", MaxLen: 10},
		}}
}

// TestAnswerPages: the list and the survey for anyone, the form for a
// targeted signed-in resident only, bad answers refused at their question,
// the thanks, a second response refused, a resident outside the target
// refused, and a post without the form's token refused.
func TestAnswerPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		now := time.Date(2026, 5, 4, 9, 0, 0, 0, workdays.Shanghai)
		w := newWorld(t, db, now)
		s := surveys.NewService(db, func() time.Time { return now })
		sv, err := s.Create(ctx, "王主任", w.cb.ID, elevator(w.b3))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.OpenSurvey(ctx, "王主任", w.cb.ID, sv.ID, sv.Version, now, now.AddDate(0, 0, 7)); err != nil {
			t.Fatal(err)
		}
		var who *residents.Resident
		k, rt := webtest.Kit(t, db, web.Config{Org: w.org})
		surveysweb.Routes(rt, k, surveysweb.Deps{Surveys: s, SignedIn: func(*http.Request) (residents.Resident, bool) {
			if who == nil {
				return residents.Resident{}, false
			}
			return *who, true
		}})
		srv := webtest.Serve(t, rt)
		phone := srv.Client()
		c := strconv.FormatInt(w.cb.ID, 10)
		path := "/r/surveys/" + c + "/" + strconv.FormatInt(sv.ID, 10)

		list := phone.Get("/r/surveys?c=" + c)
		webtest.CheckPage(t, "/r/surveys", list.Body)
		webtest.Contains(t, "list", list.Body, "3号楼加装电梯意愿征询", "进行中")
		page := phone.Get(path)
		webtest.CheckPage(t, path, page.Body)
		webtest.Contains(t, "nobody signed in", page.Body, "核验居民身份后可以填写问卷")
		webtest.Lacks(t, "nobody signed in", page.Body, `name="q1"`)

		who = &w.lao
		page = phone.Get(path)
		webtest.Contains(t, "resident", page.Body, `name="q1"`, `type="radio" name="q2" value="5"`, `maxlength="10"`)
		csrf := csrfRe.FindStringSubmatch(page.Body)
		if csrf == nil {
			t.Fatal("no form token")
		}
		post := func(v url.Values) webtest.Result {
			v.Set("csrf", csrf[1])
			return phone.Post(path+"/answer", v)
		}
		res := post(url.Values{"q1": {"7"}, "q3": {"每户按楼层分摊费用比较公平合理"}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad answers: %d", res.Status)
		}
		webtest.Contains(t, "bad answers", res.Body, "所选选项不存在", "此题必答,请选择", "不超过10字", "有3处需要修改",
			"每户按楼层分摊费用比较公平合理")
		res = post(url.Values{"q1": {"1"}, "q2": {"5"}, "q3": {"按楼层分摊"}})
		if res.Status != http.StatusOK {
			t.Fatalf("answer: %d %s", res.Status, res.Body)
		}
		webtest.Contains(t, "answered", res.Body, "已提交,谢谢您的参与")
		webtest.Lacks(t, "answered", res.Body, `name="q1"`)
		res = post(url.Values{"q1": {"2"}, "q2": {"1"}})
		if res.Status != http.StatusConflict {
			t.Fatalf("second: %d", res.Status)
		}
		webtest.Contains(t, "second", res.Body, "只能填写一次")

		who = &w.zhao // 5号楼
		page = phone.Get(path)
		webtest.Contains(t, "outside", page.Body, "不在调查范围内")
		webtest.Lacks(t, "outside", page.Body, `name="q1"`)
		if res := post(url.Values{"q1": {"1"}, "q2": {"3"}}); res.Status != http.StatusConflict {
			t.Fatalf("outside the target: %d", res.Status)
		}
		who = nil
		if res := post(url.Values{"q1": {"1"}}); res.Status != http.StatusUnauthorized {
			t.Fatalf("no session: %d", res.Status)
		}
		if res := phone.Post(path+"/answer", url.Values{"q1": {"1"}}); res.Status != http.StatusBadRequest {
			t.Fatalf("no token: %d", res.Status)
		}
		if res := phone.Get("/r/surveys/" + c + "/999"); res.Status != http.StatusNotFound {
			t.Fatalf("unknown: %d", res.Status)
		}
		if got, _ := s.Get(ctx, w.cb.ID, sv.ID); got.Responses != 1 {
			t.Fatalf("responses %d", got.Responses)
		}
	})
}

// TestStaffPages: the community's staff write a survey (a bad one refused
// at its fields), open it and read its results with a chart and the
// respondents' names, and export them; the street reads the results
// without names; another community's staff see nothing of it.
func TestStaffPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		now := time.Date(2026, 5, 4, 9, 0, 0, 0, workdays.Shanghai)
		w := newWorld(t, db, now)
		s := surveys.NewService(db, func() time.Time { return now })
		k, rt := webtest.Kit(t, db, web.Config{Org: w.org})
		surveysweb.Routes(rt, k, surveysweb.Deps{Surveys: s})
		webtest.AddUser(t, k, "head", "王主任", "community_head", w.cb.ID)
		webtest.AddUser(t, k, "other", "赵主任", "community_head", w.cn.ID)
		webtest.AddUser(t, k, "street", "街道", "street_operator", w.street.ID)
		srv := webtest.Serve(t, rt)
		head, other, street := srv.Client(), srv.Client(), srv.Client()
		head.Login("head")
		other.Login("other")
		street.Login("street")
		c := strconv.FormatInt(w.cb.ID, 10)

		form := head.Get("/surveys/new?c=" + c)
		if form.Status != http.StatusOK {
			t.Fatalf("new: %d", form.Status)
		}
		webtest.CheckPage(t, "/surveys/new", form.Body)
		csrf := webtest.CSRFOf(t, form.Body)
		v := url.Values{"csrf": {csrf}, "title": {"老年食堂需求调查"}, "anonymous": {"0"}, "unit": {"person"},
			"age_min": {"60"}, "q1_kind": {"single"}, "q1_text": {"您是否愿意在社区老年食堂就餐?"}, "q1_options": {"愿意"},
			"q1_required": {"1"}, "q2_kind": {"text"}, "q2_text": {"希望提供哪些菜品?"}, "q2_max": {"100"}}
		res := head.Post("/surveys/new?c="+c, v)
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("one option: %d", res.Status)
		}
		webtest.Contains(t, "one option", res.Body, "请填写2至12个选项", "老年食堂需求调查", "您是否愿意在社区老年食堂就餐?")
		v.Set("q1_options", "愿意\n不愿意\n视价格而定")
		res = head.Post("/surveys/new?c="+c, v)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		path := res.Location()
		page := head.Get(path)
		webtest.CheckPage(t, path, page.Body)
		webtest.Contains(t, "draft", page.Body, "草稿", "视价格而定", "发布问卷")
		if res := other.Get(path); res.Status != http.StatusNotFound {
			t.Fatalf("another community's staff: %d", res.Status)
		}
		version := webtest.VersionOf(t, page.Body)
		if res := head.Post(path+"/open", url.Values{"csrf": {csrf}, "version": {version},
			"opens_at": {"2026-05-04T08:00"}, "closes_at": {"2026-05-03T08:00"}}); res.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(res.Body, "截止时间须晚于开始时间") {
			t.Fatalf("bad period: %d", res.Status)
		}
		if res := head.Post(path+"/open", url.Values{"csrf": {csrf}, "version": {version},
			"opens_at": {"2026-05-04T08:00"}, "closes_at": {"2026-05-18T08:00"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("open: %d %s", res.Status, res.Body)
		}
		// Once open the questions stay: the editor is gone, a stale edit refused.
		page = head.Get(path)
		webtest.Contains(t, "open", page.Body, "进行中", "结束问卷", "2人")
		webtest.Lacks(t, "open", page.Body, "保存草稿")
		if res := head.Post(path+"/edit", v); res.Status != http.StatusConflict && res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("edit once open: %d", res.Status)
		}
		id, _ := strconv.ParseInt(path[strings.LastIndex(path, "/")+1:], 10, 64)
		for i, r := range []residents.Resident{w.lao, w.zhao} {
			if err := s.Respond(ctx, &r, w.cb.ID, id, surveys.Answers{1: {strconv.Itoa(i + 1)}, 2: {"饺子和软米饭"}}); err != nil {
				t.Fatal(err)
			}
		}
		results := head.Get(path + "/results")
		if results.Status != http.StatusOK {
			t.Fatalf("results: %d", results.Status)
		}
		webtest.CheckPage(t, path+"/results", results.Body)
		webtest.Contains(t, "results", results.Body, "<svg", "愿意 1,不愿意 1,视价格而定 0", "50.0%", "饺子和软米饭", "李秀兰")
		webtest.Contains(t, "street", street.Get(path+"/results").Body, "饺子和软米饭", "50.0%")
		webtest.Lacks(t, "street", street.Get(path+"/results").Body, "李秀兰")
		if res := other.Get(path + "/results"); res.Status != http.StatusNotFound {
			t.Fatalf("another community's results: %d", res.Status)
		}
		x := head.Get(path + "/results.xlsx")
		if x.Status != http.StatusOK || !strings.Contains(x.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("export: %d %s", x.Status, x.Header.Get("Content-Type"))
		}
		book, err := sheets.Open(bytes.NewReader([]byte(x.Body)), int64(len(x.Body)), "r.xlsx", sheets.DefaultLimits)
		if err != nil || len(book.Sheets) != 3 || book.Sheets[2].Name != "答卷" {
			t.Fatalf("workbook: %v %+v", err, book)
		}
		rows, _ := book.Rows(2)
		var names []string
		for rows.Next() {
			names = append(names, rows.Row().Text(0))
		}
		rows.Close()
		if strings.Join(names, ",") != "答卷人,李秀兰,赵刚" && strings.Join(names, ",") != "答卷人,赵刚,李秀兰" {
			t.Fatalf("responses sheet: %q", names)
		}
		if res := head.Post(path+"/close", url.Values{"csrf": {csrf}, "version": {"1"}}); res.Status != http.StatusConflict {
			t.Fatalf("stale close: %d", res.Status)
		}
		if res := head.Post(path+"/close", url.Values{"csrf": {csrf}, "version": {"2"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("close: %d", res.Status)
		}
		list := head.Get("/surveys?c=" + c)
		webtest.CheckPage(t, "/surveys", list.Body)
		webtest.Contains(t, "list", list.Body, "老年食堂需求调查", "已结束")
	})
}
