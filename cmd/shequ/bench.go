package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"shequ/internal/bench"
)

func benchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, dsn := newFlags("bench", stderr)
	persons := fs.Int("persons", 1000000, "载入 city 预设时的人口数")
	load := fs.Bool("load", false, "先在(空)数据库中载入 city 预设并计时")
	queries := fs.Int("queries", 2000, "每项延迟测量的次数")
	only := fs.String("only", "", "只测一组:events(事件上报与进度查询,启动真实服务进程并 kill -9)")
	duration := fs.Duration("duration", 60*time.Second, "events:持续上报的时长")
	workers := fs.Int("workers", 16, "events:并发客户端数")
	if err := fs.Parse(args); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	if *only == "events" {
		dsn := *dsn
		if dsn == "shequ.db" {
			dsn = "" // a throwaway file, not the default database
		}
		return bench.RunEvents(ctx, bench.EventOptions{Binary: self, DSN: dsn, Duration: *duration, Workers: *workers}, stdout, stderr)
	}
	if *only != "" {
		return fmt.Errorf("--only 只支持 events")
	}
	return bench.Run(ctx, bench.Options{DSN: *dsn, Persons: *persons, Load: *load, Queries: *queries, Binary: self}, stdout, stderr)
}
