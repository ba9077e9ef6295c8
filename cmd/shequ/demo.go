package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"shequ/internal/demo"
)

func demoCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, dsn := newFlags("demo", stderr)
	preset := fs.String("preset", "chengbei", "预设: "+strings.Join(demo.Presets(), ", "))
	persons := fs.Int("persons", 100000, "city 预设的人口数")
	seed := fs.Uint64("seed", 1, "随机种子;相同种子生成相同数据")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	sum, err := demo.Load(ctx, db, demo.Options{Preset: *preset, Persons: *persons, Seed: *seed, Today: time.Now()},
		progressBar(stderr, *preset))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已载入 %s:%d 个社区,%d 个网格,%d 户,%d 人(流动 %d),%d 个单位,用时 %s\n",
		*preset, sum.Communities, sum.Grids, sum.Households, sum.Persons, sum.FloatingPersons, sum.Organisations,
		time.Since(start).Round(100*time.Millisecond))
	return nil
}
