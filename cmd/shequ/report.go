package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"shequ/internal/indicators"
	"shequ/internal/orgtree"
	"shequ/internal/reports"
	"shequ/internal/server"
)

func reportCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, dsn := newFlags("report", stderr)
	template := fs.String("template", reports.SampleCode, "报表模板:编码或 id")
	org := fs.String("org", "", "组织单元:id、名称或区划代码")
	period := fs.String("period", "", "报告期:2026-10(月)、2026-Q4(季)或 2026(年);默认本月")
	format := fs.String("format", "", "导出格式:xlsx、pdf 或 csv(默认取输出文件的扩展名)")
	out := fs.String("o", "", "输出文件;不给时在终端列出报表")
	install := fs.Bool("install-sample", false, "安装示例报表模板(社区综合信息月报,358 项)后退出")
	readZone := zoneFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	zone, err := readZone()
	if err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	s := reports.New(db, nil, server.IndicatorSources()...)
	if *install {
		ok, err := s.InstallSample(ctx)
		if err != nil {
			return err
		}
		if ok {
			fmt.Fprintln(stdout, "已安装示例报表模板", reports.SampleCode)
		} else {
			fmt.Fprintln(stdout, "示例报表模板已存在")
		}
		return nil
	}
	if *org == "" {
		fs.Usage()
		return errors.New("请用 --org 指定组织单元")
	}
	u, err := orgtree.NewStore(db).Find(ctx, *org)
	if err != nil {
		return err
	}
	unit := u.ID
	p := indicators.Current(indicators.Monthly, time.Now())
	if *period != "" {
		if p, err = indicators.ParsePeriod(*period); err != nil {
			return err
		}
	}
	if _, err := s.Template(ctx, *template); errors.Is(err, reports.ErrNotFound) {
		return fmt.Errorf("报表模板 %q 不存在;可用 --install-sample 安装示例模板", *template)
	}
	r, err := s.Compute(ctx, *template, unit, p, reports.Options{})
	if err != nil {
		return err
	}
	if *out == "" {
		return printReport(stdout, r)
	}
	f := strings.ToLower(*format)
	if f == "" {
		f = strings.TrimPrefix(strings.ToLower(filepath.Ext(*out)), ".")
	}
	var write func(io.Writer) error
	switch f {
	case "xlsx":
		// Into the department's blank form when the template has one.
		write = func(w io.Writer) error { return s.ExportXLSX(ctx, r, w) }
	case "csv":
		write = r.WriteCSV
	case "pdf":
		write = func(w io.Writer) error { return r.WritePDF(w, zone) }
	default:
		return fmt.Errorf("导出格式 %q 无效,应为 xlsx、pdf 或 csv", f)
	}
	tmp := *out + ".tmp"
	file, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := write(file); err != nil {
		file.Close()
		os.Remove(tmp)
		return err
	}
	if err := file.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已导出 %s(%d 项,自动计算 %d 项,手工填报 %d 项,用时 %s)\n", *out, r.Burden.Items, r.Burden.Computed,
		r.Burden.Manual, r.Elapsed.Round(time.Millisecond))
	return nil
}

// printReport lists a report on the terminal.
func printReport(w io.Writer, r *reports.Report) error {
	fmt.Fprintf(w, "%s\n%s  %s\n", r.Template.Name, r.Unit.Name, r.Period.Label())
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, c := range r.Categories {
		fmt.Fprintf(tw, "%s\n", c.Name)
		for _, s := range c.Subs {
			fmt.Fprintf(tw, "  %s\n", s.Name)
			for _, row := range s.Rows {
				src := ""
				if row.Manual {
					src = "手工"
				}
				fmt.Fprintf(tw, "    %s\t%s\t%s\t%s\t%s\n", row.Indicator, row.Label, row.Text(), row.UnitText(), src)
			}
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, wn := range r.Warnings {
		fmt.Fprintf(w, "校验提示:%s(%s:%s 对 %s)\n", wn.Rule.Message, wn.Rule.Expr,
			reports.FormatValue(wn.Left, -1), reports.FormatValue(wn.Right, -1))
	}
	b := r.Burden
	fmt.Fprintf(w, "共 %d 项:自动计算 %d 项(%.0f%%),手工填报 %d 项;计算用时 %s\n", b.Items, b.Computed, b.ComputedShare(),
		b.Manual, r.Elapsed.Round(time.Millisecond))
	return nil
}
