package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"text/tabwriter"

	"shequ/internal/access"
	"shequ/internal/database"
	"shequ/internal/imports"
	"shequ/internal/orgtree"
)

const importUsage = `用法:
  shequ import --db D --department police [--unit 城北社区] [--mapping 表头=字段,…|映射.json] [--tag dibao] [--residence registered] 文件
  shequ import list [--db D]                       导入记录
  shequ import show --id ID [--db D]               一次导入的详情
  shequ import rejects --id ID --out 文件.xlsx      下载未导入的行及原因
  shequ import fields                              可对应的字段
`

func importCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "list", "show", "rejects", "fields":
			return importSubCmd(ctx, args[0], args[1:], stdout, stderr)
		case "help", "-h", "--help":
			fmt.Fprint(stdout, importUsage)
			return nil
		}
	}
	fs, dsn := newFlags("import", stderr)
	department := fs.String("department", "", "数据来源部门: police, civil, health, disabled, labour …")
	unit := fs.String("unit", "", "导入到的社区(或上级单元):id、名称或区划代码;库中只有一个社区时可省略")
	mapping := fs.String("mapping", "", "列对应:“表头=字段”用逗号分隔,或 JSON 文件 {\"表头\":\"字段\"};字段为空表示不导入该列")
	tag := fs.String("tag", "-", "名册对应的标签(如 dibao);默认取部门设置,空字符串表示不导入标签")
	residence := fs.String("residence", "", "新登记人员的人口类别: registered, resident, floating, overseas;默认取部门设置")
	batch := fs.Int("batch", 0, "每批行数(每批一次提交,中断后从最近一批继续)")
	maxMB := fs.Int("max-mb", 0, "文件大小上限(MB,默认 300)")
	maxRows := fs.Int("max-rows", 0, "行数上限(默认 2000000)")
	readZone := zoneFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	zone, err := readZone()
	if err != nil {
		return err
	}
	if *department == "" || fs.NArg() != 1 {
		fmt.Fprint(stderr, importUsage)
		return fmt.Errorf("需要 --department 和一个文件")
	}
	path := fs.Arg(0)
	// A list of millions of rows is held only in part, but the roster of a
	// city is large: keep the Go heap well inside a gigabyte, leaving room
	// for the database's own caches.
	debug.SetMemoryLimit(640 << 20)
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	unitID, err := importUnit(ctx, db, *unit)
	if err != nil {
		return err
	}
	m, err := parseMapping(*mapping)
	if err != nil {
		return err
	}
	svc := imports.NewService(db)
	if *maxMB > 0 {
		svc.Limits.MaxBytes = int64(*maxMB) << 20
	}
	if *maxRows > 0 {
		svc.Limits.MaxRows = *maxRows
	}
	req := imports.Request{UnitID: unitID, Department: *department, Path: path, FileName: filepath.Base(path), Mapping: m}
	req.Adjust = func(opt *imports.Options) {
		if *tag != "-" {
			opt.Tag = *tag
		}
		if *residence != "" {
			opt.Residence = *residence
		}
		if *batch > 0 {
			opt.BatchRows = *batch
		}
	}
	viewer := access.System
	im, how, err := svc.Create(ctx, viewer, req)
	if err != nil {
		return err
	}
	switch how {
	case imports.CreatedDuplicate:
		fmt.Fprintf(stdout, "该文件已于 %s 以相同的对应方式导入(导入 %d),本次未作任何更改。\n", clock(zone, im.FinishedAt), im.ID)
		printImport(stdout, im)
		return nil
	case imports.CreatedResume:
		fmt.Fprintf(stdout, "继续上次中断的导入 %d(已处理 %d 行)\n", im.ID, im.RowsDone)
	default:
		describeLayout(stdout, im)
	}
	err = svc.Run(ctx, viewer, im.ID, path, progressBar(stderr, "导入"))
	if err != nil {
		return err
	}
	im, err = svc.Import(ctx, access.Everything, im.ID)
	if err != nil {
		return err
	}
	printImport(stdout, im)
	if im.Rejected > 0 {
		fmt.Fprintf(stdout, "未导入的行及原因: shequ import rejects --id %d --out 未导入.xlsx\n", im.ID)
	}
	return nil
}

