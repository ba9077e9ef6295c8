package reports

import (
	"fmt"
	"io"
	"strings"
	"time"

	"shequ/internal/database"
	"shequ/internal/pdfdoc"
)

// WritePDF writes the report as an A4 PDF: the unit and the period in every
// page's header, page numbers in the footer, one table per 小类, then the
// validation warnings and what was typed by hand. Times are shown in zone,
// the deployment's. The Chinese font is pdfdoc's; without it the error says
// what to install.
func (r *Report) WritePDF(w io.Writer, zone *time.Location) error {
	d, err := r.PDF(zone)
	if err != nil {
		return err
	}
	return d.Write(w)
}

// PDF lays out the report of WritePDF.
func (r *Report) PDF(zone *time.Location) (*pdfdoc.Doc, error) {
	clock := func(t time.Time) string { return t.In(zone).Format("2006-01-02 15:04") }
	var path []string
	for _, u := range r.Path {
		path = append(path, u.Name)
	}
	d, err := pdfdoc.New(pdfdoc.Options{Size: pdfdoc.A4, Title: r.Title(),
		Header:      fmt.Sprintf("%s  %s  %s", r.Unit.Name, r.Period.Label(), r.Template.Name),
		Footer:      "由基础信息库计算 " + clock(r.ComputedAt),
		PageNumbers: true})
	if err != nil {
		return nil, err
	}
	d.AddPage()
	d.Heading(r.Template.Name)
	fields := [][2]string{
		{"填报单位", strings.Join(path, " / ")},
		{"报告期", fmt.Sprintf("%s(%s 至 %s)", r.Period.Label(), r.Period.Start(), r.Period.End())},
		{"项目", fmt.Sprintf("共 %d 项:自动计算 %d 项,手工填报 %d 项", r.Burden.Items, r.Burden.Computed, r.Burden.Manual)},
	}
	if r.SignOff != nil {
		fields = append(fields, [2]string{"确认", fmt.Sprintf("%s 于 %s 确认", r.SignOff.SignedBy, clock(database.ParseTime(r.SignOff.SignedAt)))})
		if len(r.Diffs) > 0 {
			fields = append(fields, [2]string{"变化", fmt.Sprintf("确认后有 %d 项重算结果不同,表中为重算值,括号内为确认值", len(r.Diffs))})
		}
	} else {
		fields = append(fields, [2]string{"确认", "未确认"})
	}
	if r.Template.Sample {
		fields = append(fields, [2]string{"说明", "示例模板"})
	}
	d.Fields(fields)
	cols := []pdfdoc.Column{{Title: "编码", Width: 16}, {Title: "项目"}, {Title: "数值", Width: 28, Align: "R"},
		{Title: "单位", Width: 16, Align: "C"}, {Title: "来源", Width: 20, Align: "C"}, {Title: "要求部门", Width: 28}}
	for _, c := range r.Categories {
		d.Gap(2)
		d.Text(c.Name)
		for _, s := range c.Subs {
			d.Text(s.Name)
			rows := make([][]string, 0, len(s.Rows))
			for _, row := range s.Rows {
				v := row.Text()
				if row.Changed && row.HasConfirmed {
					v += "(" + row.ConfirmedText() + ")"
				}
				rows = append(rows, []string{row.Indicator, row.Label, v, row.UnitText(), row.sourceName(), row.DepartmentName})
			}
			d.Table(cols, rows)
		}
	}
	if len(r.Warnings) > 0 {
		d.Gap(3)
		d.Text("校验提示")
		var rows [][]string
		for _, wn := range r.Warnings {
			rows = append(rows, []string{wn.Rule.Expr, wn.Rule.Message, FormatValue(wn.Left, -1) + " / " + FormatValue(wn.Right, -1)})
		}
		d.Table([]pdfdoc.Column{{Title: "规则", Width: 50}, {Title: "提示"}, {Title: "左 / 右", Width: 36, Align: "R"}}, rows)
	}
	return d, nil
}
