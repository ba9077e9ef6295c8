package sheets

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"
)

type xlsxBook struct {
	name       string
	parts      map[string]*zip.File // by lower-case path
	paths      []string             // each sheet's part
	sst        []string
	dateStyles []bool // by cell style index: the style shows a date
	merges     [][]Range
}

// ratioFloor is the part size below which the packing ratio is not checked:
// small XML of repeated tags packs very tightly and is harmless.
const ratioFloor = 1 << 20

// Parts read whole into memory have limits of their own: the shared
// strings of a million rows of names and addresses take about 150 MB; the
// workbook, its relationships and styles a few KB.
const (
	maxSharedStrings = 384 << 20
	maxOtherPart     = 32 << 20
)

func openXLSX(r io.ReaderAt, size int64, name string, lim Limits) (*Book, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, refuse("文件 %s 不是有效的 xlsx 工作簿(压缩包已损坏),请在 Excel 中重新保存", name)
	}
	x := &xlsxBook{name: name, parts: map[string]*zip.File{}}
	var total uint64
	for _, f := range zr.File {
		// The sizes in the archive's directory are what archive/zip then
		// holds each part to: a part that unpacks to more fails to read.
		total += f.UncompressedSize64
		if lim.MaxUncompressed > 0 && total > uint64(lim.MaxUncompressed) {
			return nil, refuse("文件 %s 解压后超过 %s,疑似压缩炸弹,已拒绝", name, humanBytes(lim.MaxUncompressed))
		}
		if lim.MaxRatio > 0 && f.UncompressedSize64 > ratioFloor &&
			f.UncompressedSize64/max(f.CompressedSize64, 1) > uint64(lim.MaxRatio) {
			return nil, refuse("文件 %s 中的 %s 压缩比异常(%d 倍),疑似压缩炸弹,已拒绝", name, f.Name,
				f.UncompressedSize64/max(f.CompressedSize64, 1))
		}
		x.parts[strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(f.Name, `\`, "/"), "/"))] = f
	}
	b := &Book{Format: "xlsx", xlsx: x}
	if err := x.readWorkbook(b); err != nil {
		return nil, err
	}
	// Worksheets are streamed; the parts read whole must be small.
	sheetParts := map[string]bool{}
	for _, p := range x.paths {
		sheetParts[strings.ToLower(p)] = true
	}
	for name, f := range x.parts {
		if f == nil || sheetParts[name] || strings.HasPrefix(name, "#") {
			continue
		}
		limit := uint64(maxOtherPart)
		if f == x.parts["#sst"] {
			limit = maxSharedStrings
		} else if !strings.HasSuffix(name, ".xml") && !strings.HasSuffix(name, ".rels") {
			continue // pictures and the like are never read
		}
		if f.UncompressedSize64 > limit {
			return nil, refuse("工作簿 %s 中的 %s 解压后达 %s,超过上限,已拒绝", x.name, f.Name, humanBytes(int64(f.UncompressedSize64)))
		}
	}
	if err := x.readStyles(); err != nil {
		return nil, err
	}
	if err := x.readSharedStrings(); err != nil {
		return nil, err
	}
	total2 := 0
	for i := range b.Sheets {
		rows, merges, err := x.prescan(i, b.Sheets[i].Name)
		if err != nil {
			return nil, err
		}
		b.Sheets[i].Rows, b.Sheets[i].Merges = rows, merges
		x.merges = append(x.merges, merges)
		if !b.Sheets[i].Hidden {
			total2 += rows
		}
		if lim.MaxRows > 0 && total2 > lim.MaxRows {
			return nil, refuse("文件 %s 超过 %d 行的上限,请分成几个文件导入", name, lim.MaxRows)
		}
	}
	if total2 == 0 {
		return nil, refuse("文件 %s 是空的(工作表中没有任何数据)", name)
	}
	return b, nil
}

func (x *xlsxBook) open(p string) (io.ReadCloser, error) {
	f, ok := x.parts[strings.ToLower(p)]
	if !ok {
		return nil, refuse("工作簿 %s 缺少 %s,请在 Excel 中重新保存", x.name, p)
	}
	return f.Open()
}

func (x *xlsxBook) decodePart(p string, v any) error {
	rc, err := x.open(p)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(v); err != nil {
		return refuse("工作簿 %s 的 %s 无法读取,请在 Excel 中重新保存", x.name, p)
	}
	return nil
}

type relationships struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

func (x *xlsxBook) readWorkbook(b *Book) error {
	// The workbook part is named by the package's root relationships.
	wbPath := "xl/workbook.xml"
	var root relationships
	if _, ok := x.parts["_rels/.rels"]; ok {
		if err := x.decodePart("_rels/.rels", &root); err != nil {
			return err
		}
		for _, r := range root.Rels {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				wbPath = strings.TrimPrefix(r.Target, "/")
			}
		}
	}
	if _, ok := x.parts[strings.ToLower(wbPath)]; !ok {
		what := "压缩包"
		switch {
		case x.parts["word/document.xml"] != nil:
			what = " Word 文档(.docx)"
		case x.parts["ppt/presentation.xml"] != nil:
			what = " PowerPoint 演示文稿"
		case x.parts["content.xml"] != nil:
			what = " OpenDocument 文件(WPS/LibreOffice),请另存为 xlsx"
		}
		return refuse("文件 %s 不是 xlsx 工作簿,看起来是%s;请上传 xlsx 或 csv 格式的名册", x.name, what)
	}
	var wb struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name  string `xml:"name,attr"`
			State string `xml:"state,attr"`
			RID   string `xml:"id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := x.decodePart(wbPath, &wb); err != nil {
		return err
	}
	b.Date1904 = wb.Pr.Date1904 == "1" || wb.Pr.Date1904 == "true"
	dir := path.Dir(wbPath)
	relsPath := path.Join(dir, "_rels", path.Base(wbPath)+".rels")
	var rels relationships
	if err := x.decodePart(relsPath, &rels); err != nil {
		return err
	}
	targets := map[string]string{}
	for _, r := range rels.Rels {
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join(dir, t)
		}
		targets[r.ID] = t
		if strings.HasSuffix(r.Type, "/sharedStrings") {
			targets["sharedStrings"] = t
		}
		if strings.HasSuffix(r.Type, "/styles") {
			targets["styles"] = t
		}
	}
	for _, s := range wb.Sheets {
		p, ok := targets[s.RID]
		if !ok {
			return refuse("工作簿 %s 的工作表“%s”找不到内容,请在 Excel 中重新保存", x.name, s.Name)
		}
		if _, ok := x.parts[strings.ToLower(p)]; !ok {
			// A chart sheet or a missing part: nothing to read.
			continue
		}
		b.Sheets = append(b.Sheets, Sheet{Name: s.Name, Hidden: s.State == "hidden" || s.State == "veryHidden"})
		x.paths = append(x.paths, p)
	}
	if len(b.Sheets) == 0 {
		return refuse("工作簿 %s 中没有工作表", x.name)
	}
	x.parts["#sst"] = x.parts[strings.ToLower(targets["sharedStrings"])]
	x.parts["#styles"] = x.parts[strings.ToLower(targets["styles"])]
	return nil
}

