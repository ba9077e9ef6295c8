package orgtree

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
	"shequ/internal/fault"
	"shequ/internal/sheets"
)

const (
	gridA = `{"type":"Polygon","coordinates":[[[109.31,36.86],[109.32,36.86],[109.32,36.87],[109.31,36.86]]]}`
	gridB = `{"type":"Polygon","coordinates":[[[109.33,36.86],[109.34,36.86],[109.34,36.87],[109.33,36.87],[109.33,36.86]]]}`
)

// cityCSV is a small city as a deployment writes it: a title above the
// header, parents by path, by code and by the end of a path, children
// before their parents in places.
var cityCSV = "延安市组织架构\n" +
	"层级,名称,上级,区划代码,边界\n" +
	"市,延安市,,610600,\n" +
	"区,安塞区,延安市,610603,\n" +
	"社区,城北社区,延安市/安塞区/真武洞街道,610603100001,\n" +
	"街道,真武洞街道,610603,610603100000,\n" +
	"社区,城南社区,610603100000,610603100002,\n" +
	"网格,第1网格,延安市/安塞区/真武洞街道/城北社区,,\"" + strings.ReplaceAll(gridA, `"`, `""`) + "\"\n" +
	"网格,第2网格,城北社区,,\n" +
	"网格,第1网格,城南社区,,\n" +
	"楼栋,1号楼,城北社区/第1网格,,\n"

func readCSV(t *testing.T, text string) *ImportFile {
	t.Helper()
	f, err := ReadImportFile(strings.NewReader(text), int64(len(text)), "城市.csv")
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return f
}

var cli = Actor{Name: "命令行", Source: "import:org"}

func count(t *testing.T, db *database.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportTree(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s := NewStore(db)
		res, err := s.Import(ctx, cli, readCSV(t, cityCSV))
		if err != nil {
			t.Fatal(err)
		}
		if res != (ImportResult{Rows: 9, Created: 9}) {
			t.Errorf("first import: %+v", res)
		}
		cb, err := s.ByCode(ctx, "610603100001")
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.Find(ctx, "1号楼")
		if err != nil {
			t.Fatal(err)
		}
		path, _ := s.Ancestors(ctx, b.ID)
		var names []string
		for _, u := range path {
			names = append(names, u.Name)
		}
		if got := strings.Join(names, "/"); got != "延安市/安塞区/真武洞街道/城北社区/第1网格/1号楼" {
			t.Errorf("the building's path is %s", got)
		}
		if b.CommunityID != cb.ID || b.GridID != path[4].ID || path[4].Boundary != normalBoundary(gridA) {
			t.Errorf("the building's community %d grid %d, grid %+v", b.CommunityID, b.GridID, path[4])
		}
		grids, _ := s.Descendants(ctx, path[0].ID, LevelGrid)
		if len(grids) != 3 {
			t.Errorf("grids under the city: %d", len(grids))
		}
		h, err := s.History(ctx, cb.ID)
		if err != nil || len(h) != 1 || h[0].Op != "create" || h[0].Source != "import:org" {
			t.Errorf("the community's history: %+v %v", h, err)
		}
		closure := count(t, db, "org_closure")

		// The same file again changes nothing.
		res, err = s.Import(ctx, cli, readCSV(t, cityCSV))
		if err != nil || res != (ImportResult{Rows: 9, Unchanged: 9}) {
			t.Errorf("second import: %+v %v", res, err)
		}
		if n := count(t, db, "org_changes"); n != 9 {
			t.Errorf("the second import recorded changes: %d", n)
		}
		if n := count(t, db, "org_closure"); n != closure {
			t.Errorf("closure rows %d, then %d", closure, n)
		}

		// A new name (the code says which unit) and a new boundary are
		// updates with their history; the children follow the new name.
		changed := strings.ReplaceAll(cityCSV, "城北社区", "城北新区社区")
		changed = strings.Replace(changed, "网格,第2网格,城北新区社区,,", "网格,第2网格,城北新区社区,,\""+strings.ReplaceAll(gridB, `"`, `""`)+"\"", 1)
		res, err = s.Import(ctx, cli, readCSV(t, changed))
		if err != nil || res != (ImportResult{Rows: 9, Updated: 2, Unchanged: 7}) {
			t.Fatalf("changed import: %+v %v", res, err)
		}
		cb2, _ := s.Get(ctx, cb.ID)
		if cb2.Name != "城北新区社区" || cb2.Version != 2 {
			t.Errorf("renamed community: %+v", cb2)
		}
		h, _ = s.History(ctx, cb.ID)
		if len(h) != 2 || h[0].Op != "update" || len(h[0].Fields) != 1 || h[0].Fields[0].Field != "name" ||
			h[0].Fields[0].Before != "城北社区" || h[0].Fields[0].After != "城北新区社区" {
			t.Errorf("the rename's history: %+v", h)
		}
		g2, err := s.Find(ctx, "第2网格")
		if err != nil {
			t.Fatal(err)
		}
		if g2.Boundary == "" {
			t.Error("the second grid has no boundary")
		}
		h, _ = s.History(ctx, g2.ID)
		if len(h) != 2 || h[0].Op != "boundary" || h[0].Fields[0].After != "1个多边形,4个顶点" {
			t.Errorf("the boundary's history: %+v", h)
		}
		// An empty boundary cell leaves the boundary alone.
		res, err = s.Import(ctx, cli, readCSV(t, strings.Replace(changed, "\""+strings.ReplaceAll(gridB, `"`, `""`)+"\"", "", 1)))
		if err != nil || res.Updated != 0 {
			t.Errorf("an empty boundary cell: %+v %v", res, err)
		}
	})
}

