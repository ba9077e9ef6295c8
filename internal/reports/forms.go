package reports

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"shequ/internal/database"
	"shequ/internal/fault"
)

// The department's own blank form (空白报表): the xlsx a department hands
// out, uploaded once per template. A report exported as xlsx is then that
// workbook with the values filled in at each item's cell, so that what the
// community sends back looks exactly like what the department asked for;
// without one the export keeps the layout WriteXLSX generates.

// MaxFormBytes bounds a blank form: departments' forms are a few hundred
// kilobytes; a bigger file is most likely the wrong one (with photos or a
// filled-in list).
const MaxFormBytes = 5 << 20

// FormInfo describes a template's blank form.
type FormInfo struct {
	Name       string   `json:"name"`
	Size       int      `json:"size"`
	Sheets     []string `json:"sheets"`
	UploadedAt string   `json:"uploaded_at"`
	UploadedBy string   `json:"uploaded_by"`
}

// HasSheet reports whether the form has a sheet of that name.
func (f *FormInfo) HasSheet(name string) bool { return slices.Contains(f.Sheets, name) }

// formInfo reads the description of a template's blank form, nil when
// none is uploaded.
func (s *Service) formInfo(ctx context.Context, templateID int64) (*FormInfo, error) {
	fi := &FormInfo{}
	var sheets string
	err := s.db.QueryRowContext(ctx, `SELECT name, size, sheets, uploaded_at, uploaded_by FROM report_forms WHERE template_id = $1`,
		templateID).Scan(&fi.Name, &fi.Size, &sheets, &fi.UploadedAt, &fi.UploadedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	fi.Sheets = strings.Split(sheets, "\n")
	return fi, nil
}

// BlankForm returns a template's blank form and its content; ErrNotFound
// when none is uploaded.
func (s *Service) BlankForm(ctx context.Context, templateID int64) (*FormInfo, []byte, error) {
	fi := &FormInfo{}
	var sheets string
	var data []byte
	err := s.db.QueryRowContext(ctx, `SELECT name, size, sheets, uploaded_at, uploaded_by, data FROM report_forms WHERE template_id = $1`,
		templateID).Scan(&fi.Name, &fi.Size, &sheets, &fi.UploadedAt, &fi.UploadedBy, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	fi.Sheets = strings.Split(sheets, "\n")
	return fi, data, nil
}

// openOptions bound what opening an uploaded workbook may unpack: a small
// zip can hold gigabytes of XML.
var openOptions = excelize.Options{UnzipSizeLimit: 200 << 20, UnzipXMLSizeLimit: 50 << 20}

// checkForm checks that data is an xlsx workbook of at most MaxFormBytes
// with the sheet named; errors are at "file", in words an administrator
// can act on.
func checkForm(data []byte, sheet string) ([]string, error) {
	refuse := func(msg string) ([]string, error) { return nil, fault.Fields{"file": msg} }
	switch {
	case len(data) == 0:
		return refuse("请选择部门的空白报表文件(xlsx)")
	case len(data) > MaxFormBytes:
		return refuse(fmt.Sprintf("文件有 %.1f MB,超过了 %d MB 的上限;空白报表通常只有几百 KB,请确认没有选错文件",
			float64(len(data))/(1<<20), MaxFormBytes>>20))
	case bytes.HasPrefix(data, []byte("\xd0\xcf\x11\xe0")):
		// The OLE container of Excel 97–2003 (.xls) and of encrypted xlsx.
		return refuse("这是旧版 Excel(.xls)文件或加了密码的文件;请在 Excel 中去掉密码,另存为“Excel 工作簿(*.xlsx)”后再上传")
	case !bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return refuse("这不是 xlsx 文件;请在 Excel 中另存为“Excel 工作簿(*.xlsx)”后再上传")
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), openOptions)
	if err != nil {
		return refuse("文件无法作为 xlsx 打开(可能已损坏);请在 Excel 中打开后另存为“Excel 工作簿(*.xlsx)”再上传")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if !slices.Contains(sheets, sheet) {
		return refuse(fmt.Sprintf("文件中没有工作表「%s」(它有:%s);请上传含该工作表的表格,或先在模板设置中把工作表名称改为表格中的名称",
			sheet, strings.Join(sheets, "、")))
	}
	return sheets, nil
}

// SaveBlankForm stores data as the blank form of a template at version
// (replacing the one before). The form is part of the template's
// definition: storing it makes a new version.
func (s *Service) SaveBlankForm(ctx context.Context, by string, templateID int64, version int, name string, data []byte) error {
	t, err := s.Template(ctx, fmt.Sprint(templateID))
	if err != nil {
		return err
	}
	if t.Version != version {
		return &ConflictError{What: "报表模板「" + t.Name + "」", By: t.UpdatedBy, At: t.UpdatedAt, Current: t.Version, Attempted: version}
	}
	sheets, err := checkForm(data, t.Sheet)
	if err != nil {
		return err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		name = t.Code + ".xlsx"
	}
	now := database.FormatTime(s.now())
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := bumpVersion(ctx, tx, t, version, by, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM report_forms WHERE template_id = $1`, t.ID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO report_forms (template_id, name, size, sheets, data, uploaded_at, uploaded_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, t.ID, name, len(data), strings.Join(sheets, "\n"), data, now, by)
		return err
	})
}

// DeleteBlankForm removes a template's blank form: exports go back to the
// generated layout.
func (s *Service) DeleteBlankForm(ctx context.Context, by string, templateID int64, version int) error {
	t, err := s.Template(ctx, fmt.Sprint(templateID))
	if err != nil {
		return err
	}
	if t.Form == nil {
		return ErrNotFound
	}
	if t.Version != version {
		return &ConflictError{What: "报表模板「" + t.Name + "」", By: t.UpdatedBy, At: t.UpdatedAt, Current: t.Version, Attempted: version}
	}
	now := database.FormatTime(s.now())
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := bumpVersion(ctx, tx, t, version, by, now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM report_forms WHERE template_id = $1`, t.ID)
		return err
	})
}

