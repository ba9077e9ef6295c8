package imports

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/ident"
	"shequ/internal/register"
	"shequ/internal/sheets"
	"shequ/internal/testwait"
)

// policeWorkbook is 公安's list of 城北 as a messy spreadsheet: a title, a
// header of two rows with merged labels, 户号 merged down a household, a
// legacy 15-digit number, full-width digits, padded names, dates in five
// forms, an ID stored as a number, duplicates, typos that checksums catch
// and typos they do not, a person from the neighbouring community, a total
// line and a sheet of notes.
func policeWorkbook(t *testing.T, f *fixture) []byte {
	t.Helper()
	x := excelize.NewFile()
	s := "户籍人口"
	x.SetSheetName("Sheet1", s)
	x.SetCellValue(s, "A1", "城北社区户籍人口登记表")
	x.MergeCell(s, "A1", "H1")
	for col, label := range map[string]string{"A": "序号", "B": "户号", "C": "姓名"} {
		x.SetCellValue(s, col+"3", label)
		x.MergeCell(s, col+"3", col+"4")
	}
	x.SetCellValue(s, "D3", "基本情况")
	x.MergeCell(s, "D3", "F3")
	x.SetCellValue(s, "G3", "联系方式")
	x.MergeCell(s, "G3", "H3")
	for col, label := range map[string]string{"D": "性别", "E": "出生日期", "F": "公民身份号码", "G": "户籍地址", "H": "联系电话"} {
		x.SetCellValue(s, col+"4", label)
	}
	dateStyle, _ := x.NewStyle(&excelize.Style{NumFmt: 14})
	newID := ident.MakeResidentID("610603", date(2024, 1, 2), 3)
	badID := ident.MakeResidentID("610603", date(1990, 1, 1), 77)
	badID = badID[:17] + string("10X98765432"[(strings.IndexByte("10X98765432", badID[17])+1)%11])
	rows := [][]any{
		{1, "CB0001", "李建国  ", "男", nil, legacy(f.p1.IDNumber), f.p1.HukouAddress + "附1号", "13909110001"},
		{2, nil, "王 秀兰", "女", "1970.08.01", fullWidth(f.p2.IDNumber), f.p2.HukouAddress, "139-0911-0002"},
		{3, nil, "李明", "男", "2000-05-05", 6.10603200005050e17, f.p3.HukouAddress, ""},
		{4, "CB0002", "张伟", "男", "1985年1月1日", f.p4.IDNumber, f.p4.HukouAddress, "13812345678"},
		{5, "CB0002", "张秀英", "女", "19870202", f.p5.IDNumber, f.p5.HukouAddress, "13700000000"},
		{6, "CB0002", "张小宝", "男", "2024-1-2", newID, f.p4.HukouAddress, ""},
		{7, "CB0002", "张伟", "男", "1985-01-01", f.p4.IDNumber, f.p4.HukouAddress, "138 1234 5678"},
		{8, "CB0002", "张秀英", "女", "1987-02-02", f.p5.IDNumber, f.p5.HukouAddress, "13600000000"},
		{9, "CB0001", "李明", "男", "2000-05-06", ident.MakeResidentID("610603", date(2000, 5, 6), 51), f.p3.HukouAddress, ""},
		{10, "CN0001", "赵强", "男", "1975/6/6", f.p6.IDNumber, f.p6.HukouAddress, f.p6.Phone},
		{11, "CB0001", "某甲", "男", "", badID, "", ""},
		{12, "CB0001", "王秀兰", "女", "1970-08-09", f.p2.IDNumber, f.p2.HukouAddress, ""},
		{13, "CB0002", "张伟", "男", "1985-01-02", ident.MakeResidentID("610603", date(1985, 1, 2), 17), f.p4.HukouAddress, ""},
		{14, "CB0001", "王秀兰", "女", "1970-08-02", ident.MakeResidentID("610602", date(1970, 8, 2), 242), f.p2.HukouAddress, ""},
	}
	for i, r := range rows {
		n := 5 + i
		cell, _ := excelize.CoordinatesToCellName(1, n)
		x.SetSheetRow(s, cell, &r)
	}
	x.SetCellValue(s, "E5", 24906) // 1968-03-09 as an Excel date
	x.SetCellStyle(s, "E5", "E5", dateStyle)
	x.MergeCell(s, "B5", "B7")
	x.SetCellValue(s, "A19", "合计")
	x.SetCellValue(s, "C19", "共14人")
	x.NewSheet("填表说明")
	x.SetCellValue("填表说明", "A1", "1. 本表以户为单位填写。")
	return saveXLSX(t, x)
}

