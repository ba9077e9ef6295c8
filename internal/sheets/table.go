package sheets

import (
	"fmt"
	"strings"
)

// Column is a column a plain list must or may have, known by any of its
// names: the first is the one messages use.
type Column struct {
	Key      string
	Names    []string
	Required bool
}

// Record is one row of a list: its values by column key, trimmed, and
// where it stands in the file.
type Record struct {
	Sheet  string // the sheet's name, "" when the file has one sheet
	Row    int    // as the spreadsheet numbers it
	Values map[string]string
}

// Table is a plain list read whole: the records of every sheet that has
// the header, and each column's header as the file writes it, for messages.
type Table struct {
	Records []Record
	Headers map[string]string
}

// headerRows is how far down a sheet its header may be: lists carry a
// title and a note or two above it.
const headerRows = 10

// ReadTable reads a list that sets up a deployment — an org tree, accounts —
// rather than a department's roster: one header row (under any title rows)
// naming the columns, then one record per row, blank rows skipped. Every
// visible sheet whose first rows hold a header with the required columns
// is read; a file without one is refused, saying which columns it needs.
func ReadTable(b *Book, cols []Column) (*Table, error) {
	t := &Table{Headers: map[string]string{}}
	visible := 0
	for _, s := range b.Sheets {
		if !s.Hidden {
			visible++
		}
	}
	found := false
	for i, s := range b.Sheets {
		if s.Hidden {
			continue
		}
		sheet := ""
		if visible > 1 {
			sheet = s.Name
		}
		ok, err := t.readSheet(b, i, sheet, cols)
		if err != nil {
			return nil, err
		}
		found = found || ok
	}
	if !found {
		var need []string
		for _, c := range cols {
			if c.Required {
				need = append(need, "“"+c.Names[0]+"”")
			}
		}
		return nil, refuse("文件中找不到表头:前%d行中应有一行写明%s等列", headerRows, strings.Join(need, ""))
	}
	return t, nil
}

// readSheet reads one sheet's records; false when it has no header.
func (t *Table) readSheet(b *Book, i int, sheet string, cols []Column) (bool, error) {
	rows, err := b.Rows(i)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	var at map[string]int // column key → index, once the header is found
	for rows.Next() {
		r := rows.Row()
		if at == nil {
			if r.Num > headerRows {
				return false, rows.Err()
			}
			at = headerOf(r, cols)
			if at != nil {
				for _, c := range cols {
					if j, ok := at[c.Key]; ok {
						t.Headers[c.Key] = strings.TrimSpace(r.Text(j))
					} else if _, seen := t.Headers[c.Key]; !seen {
						t.Headers[c.Key] = c.Names[0]
					}
				}
			}
			continue
		}
		if r.Empty() {
			continue
		}
		rec := Record{Sheet: sheet, Row: r.Num, Values: make(map[string]string, len(at))}
		for key, j := range at {
			rec.Values[key] = strings.TrimSpace(strings.Trim(r.Text(j), "\u3000\ufeff"))
		}
		t.Records = append(t.Records, rec)
	}
	return at != nil, rows.Err()
}

// headerOf maps the columns of a header row, nil when the row lacks a
// required column. A header matches a name written as is, with spaces,
// a leading * (required, in many templates) or a note in brackets after it:
// "* 上级(路径或代码)" is 上级.
func headerOf(r Row, cols []Column) map[string]int {
	at := map[string]int{}
	for j := range r.Cells {
		h := headerWord(r.Text(j))
		if h == "" {
			continue
		}
		for _, c := range cols {
			if _, taken := at[c.Key]; taken {
				continue
			}
			for _, n := range c.Names {
				if h == n {
					at[c.Key] = j
					break
				}
			}
		}
	}
	for _, c := range cols {
		if _, ok := at[c.Key]; c.Required && !ok {
			return nil
		}
	}
	return at
}

func headerWord(s string) string {
	s = strings.TrimSpace(strings.Trim(s, "\u3000\ufeff"))
	s = strings.TrimLeft(s, "*＊ ")
	if i := strings.IndexAny(s, "(（"); i > 0 {
		s = s[:i]
	}
	return strings.Join(strings.Fields(s), "")
}

// Place says where a record is, in the words of messages: 第5行, or
// 工作表“安塞区”第5行 in a book of several sheets.
func (r Record) Place() string {
	if r.Sheet != "" {
		return fmt.Sprintf("工作表“%s”第%d行", r.Sheet, r.Row)
	}
	return fmt.Sprintf("第%d行", r.Row)
}