// readStyles finds the cell styles whose number format shows a date.
func (x *xlsxBook) readStyles() error {
	if x.parts["#styles"] == nil {
		return nil
	}
	var st struct {
		NumFmts []struct {
			ID   int    `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmtID int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if err := x.decodePart(x.parts["#styles"].Name, &st); err != nil {
		return err
	}
	custom := map[int]bool{}
	for _, f := range st.NumFmts {
		custom[f.ID] = isDateFormat(f.Code)
	}
	x.dateStyles = make([]bool, len(st.Xfs))
	for i, xf := range st.Xfs {
		if d, ok := custom[xf.NumFmtID]; ok {
			x.dateStyles[i] = d
		} else {
			x.dateStyles[i] = builtinDate(xf.NumFmtID)
		}
	}
	return nil
}

// builtinDate reports whether a built-in number format shows a date: 14–17
// and 22 everywhere, 27–36 and 50–58 in the East Asian locales (yyyy"年"m"月").
func builtinDate(id int) bool {
	return id >= 14 && id <= 17 || id == 22 || id >= 27 && id <= 36 || id >= 50 && id <= 58
}

// isDateFormat tells whether a custom number format shows a date: after
// dropping quoted text, escapes and [colour]/[$-804] blocks, it still has a
// year or day code (or 年/月/日 written bare).
func isDateFormat(code string) bool {
	var b strings.Builder
	inQuote, inBracket := false, false
	rs := []rune(code)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case inQuote:
			if r == '"' {
				inQuote = false
			} else if strings.ContainsRune("年月日", r) {
				b.WriteRune(r)
			}
		case inBracket:
			if r == ']' {
				inBracket = false
			}
		case r == '"':
			inQuote = true
		case r == '[':
			inBracket = true
		case r == '\\' || r == '_' || r == '*':
			i++ // the next character is literal or padding
		case r == ';':
			i = len(rs) // only the first section decides
		default:
			b.WriteRune(r)
		}
	}
	s := strings.ToLower(b.String())
	return strings.ContainsAny(s, "yd年日") || strings.Contains(s, "月")
}

// readSharedStrings loads the shared strings table. Each item's text is the
// concatenation of its runs; phonetic guides (rPh) are left out.
func (x *xlsxBook) readSharedStrings() error {
	if x.parts["#sst"] == nil {
		return nil
	}
	rc, err := x.parts["#sst"].Open()
	if err != nil {
		return refuse("工作簿 %s 的共享字符串无法读取", x.name)
	}
	defer rc.Close()
	d := xml.NewDecoder(bufio.NewReaderSize(rc, 64<<10))
	var cur strings.Builder
	inSI, inT, phonetic := false, false, 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return refuse("工作簿 %s 的共享字符串已损坏,请在 Excel 中重新保存", x.name)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				inSI = true
				cur.Reset()
			case "t":
				inT = inSI && phonetic == 0
			case "rPh":
				phonetic++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				inSI = false
				x.sst = append(x.sst, cur.String())
			case "t":
				inT = false
			case "rPh":
				phonetic--
			}
		case xml.CharData:
			if inT {
				cur.Write(t)
			}
		}
	}
	return nil
}

// prescan reads a sheet's part once, quickly, without parsing its XML: it
// counts rows, collects merged cells and refuses formulas, before any row
// is used.
func (x *xlsxBook) prescan(i int, sheetName string) (int, []Range, error) {
	rc, err := x.open(x.paths[i])
	if err != nil {
		return 0, nil, err
	}
	defer rc.Close()
	br := bufio.NewReaderSize(rc, 64<<10)
	rows, rowNum := 0, 0
	var merges []Range
	for {
		if err := skipTo(br, '<'); err != nil {
			if err == io.EOF {
				break
			}
			return 0, nil, x.damaged(sheetName, err)
		}
		name, err := tagName(br)
		if err != nil {
			if err == io.EOF {
				break
			}
			return 0, nil, x.damaged(sheetName, err)
		}
		switch name {
		case "row":
			rows++
			attrs, err := br.ReadSlice('>')
			if err != nil && err != bufio.ErrBufferFull {
				return 0, nil, x.damaged(sheetName, err)
			}
			if n, ok := attrInt(attrs, "r"); ok {
				rowNum = n
			} else {
				rowNum++
			}
		case "f":
			return 0, nil, refuse("工作表“%s”第 %d 行含有公式。请在 Excel 中全选后复制,再用“选择性粘贴 → 数值”去掉公式,保存后重新导入", sheetName, max(rowNum, 1))
		case "mergeCell":
			attrs, err := br.ReadSlice('>')
			if err != nil && err != bufio.ErrBufferFull {
				return 0, nil, x.damaged(sheetName, err)
			}
			if ref, ok := attrValue(attrs, "ref"); ok {
				if rg, ok := parseRange(ref); ok {
					merges = append(merges, rg)
				}
			}
		}
	}
	return rows, merges, nil
}

func (x *xlsxBook) damaged(sheet string, err error) error {
	if errors.Is(err, zip.ErrChecksum) || errors.Is(err, zip.ErrFormat) {
		return refuse("工作表“%s”已损坏或与压缩包目录不符(疑似压缩炸弹),已拒绝", sheet)
	}
	return refuse("工作表“%s”无法读取:%v", sheet, err)
}

// skipTo discards input up to and including the next c.
func skipTo(br *bufio.Reader, c byte) error {
	for {
		_, err := br.ReadSlice(c)
		if err == bufio.ErrBufferFull {
			continue
		}
		return err
	}
}

// tagName reads the name of the tag whose '<' was just consumed, without a
// namespace prefix; "" for end tags, comments and declarations.
func tagName(br *bufio.Reader) (string, error) {
	var name [32]byte
	n := 0
	for {
		c, err := br.ReadByte()
		if err != nil {
			return "", err
		}
		switch {
		case c == ':':
			n = 0 // drop the prefix
		case c == ' ' || c == '>' || c == '/' || c == '\t' || c == '\r' || c == '\n':
			if c == '>' || c == '/' {
				br.UnreadByte()
			}
			return string(name[:n]), nil
		case c == '?' || c == '!':
			if n == 0 {
				return "", nil
			}
		default:
			if n < len(name) {
				name[n] = c
				n++
			}
		}
	}
}

func attrValue(attrs []byte, key string) (string, bool) {
	s := append([]byte(" "), attrs...)
	for _, q := range []byte{'"', '\''} {
		pat := []byte(" " + key + "=" + string(q))
		i := bytes.Index(s, pat)
		if i < 0 {
			continue
		}
		rest := s[i+len(pat):]
		j := bytes.IndexByte(rest, q)
		if j < 0 {
			return "", false
		}
		return string(rest[:j]), true
	}
	return "", false
}

func attrInt(attrs []byte, key string) (int, bool) {
	v, ok := attrValue(attrs, key)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	return n, err == nil
}

// parseCellRef reads "B12" as column 1, row 12.
func parseCellRef(ref string) (col, row int, ok bool) {
	i := 0
	for i < len(ref) && (ref[i] >= 'A' && ref[i] <= 'Z' || ref[i] >= 'a' && ref[i] <= 'z') {
		c := ref[i]
		if c >= 'a' {
			c -= 'a' - 'A'
		}
		col = col*26 + int(c-'A'+1)
		i++
	}
	if i == 0 || col > 16384 {
		return 0, 0, false
	}
	r, err := strconv.Atoi(strings.TrimLeft(ref[i:], "$"))
	if err != nil || r < 1 {
		return 0, 0, false
	}
	return col - 1, r, true
}

func parseRange(ref string) (Range, bool) {
	a, b, found := strings.Cut(strings.ReplaceAll(ref, "$", ""), ":")
	c1, r1, ok1 := parseCellRef(a)
	if !found {
		return Range{r1, c1, r1, c1}, ok1
	}
	c2, r2, ok2 := parseCellRef(b)
	if !ok1 || !ok2 {
		return Range{}, false
	}
	return Range{Row1: min(r1, r2), Col1: min(c1, c2), Row2: max(r1, r2), Col2: max(c1, c2)}, true
}

// maxColumns bounds a row's width: a cell reference past it is refused
// rather than allocated (XFD, Excel's last column, is 16384). maxRowBytes
// bounds the text of one row, so that one row cannot fill the memory.
const (
	maxColumns  = 16384
	maxRowBytes = 4 << 20
)

func (x *xlsxBook) rows(i int) (*Rows, error) {
	rc, err := x.open(x.paths[i])
	if err != nil {
		return nil, err
	}
	d := xml.NewDecoder(bufio.NewReaderSize(rc, 64<<10))
	merges := append([]Range(nil), x.merges[i]...)
	sort.SliceStable(merges, func(a, b int) bool { return merges[a].Row1 < merges[b].Row1 })
	type active struct {
		rg    Range
		value Cell
	}
	var open []active
	nextMerge := 0
	var row Row
	rowNum := 0
	// The pieces of the cell being read.
	var (
		cell              Cell
		col               int
		typ               string
		style             int
		inValue, inInline bool
		text              strings.Builder
	)
	next := func() (Row, error) {
		row.Cells = row.Cells[:0]
		inRow := false
		rowBytes := 0
		for {
			tok, err := d.RawToken()
			if err == io.EOF {
				return Row{}, io.EOF
			}
			if err != nil {
				return Row{}, x.damaged(x.paths[i], err)
			}
			switch t := tok.(type) {
			case xml.StartElement:
				switch t.Name.Local {
				case "row":
					inRow = true
					rowNum++
					for _, a := range t.Attr {
						if a.Name.Local == "r" {
							if n, err := strconv.Atoi(a.Value); err == nil {
								rowNum = n
							}
						}
					}
				case "c":
					col, typ, style = len(row.Cells), "", 0
					for _, a := range t.Attr {
						switch a.Name.Local {
						case "r":
							if c, _, ok := parseCellRef(a.Value); ok {
								col = c
							}
						case "t":
							typ = a.Value
						case "s":
							style, _ = strconv.Atoi(a.Value)
						}
					}
					if col >= maxColumns {
						return Row{}, refuse("工作表第 %d 行的列数超过 Excel 的上限", rowNum)
					}
					text.Reset()
				case "v":
					inValue = true
				case "is":
					inInline = true
				}
			case xml.CharData:
				if inValue || inInline {
					text.Write(t)
					rowBytes += len(t)
					if rowBytes > maxRowBytes {
						return Row{}, refuse("工作表第 %d 行的内容超过 %s,不像名册的一行,已拒绝", rowNum, humanBytes(maxRowBytes))
					}
				}
			case xml.EndElement:
				switch t.Name.Local {
				case "v":
					inValue = false
				case "is":
					inInline = false
				case "c":
					cell = Cell{}
					v := text.String()
					switch typ {
					case "s":
						n, err := strconv.Atoi(strings.TrimSpace(v))
						if err != nil || n < 0 || n >= len(x.sst) {
							return Row{}, refuse("工作表第 %d 行引用了不存在的共享字符串,文件已损坏", rowNum)
						}
						cell.Value = x.sst[n]
					case "b":
						cell.Value = map[string]string{"1": "TRUE", "0": "FALSE"}[v]
					case "inlineStr", "str", "e", "d":
						cell.Value = v
					default:
						cell.Value = v
						cell.Number = v != ""
						cell.Date = cell.Number && style < len(x.dateStyles) && x.dateStyles[style]
					}
					for len(row.Cells) < col {
						row.Cells = append(row.Cells, Cell{})
					}
					if col < len(row.Cells) {
						row.Cells[col] = cell
					} else {
						row.Cells = append(row.Cells, cell)
					}
				case "row":
					if !inRow {
						continue
					}
					row.Num = rowNum
					// Merged cells: the top-left value fills the block.
					for nextMerge < len(merges) && merges[nextMerge].Row1 <= rowNum {
						m := merges[nextMerge]
						nextMerge++
						if m.Row1 < rowNum {
							continue // its first row was absent (blank)
						}
						var v Cell
						if m.Col1 < len(row.Cells) {
							v = row.Cells[m.Col1]
						}
						open = append(open, active{m, v})
					}
					kept := open[:0]
					for _, a := range open {
						if a.rg.Row2 < rowNum {
							continue
						}
						kept = append(kept, a)
						for c := a.rg.Col1; c <= a.rg.Col2; c++ {
							for len(row.Cells) <= c {
								row.Cells = append(row.Cells, Cell{})
							}
							if row.Cells[c].Value == "" {
								row.Cells[c] = a.value
							}
						}
					}
					open = kept
					return row, nil
				}
			}
		}
	}
	return &Rows{next: next, close: rc.Close}, nil
}