func civilCSV(t *testing.T, f *fixture) []byte {
	t.Helper()
	text := "序号,姓名,身份证号码,批准日期,月保障金额\r\n" +
		"1,李建国,'" + f.p1.IDNumber + ",2023/5/1,600\r\n" +
		"2,张伟," + f.p4.IDNumber + ",45047,300\r\n" +
		"3,王秀兰,6.10602E+17,2023-05-01,300\r\n" +
		"合计,3人,,,\r\n"
	b, err := simplifiedchinese.GBK.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(b)
}

func TestImportMessyLists(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		sys := access.System
		police := f.write(t, "公安.xlsx", policeWorkbook(t, f))

		a, err := f.svc.Analyse(ctx, police, "公安.xlsx", "police")
		if err != nil {
			t.Fatal(err)
		}
		sl := a.Layout.Sheets[0]
		if sl.HeaderRow != 3 || sl.DataRow != 5 || strings.Join(sl.Fields, ",") !=
			",household_number,name,gender,birth_date,id_number,hukou_address,phone" {
			t.Fatalf("layout: header %d data %d labels %q fields %q", sl.HeaderRow, sl.DataRow, sl.Labels, sl.Fields)
		}
		if a.Layout.Sheets[1].Skipped == "" || len(sl.Samples) != 3 || sl.Samples[0][2] != "李建国  " {
			t.Errorf("notes sheet %+v, samples %q", a.Layout.Sheets[1], sl.Samples)
		}

		events := f.count(t, `SELECT COUNT(*) FROM change_events`)
		im, how := f.importFile(t, sys, police, "police", f.cb.ID, Request{})
		if how != CreatedNew || im.Status != StatusDone || im.RowsDone != 15 {
			t.Fatalf("import: %v %+v", how, im)
		}
		if got := counts(im); got != "created 4 merged 2 queued 1 rejected 4 unchanged 3" {
			t.Errorf("police: %s", got)
		}
		p1 := f.person(t, f.p1.ID)
		if p1.HukouAddress != f.p1.HukouAddress+"附1号" || p1.Name != "李建国" || p1.Version != 2 {
			t.Errorf("公安 is the authority for 户籍地址: %+v", p1)
		}
		if p4 := f.person(t, f.p4.ID); p4.Phone != "13812345678" {
			t.Errorf("an empty phone is filled: %q", p4.Phone)
		}
		if p5 := f.person(t, f.p5.ID); p5.Phone != f.p5.Phone {
			t.Errorf("a differing phone waits for a person: %q", p5.Phone)
		}
		// The new-born joins 户 CB0002, and so does the namesake of 张伟
		// with another valid number: another person, not a question.
		members, err := f.reg.Members(ctx, access.Everything, f.h2)
		if err != nil || len(members) != 4 {
			t.Fatalf("the new-born joins 户 CB0002: %d %v", len(members), err)
		}
		if ps, _ := f.reg.PersonsByDocument(ctx, []string{ident.MakeResidentID("610602", date(1970, 8, 2), 242)}); len(ps) != 1 || ps[0].Name != "王秀兰" {
			t.Errorf("王秀兰 with another number is somebody else: %+v", ps)
		}
		changes, err := f.reg.History(ctx, access.AllFields, "person", f.p1.ID)
		if err != nil || len(changes) == 0 || changes[0].Source != "import:police" || changes[0].Actor != "系统" ||
			len(changes[0].Fields) != 1 || changes[0].Fields[0].Field != "hukou_address" {
			t.Errorf("change event: %+v %v", changes, err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM change_events`) - events; n != 6 {
			t.Errorf("%d change events, want 6 (two updates, four persons)", n)
		}
		open, _, err := f.svc.Conflicts(ctx, access.Everything, ConflictQuery{ImportID: im.ID})
		if err != nil || len(open) != 1 || open[0].Kind != KindFields || open[0].Sheet != "户籍人口" || open[0].RowNum != 9 {
			t.Fatalf("queue: %+v %v", open, err)
		}

		// The rejected rows, with the file's own columns and a reason each.
		rejects, err := f.svc.Rejects(ctx, access.Everything, im.ID, 0, 0)
		if err != nil || len(rejects) != 4 {
			t.Fatalf("rejects: %v %v", rejects, err)
		}
		wantReasons := []struct {
			row    int
			reason string
			col    int
		}{
			{7, "Excel 存成了数字", 5},
			{12, "第 9 行的证件号码相同,但内容不同", -1},
			{15, "校验位错误", 5},
			{16, "与身份证号码中的 1970-08-01 不一致", 4},
		}
		for i, w := range wantReasons {
			r := rejects[i]
			if r.RowNum != w.row || !strings.Contains(r.Reason, w.reason) || (w.col >= 0 && (len(r.Columns) == 0 || r.Columns[0] != w.col)) {
				t.Errorf("reject %d: row %d %q cols %v, want row %d %q col %d", i, r.RowNum, r.Reason, r.Columns, w.row, w.reason, w.col)
			}
		}
		var buf bytes.Buffer
		if n, err := f.svc.WriteRejects(ctx, access.Everything, im.ID, &buf); err != nil || n != 4 {
			t.Fatalf("reject file: %d %v", n, err)
		}
		book, err := sheets.Open(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "r.xlsx", sheets.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		rr, _ := book.Rows(0)
		var lines [][]string
		for rr.Next() {
			var l []string
			for _, c := range rr.Row().Cells {
				l = append(l, c.Value)
			}
			lines = append(lines, l)
		}
		if len(lines) != 5 || lines[0][8] != "原因" || lines[0][9] != "原表行号" || lines[1][2] != "李明" ||
			!strings.Contains(lines[1][8], "【基本情况/公民身份号码】") || lines[1][9] != "7" || lines[1][1] != "CB0001" {
			t.Errorf("reject file: %q", lines)
		}

		// 民政's 低保 roll, a GBK csv: tags where 民政 decides.
		civil := f.write(t, "民政.csv", civilCSV(t, f))
		im2, _ := f.importFile(t, sys, civil, "civil", f.cb.ID, Request{})
		if got := counts(im2); got != "created 0 merged 2 queued 0 rejected 1 unchanged 0" || im2.Encoding != "gb18030" {
			t.Errorf("civil: %s (%s)", got, im2.Encoding)
		}
		tags, err := f.reg.TagsOfPersons(ctx, "dibao", []int64{f.p1.ID, f.p4.ID})
		if err != nil || len(tags) != 2 || tags[0].StartedOn != "2023-05-01" || tags[1].StartedOn != "2023-05-01" ||
			!strings.Contains(tags[0].Note+tags[1].Note, "月保障金额:600") {
			t.Errorf("dibao tags: %+v %v", tags, err)
		}

		// The same file again changes nothing, and says so.
		events = f.count(t, `SELECT COUNT(*) FROM change_events`)
		again, how := f.importFile(t, sys, police, "police", f.cb.ID, Request{})
		if how != CreatedDuplicate || again.ID != im.ID {
			t.Errorf("the same file: %v %d", how, again.ID)
		}
		// The same content in another file is read again: nothing to do.
		copy := f.write(t, "公安-副本.xlsx", append(policeWorkbook(t, f), 0))
		im3, how := f.importFile(t, sys, copy, "police", f.cb.ID, Request{})
		if how != CreatedNew || counts(im3) != "created 0 merged 0 queued 1 rejected 4 unchanged 9" {
			t.Errorf("the same content again: %v %s", how, counts(im3))
		}
		if n := f.count(t, `SELECT COUNT(*) FROM change_events`); n != events {
			t.Errorf("importing again wrote %d change events", n-events)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM import_conflicts`); n != 1 {
			t.Errorf("importing again queued again: %d conflicts", n)
		}
		list, err := f.svc.Imports(ctx, sys, ListQuery{})
		if err != nil || len(list) != 3 {
			t.Errorf("imports: %d %v", len(list), err)
		}
	})
}

