package main

import (
	"context"
	"io"
	"os"
	"strings"

	"shequ/internal/bench"
	"shequ/internal/server"
)

// benchGroups are the groups of measurements the command offers.
var benchGroups = []bench.Group{bench.Register, bench.Access, bench.Reports, bench.Import, bench.Events,
	bench.Services, bench.Cards, bench.OrgImport, bench.Forms, bench.Workbench, bench.Burden, bench.DataRequest, bench.Visits,
	bench.VisitsOffline, bench.Party, bench.Volunteers, bench.Residents, bench.SocialOrgs, bench.Disclosure, bench.Proposals, bench.Funds, bench.ServeLoad}

func benchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, dsn := newFlags("bench", stderr)
	persons := fs.Int("persons", 1000000, "载入 city 预设时的人口数")
	load := fs.Bool("load", false, "先在(空)数据库中载入 city 预设并计时")
	queries := fs.Int("queries", 2000, "每项延迟测量的次数")
	only := fs.String("only", "", "只运行这些测量组,逗号分隔(可选: "+strings.Join(bench.Names(benchGroups), ", ")+")")
	layout := fs.String("layout", "a4sheet", "户档卡版式: a4sheet 或 a6(--only cards)")
	duration := fs.Duration("duration", 0, "负载持续时长(--only events 默认 60s,--only serve_load 默认 10m)")
	workers := fs.Int("workers", 16, "并发客户端数(--only events)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var groups []string
	for _, g := range strings.Split(*only, ",") {
		if g = strings.TrimSpace(g); g != "" {
			groups = append(groups, g)
		}
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	return bench.Run(ctx, bench.Options{DSN: *dsn, Persons: *persons, Load: *load, Queries: *queries, Binary: self,
		Groups: benchGroups, Only: groups, Layout: *layout, Duration: *duration, Workers: *workers,
		Sources: server.IndicatorSources()}, stdout, stderr)
}
