package main

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"shequ/internal/accounts"
	"shequ/internal/database"
	"shequ/internal/orgtree"
	"shequ/internal/testdb"
)

// TestStartCity starts a city from nothing, as the README's "Start your
// own city" does: the schema, the org tree from its list, the staff's
// accounts from theirs, then a department's list into the register.
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
			if persons != 5 {
				t.Errorf("%d persons in 城北社区, want 5", persons)
			}
			u, err := accounts.NewStore(db).Authenticate(ctx, chosen[0][1], chosen[0][2])
			if err != nil || !u.MustChangePassword {
				t.Errorf("the account %s logs in with the password shown and must change it: %+v %v", chosen[0][1], u, err)
			}
		})
	}
}