func TestResolveConflicts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		sys := access.System
		police := f.write(t, "公安.xlsx", policeWorkbook(t, f))
		im, _ := f.importFile(t, sys, police, "police", f.cb.ID, Request{})
		open, _, err := f.svc.Conflicts(ctx, access.Everything, ConflictQuery{})
		if err != nil {
			t.Fatal(err)
		}
		byPerson := map[int64]*Conflict{}
		for _, c := range open {
			byPerson[c.PersonID] = c
		}
		// 张秀英's phone: keep the register's.
		c := byPerson[f.p5.ID]
		if c == nil || c.Kind != KindFields || len(c.Fields) != 1 || c.Fields[0].Field != "phone" ||
			c.Fields[0].Register != f.p5.Phone || c.Fields[0].Incoming != "13700000000" {
			t.Fatalf("phone conflict: %+v", c)
		}
		if err := f.svc.Resolve(ctx, sys, c.ID, Resolution{Version: c.Version + 1, Choices: map[string]string{"phone": "register"}}); err == nil {
			t.Error("a stale version was accepted")
		}
		if err := f.svc.Resolve(ctx, sys, c.ID, Resolution{Version: c.Version}); err == nil {
			t.Error("a decision without choices was accepted")
		}
		if err := f.svc.Resolve(ctx, sys, c.ID, Resolution{Version: c.Version, Choices: map[string]string{"phone": "register"}}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Resolve(ctx, sys, c.ID, Resolution{Version: c.Version, Choices: map[string]string{"phone": "register"}}); err == nil {
			t.Error("resolved twice")
		}
		if n, _ := f.svc.CountConflicts(ctx, access.Everything); n != 0 {
			t.Errorf("%d conflicts left", n)
		}

		// The decisions hold: the same list again queues nothing.
		copy := f.write(t, "公安-副本.xlsx", append(policeWorkbook(t, f), 0))
		im2, _ := f.importFile(t, sys, copy, "police", f.cb.ID, Request{})
		if got := counts(im2); got != "created 0 merged 0 queued 0 rejected 4 unchanged 10" {
			t.Errorf("after the decisions: %s", got)
		}
		if p := f.person(t, f.p5.ID); p.Phone != f.p5.Phone || p.Version != f.p5.Version {
			t.Errorf("a declined value came back: %+v", p)
		}
		_ = im
	})
}

