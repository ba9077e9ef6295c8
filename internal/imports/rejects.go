package imports

import (
	"context"
	"encoding/json"
	"io"
	"strconv"

	"shequ/internal/access"
	"shequ/internal/sheets"
)

// Reject is a row an import did not take.
type Reject struct {
	Seq     int      `json:"seq"`
	Sheet   int      `json:"sheet"`
	RowNum  int      `json:"row_num"`
	Cells   []string `json:"cells"`
	Columns []int    `json:"columns"` // the cells at fault
	Reason  string   `json:"reason"`
}

// Rejects lists an import's rejected rows in file order.
func (s *Service) Rejects(ctx context.Context, sc access.Scope, id int64, limit, offset int) ([]Reject, error) {
	if _, err := s.Import(ctx, sc, id); err != nil {
		return nil, err
	}
	return s.rejects(ctx, id, limit, offset)
}

func (s *Service) rejects(ctx context.Context, id int64, limit, offset int) ([]Reject, error) {
	if limit <= 0 {
		limit = 1 << 30
	}
	rows, err := s.db.QueryContext(ctx, `SELECT seq, sheet, row_num, cells, columns, reason FROM import_rejects
		WHERE import_id = $1 ORDER BY seq LIMIT `+strconv.Itoa(limit)+` OFFSET `+strconv.Itoa(offset), id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Reject
	for rows.Next() {
		var r Reject
		var cells, cols string
		if err := rows.Scan(&r.Seq, &r.Sheet, &r.RowNum, &cells, &cols, &r.Reason); err != nil {
			return nil, err
		}
		json.Unmarshal([]byte(cells), &r.Cells)
		json.Unmarshal([]byte(cols), &r.Columns)
		out = append(out, r)
	}
	return out, rows.Err()
}

// WriteRejects writes an import's rejected rows as an xlsx workbook: for
// each sheet of the file with rejected rows, a sheet with the file's own
// columns, the cells at fault marked in red, then 原因 (the reason) and the
// row's number in the file. It returns the number of rows written. The
// file holds personal data: callers audit the download.
func (s *Service) WriteRejects(ctx context.Context, sc access.Scope, id int64, w io.Writer) (int, error) {
	im, err := s.Import(ctx, sc, id)
	if err != nil {
		return 0, err
	}
	rs, err := s.rejects(ctx, id, 0, 0)
	if err != nil {
		return 0, err
	}
	x, err := sheets.NewXLSX(w)
	if err != nil {
		return 0, err
	}
	current := -1
	for _, r := range rs {
		if r.Sheet != current {
			current = r.Sheet
			sl := im.Layout.Sheets[r.Sheet]
			if err := x.Sheet("未导入-" + sl.Name); err != nil {
				return 0, err
			}
			header := append(append([]string{}, sl.Labels...), "原因", "原表行号")
			if err := x.WriteRow(header); err != nil {
				return 0, err
			}
		}
		width := len(im.Layout.Sheets[r.Sheet].Labels)
		cells := make([]string, max(width, len(r.Cells)))
		copy(cells, r.Cells)
		cells = append(cells[:width], r.Reason, strconv.Itoa(r.RowNum))
		if err := x.WriteMarked(cells, r.Columns); err != nil {
			return 0, err
		}
	}
	if current == -1 {
		if err := x.Sheet("未导入"); err != nil {
			return 0, err
		}
		x.WriteRow([]string{"本次导入没有未导入的行"})
	}
	return len(rs), x.Close()
}
