package imports

import (
	"context"
	"strings"
	"testing"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/ident"
)

// 计生's roster of women of child-bearing age gives 孕情 with 末次月经 and
// 预产期: those columns are mapped, not left out, and the register gets the
// 孕情 tag with its dates beside the 育龄妇女 tag the list is about.
func TestTagColumns(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		newcomer := ident.MakeResidentID("610603", date(1995, 5, 5), 22)
		text := "序号,姓名,身份证号,孕情,末次月经,预产期,现居住地址\n" +
			"1,张秀英," + f.p5.IDNumber + ",有,2026-03-01,2026-12-06," + f.p5.Address + "\n" +
			"2,王秀兰," + f.p2.IDNumber + ",无,,," + f.p2.Address + "\n" +
			"3,刘芳," + newcomer + ",早孕,,2027-01-10," + f.h2.Address + "\n"
		path := f.write(t, "计生.csv", []byte(text))
		prev, _, err := f.svc.Create(ctx, access.System, Request{UnitID: f.cb.ID, Department: "health", Path: path, FileName: "计生.csv"})
		if err != nil {
			t.Fatal(err)
		}
		fields := strings.Join(prev.Layout.Sheets[0].Fields, ",")
		if fields != ",name,id_number,tag:pregnant,tag:pregnant:started_on,tag:pregnant:ended_on,address" {
			t.Errorf("mapping: %s", fields)
		}
		if err := f.svc.Run(ctx, access.System, prev.ID, path, nil); err != nil {
			t.Fatal(err)
		}
		im, _ := f.svc.Import(ctx, access.Everything, prev.ID)
		if got := counts(im); got != "created 1 merged 2 queued 0 rejected 0 unchanged 0" {
			t.Errorf("counts: %s", got)
		}
		tags := func(id int64) string {
			t.Helper()
			var out []string
			for _, code := range []string{"childbearing", "pregnant"} {
				ts, err := f.reg.TagsOfPersons(ctx, code, []int64{id})
				if err != nil {
					t.Fatal(err)
				}
				for _, tg := range ts {
					out = append(out, tg.Tag+" "+tg.StartedOn+"~"+tg.EndedOn+" "+tg.Note)
				}
			}
			return strings.Join(out, "; ")
		}
		if got := tags(f.p5.ID); got != "childbearing 2026-06-01~ ; pregnant 2026-03-01~2026-12-06 " {
			t.Errorf("张秀英: %s", got)
		}
		if got := tags(f.p2.ID); got != "childbearing 2026-06-01~ " {
			t.Errorf("王秀兰 (无): %s", got)
		}
		ps, _ := f.reg.PersonsByDocument(ctx, []string{newcomer})
		if len(ps) != 1 {
			t.Fatalf("刘芳: %+v", ps)
		}
		if got := tags(ps[0].ID); got != "childbearing 2026-06-01~ ; pregnant 2026-06-01~2027-01-10 早孕" {
			t.Errorf("刘芳: %s", got)
		}

		// The same list again changes nothing; a later 预产期 is 计生's to say.
		again := f.write(t, "计生-副本.csv", []byte(text+"\n"))
		im2, _ := f.importFile(t, access.System, again, "health", f.cb.ID, Request{})
		if got := counts(im2); got != "created 0 merged 0 queued 0 rejected 0 unchanged 3" {
			t.Errorf("again: %s", got)
		}
		moved := f.write(t, "计生-更新.csv", []byte(strings.Replace(text, "2026-12-06", "2026-12-20", 1)))
		im3, _ := f.importFile(t, access.System, moved, "health", f.cb.ID, Request{})
		if got := counts(im3); got != "created 0 merged 1 queued 0 rejected 0 unchanged 2" {
			t.Errorf("a later 预产期: %s", got)
		}
		if got := tags(f.p5.ID); !strings.Contains(got, "pregnant 2026-03-01~2026-12-20") {
			t.Errorf("张秀英 after: %s", got)
		}

		// 民政 is no authority on 孕情: its column is a question, and the
		// answer taken from the list brings the tag with its dates.
		civil := f.write(t, "民政.csv", []byte("姓名,身份证号,孕情,末次月经,预产期\n李建国,"+f.p1.IDNumber+",无,,\n赵强,"+
			f.p6.IDNumber+",是,2026-04-01,2027-01-05\n"))
		im4, _ := f.importFile(t, access.System, civil, "civil", f.street.ID, Request{Adjust: func(o *Options) { o.Tag = "" }})
		if got := counts(im4); got != "created 0 merged 0 queued 1 rejected 0 unchanged 1" {
			t.Errorf("民政: %s", got)
		}
		open, _, err := f.svc.Conflicts(ctx, access.Everything, ConflictQuery{ImportID: im4.ID})
		if err != nil || len(open) != 1 || len(open[0].Fields) != 1 || open[0].Fields[0].Field != "tag.pregnant" ||
			open[0].Fields[0].Label != "孕情" {
			t.Fatalf("queue: %+v %v", open, err)
		}
		c := open[0]
		if err := f.svc.Resolve(ctx, access.System, c.ID, Resolution{Version: c.Version, Decision: DecideFields,
			Choices: map[string]string{"tag.pregnant": ChooseIncoming}}); err != nil {
			t.Fatal(err)
		}
		if got := tags(f.p6.ID); got != "pregnant 2026-04-01~2027-01-05 " {
			t.Errorf("赵强 after the decision: %s", got)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM person_tags WHERE person_id = $1`, f.p1.ID); n != 0 {
			t.Errorf("李建国 (无) got %d tags", n)
		}
	})
}