// A community worker imports into their community only, and rows of
// persons living elsewhere are refused.
func TestImportScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		if _, err := db.ExecContext(ctx, `INSERT INTO users (id, name, password_hash, created_at, updated_at)
			VALUES (7, '城北工作者', 'x', '2026-01-01', '2026-01-01')`); err != nil {
			t.Fatal(err)
		}
		acs := access.NewService(db)
		if err := acs.AddGrant(ctx, nil, &access.Grant{UserID: 7, Role: "community_staff", Units: []int64{f.cb.ID}}); err != nil {
			t.Fatal(err)
		}
		v, err := acs.Viewer(ctx, 7, "城北工作者")
		if err != nil {
			t.Fatal(err)
		}
		police := f.write(t, "公安.xlsx", policeWorkbook(t, f))
		if _, _, err := f.svc.Create(ctx, v, Request{UnitID: f.cn.ID, Department: "police", Path: police, FileName: "公安.xlsx"}); err == nil {
			t.Error("imported into another community")
		}
		if _, _, err := f.svc.Create(ctx, v, Request{UnitID: f.street.ID, Department: "police", Path: police, FileName: "公安.xlsx"}); err == nil {
			t.Error("imported into the street")
		}
		im, _ := f.importFile(t, v, police, "police", f.cb.ID, Request{})
		if got := counts(im); got != "created 4 merged 2 queued 1 rejected 5 unchanged 2" {
			t.Errorf("as 城北's worker: %s", got)
		}
		rs, _ := f.svc.Rejects(ctx, access.Everything, im.ID, 0, 0)
		found := false
		for _, r := range rs {
			found = found || r.RowNum == 14 && strings.Contains(r.Reason, "城南社区")
		}
		if !found {
			t.Errorf("赵强 of 城南 should be refused: %+v", rs)
		}
		if changes, _ := f.reg.History(ctx, access.AllFields, "person", f.p1.ID); changes[0].ActorID != 7 {
			t.Errorf("changes are recorded under the worker: %+v", changes[0])
		}
		list, err := f.svc.Imports(ctx, v, ListQuery{})
		if err != nil || len(list) != 1 {
			t.Errorf("the worker's imports: %d %v", len(list), err)
		}
		if _, err := f.svc.Import(ctx, access.Nobody.Scope(PermImport), im.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("an import outside the scope: %v", err)
		}
	})
}