// TestImportErrors: every error of a file is named by its row and column,
// and a file with one changes nothing.
func TestImportErrors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s := NewStore(db)
		if _, err := s.Import(ctx, cli, readCSV(t, cityCSV)); err != nil {
			t.Fatal(err)
		}
		units, changes := count(t, db, "org_units"), count(t, db, "org_changes")
		bad := "层级,名称,上级,代码,边界\n" +
			"网格,第3网格,延安市/安塞区/真武洞街道/城北社区,,\n" + // row 2: fine
			"组,甲,城北社区,,\n" + // row 3: no such level
			"网格,,城北社区,,\n" + // row 4: no name
			"社区,东关社区,延安市/安塞区/没有街道,,\n" + // row 5: parent not found
			"社区,西关社区,610603100000,6106,\n" + // row 6: a community's code has 12 digits
			"网格,第4网格,城北社区,,\"{\"\"type\"\":\"\"Point\"\"}\"\n" + // row 7: not a polygon
			"网格,第3网格,城北社区,,\n" + // row 8: twice under one parent
			"网格,第9网格,城南社区,,\n" + // row 9: fine
			"楼栋,2号楼,第1网格,,\n" + // row 10: two 第1网格 in the tree
			"街道,南关街道,城北社区,,\n" + // row 11: a street under a community
			"社区,东方社区,真武洞街道,610603100000,\n" + // row 12: the street's code
			"社区,北关社区,延安市/安塞区/东关社区,,\n" // row 13: its parent's row is in error
		_, err := s.Import(ctx, cli, readCSV(t, bad))
		var ie sheets.Problems
		if !errors.As(err, &ie) || !fault.Is(err, fault.Invalid) {
			t.Fatalf("err = %v", err)
		}
		want := []string{
			"第3行“层级”列:层级“组”不存在",
			"第4行“名称”列:请填写名称",
			"第5行“上级”列:找不到上级“延安市/安塞区/没有街道”",
			"第6行“代码”列:街道、社区的区划代码应为12位",
			"第7行“边界”列:边界应为 Polygon 或 MultiPolygon",
			"第8行“名称”列:与第2行重复",
			"第10行“上级”列:上级“第1网格”不唯一",
			"第11行“层级”列:上级“延安市/安塞区/真武洞街道/城北社区”是社区,其下不能设街道",
			"第12行“代码”列:代码 610603100000 已属于街道“延安市/安塞区/真武洞街道”",
			"第13行“上级”列:上级“延安市/安塞区/东关社区”所在的第5行有错误",
		}
		if len(ie) != len(want) {
			t.Errorf("%d problems, want %d:\n%v", len(ie), len(want), err)
		}
		for i, w := range want {
			if i >= len(ie) || !strings.HasPrefix(ie[i].String(), w) {
				t.Errorf("problem %d: want %q\n%v", i, w, err)
			}
		}
		if count(t, db, "org_units") != units || count(t, db, "org_changes") != changes {
			t.Error("a file with errors changed the tree")
		}
	})
}

