package workforceweb_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/orgtree"
	"shequ/internal/sheets"
	"shequ/internal/web"
	"shequ/internal/web/webtest"
	"shequ/internal/workdays"
	"shequ/internal/workforce"
	"shequ/internal/workforce/workforceweb"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// TestPages: the community head registers a coordinator (refused at the
// fields first), records an assessment, and a second save on the same
// version conflicts; a community worker reads the roster and the card but
// changes nothing; the export masks phones for those who may not reveal
// them; the street reads the staffing table sorted by per-thousand.
func TestPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		org := orgtree.NewStore(db)
		street := orgtree.Unit{Level: orgtree.LevelStreet, Name: "真武洞街道"}
		if err := org.Create(ctx, db, &street); err != nil {
			t.Fatal(err)
		}
		cb := orgtree.Unit{ParentID: street.ID, Level: orgtree.LevelCommunity, Name: "城北社区"}
		if err := org.Create(ctx, db, &cb); err != nil {
			t.Fatal(err)
		}
		cn := orgtree.Unit{ParentID: street.ID, Level: orgtree.LevelCommunity, Name: "城南社区"}
		if err := org.Create(ctx, db, &cn); err != nil {
			t.Fatal(err)
		}
		worker := orgtree.Staff{UnitID: cb.ID, Role: orgtree.RoleCommunityStaff, Name: "李社工", Phone: "13912345678", StartedOn: "2020-01-01"}
		if err := org.AddStaff(ctx, db, &worker); err != nil {
			t.Fatal(err)
		}
		// A reader who may not reveal numbers: this deployment's
		// community workers.
		if _, err := db.ExecContext(ctx, `DELETE FROM role_permissions WHERE role = 'community_staff' AND permission = 'register.reveal'`); err != nil {
			t.Fatal(err)
		}
		k, rt := webtest.Kit(t, db, web.Config{Org: org})
		webtest.AddUser(t, k, "head", "王书记", "community_head", cb.ID)
		webtest.AddUser(t, k, "staff", "社区小张", "community_staff", cb.ID)
		webtest.AddUser(t, k, "street", "街道小赵", "street_operator", street.ID)
		now := time.Date(2026, 9, 18, 10, 0, 0, 0, workdays.Shanghai)
		wf := workforce.NewService(db, func() time.Time { return now })
		k.Access.Resolve("staff", wf.Resolve)
		workforceweb.Routes(rt, k, workforceweb.Deps{Workforce: wf})
		srv := webtest.Serve(t, rt)
		head, staff, st := srv.Client(), srv.Client(), srv.Client()
		head.Login("head")
		staff.Login("staff")
		st.Login("street")

		r := head.Get("/workforce/new?org=" + id(cb.ID))
		webtest.CheckPage(t, "/workforce/new", r.Body)
		form := url.Values{"csrf": {webtest.CSRFOf(t, r.Body)}, "org": {id(cb.ID)}, "unit": {id(cb.ID)}, "name": {""},
			"phone": {"12"}, "post": {""}}
		r = head.Post("/workforce/new", form)
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad coordinator: %d", r.Status)
		}
		webtest.Contains(t, "refused coordinator", r.Body, "请填写姓名", "电话号码格式不正确", "请选择协管员岗位")
		form.Set("name", "周老师")
		form.Set("phone", "13900000006")
		form.Set("post", "zongzhi")
		form.Set("wulao", "teacher")
		form["duties"] = []string{"mediator", "liaison"}
		r = head.Post("/workforce/new", form)
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location(), "/workforce/members/") {
			t.Fatalf("coordinator: %d %s %s", r.Status, r.Location(), r.Body)
		}

		r = staff.Get("/workforce?org=" + id(cb.ID))
		webtest.CheckPage(t, "/workforce", r.Body)
		webtest.Contains(t, "roster", r.Body, "李社工", "周老师", "综治协管员", "老教师", "139****5678")
		webtest.Lacks(t, "roster for a reader", r.Body, "13912345678", "登记协管员</a>")

		card := "/workforce/members/" + id(worker.ID)
		r = head.Get(card)
		webtest.CheckPage(t, card, r.Body)
		save := url.Values{"csrf": {webtest.CSRFOf(t, r.Body)}, "assessment": {"0"}, "version": {"0"}, "period": {"2026Q2"},
			"score": {"101"}, "assessor": {"街道考核组"}}
		r = head.Post(card+"/assessments", save)
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("score 101: %d", r.Status)
		}
		webtest.Contains(t, "bad score", r.Body, "得分应为 0 到 100 的整数")
		save.Set("score", "91")
		if r = head.Post(card+"/assessments", save); r.Status != http.StatusSeeOther {
			t.Fatalf("assessment: %d %s", r.Status, r.Body)
		}
		c, _ := wf.CardOf(ctx, worker.ID)
		x := c.Assessments[0]
		edit := url.Values{"csrf": save["csrf"], "assessment": {id(x.ID)}, "version": {"1"}, "period": {"2026Q2"}, "score": {"88"},
			"assessor": {"街道考核组"}}
		if r = head.Post(card+"/assessments", edit); r.Status != http.StatusSeeOther {
			t.Fatalf("edit: %d", r.Status)
		}
		edit.Set("score", "60")
		r = head.Post(card+"/assessments", edit)
		if r.Status != http.StatusConflict {
			t.Fatalf("stale edit: %d", r.Status)
		}
		webtest.Contains(t, "conflict", r.Body, "记录已被他人修改")
		r = head.Get(card)
		webtest.Contains(t, "card", r.Body, "2026年第二季度", "88", "合格")
		training := url.Values{"csrf": save["csrf"], "held_on": {"2026-09-01"}, "title": {"网格化服务管理实务"}, "hours": {"3.5"}}
		if r = head.Post(card+"/training", training); r.Status != http.StatusSeeOther {
			t.Fatalf("training: %d %s", r.Status, r.Body)
		}
		r = staff.Get(card)
		webtest.Contains(t, "card for a reader", r.Body, "2026年 3.5 学时")
		webtest.Lacks(t, "card for a reader", r.Body, `action="`+card+`/training"`, "13912345678")
		if r = staff.Post(card+"/training", training); r.Status != http.StatusForbidden {
			t.Errorf("a reader records training: %d", r.Status)
		}
		if r = staff.Get("/workforce/members/" + id(worker.ID+12345)); r.Status != http.StatusNotFound {
			t.Errorf("no such member: %d", r.Status)
		}

		// The export: masked for the worker, in full for the head (who
		// may reveal numbers).
		for _, c := range []struct {
			who   string
			phone string
		}{{"staff", "139****5678"}, {"head", "13912345678"}} {
			cl := map[string]*webtest.Client{"staff": staff, "head": head}[c.who]
			r = cl.Get("/workforce/export?org=" + id(cb.ID))
			if r.Status != http.StatusOK {
				t.Fatalf("%s export: %d", c.who, r.Status)
			}
			b, err := sheets.Open(strings.NewReader(r.Body), int64(len(r.Body)), "roster.xlsx", sheets.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			rs, err := b.Rows(0)
			if err != nil {
				t.Fatal(err)
			}
			var all []string
			for rs.Next() {
				all = append(all, strings.Join(rowCells(rs.Row()), "|"))
			}
			rs.Close()
			if len(all) != 3 || !strings.Contains(strings.Join(all, "\n"), c.phone) {
				t.Errorf("%s export: %v", c.who, all)
			}
		}

		r = st.Get("/workforce/staffing?org=" + id(street.ID) + "&sort=per_thousand")
		webtest.CheckPage(t, "/workforce/staffing", r.Body)
		webtest.Contains(t, "staffing", r.Body, "城北社区", "城南社区", "2.86", "合计")
		if r = staff.Get("/workforce/staffing?org=" + id(street.ID)); r.Status != http.StatusNotFound {
			t.Errorf("a community worker reads the street: %d", r.Status)
		}
	})
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

func rowCells(r sheets.Row) []string {
	out := make([]string, len(r.Cells))
	for i := range r.Cells {
		out[i] = r.Text(i)
	}
	return out
}