// importUnit resolves --unit, or the only community in the database.
func importUnit(ctx context.Context, db *database.DB, ref string) (int64, error) {
	if ref != "" {
		u, err := orgtree.NewStore(db).Find(ctx, ref)
		return u.ID, err
	}
	rows, err := db.QueryContext(ctx, `SELECT id FROM org_units WHERE level = $1 LIMIT 2`, orgtree.LevelCommunity)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return 0, err
		}
		ids = append(ids, id)
	}
	if len(ids) != 1 {
		return 0, fmt.Errorf("请用 --unit 指定导入到哪个社区(或上级单元)")
	}
	return ids[0], rows.Err()
}

func describeLayout(w io.Writer, im *imports.Import) {
	for _, sl := range im.Layout.Sheets {
		if sl.Skipped != "" || sl.HeaderRow == 0 {
			fmt.Fprintf(w, "工作表“%s”:跳过(%s)\n", sl.Name, orDefault(sl.Skipped, "无表头"))
			continue
		}
		var cols []string
		for c, l := range sl.Labels {
			if l == "" {
				continue
			}
			cols = append(cols, fmt.Sprintf("%s→%s", l, imports.FieldLabel(sl.Fields[c])))
		}
		fmt.Fprintf(w, "工作表“%s”:表头在第 %d 行,%s\n", sl.Name, sl.HeaderRow, strings.Join(cols, ","))
	}
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func printImport(w io.Writer, im *imports.Import) {
	fmt.Fprintf(w, "导入 %d:%s → %s(%s),%s\n", im.ID, im.FileName, im.UnitName, im.DepartmentName, im.StatusName())
	fmt.Fprintf(w, "新增 %d,合并 %d,待核实 %d,未导入 %d,无变化 %d(共 %d 行)\n",
		im.Created, im.Merged, im.Queued, im.Rejected, im.Unchanged, im.Counts.Total())
	if im.Message != "" {
		fmt.Fprintln(w, im.Message)
	}
}

// parseMapping reads --mapping: "表头=字段,表头=字段" or a JSON file.
func parseMapping(s string) (map[string]string, error) {
	if s == "" {
		return nil, nil
	}
	if strings.HasSuffix(s, ".json") {
		b, err := os.ReadFile(s)
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("列对应文件 %s 不是 JSON 对象: %w", s, err)
		}
		return m, nil
	}
	m := map[string]string{}
	for _, pair := range strings.Split(s, ",") {
		label, field, ok := strings.Cut(pair, "=")
		if !ok {
			return nil, fmt.Errorf("列对应 %q 应写成 表头=字段", pair)
		}
		m[strings.TrimSpace(label)] = strings.TrimSpace(field)
	}
	return m, nil
}

func importSubCmd(ctx context.Context, sub string, args []string, stdout, stderr io.Writer) error {
	fs, dsn := newFlags("import "+sub, stderr)
	id := fs.Int64("id", 0, "导入记录 id")
	out := fs.String("out", "", "输出文件")
	readZone := zoneFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	zone, err := readZone()
	if err != nil {
		return err
	}
	if sub == "fields" {
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "字段\t名称")
		for _, f := range imports.Fields {
			fmt.Fprintf(tw, "%s\t%s\n", f.Key, f.Label)
		}
		return tw.Flush()
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := imports.NewService(db)
	switch sub {
	case "list":
		ims, err := svc.Imports(ctx, access.System, imports.ListQuery{Limit: 100})
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "id\t时间\t部门\t单元\t文件\t状态\t新增\t合并\t待核实\t未导入\t无变化")
		for _, im := range ims {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\n", im.ID, clock(zone, im.CreatedAt), im.DepartmentName, im.UnitName,
				im.FileName, im.StatusName(), im.Created, im.Merged, im.Queued, im.Rejected, im.Unchanged)
		}
		return tw.Flush()
	case "show":
		im, err := svc.Import(ctx, access.Everything, *id)
		if err != nil {
			return err
		}
		printImport(stdout, im)
		fmt.Fprintf(stdout, "文件 SHA-256 %s,%d 字节,导入人 %s,开始 %s,结束 %s\n", im.FileHash, im.FileSize, im.UserName,
			clock(zone, im.StartedAt), clock(zone, im.FinishedAt))
		describeLayout(stdout, im)
		return nil
	case "rejects":
		if *out == "" {
			return fmt.Errorf("需要 --out 文件.xlsx")
		}
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		n, err := svc.WriteRejects(ctx, access.Everything, *id, f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已写出 %d 行未导入数据到 %s\n", n, *out)
		return nil
	}
	return nil
}
