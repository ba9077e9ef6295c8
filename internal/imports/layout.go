package imports

import (
	"regexp"
	"strings"

	"shequ/internal/sheets"
)

// SheetLayout is how one sheet of a file is read: where its header is, what
// its columns are called and the field each feeds.
type SheetLayout struct {
	Index     int      `json:"index"`
	Name      string   `json:"name"`
	Rows      int      `json:"rows"`
	HeaderRow int      `json:"header_row"` // first header row, as the spreadsheet numbers it; 0 when skipped
	DataRow   int      `json:"data_row"`   // first row after the header
	Labels    []string `json:"labels"`     // per column; two header rows give "上级/下级"
	Fields    []string `json:"fields"`     // per column: a field key, "" to ignore the column
	Skipped   string   `json:"skipped,omitempty"`

	// Samples are the first data rows' texts, for the mapping page only.
	Samples [][]string `json:"-"`
	// Suggested marks the fields found by header name rather than by the
	// department's saved mapping or a person.
	Suggested []bool `json:"-"`
}

// Layout is how a whole file is read.
type Layout struct {
	Sheets []SheetLayout `json:"sheets"`
}

// headerScan is how many rows from the top may hold the header: titles,
// 填报单位 lines and two header rows fit comfortably.
const headerScan = 30

// sampleRows is how many data rows the mapping page shows.
const sampleRows = 3

// blockLabels names each column from the rows of a header block: the
// distinct texts top-down, joined with "/". The reader has already copied
// a merged header cell's text into every cell it covers.
func blockLabels(block []sheets.Row) []string {
	width := 0
	for _, r := range block {
		width = max(width, len(r.Cells))
	}
	labels := make([]string, width)
	for c := range labels {
		var parts []string
		for _, r := range block {
			t := strings.TrimSpace(foldWidth(r.Text(c)))
			t = strings.Join(strings.Fields(t), "")
			if t != "" && (len(parts) == 0 || parts[len(parts)-1] != t) {
				parts = append(parts, t)
			}
		}
		labels[c] = strings.Join(parts, "/")
	}
	return labels
}

// headerScore counts the distinct fields a row of labels names well (by a
// whole synonym or its ending) and tells whether the ID or name is among
// them: a header must name at least two fields, one of them those.
func headerScore(labels []string) (int, bool) {
	seen := map[string]bool{}
	key := false
	for _, l := range labels {
		if l == "" {
			continue
		}
		m := suggest(l)
		if m.level >= 2 && m.field != "" && !seen[m.field] {
			seen[m.field] = true
			key = key || m.field == "id_number" || m.field == "name"
		}
	}
	return len(seen), key
}

// startsBlock reports whether merged cells begin on row num: a header of
// two rows has a parent label merged across its children, or labels
// merged down over both rows.
func startsBlock(merges []sheets.Range, num int) bool {
	for _, m := range merges {
		if m.Row1 == num && (m.Row2 > m.Row1 || m.Col2 > m.Col1) {
			return true
		}
	}
	return false
}

// findHeader picks the header among the first rows of a sheet: the row (or
// two rows, when merged cells make a two-level header) whose labels name
// the most fields. It returns the index in rows of the first data row.
func findHeader(rows []sheets.Row, merges []sheets.Range) (start, data int, labels []string, ok bool) {
	best := 0
	for i := range rows {
		two := i+1 < len(rows) && rows[i+1].Num == rows[i].Num+1
		if two && mergesDown(merges, rows[i].Num) {
			// Labels merged down over the next row: the two rows are one
			// header, with group labels over some columns.
			double := blockLabels(rows[i : i+2])
			if s, key := headerScore(double); key && s >= 2 && s > best {
				best, start, data, labels, ok = s, i, i+2, double, true
			}
			continue
		}
		single := blockLabels(rows[i : i+1])
		if s, key := headerScore(single); key && s >= 2 && s > best {
			best, start, data, labels, ok = s, i, i+1, single, true
		}
		// Group labels merged across the columns of the next row, which
		// alone names fewer fields.
		if two && startsBlock(merges, rows[i].Num) {
			double := blockLabels(rows[i : i+2])
			lower, _ := headerScore(blockLabels(rows[i+1 : i+2]))
			if s, key := headerScore(double); key && s >= 2 && s > best && s > lower {
				best, start, data, labels, ok = s, i, i+2, double, true
			}
		}
	}
	if !ok {
		// No row names two fields: the first row of several texts is the
		// header, for a person to map by hand.
		for i, r := range rows {
			n := 0
			for _, c := range r.Cells {
				if strings.TrimSpace(c.Value) != "" && !c.Number {
					n++
				}
			}
			if n >= 2 {
				return i, i + 1, blockLabels(rows[i : i+1]), true
			}
		}
	}
	return start, data, labels, ok
}

