package main

import (
	"context"
	"io"
	"os"

	"shequ/internal/bench"
)

func benchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, dsn := newFlags("bench", stderr)
	persons := fs.Int("persons", 1000000, "载入 city 预设时的人口数")
	load := fs.Bool("load", false, "先在(空)数据库中载入 city 预设并计时")
	queries := fs.Int("queries", 2000, "每项延迟测量的次数")
	only := fs.String("only", "", "只测一组: import(导入一百万行 csv 与十万行 xlsx;会改动数据库)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	return bench.Run(ctx, bench.Options{DSN: *dsn, Persons: *persons, Load: *load, Queries: *queries, Binary: self, Only: *only}, stdout, stderr)
}
