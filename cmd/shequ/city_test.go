package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"shequ/internal/accounts"
	"shequ/internal/database"
	"shequ/internal/orgtree"
	"shequ/internal/testdb"
)

// TestStartCity starts a city from nothing, as the README's "Start your
// own city" does: the schema, the org tree from its list, the staff's
// accounts from theirs, then departments' lists into the register: 公安's
// household register, then 计生's roster of women of child-bearing age.
func TestStartCity(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			dsn := e.DSN(t)
			run := func(want string, args ...string) string {
				t.Helper()
				out, err := shequ(t, args...)
				if err != nil {
					t.Fatalf("shequ %s: %v\n%s", strings.Join(args, " "), err, out)
				}
				if !strings.Contains(out, want) {
					t.Fatalf("shequ %s: want %q in\n%s", strings.Join(args, " "), want, out)
				}
				return out
			}
			run("当前结构版本", "migrate", "--db", dsn)
			run("新建 13,更新 0,无变化 0(共 13 行)", "org", "import", "--db", dsn, "testdata/城市.csv")
			run("未作任何更改(共 13 行)", "org", "import", "--db", dsn, "testdata/城市.csv")
			out := run("新建账号 4 个,已存在未改动 0 个", "user", "import", "--db", dsn, "testdata/账号.csv")
			// Three passwords chosen for the three rows without one, shown
			// once; the administrator's own is not repeated.
			chosen := regexp.MustCompile(`(?m)^(wangge1|shequ1|jiedao1)\s+\S+\s+([A-Za-z0-9]{12})$`).FindAllStringSubmatch(out, -1)
			if len(chosen) != 3 || strings.Contains(out, "Admin-pass-2026") {
				t.Fatalf("chosen passwords:\n%s", out)
			}
			run("已存在未改动 4 个", "user", "import", "--db", dsn, "testdata/账号.csv")
			out = run("新增 5,合并 0,待核实 0,未导入 0,无变化 0(共 5 行)",
				"import", "--db", dsn, "--department", "police", "--unit", "城北社区", "testdata/公安-户籍人口.csv")
			run("未作任何更改", "import", "--db", dsn, "--department", "police", "--unit", "城北社区", "testdata/公安-户籍人口.csv")

			// Then 计生's roster of women of child-bearing age, as the
			// department keeps it: a title above the header, 出生年月 without
			// a day, 婚姻状况 (which the register has no place for), 孕情 with
			// 末次月经 and 预产期, a row without an ID number, a total and the
			// signatures below. Its 孕情 dates are around today: a 孕情 that
			// ended before the import is history the import leaves out.
			today := time.Now()
			lastPeriod, due := today.AddDate(0, 0, -100).Format("2006-01-02"), today.AddDate(0, 0, 180).Format("2006-01-02")
			roster := filepath.Join(t.TempDir(), "计生-育龄妇女.csv")
			writeFile(t, roster, "城北社区育龄妇女花名册\n"+
				"序号,姓名,身份证号,出生年月,婚姻状况,孕情,末次月经,预产期,现居住地址\n"+
				// In the register from 公安's list: merged, with her 孕情.
				"1,李秀英,610603198512150021,1985.12,已婚,有,"+lastPeriod+","+due+",延安市安塞区真武洞街道城北路1号\n"+
				// New to the register: created, 育龄妇女 only.
				"2,赵丽,610603199001150024,1990.01,未婚,无,,,延安市安塞区真武洞街道城北路12号\n"+
				// No number, a month only, nobody like her: refused, saying why.
				"3,孙梅,,1993.07,已婚,早孕,,"+due+",延安市安塞区真武洞街道城北路15号\n"+
				// The month contradicts the number: refused.
				"4,王丽,610603198805200045,1988.06,已婚,无,,,延安市安塞区真武洞街道城北路3号\n"+
				"合计:4人,,,,,,,,\n"+
				"制表人:马兰,,,,审核人:高峰,,,,\n")
			out = run("新增 1,合并 1,待核实 0,未导入 2,无变化 0(共 4 行)",
				"import", "--db", dsn, "--department", "health", "--unit", "城北社区", roster)
			for _, want := range []string{"表头在第 2 行", "出生年月→出生日期", "婚姻状况→不导入", "孕情→孕情", "末次月经→孕情:孕期开始",
				"预产期→孕情:预产期(孕情结束)"} {
				if !strings.Contains(out, want) {
					t.Errorf("计生's layout: want %q in\n%s", want, out)
				}
			}
			// The same list saved again by another program (CRLF line ends):
			// every row compared, nothing changed.
			resaved := filepath.Join(t.TempDir(), "计生-育龄妇女(副本).csv")
			b, err := os.ReadFile(roster)
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, resaved, strings.ReplaceAll(string(b), "\n", "\r\n"))
			run("新增 0,合并 0,待核实 0,未导入 2,无变化 2(共 4 行)",
				"import", "--db", dsn, "--department", "health", "--unit", "城北社区", resaved)

			db, err := database.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			cb, err := orgtree.NewStore(db).ByCode(ctx, "610603100001")
			if err != nil {
				t.Fatal(err)
			}
			var persons int
			if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM persons WHERE community_id = $1`, cb.ID).Scan(&persons); err != nil {
				t.Fatal(err)
			}
			if persons != 6 {
				t.Errorf("%d persons in 城北社区, want 5 from 公安 and 1 from 计生", persons)
			}
			tags := func(idNumber string) string {
				t.Helper()
				rows, err := db.QueryContext(ctx, `SELECT t.tag, t.started_on, COALESCE(t.ended_on, ''), t.note FROM persons p
					JOIN person_tags t ON t.community_id = p.community_id AND t.person_id = p.id WHERE p.id_number = $1 ORDER BY t.tag`, idNumber)
				if err != nil {
					t.Fatal(err)
				}
				defer rows.Close()
				var out []string
				for rows.Next() {
					var tag, start, end, note string
					if err := rows.Scan(&tag, &start, &end, &note); err != nil {
						t.Fatal(err)
					}
					if tag == "childbearing" && start != "" && end == "" {
						start = "(the import's day)"
					}
					out = append(out, tag+" "+start+"~"+end+" "+note)
				}
				return strings.Join(out, "; ")
			}
			if got, want := tags("610603198512150021"), "childbearing (the import's day)~ ; pregnant "+lastPeriod+"~"+due+" "; got != want {
				t.Errorf("李秀英's tags: %q, want %q", got, want)
			}
			if got, want := tags("610603199001150024"), "childbearing (the import's day)~ "; got != want {
				t.Errorf("赵丽's tags: %q, want %q", got, want)
			}
			var zhao string
			db.QueryRowContext(ctx, `SELECT birth_date FROM persons WHERE id_number = $1`, "610603199001150024").Scan(&zhao)
			if zhao != "1990-01-15" {
				t.Errorf("赵丽 born %q: the birth date is the ID's, the month agreeing with it", zhao)
			}
			rows, err := db.QueryContext(ctx, `SELECT r.row_num, r.reason FROM import_rejects r JOIN imports i ON i.id = r.import_id
				WHERE i.file_name = $1 ORDER BY r.row_num`, "计生-育龄妇女.csv")
			if err != nil {
				t.Fatal(err)
			}
			var rejects []string
			for rows.Next() {
				var n int
				var reason string
				if err := rows.Scan(&n, &reason); err != nil {
					t.Fatal(err)
				}
				rejects = append(rejects, fmt.Sprintf("%d %s", n, reason))
			}
			rows.Close()
			if len(rejects) != 2 || !strings.HasPrefix(rejects[0], "5 ") || !strings.Contains(rejects[0], "没有证件号码") ||
				!strings.HasPrefix(rejects[1], "6 ") || !strings.Contains(rejects[1], "出生年月 1988-06 与身份证号码中的 1988-05 不一致") {
				t.Errorf("计生's rejects: %q", rejects)
			}
			u, err := accounts.NewStore(db).Authenticate(ctx, chosen[0][1], chosen[0][2])
			if err != nil || !u.MustChangePassword {
				t.Errorf("the account %s logs in with the password shown and must change it: %+v %v", chosen[0][1], u, err)
			}
		})
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}
