package web

import "testing"

func TestNiceStep(t *testing.T) {
	for n, want := range map[int]int{0: 1, 3: 1, 6: 2, 412: 100, 1000: 200, 51: 20} {
		if got := NiceStep(n); got != want {
			t.Errorf("niceStep(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestMapFillAndLegend(t *testing.T) {
	if f, _ := MapFill(0, 10); f != MapEmptyFill {
		t.Errorf("an empty grid: %s", f)
	}
	if f, txt := MapFill(1000, 10); f != MapScale[len(MapScale)-1].Fill || txt != MapScale[len(MapScale)-1].Text {
		t.Errorf("a grid past the scale: %s %s", f, txt)
	}
	got := MapLegend(25, 10, "户", "无住户")
	want := []string{"1–10户", "11–20户", "21–30户", "无住户"}
	if len(got) != len(want) {
		t.Fatalf("legend: %+v", got)
	}
	for i, w := range want {
		if got[i].Label != w {
			t.Errorf("legend %d: %s, want %s", i, got[i].Label, w)
		}
	}
	if l := MapLegend(0, 1, "件", "无在办事件"); len(l) != 1 || l[0].Fill != MapEmptyFill {
		t.Errorf("legend without counts: %+v", l)
	}
}

func TestDrawGrids(t *testing.T) {
	square := `{"type":"Polygon","coordinates":[[[109,36],[109.01,36],[109.01,36.01],[109,36.01],[109,36]]]}`
	m := DrawGrids([]string{square, "", "not geojson"})
	if m.Shapes[0] == nil || m.Shapes[1] != nil || m.Shapes[2] != nil {
		t.Fatalf("shapes: %+v", m.Shapes)
	}
	if m.Width != MapWidth || m.Height <= 0 || m.Shapes[0].Path == "" {
		t.Errorf("canvas %vx%v, path %q", m.Width, m.Height, m.Shapes[0].Path)
	}
	if _, _, ok := m.Point(109.005, 36.005); !ok {
		t.Error("a point inside the grids is not placed")
	}
	if _, _, ok := m.Point(110, 36.005); ok {
		t.Error("a point outside the grids is placed")
	}
	if empty := DrawGrids([]string{""}); empty.Width != 0 {
		t.Errorf("nothing drawable has a canvas: %v", empty.Width)
	}
	if _, _, ok := DrawGrids(nil).Point(109, 36); ok {
		t.Error("a point on an empty map is placed")
	}
}
