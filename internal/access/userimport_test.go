package access

import (
	"context"
	"errors"
	"strings"
	"testing"

	"shequ/internal/accounts"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/sheets"
)

func readAccounts(t *testing.T, text string) *AccountFile {
	t.Helper()
	f, err := ReadAccountFile(strings.NewReader(text), int64(len(text)), "账号.csv")
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func countRows(t *testing.T, db *database.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportAccounts(t *testing.T) {
	accounts.SetCost(accounts.Argon2Params{Time: 1, Memory: 64, Threads: 1})
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		tr := newTree(t, db)
		s, users := NewService(db), accounts.NewStore(db)
		file := "真武洞街道网格员名单\n" +
			"账号,姓名,角色,授权范围,备注,初始密码\n" +
			"wang1,王一,网格员,安塞区/真武洞街道/城北社区/第一网格,,\n" +
			"li2,李二,window_clerk,\"安塞区/真武洞街道/城北社区,紫南社区\",一站两居,given-pass-22\n" +
			"zhao3,赵三,社区工作者,紫南社区,,\n"
		got, err := s.ImportAccounts(ctx, users, readAccounts(t, file), "命令行")
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Created) != 3 || len(got.Existed) != 0 {
			t.Fatalf("created %+v, existed %v", got.Created, got.Existed)
		}
		pw := map[string]string{}
		for _, a := range got.Created {
			pw[a.Name] = a.Password
		}
		if pw["li2"] != "" || len(pw["wang1"]) != 12 || len(pw["zhao3"]) != 12 || pw["wang1"] == pw["zhao3"] {
			t.Errorf("passwords: only those the file lacks are chosen, each its own: %q", pw)
		}
		pw["li2"] = "given-pass-22"
		for name, want := range map[string][]int64{"wang1": {tr.grid1.ID}, "li2": {tr.cb.ID, tr.zn.ID}, "zhao3": {tr.zn.ID}} {
			u, err := users.Authenticate(ctx, name, pw[name])
			if err != nil || !u.MustChangePassword {
				t.Errorf("%s: %+v %v; an imported account must change its password", name, u, err)
				continue
			}
			gs, err := s.Grants(ctx, u.ID)
			if err != nil || len(gs) != 1 || len(gs[0].Units) != len(want) {
				t.Errorf("%s's grants: %+v %v", name, gs, err)
				continue
			}
			for i, id := range want {
				if gs[0].Units[i] != id {
					t.Errorf("%s's units %v, want %v", name, gs[0].Units, want)
				}
			}
		}

		// Again: the accounts are there, left as they are.
		got, err = s.ImportAccounts(ctx, users, readAccounts(t, file), "命令行")
		if err != nil || len(got.Created) != 0 || len(got.Existed) != 3 {
			t.Errorf("again: %+v %v", got, err)
		}
		if _, err := users.Authenticate(ctx, "wang1", pw["wang1"]); err != nil {
			t.Error("importing again changed a password")
		}
	})
}

// TestImportAccountsErrors: errors by row and column, found before or as
// the accounts are written; a file with one makes no account at all.
func TestImportAccountsErrors(t *testing.T) {
	accounts.SetCost(accounts.Argon2Params{Time: 1, Memory: 64, Threads: 1})
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		newTree(t, db)
		s, users := NewService(db), accounts.NewStore(db)
		file := "账号,姓名,角色,授权范围,初始密码\n" +
			"ok1,好人,网格员,第一网格,\n" + // row 2: fine, and not made
			"bad2,,国王,第一网格,\n" + // row 3: no such role
			"bad3,,网格员,安塞区/真武洞街道/城西社区,\n" + // row 4: no such unit
			"bad4,,网格员,第一网格,short\n" + // row 5: a weak password
			"ok1,,网格员,第二网格,\n" + // row 6: the account twice
			"bad6,,网格员,城北社区,\n" + // row 7: a grid worker's place is a grid
			"b,,网格员,第一网格,\n" // row 8: a name too short (the accounts' own rule)
		_, err := s.ImportAccounts(ctx, users, readAccounts(t, file), "命令行")
		var ps sheets.Problems
		if !errors.As(err, &ps) {
			t.Fatalf("err = %v", err)
		}
		want := []string{
			"第3行“角色”列:角色“国王”不存在",
			"第4行“授权范围”列:找不到组织单元“安塞区/真武洞街道/城西社区”:“安塞区/真武洞街道”下没有“城西社区”",
			"第5行“初始密码”列:密码至少10位",
			"第6行“账号”列:与第2行重复",
		}
		if len(ps) != len(want) {
			t.Errorf("problems:\n%v", err)
		}
		for i, w := range want {
			if i >= len(ps) || !strings.HasPrefix(ps[i].String(), w) {
				t.Errorf("problem %d: want %q\n%v", i, w, err)
			}
		}
		if n := countRows(t, db, "users"); n != 0 {
			t.Errorf("%d accounts made from a file with errors", n)
		}

		// The rules checked as accounts are written undo what was written.
		file = "账号,角色,授权范围\nok1,网格员,第一网格\nbad6,网格员,城北社区\nb,网格员,第一网格\n"
		_, err = s.ImportAccounts(ctx, users, readAccounts(t, file), "命令行")
		if !errors.As(err, &ps) || len(ps) != 2 || !strings.HasPrefix(ps[0].String(), "第3行“授权范围”列:") ||
			!strings.HasPrefix(ps[1].String(), "第4行“账号”列:用户名应为2到40位") {
			t.Errorf("errors found while writing:\n%v", err)
		}
		if n := countRows(t, db, "users"); n != 0 {
			t.Errorf("%d accounts left by a file refused while written", n)
		}
		if n := countRows(t, db, "grants"); n != 0 {
			t.Errorf("%d grants left by a file refused while written", n)
		}
	})
}