// mergesDown reports whether a merged cell starting on row num covers the
// row below it too.
func mergesDown(merges []sheets.Range, num int) bool {
	for _, m := range merges {
		if m.Row1 == num && m.Row2 > m.Row1 {
			return true
		}
	}
	return false
}

// mapColumns chooses each column's field: the department's saved mapping
// for the label first, else the best suggestion from the label. When two
// columns would feed one field, the better-named one does and the other is
// ignored, except for the tag note, which gathers several columns. Tag
// columns are only mapped when the import is about a tag.
func mapColumns(labels []string, saved map[string]string, withTag bool) (fields []string, suggested []bool) {
	fields = make([]string, len(labels))
	suggested = make([]bool, len(labels))
	matches := make([]match, len(labels))
	for i, l := range labels {
		if l == "" {
			continue
		}
		if f, ok := saved[labelKey(l)]; ok {
			fields[i] = f
			matches[i] = match{field: f, level: 4}
			continue
		}
		m := suggest(l)
		if isTagField(m.field) && !withTag {
			m = match{}
		}
		fields[i], matches[i], suggested[i] = m.field, m, m.field != ""
	}
	for i := range fields {
		f := fields[i]
		if f == "" || f == FieldTagNote {
			continue
		}
		for j := range fields {
			if j != i && fields[j] == f && matches[j].better(matches[i]) {
				fields[i], suggested[i] = "", false
				break
			}
		}
	}
	// Equal matches: the leftmost keeps the field.
	seen := map[string]bool{}
	for i, f := range fields {
		if f == "" || f == FieldTagNote {
			continue
		}
		if seen[f] {
			fields[i], suggested[i] = "", false
		}
		seen[f] = true
	}
	return fields, suggested
}

// footerWords start rows that close a list rather than belong to it.
var footerWords = []string{"合计", "总计", "小计", "共计", "累计", "填表人", "制表人", "审核人", "负责人", "填报人", "联系人",
	"经办人", "审批人", "统计人", "单位负责人", "填表日期", "制表日期", "填报日期", "报送日期", "统计日期", "填报单位",
	"备注", "注:", "注：", "说明", "统计", "以上"}

var countLine = regexp.MustCompile(`^共[0-9]+[人户条行]`)

func isFooter(first string) bool {
	if first == "" || first[0] >= '0' && first[0] <= '9' {
		// Nearly every row starts with its 序号.
		return false
	}
	first = strings.Join(strings.Fields(foldWidth(first)), "")
	for _, w := range footerWords {
		if strings.HasPrefix(first, w) {
			return true
		}
	}
	return countLine.MatchString(first)
}

// blankCell reports whether a cell holds nothing but spaces or the dashes
// and slashes lists fill empty cells and separator lines with.
func blankCell(s string) bool {
	for _, r := range s {
		switch r {
		case ' ', '\t', '\u3000', '\u00a0', '-', '—', '－', '_', '/', '\\', '=', '*', '.', '…', '·':
		default:
			return false
		}
	}
	return true
}