// bumpVersion makes a new version of a template still at version, or
// conflicts.
func bumpVersion(ctx context.Context, tx *sql.Tx, t *Template, version int, by, now string) error {
	res, err := tx.ExecContext(ctx, `UPDATE report_templates SET version = version + 1, updated_at = $1, updated_by = $2
		WHERE id = $3 AND version = $4`, now, by, t.ID, version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &ConflictError{What: "报表模板「" + t.Name + "」", By: t.UpdatedBy, At: t.UpdatedAt, Current: t.Version, Attempted: version}
	}
	return nil
}

// ExportXLSX writes the report as xlsx: into the template's blank form
// when one is uploaded, else in the generated layout.
func (s *Service) ExportXLSX(ctx context.Context, r *Report, w io.Writer) error {
	if r.Template.Form == nil {
		return r.WriteXLSX(w)
	}
	_, data, err := s.BlankForm(ctx, r.Template.ID)
	if errors.Is(err, ErrNotFound) {
		return r.WriteXLSX(w) // removed since the report was computed
	}
	if err != nil {
		return err
	}
	return r.WriteFormXLSX(data, w)
}

// WriteFormXLSX writes the report into a copy of the blank form: each
// value at its item's cell, the template's name at the title cell, the
// unit and the period at theirs. Only those cells change; the values take
// the cells' own formats. A unit or period cell that holds a label ending
// in a colon (填报单位:) gets the name after it; otherwise the cell reads
// 填报单位:… as in the generated layout. Items without a cell are listed
// with their values on a sheet of their own (未填入的项) instead of being
// left out unseen, and the validation warnings on another (校验提示), as in
// the generated layout. Excel recomputes the form's own formulas (合计)
// when it opens the file.
func (r *Report) WriteFormXLSX(form []byte, w io.Writer) error {
	f, err := excelize.OpenReader(bytes.NewReader(form), openOptions)
	if err != nil {
		return fmt.Errorf("空白报表无法打开: %w", err)
	}
	defer f.Close()
	sheet := r.Template.Sheet
	idx, err := f.GetSheetIndex(sheet)
	if err != nil || idx < 0 {
		return fmt.Errorf("空白报表中没有工作表「%s」", sheet)
	}
	set := func(cell string, v any) error {
		if cell == "" {
			return nil
		}
		return f.SetCellValue(sheet, cell, v)
	}
	labelled := func(cell, label, v string) error {
		if cell == "" {
			return nil
		}
		cur, err := f.GetCellValue(sheet, cell)
		if err != nil {
			return err
		}
		if t := strings.TrimSpace(cur); strings.HasSuffix(t, ":") || strings.HasSuffix(t, ":") {
			return set(cell, t+v)
		}
		return set(cell, label+v)
	}
	if err := set(r.Template.TitleCell, r.Template.Name); err != nil {
		return err
	}
	if err := labelled(r.Template.UnitCell, "填报单位:", r.Unit.Name); err != nil {
		return err
	}
	if err := labelled(r.Template.PeriodCell, "报告期:", r.Period.Label()); err != nil {
		return err
	}
	var loose []*Row
	for _, row := range r.Rows {
		if row.Item.Cell == "" {
			loose = append(loose, row)
			continue
		}
		var v any = row.Text()
		if row.Due && row.Known {
			v = row.Value
		}
		if err := set(row.Item.Cell, v); err != nil {
			return err
		}
	}
	if len(loose) > 0 {
		if err := writeLoose(f, freeSheetName(f, "未填入的项"), loose); err != nil {
			return err
		}
	}
	if len(r.Warnings) > 0 {
		if err := writeWarnings(f, freeSheetName(f, "校验提示"), r.Warnings); err != nil {
			return err
		}
	}
	full := true
	if err := f.SetCalcProps(&excelize.CalcPropsOptions{FullCalcOnLoad: &full}); err != nil {
		return err
	}
	f.SetActiveSheet(idx)
	_, err = f.WriteTo(w)
	return err
}

