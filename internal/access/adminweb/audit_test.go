package adminweb_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"shequ/internal/access"
	"shequ/internal/access/adminweb"
	"shequ/internal/audit"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/ident"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/sheets"
	"shequ/internal/web"
	"shequ/internal/web/webtest"
)

// The audit log reads in Chinese: who by name and role, what in words,
// which record by its name (a person's masked), when in local time, from
// where; the export says the same; and reading the log is in the log.
func TestAuditLogInWords(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		org := orgtree.NewStore(db)
		reg := register.NewStore(db)
		cb := orgtree.Unit{Level: orgtree.LevelCommunity, Name: "城北社区", Code: "610603100001"}
		if err := org.Create(ctx, db, &cb); err != nil {
			t.Fatal(err)
		}
		actor := register.Actor{Name: "测试装载", Source: "cli"}
		hh := register.Household{Number: "CB0001", Kind: register.HouseholdRegistered, OrgID: cb.ID}
		if err := reg.CreateHousehold(ctx, actor, access.Everything, &hh); err != nil {
			t.Fatal(err)
		}
		p := register.Person{HouseholdID: hh.ID, Name: "李建国", Residence: register.ResidenceRegistered,
			IDNumber: ident.MakeResidentID("610624", time.Date(1968, 3, 9, 0, 0, 0, 0, time.UTC), 131), Phone: "13909110001"}
		if err := reg.CreatePerson(ctx, actor, access.Everything, &p); err != nil {
			t.Fatal(err)
		}
		k, rt := webtest.Kit(t, db, web.Config{Org: org})
		clerk := webtest.AddUser(t, k, "xiaoliu", "窗口小刘", "community_staff", cb.ID)
		webtest.AddUser(t, k, "shenji", "审计老张", "auditor")
		adminweb.Routes(rt, k, adminweb.Deps{Accounts: k.Accounts, Access: k.Access, Register: reg})
		srv := webtest.Serve(t, rt)

		// What the clerk did, as the kit records it.
		at := time.Date(2026, 11, 2, 1, 30, 0, 0, time.UTC) // 09:30 in China
		for _, e := range []audit.Entry{
			{Action: audit.View, Entity: "person", EntityID: p.ID, Route: "GET /persons/{id}", Status: 200},
			{Action: audit.Search, Route: "GET /search", Status: 200, Rows: 1, Detail: audit.SearchDetail("persons", p.IDNumber)},
			{Action: audit.Change, Entity: "person", EntityID: p.ID, Route: "POST /persons/{id}/edit", Status: 303},
			{Action: audit.Change, Entity: "person", EntityID: p.ID, Route: "POST /persons/{id}/edit", Status: 409},
			{Action: audit.Denied, Entity: "household", EntityID: hh.ID, Route: "GET /households/{id}", Status: 404},
			{Action: audit.Change, Entity: "event", EntityID: 77, Route: "POST /events/{id}/act", Status: 303, Detail: "verify_pass"},
			{Action: audit.Reveal, Entity: "person", EntityID: p.ID, Route: "POST /persons/{id}/reveal", Status: 200},
			{Action: audit.Change, Entity: "user", EntityID: clerk.ID, Route: "POST /admin/users/{id}/grants", Status: 303, Detail: "授权 grid_worker"},
		} {
			e.UserID, e.UserName, e.Addr, e.At = clerk.ID, clerk.Name, "10.0.0.8", at
			k.Audit.Record(e)
		}
		k.Audit.Record(audit.Entry{UserName: "nobody", Addr: "10.0.0.9", Action: audit.LoginFailed, Route: "POST /login", Status: 401, At: at})
		k.Audit.Flush()

		c := srv.Client()
		c.Login("shenji")
		r := c.Get("/audit?user=" + "窗口小刘")
		if r.Status != 200 {
			t.Fatalf("GET /audit: %d", r.Status)
		}
		table := between(r.Body, `<table class="table" id="audit-entries">`, "</table>")
		text := strings.Join(strings.Fields(regexp.MustCompile(`(?s)<[^>]*>`).ReplaceAllString(table, " ")), " ")
		for _, want := range []string{"2026-11-02 09:30", "窗口小刘(xiaoliu)", "社区工作者", "10.0.0.8", "查看人员", "人员 李**",
			"修改人员", "与他人的修改冲突,未保存", "越权访问被拒绝:查看户", "户 CB0001", "办理事件", "核查通过",
			"搜索登记信息", "人员:" + ident.MaskID(p.IDNumber), "查看人员的完整号码", "授予角色", "账号 xiaoliu", "授权 网格员"} {
			if !strings.Contains(text, want) {
				t.Errorf("the audit page lacks %q:\n%s", want, text)
			}
		}
		for _, code := range []string{"verify_pass", "GET", "POST", "{id}", "person", "household", "event", "303", "200",
			"404", "409", p.IDNumber, "李建国", "grid_worker"} {
			if strings.Contains(text, code) {
				t.Errorf("the audit page shows %q:\n%s", code, text)
			}
		}
		if !strings.Contains(table, `href="/persons/`+strconv.FormatInt(p.ID, 10)+`"`) {
			t.Error("the audit page does not link the person's record")
		}
		// Filters: by record, by action, by period.
		r = c.Get("/audit?entity=household&entity_id=" + strconv.FormatInt(hh.ID, 10))
		if n := strings.Count(r.Body, `<td data-label="时间">`); n != 1 {
			t.Errorf("filtered by the household: %d entries, want 1", n)
		}
		r = c.Get("/audit?action=login_failed&from=2026-11-02&to=2026-11-02")
		if n := strings.Count(r.Body, `<td data-label="时间">`); n != 1 || !strings.Contains(r.Body, "nobody(未登录)") {
			t.Errorf("filtered failed logins of the day: %d entries\n%s", n, r.Body)
		}
		if r = c.Get("/audit?from=2026-11-03&to=2026-11-03&action=view"); strings.Contains(r.Body, `<td data-label="时间">`) {
			t.Error("a day without entries lists some")
		}

		// The export: a real workbook, in the same words.
		x := c.Get("/audit/export?user=xiaoliu")
		if x.Status != 200 || x.Header.Get("Content-Type") != sheets.ContentType("xlsx") {
			t.Fatalf("export: %d %s", x.Status, x.Header.Get("Content-Type"))
		}
		book, err := sheets.Open(strings.NewReader(x.Body), int64(len(x.Body)), "audit.xlsx",
			sheets.Limits{MaxBytes: 1 << 24, MaxRows: 1000, MaxUncompressed: 1 << 26, MaxRatio: 1000})
		if err != nil {
			t.Fatal(err)
		}
		rows, err := book.Rows(0)
		if err != nil {
			t.Fatal(err)
		}
		var all []string
		for rows.Next() {
			var cells []string
			for i := 0; i < 9; i++ {
				cells = append(cells, rows.Row().Text(i))
			}
			all = append(all, strings.Join(cells, "|"))
		}
		rows.Close()
		sheet := strings.Join(all, "\n")
		if len(all) != 9 || !strings.HasPrefix(all[0], "时间|用户|角色|地址|操作|结果|对象|内容|条数") ||
			!strings.Contains(sheet, "核查通过") || !strings.Contains(sheet, "人员 李**") || strings.Contains(sheet, "verify_pass") ||
			strings.Contains(sheet, p.IDNumber) {
			t.Errorf("the export:\n%s", sheet)
		}

		// The auditor's reads are in the log.
		k.Audit.Flush()
		es, _, err := k.Audit.Query(ctx, audit.Filter{UserName: "shenji"})
		if err != nil {
			t.Fatal(err)
		}
		var did []string
		for _, e := range es {
			did = append(did, e.Action+" "+e.Route+" "+e.Detail)
		}
		log := strings.Join(did, "\n")
		for _, want := range []string{"export GET /audit/export audit: 用户 xiaoliu", "search GET /audit audit: 用户 窗口小刘",
			"search GET /audit audit: 对象 户 " + strconv.FormatInt(hh.ID, 10)} {
			if !strings.Contains(log, want) {
				t.Errorf("the auditor's reads lack %q:\n%s", want, log)
			}
		}
	})
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i:]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}
