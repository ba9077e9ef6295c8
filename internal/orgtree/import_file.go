package orgtree

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"shequ/internal/sheets"
)

// ImportFile is an org tree as a file gives it: one row per unit, in the
// file's order.
type ImportFile struct {
	Rows []ImportRow
	// Columns name each field (level, name, parent, code, boundary) the way
	// the file does, for messages: “区划代码”列, or “代码”属性 in GeoJSON.
	Columns map[string]string
}

// ImportRow is one unit of an import file. Parent is the parent's path
// from the root (延安市/安塞区/真武洞街道) or its code, "" for a root.
type ImportRow struct {
	Place    string // where the row is: 第5行, 第3个要素
	Level    string
	Name     string
	Parent   string
	Code     string
	Boundary string // GeoJSON
}

// importColumns are the columns of an org tree list and the names
// deployments give them.
var importColumns = []sheets.Column{
	{Key: "level", Names: []string{"层级", "级别", "单元层级", "类型"}, Required: true},
	{Key: "name", Names: []string{"名称", "单元名称", "组织名称", "名字"}, Required: true},
	{Key: "parent", Names: []string{"上级", "上级单元", "所属上级", "上级路径", "上级代码"}, Required: true},
	{Key: "code", Names: []string{"代码", "区划代码", "统计用区划代码", "编码", "编号"}},
	{Key: "boundary", Names: []string{"边界", "边界GeoJSON", "GeoJSON", "范围"}},
}

// ReadImportFile reads an org tree from xlsx or csv (columns 层级, 名称,
// 上级, 代码 and optionally 边界, under any title rows), or from a GeoJSON
// FeatureCollection whose features' properties carry the same fields and
// whose geometry is the unit's boundary. name is the file's name.
func ReadImportFile(r io.ReaderAt, size int64, name string) (*ImportFile, error) {
	if size > sheets.DefaultLimits.MaxBytes {
		return nil, fault400("文件 %s 超过 %d MB 的上限", name, sheets.DefaultLimits.MaxBytes>>20)
	}
	head := make([]byte, 512)
	n, _ := r.ReadAt(head, 0)
	head = bytes.TrimLeft(head[:n], "\ufeff \t\r\n")
	ext := strings.ToLower(filepath.Ext(name))
	if ext == ".geojson" || ext == ".json" || bytes.HasPrefix(head, []byte("{")) {
		b := make([]byte, size)
		if _, err := r.ReadAt(b, 0); err != nil && err != io.EOF {
			return nil, err
		}
		return readGeoJSONTree(b)
	}
	book, err := sheets.Open(r, size, name, sheets.DefaultLimits)
	if err != nil {
		return nil, err
	}
	t, err := sheets.ReadTable(book, importColumns)
	if err != nil {
		return nil, err
	}
	f := &ImportFile{Columns: map[string]string{}}
	for k, h := range t.Headers {
		f.Columns[k] = "“" + h + "”列"
	}
	for _, rec := range t.Records {
		v := rec.Values
		f.Rows = append(f.Rows, ImportRow{Place: rec.Place(), Level: v["level"], Name: v["name"], Parent: v["parent"],
			Code: v["code"], Boundary: v["boundary"]})
	}
	return f, nil
}

// geoJSONKeys are the property names of each field in a GeoJSON file.
var geoJSONKeys = map[string][]string{
	"level":    {"层级", "级别", "level"},
	"name":     {"名称", "name"},
	"parent":   {"上级", "parent"},
	"code":     {"代码", "区划代码", "code"},
	"boundary": {"边界", "boundary"},
}

func readGeoJSONTree(b []byte) (*ImportFile, error) {
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Properties map[string]any  `json:"properties"`
			Geometry   json.RawMessage `json:"geometry"`
		} `json:"features"`
	}
	d := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	d.UseNumber() // a code written as a number keeps its digits
	if err := d.Decode(&fc); err != nil {
		return nil, fault400("文件不是有效的 GeoJSON: %v", err)
	}
	if fc.Type != "FeatureCollection" {
		return nil, fault400("GeoJSON 文件应为 FeatureCollection,每个要素是一个单元,而不是 %q", fc.Type)
	}
	f := &ImportFile{Columns: map[string]string{}}
	for k, names := range geoJSONKeys {
		f.Columns[k] = "“" + names[0] + "”属性"
	}
	f.Columns["boundary"] = "geometry"
	for i, ft := range fc.Features {
		prop := func(key string) string {
			for _, k := range geoJSONKeys[key] {
				if v, ok := ft.Properties[k]; ok && v != nil {
					switch v := v.(type) {
					case string:
						return strings.TrimSpace(v)
					case json.Number:
						return v.String()
					default:
						s, _ := json.Marshal(v)
						return string(s)
					}
				}
			}
			return ""
		}
		row := ImportRow{Place: fmt.Sprintf("第%d个要素", i+1), Level: prop("level"), Name: prop("name"),
			Parent: prop("parent"), Code: prop("code"), Boundary: prop("boundary")}
		if g := bytes.TrimSpace(ft.Geometry); len(g) > 0 && !bytes.Equal(g, []byte("null")) {
			row.Boundary = string(g)
		}
		f.Rows = append(f.Rows, row)
	}
	if len(f.Rows) == 0 {
		return nil, fault400("GeoJSON 文件中没有要素")
	}
	return f, nil
}