// Files the limits refuse are refused before any row is taken.
func TestImportRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		x := excelize.NewFile()
		x.SetSheetRow("Sheet1", "A1", &[]any{"姓名", "身份证号", "年龄"})
		x.SetSheetRow("Sheet1", "A2", &[]any{"李建国", f.p1.IDNumber})
		x.SetCellFormula("Sheet1", "C2", "=2026-1968")
		formula := f.write(t, "公式.xlsx", saveXLSX(t, x))
		_, _, err := f.svc.Create(ctx, access.System, Request{UnitID: f.cb.ID, Department: "police", Path: formula, FileName: "公式.xlsx"})
		var se *sheets.Error
		if !errors.As(err, &se) || !strings.Contains(se.Msg, "公式") {
			t.Errorf("formula: %v", err)
		}
		var sb strings.Builder
		sb.WriteString("姓名,身份证号\n")
		for i := 0; i < 30; i++ {
			sb.WriteString("某," + strconv.Itoa(i) + "\n")
		}
		big := f.write(t, "大.csv", []byte(sb.String()))
		f.svc.Limits.MaxRows = 20
		if _, _, err := f.svc.Create(ctx, access.System, Request{UnitID: f.cb.ID, Department: "police", Path: big, FileName: "大.csv"}); err == nil || !strings.Contains(err.Error(), "20 行") {
			t.Errorf("rows: %v", err)
		}
		f.svc.Limits = sheets.DefaultLimits
		noID := f.write(t, "无号.csv", []byte("姓名,电话\n李建国,13909110001\n"))
		if _, _, err := f.svc.Create(ctx, access.System, Request{UnitID: f.cb.ID, Department: "police", Path: noID, FileName: "无号.csv"}); err == nil {
			t.Error("a list without ID numbers was taken")
		}
		// A person names the column by hand.
		odd := f.write(t, "怪.csv", []byte("姓名,号\n李建国,"+f.p1.IDNumber+"\n"))
		im, _ := f.importFile(t, access.System, odd, "police", f.cb.ID, Request{Mapping: map[string]string{"号": "id_number"}})
		if counts(im) != "created 0 merged 0 queued 0 rejected 0 unchanged 1" {
			t.Errorf("hand mapping: %s", counts(im))
		}
		saved, _ := f.svc.savedMapping(ctx, "police")
		if saved["号"] != "id_number" {
			t.Errorf("the hand mapping is saved for 公安: %v", saved)
		}
		if _, _, err := f.svc.Create(ctx, access.System, Request{UnitID: f.cb.ID, Department: "police", Path: odd,
			FileName: "怪.csv", Mapping: map[string]string{"号": "id_number", "姓名": "id_number"}}); err == nil {
			t.Error("two columns for one field")
		}
		if _, _, err := f.svc.Create(ctx, access.System, Request{UnitID: f.cb.ID, Department: "nobody", Path: odd, FileName: "怪.csv"}); err == nil {
			t.Error("an unknown department")
		}
		_ = register.ErrStale
	})
}

// An upload whose file went missing before its import ran (a server
// restarted without a lasting --import-dir) fails with a clear message, and
// the same file sent again carries the import on.
func TestLostUploadResumes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		b := policeWorkbook(t, f)
		up, path, err := f.svc.SaveUpload(1, "police", f.cb.ID, "公安.xlsx", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		im, _, err := f.svc.Create(ctx, access.System, Request{UnitID: f.cb.ID, Department: "police", Path: path, FileName: up.FileName, Spool: true})
		if err != nil {
			t.Fatal(err)
		}
		os.Remove(path)
		if err := f.svc.Run(ctx, access.System, im.ID, "", nil); err == nil {
			t.Fatal("ran without its file")
		}
		im, _ = f.svc.Import(ctx, access.Everything, im.ID)
		if im.Status != StatusFailed || !strings.Contains(im.Message, "原始文件已不在") {
			t.Errorf("status %s: %s", im.Status, im.Message)
		}
		_, path2, err := f.svc.SaveUpload(1, "police", f.cb.ID, "公安.xlsx", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		again, how, err := f.svc.Create(ctx, access.System, Request{UnitID: f.cb.ID, Department: "police", Path: path2, FileName: up.FileName, Spool: true})
		if err != nil || how != CreatedResume || again.ID != im.ID {
			t.Fatalf("sent again: %v %v", how, err)
		}
		if !f.svc.Go(access.System, im.ID) {
			t.Fatal("not started")
		}
		testwait.Until(t, "the import to end", func() bool { return !f.svc.Running(im.ID) })
		im, _ = f.svc.Import(ctx, access.Everything, im.ID)
		if im.Status != StatusDone || counts(im) != "created 4 merged 2 queued 1 rejected 4 unchanged 3" {
			t.Errorf("after sending again: %s %s", im.Status, counts(im))
		}
		if _, err := os.Stat(path2); !os.IsNotExist(err) {
			t.Error("the upload is kept after its import ended")
		}
	})
}