// TestImportAtomic: a unit changed by someone else between the check and
// the write stops the whole import; what was written of it is undone.
func TestImportAtomic(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s := NewStore(db)
		if _, err := s.Import(ctx, cli, readCSV(t, cityCSV)); err != nil {
			t.Fatal(err)
		}
		units, changes := count(t, db, "org_units"), count(t, db, "org_changes")
		file := strings.ReplaceAll(cityCSV, "城南社区", "城南新社区") +
			"网格,第2网格,城南新社区,,\n楼栋,2号楼,城北社区/第1网格,,\n"
		p, err := s.planImport(ctx, readCSV(t, file))
		if err != nil {
			t.Fatal(err)
		}
		if len(p.created) != 2 || len(p.updated) != 1 {
			t.Fatalf("plan: %d created, %d updated", len(p.created), len(p.updated))
		}
		cn, _ := s.ByCode(ctx, "610603100002")
		cn.Sort = 5
		if err := s.Update(ctx, cn); err != nil {
			t.Fatal(err)
		}
		err = s.applyImport(ctx, cli, p)
		if !fault.Is(err, fault.Conflict) || !strings.Contains(err.Error(), "城南社区") {
			t.Fatalf("apply over a concurrent change: %v", err)
		}
		if count(t, db, "org_units") != units || count(t, db, "org_changes") != changes {
			t.Error("a refused import left rows behind")
		}
		// Run again, it goes through.
		if res, err := s.Import(ctx, cli, readCSV(t, file)); err != nil || res.Created != 2 || res.Updated != 1 {
			t.Errorf("again: %+v %v", res, err)
		}
	})
}

// TestImportGeoJSON: a FeatureCollection whose properties carry the
// fields and whose geometries are the boundaries.
func TestImportGeoJSON(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s := NewStore(db)
		if _, err := s.Import(ctx, cli, readCSV(t, cityCSV)); err != nil {
			t.Fatal(err)
		}
		doc := `{"type":"FeatureCollection","features":[
			{"type":"Feature","properties":{"层级":"网格","名称":"第5网格","上级":"610603100002"},"geometry":` + gridB + `},
			{"type":"Feature","properties":{"层级":"网格","名称":"第6网格","上级":"延安市/安塞区/真武洞街道/城南社区"},"geometry":null},
			{"type":"Feature","properties":{"level":"社区","name":"城西社区","parent":"真武洞街道","code":610603100003},"geometry":null}]}`
		f, err := ReadImportFile(strings.NewReader(doc), int64(len(doc)), "网格.geojson")
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.Import(ctx, cli, f)
		if err != nil || res.Created != 3 {
			t.Fatalf("import: %+v %v", res, err)
		}
		g, _ := s.Find(ctx, "第5网格")
		if g.Boundary != normalBoundary(gridB) {
			t.Errorf("boundary %q", g.Boundary)
		}
		if cw, err := s.ByCode(ctx, "610603100003"); err != nil || cw.Name != "城西社区" {
			t.Errorf("a code written as a number: %+v %v", cw, err)
		}
		if res, err := s.Import(ctx, cli, f); err != nil || res.Unchanged != 3 {
			t.Errorf("again: %+v %v", res, err)
		}
		bad := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"层级":"网格","名称":"第7网格","上级":"无此社区"},"geometry":null}]}`
		f, _ = ReadImportFile(strings.NewReader(bad), int64(len(bad)), "x.geojson")
		if _, err := s.Import(ctx, cli, f); err == nil || !strings.Contains(err.Error(), "第1个要素“上级”属性:找不到上级“无此社区”") {
			t.Errorf("a feature's error: %v", err)
		}
	})
}

// TestImportXLSX: a workbook with a title and a header in the template's
// words, and a file without the columns.
func TestImportXLSX(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		s := NewStore(db)
		var buf bytes.Buffer
		w, err := sheets.NewWriter(&buf, "xlsx", "组织架构")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range [][]string{{"延安市组织架构表", "", "", ""}, {"*层级", "*名称", "上级(路径或代码)", "区划代码"},
			{"市", "延安市", "", "610600"}, {"县", "安塞区", "延安市", "610603"}, {"", "", "", ""}, {"镇", "沿河湾镇", "安塞区", "610603101000"}} {
			if err := w.WriteRow(r); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		f, err := ReadImportFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "树.xlsx")
		if err != nil {
			t.Fatal(err)
		}
		if res, err := s.Import(ctx, cli, f); err != nil || res.Created != 3 {
			t.Fatalf("import: %+v %v", res, err)
		}
		if u, err := s.ByCode(ctx, "610603101000"); err != nil || u.Level != LevelStreet || u.Name != "沿河湾镇" {
			t.Errorf("镇 is a street: %+v %v", u, err)
		}
		text := "姓名,证件号码\n张三,1\n"
		if _, err := ReadImportFile(strings.NewReader(text), int64(len(text)), "名册.csv"); err == nil ||
			!strings.Contains(err.Error(), "“层级”“名称”“上级”") {
			t.Errorf("a file without the columns: %v", err)
		}
	})
}
