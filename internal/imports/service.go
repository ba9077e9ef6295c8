// Package imports takes departments' lists — 公安's household register,
// 计生's women of child-bearing age, 民政's 低保 roll, 残联's disability list,
// as the departments really keep them — into the register: it reads the
// file (internal/sheets), maps its columns to register fields, checks every
// row with the register's own rules, matches rows to persons (by ID number;
// else by name, birth date and address with a score), merges what agrees,
// applies what a department is the authority for, queues what a person
// must decide, and records each import with what became of each row. The
// same file imported twice changes nothing the second time, and an import
// interrupted at any point resumes where its last committed batch ended.
package imports

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/fault"
	"shequ/internal/orgtree"
	"shequ/internal/register"
	"shequ/internal/sheets"
)

// Permissions of this capability (migration 010).
const (
	PermImport   = "register.import"    // import departments' lists into the register
	PermResolve  = "imports.resolve"    // decide the conflict queue
	PermExport   = "exports.department" // export in a department's layout, audited
	defaultBatch = 2000
)

// Service runs imports.
type Service struct {
	db     *database.DB
	reg    *register.Store
	org    *orgtree.Store
	now    func() time.Time
	Limits sheets.Limits
	// SpoolDir keeps uploaded files until their import ends.
	SpoolDir string

	mu      sync.Mutex
	running map[int64]context.CancelFunc
	hashes  map[string]string // file stamp → SHA-256
	jobs    jobs
}

// NewService returns a Service on db.
func NewService(db *database.DB) *Service {
	return &Service{db: db, reg: register.NewStore(db), org: orgtree.NewStore(db), now: time.Now,
		Limits: sheets.DefaultLimits, SpoolDir: filepath.Join(os.TempDir(), "shequ-imports"), running: map[int64]context.CancelFunc{}, hashes: map[string]string{}}
}

// Analysis is what a file holds and how it would be read.
type Analysis struct {
	FileName string
	Hash     string
	Size     int64
	Format   string
	Encoding string
	Rows     int
	Layout   Layout
	Options  Options // the department's defaults
}

// hashFile returns the SHA-256 of a file and its size. A file hashed
// before by this Service, unchanged since (same size and time), is not read
// again: the command line analyses a file and imports it straight after.
func (s *Service) hashFile(f *os.File) (string, int64, error) {
	st, err := f.Stat()
	if err != nil {
		return "", 0, err
	}
	stamp := fmt.Sprintf("%s|%d|%d", f.Name(), st.Size(), st.ModTime().UnixNano())
	s.mu.Lock()
	hash, ok := s.hashes[stamp]
	s.mu.Unlock()
	if ok {
		return hash, st.Size(), nil
	}
	h := sha256.New()
	n, err := io.Copy(h, io.NewSectionReader(f, 0, 1<<62))
	if err != nil {
		return "", 0, err
	}
	hash = hex.EncodeToString(h.Sum(nil))
	s.mu.Lock()
	s.hashes[stamp] = hash
	s.mu.Unlock()
	return hash, n, nil
}

// profile returns a department's import defaults.
func (s *Service) profile(ctx context.Context, department string) (Options, error) {
	var o Options
	var name string
	err := s.db.QueryRowContext(ctx, `SELECT name FROM departments WHERE code = $1`, department).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return o, fault.Fields{"department": fmt.Sprintf("部门 %q 不存在", department)}
	}
	if err != nil {
		return o, err
	}
	err = s.db.QueryRowContext(ctx, `SELECT tag, residence FROM import_profiles WHERE department = $1`, department).
		Scan(&o.Tag, &o.Residence)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	return o, err
}