// freeSheetName is name, or name with a number after it when the form
// already has a sheet of that name.
func freeSheetName(f *excelize.File, name string) string {
	out := name
	for n := 2; ; n++ {
		if i, _ := f.GetSheetIndex(out); i < 0 {
			return out
		}
		out = fmt.Sprintf("%s%d", name, n)
	}
}

// writeLoose lists the items that have no cell, with their values, on a
// sheet of their own: a value the department asked for is never left out
// unseen.
func writeLoose(f *excelize.File, ws string, rows []*Row) error {
	if _, err := f.NewSheet(ws); err != nil {
		return err
	}
	f.SetSheetRow(ws, "A1", &[]any{"以下各项在模板中没有指定单元格,未填入报表"})
	f.SetSheetRow(ws, "A2", &[]any{"指标编码", "项目", "计量单位", "数值", "来源", "要求部门"})
	for i, row := range rows {
		var v any = row.Text()
		if row.Due && row.Known {
			v = row.Rounded()
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		f.SetSheetRow(ws, cell, &[]any{row.Indicator, row.Label, row.UnitText(), v, row.sourceName(), row.DepartmentName})
	}
	f.SetColWidth(ws, "B", "B", 36)
	return nil
}

// writeWarnings lists the validation warnings on a sheet of their own.
func writeWarnings(f *excelize.File, ws string, warnings []Warning) error {
	if _, err := f.NewSheet(ws); err != nil {
		return err
	}
	f.SetSheetRow(ws, "A1", &[]any{"校验规则", "提示", "左边", "右边"})
	for i, wn := range warnings {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		f.SetSheetRow(ws, cell, &[]any{wn.Rule.Expr, wn.Rule.Message, wn.Left, wn.Right})
	}
	return nil
}
