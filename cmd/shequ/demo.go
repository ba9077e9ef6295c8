package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"shequ/internal/demo"
)

func demoCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, dsn := newFlags("demo", stderr)
	preset := fs.String("preset", "chengbei", "预设: "+strings.Join(demo.Presets(), ", "))
	persons := fs.Int("persons", 100000, "city 预设的人口数")
	seed := fs.Uint64("seed", 1, "随机种子;相同种子生成相同数据")
	workbooks := fs.String("workbooks", "", "chengbei:另在此目录写出公安、计生、民政、残联四份部门名册(含分歧与脏数据)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	opt := demo.Options{Preset: *preset, Persons: *persons, Seed: *seed, Today: time.Now()}
	if *workbooks != "" {
		wbs, err := demo.WriteWorkbooks(opt, *workbooks)
		if err != nil {
			return err
		}
		for _, wb := range wbs {
			fmt.Fprintf(stdout, "已写出 %s:%d 行(预期 新增 %d,合并 %d,待核实 %d,未导入 %d,无变化 %d)\n",
				filepath.Join(*workbooks, wb.File), wb.Rows, wb.Created, wb.Merged, wb.Queued, wb.Rejected, wb.Unchanged)
		}
		if loaded, err := demo.Loaded(ctx, db, *preset); err != nil || loaded {
			if loaded {
				fmt.Fprintf(stdout, "%s 已在数据库中,未重复载入\n", *preset)
			}
			return err
		}
	}
	sum, err := demo.Load(ctx, db, opt, progressBar(stderr, *preset))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已载入 %s:%d 个社区,%d 个网格,%d 户,%d 人(流动 %d),%d 个单位,用时 %s\n",
		*preset, sum.Communities, sum.Grids, sum.Households, sum.Persons, sum.FloatingPersons, sum.Organisations,
		time.Since(start).Round(100*time.Millisecond))
	return nil
}