// savedMapping returns a department's saved column mapping, label → field.
func (s *Service) savedMapping(ctx context.Context, department string) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT label, field FROM import_mappings WHERE department = $1`, department)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var l, f string
		if err := rows.Scan(&l, &f); err != nil {
			return nil, err
		}
		out[l] = f
	}
	return out, rows.Err()
}

// Analyse opens a file and proposes how to read it for a department: for
// each sheet the header rows, the column labels and the field each column
// feeds (the department's saved mapping first, then names), with the first
// data rows as samples.
func (s *Service) Analyse(ctx context.Context, path, fileName, department string) (*Analysis, error) {
	opt, err := s.profile(ctx, department)
	if err != nil {
		return nil, err
	}
	saved, err := s.savedMapping(ctx, department)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	hash, size, err := s.hashFile(f)
	if err != nil {
		return nil, err
	}
	book, err := sheets.Open(f, size, fileName, s.Limits)
	if err != nil {
		return nil, err
	}
	a := &Analysis{FileName: fileName, Hash: hash, Size: size, Format: book.Format, Encoding: book.Encoding, Options: opt}
	for i, sh := range book.Sheets {
		sl := SheetLayout{Index: i, Name: sh.Name, Rows: sh.Rows}
		if sh.Hidden {
			sl.Skipped = "隐藏的工作表"
			a.Layout.Sheets = append(a.Layout.Sheets, sl)
			continue
		}
		head, err := firstRows(book, i, headerScan+sampleRows)
		if err != nil {
			return nil, err
		}
		start, data, labels, ok := findHeader(head[:min(len(head), headerScan)], sh.Merges)
		if !ok {
			sl.Skipped = "未找到表头(应有“姓名”“身份证号”等列名)"
			if len(head) == 0 {
				sl.Skipped = "空工作表"
			}
			a.Layout.Sheets = append(a.Layout.Sheets, sl)
			continue
		}
		sl.HeaderRow, sl.DataRow, sl.Labels = head[start].Num, head[data-1].Num+1, labels
		sl.Fields, sl.Suggested = mapColumns(labels, saved, opt.Tag != "")
		for _, r := range head[data:min(len(head), data+sampleRows)] {
			texts := make([]string, len(labels))
			for c := range texts {
				if c < len(r.Cells) {
					texts[c] = cellText(r.Cells[c], book.Date1904)
				}
			}
			sl.Samples = append(sl.Samples, texts)
		}
		if !identifies(sl.Fields) {
			sl.Skipped = skipNoID
		}
		a.Rows += max(0, sh.Rows-data)
		a.Layout.Sheets = append(a.Layout.Sheets, sl)
	}
	return a, nil
}

// skipNoID marks a sheet whose ID number column was not found by name; a
// mapping given by a person may still name it.
const skipNoID = "未找到证件号码列,请指定"

// identifies reports whether a sheet's columns can tell who a row is: an
// ID number, or else a name with a birth date or month (matched against
// the register by name, birth and address).
func identifies(fields []string) bool {
	return hasField(fields, "id_number") || hasField(fields, "name") && hasField(fields, "birth_date")
}

func hasField(fields []string, f string) bool {
	for _, x := range fields {
		if x == f {
			return true
		}
	}
	return false
}

// firstRows reads up to n rows of a sheet.
func firstRows(book *sheets.Book, sheet, n int) ([]sheets.Row, error) {
	rows, err := book.Rows(sheet)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sheets.Row
	for len(out) < n && rows.Next() {
		r := rows.Row()
		out = append(out, sheets.Row{Num: r.Num, Cells: append([]sheets.Cell(nil), r.Cells...)})
	}
	return out, rows.Err()
}

// Request asks for an import.
type Request struct {
	UnitID     int64
	Department string
	Path       string // the file; kept as the spool when Spool is set
	FileName   string
	Spool      bool // the file is an upload to keep until the import ends
	// Mapping changes the proposed mapping: header label → field key ("" to
	// ignore the column). It applies to every sheet with the label.
	Mapping map[string]string
	// Sheets, if not nil, lists the sheets to import by index; others are
	// skipped.
	Sheets  []int
	Options *Options // nil: the department's defaults
	// Adjust, if set, changes the options chosen (the department's
	// defaults or Options) before they are checked: the command line
	// overrides a few of them without reading the file a second time.
	Adjust func(*Options)
}

// Created tells what Create did with a request.
type Created int

const (
	CreatedNew       Created = iota // a new import was recorded
	CreatedDuplicate                // the same file with the same mapping was already imported: nothing to do
	CreatedResume                   // the same file's import was interrupted: it continues
)

// Create records an import for v after checking the request: the target
// unit must be in v's scope for register.import, and every sheet imported
// must have its ID number column mapped. The mapping used is saved for the
// department. The same file, mapping and target imported before gives that
// import back instead (done: nothing to do; unfinished: resume it).
func (s *Service) Create(ctx context.Context, v *access.Viewer, req Request) (*Import, Created, error) {
	unit, err := s.checkUnit(ctx, v, req.UnitID)
	if err != nil {
		return nil, 0, err
	}
	a, err := s.Analyse(ctx, req.Path, req.FileName, req.Department)
	if err != nil {
		return nil, 0, err
	}
	opt := a.Options
	if req.Options != nil {
		opt = *req.Options
	}
	if req.Adjust != nil {
		req.Adjust(&opt)
	}
	if opt.Tag != "" {
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM tag_kinds WHERE code = $1`, opt.Tag).Scan(&n); err != nil {
			return nil, 0, err
		}
		if n == 0 {
			return nil, 0, fault.Fields{"tag": fmt.Sprintf("标签 %q 不存在", opt.Tag)}
		}
	}
	if opt.Residence != "" {
		if _, ok := register.ResidenceNames[opt.Residence]; !ok {
			return nil, 0, fault.Fields{"residence": "人口类别应为 registered、resident、floating 或 overseas"}
		}
	}
	if opt.BatchRows <= 0 {
		opt.BatchRows = defaultBatch
	}
	for label, f := range req.Mapping {
		if _, ok := fieldByKey(f); f != "" && !ok {
			return nil, 0, fault.Fields{"mapping": fmt.Sprintf("列“%s”对应的字段 %q 不存在", label, f)}
		}
	}
	want := map[int]bool{}
	for _, i := range req.Sheets {
		want[i] = true
	}
	imported := 0
	for i := range a.Layout.Sheets {
		sl := &a.Layout.Sheets[i]
		if req.Sheets != nil && !want[sl.Index] {
			sl.Skipped = "未选择导入"
		}
		if sl.HeaderRow == 0 || (sl.Skipped != "" && sl.Skipped != skipNoID) {
			continue
		}
		for c, l := range sl.Labels {
			if f, ok := req.Mapping[l]; ok {
				sl.Fields[c] = f
			} else if f, ok := req.Mapping[labelKey(l)]; ok {
				sl.Fields[c] = f
			}
			if isTagField(sl.Fields[c]) && opt.Tag == "" {
				sl.Fields[c] = ""
			}
		}
		if err := checkMapping(sl); err != nil {
			return nil, 0, err
		}
		sl.Skipped = ""
		if !identifies(sl.Fields) {
			sl.Skipped = "未找到证件号码列"
			continue
		}
		imported++
	}
	if imported == 0 {
		return nil, 0, fault.Fields{"mapping": "没有可导入的工作表:请指定身份证号码(证件号码)所在的列,或姓名和出生日期(出生年月)所在的列"}
	}
	im := &Import{ID: database.NewID(), UnitID: unit.ID, UnitName: unit.Name, CommunityID: unit.CommunityID,
		Department: req.Department, FileName: a.FileName, FileHash: a.Hash, FileSize: a.Size, Format: a.Format,
		Encoding: a.Encoding, Layout: a.Layout, Options: opt, Status: StatusPending, RowsTotal: a.Rows,
		UserID: v.UserID, UserName: v.Name, CreatedAt: database.FormatTime(s.now())}
	prev, err := s.previous(ctx, im)
	if err != nil {
		return nil, 0, err
	}
	if prev != nil {
		if prev.Status == StatusDone {
			if req.Spool {
				os.Remove(req.Path)
			}
			return prev, CreatedDuplicate, nil
		}
		if req.Spool {
			// The unfinished import goes on with the file just sent when
			// its own is gone (a server restarted without --import-dir).
			if _, err := os.Stat(prev.SpoolPath); prev.SpoolPath == "" || err != nil {
				if _, err := s.db.ExecContext(ctx, `UPDATE imports SET spool_path = $1, version = version + 1 WHERE id = $2`,
					req.Path, prev.ID); err != nil {
					return nil, 0, err
				}
				prev.SpoolPath = req.Path
			} else {
				os.Remove(req.Path)
			}
		}
		return prev, CreatedResume, nil
	}
	if req.Spool {
		im.SpoolPath = req.Path
	}
	if err := s.saveMapping(ctx, v, im); err != nil {
		return nil, 0, err
	}
	if err := s.insertImport(ctx, im); err != nil {
		return nil, 0, err
	}
	return im, CreatedNew, nil
}

