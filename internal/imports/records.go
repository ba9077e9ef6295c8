package imports

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"shequ/internal/database"
	"shequ/internal/fault"
)

// Import statuses.
const (
	StatusPending = "pending" // recorded, not started
	StatusRunning = "running" // started; interrupted ones stay here until run again
	StatusDone    = "done"
	StatusFailed  = "failed" // stopped by an error; running it again resumes it
)

// StatusNames gives the Chinese name of each status.
var StatusNames = map[string]string{
	StatusPending: "等待开始",
	StatusRunning: "正在导入",
	StatusDone:    "已完成",
	StatusFailed:  "已中断",
}

// Counts say what became of an import's rows; every data row is counted
// once.
type Counts struct {
	Created   int `json:"created"`   // new persons
	Merged    int `json:"merged"`    // persons the row changed
	Queued    int `json:"queued"`    // rows waiting for a person's decision
	Rejected  int `json:"rejected"`  // rows not taken, with the reason
	Unchanged int `json:"unchanged"` // rows the register already agreed with
}

// Total is the number of data rows counted.
func (c Counts) Total() int { return c.Created + c.Merged + c.Queued + c.Rejected + c.Unchanged }

func (c *Counts) add(o Counts) {
	c.Created += o.Created
	c.Merged += o.Merged
	c.Queued += o.Queued
	c.Rejected += o.Rejected
	c.Unchanged += o.Unchanged
}

// Options are the settings of one import beyond its column mapping.
type Options struct {
	Tag       string `json:"tag,omitempty"`       // the tag kind the list is about (低保 list: dibao)
	Residence string `json:"residence,omitempty"` // 人口类别 of persons the register does not know
	BatchRows int    `json:"batch_rows,omitempty"`
}

// Import is the record of one import.
type Import struct {
	ID             int64   `json:"id"`
	UnitID         int64   `json:"unit_id"`
	UnitName       string  `json:"unit_name"`
	CommunityID    int64   `json:"community_id,omitempty"`
	Department     string  `json:"department"`
	DepartmentName string  `json:"department_name"`
	FileName       string  `json:"file_name"`
	FileHash       string  `json:"file_hash"`
	FileSize       int64   `json:"file_size"`
	Format         string  `json:"format"`
	Encoding       string  `json:"encoding,omitempty"`
	SpoolPath      string  `json:"-"`
	Layout         Layout  `json:"layout"`
	Options        Options `json:"options"`
	Status         string  `json:"status"`
	Message        string  `json:"message,omitempty"`
	RowsTotal      int     `json:"rows_total"`
	RowsDone       int     `json:"rows_done"`
	Counts
	UserID     int64  `json:"user_id,omitempty"`
	UserName   string `json:"user_name"`
	CreatedAt  string `json:"created_at"`
	StartedAt  string `json:"started_at,omitempty"`
	FinishedAt string `json:"finished_at,omitempty"`
	Version    int    `json:"version"`
}

// StatusName is the Chinese name of the import's status.
func (im *Import) StatusName() string { return StatusNames[im.Status] }

// Percent is how far the import has come, 0–100.
func (im *Import) Percent() int {
	if im.Status == StatusDone {
		return 100
	}
	if im.RowsTotal <= 0 {
		return 0
	}
	return min(99, im.RowsDone*100/im.RowsTotal)
}

// ErrNotFound is returned for an import or conflict that does not exist or
// lies outside the viewer's scope.
var ErrNotFound = fault.New(fault.NotFound, "记录不存在")

const importColumns = `i.id, i.unit_id, COALESCE(u.name, ''), COALESCE(i.community_id, 0), i.department, COALESCE(d.name, i.department),
	i.file_name, i.file_hash, i.file_size, i.format, i.encoding, i.spool_path, i.layout, i.options, i.status, i.message,
	i.rows_total, i.rows_done, i.created, i.merged, i.queued, i.rejected, i.unchanged, COALESCE(i.user_id, 0), i.user_name,
	i.created_at, i.started_at, i.finished_at, i.version`

const importFrom = ` FROM imports i LEFT JOIN org_units u ON u.id = i.unit_id LEFT JOIN departments d ON d.code = i.department`

func scanImport(row interface{ Scan(...any) error }) (*Import, error) {
	im := &Import{}
	var layout, options string
	err := row.Scan(&im.ID, &im.UnitID, &im.UnitName, &im.CommunityID, &im.Department, &im.DepartmentName,
		&im.FileName, &im.FileHash, &im.FileSize, &im.Format, &im.Encoding, &im.SpoolPath, &layout, &options, &im.Status,
		&im.Message, &im.RowsTotal, &im.RowsDone, &im.Created, &im.Merged, &im.Queued, &im.Rejected, &im.Unchanged,
		&im.UserID, &im.UserName, &im.CreatedAt, &im.StartedAt, &im.FinishedAt, &im.Version)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(layout), &im.Layout); err != nil {
		return nil, fmt.Errorf("import %d layout: %w", im.ID, err)
	}
	if err := json.Unmarshal([]byte(options), &im.Options); err != nil {
		return nil, fmt.Errorf("import %d options: %w", im.ID, err)
	}
	return im, nil
}

// get reads one import, without a scope check.
func (s *Service) get(ctx context.Context, q database.Querier, id int64) (*Import, error) {
	im, err := scanImport(q.QueryRowContext(ctx, `SELECT `+importColumns+importFrom+` WHERE i.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return im, err
}

func (s *Service) insertImport(ctx context.Context, im *Import) error {
	layout, err := json.Marshal(im.Layout)
	if err != nil {
		return err
	}
	options, err := json.Marshal(im.Options)
	if err != nil {
		return err
	}
	var community, user any
	if im.CommunityID != 0 {
		community = im.CommunityID
	}
	if im.UserID != 0 {
		user = im.UserID
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO imports (id, unit_id, community_id, department, file_name, file_hash,
		file_size, format, encoding, spool_path, layout, options, status, rows_total, user_id, user_name, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
		im.ID, im.UnitID, community, im.Department, im.FileName, im.FileHash, im.FileSize, im.Format, im.Encoding,
		im.SpoolPath, string(layout), string(options), im.Status, im.RowsTotal, user, im.UserName, im.CreatedAt)
	return err
}

// ListQuery selects imports.
type ListQuery struct {
	Units  []int64 // imports into these units or below them; nil for every unit
	Status string
	Limit  int
	Offset int
}

// list returns imports newest first.
func (s *Service) list(ctx context.Context, q ListQuery) ([]*Import, error) {
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 50
	}
	var conds []string
	a := s.db.Args()
	if q.Units != nil {
		if len(q.Units) == 0 {
			return nil, nil
		}
		conds = append(conds, `i.unit_id IN (SELECT c.unit_id FROM org_closure c WHERE `+
			a.In("c.ancestor_id", database.AnyOf(q.Units)...)+`)`)
	}
	if q.Status != "" {
		conds = append(conds, "i.status = "+a.Arg(q.Status))
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+importColumns+importFrom+where+
		fmt.Sprintf(` ORDER BY i.created_at DESC, i.id DESC LIMIT %d OFFSET %d`, q.Limit, q.Offset), a.Values()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Import
	for rows.Next() {
		im, err := scanImport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, im)
	}
	return out, rows.Err()
}