// checkMapping refuses a mapping that feeds one field from two columns
// (the tag note may gather several).
func checkMapping(sl *SheetLayout) error {
	seen := map[string]string{}
	for c, f := range sl.Fields {
		if f == "" || f == FieldTagNote {
			continue
		}
		if other, ok := seen[f]; ok {
			return fault.Fields{"mapping": fmt.Sprintf("工作表“%s”中“%s”和“%s”两列都对应%s,请只保留一列",
				sl.Name, other, sl.Labels[c], FieldLabel(f))}
		}
		seen[f] = sl.Labels[c]
	}
	return nil
}

// previous finds an import of the same file, with the same reading and
// options, into the same unit for the same department.
func (s *Service) previous(ctx context.Context, im *Import) (*Import, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT i.id FROM imports i WHERE i.file_hash = $1 AND i.department = $2
		AND i.unit_id = $3 ORDER BY i.created_at DESC`, im.FileHash, im.Department, im.UnitID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		prev, err := s.get(ctx, s.db, id)
		if err != nil {
			return nil, err
		}
		if sameReading(prev, im) {
			return prev, nil
		}
	}
	return nil, rows.Err()
}

func sameReading(a, b *Import) bool {
	if a.Options.Tag != b.Options.Tag || a.Options.Residence != b.Options.Residence || len(a.Layout.Sheets) != len(b.Layout.Sheets) {
		return false
	}
	for i := range a.Layout.Sheets {
		x, y := a.Layout.Sheets[i], b.Layout.Sheets[i]
		if x.HeaderRow != y.HeaderRow || x.Skipped != y.Skipped || strings.Join(x.Fields, ",") != strings.Join(y.Fields, ",") {
			return false
		}
	}
	return true
}

// saveMapping remembers how the department names its columns.
func (s *Service) saveMapping(ctx context.Context, v *access.Viewer, im *Import) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		for _, sl := range im.Layout.Sheets {
			if sl.HeaderRow == 0 || sl.Skipped != "" {
				continue
			}
			for c, l := range sl.Labels {
				key := labelKey(l)
				if key == "" {
					continue
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO import_mappings (department, label, field, updated_at, updated_by)
					VALUES ($1, $2, $3, $4, $5) ON CONFLICT (department, label) DO UPDATE SET field = excluded.field,
					updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
					im.Department, key, sl.Fields[c], im.CreatedAt, v.Name); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// checkUnit returns the target unit if v may import into it: a community,
// or a unit above communities, inside v's scope for register.import.
func (s *Service) checkUnit(ctx context.Context, v *access.Viewer, unitID int64) (orgtree.Unit, error) {
	u, err := s.org.Get(ctx, unitID)
	if errors.Is(err, orgtree.ErrNotFound) {
		return u, fault.Fields{"unit": "导入到的单元不存在"}
	}
	if err != nil {
		return u, err
	}
	if u.CommunityID != 0 && u.Level != orgtree.LevelCommunity {
		return u, fault.Fields{"unit": "请选择社区或其上级单元作为导入范围"}
	}
	ok, err := s.unitInScope(ctx, v.Scope(PermImport), u)
	if err != nil {
		return u, err
	}
	if !ok {
		return u, fault.Fields{"unit": "您没有向“" + u.Name + "”导入数据的权限"}
	}
	return u, nil
}

// unitInScope reports whether a community or a unit above the communities
// lies in sc.
func (s *Service) unitInScope(ctx context.Context, sc access.Scope, u orgtree.Unit) (bool, error) {
	if sc.Whole() {
		return true, nil
	}
	if sc.Empty() {
		return false, nil
	}
	if u.CommunityID != 0 && sc.Contains(access.Place{Community: u.CommunityID, Org: u.ID}) {
		return true, nil
	}
	for _, top := range sc.Units() {
		in, err := s.org.IsWithin(ctx, u.ID, top)
		if err != nil || in {
			return in, err
		}
	}
	return false, nil
}

// communities returns the communities an import into u covers.
func (s *Service) communities(ctx context.Context, u orgtree.Unit) ([]orgtree.Unit, error) {
	if u.Level == orgtree.LevelCommunity {
		return []orgtree.Unit{u}, nil
	}
	return s.org.Descendants(ctx, u.ID, orgtree.LevelCommunity)
}
