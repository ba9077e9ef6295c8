package main

import (
	"context"
	"flag"
	"io"
	"net"
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
	if len(args) > 0 && args[0] == "reference" {
		return benchReferenceCmd(ctx, args[1:], stderr)
	}
	fs, dsn := newFlags("bench", stderr)
	persons := fs.Int("persons", 1000000, "载入 city 预设时的人口数")
	load := fs.Bool("load", false, "先在(空)数据库中载入 city 预设并计时")
	queries := fs.Int("queries", 2000, "每项延迟测量的次数")
	only := fs.String("only", "", "只运行这些测量组,逗号分隔(可选: "+strings.Join(bench.Names(benchGroups), ", ")+")")
	layout := fs.String("layout", "a4sheet", "户档卡版式: a4sheet 或 a6(--only cards)")
	duration := fs.Duration("duration", 0, "负载持续时长(--only events 默认 60s,--only serve_load 默认 10m)")
	refDB := fs.String("ref-db", "", "另一个载入同一 city 的数据库;人员查询在两库交替运行并比较(--only register)")
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
	return bench.Run(ctx, bench.Options{DSN: *dsn, RefDSN: *refDB, Persons: *persons, Load: *load, Queries: *queries, Binary: self,
		Groups: benchGroups, Only: groups, Layout: *layout, Duration: *duration, Workers: *workers,
		Sources: server.IndicatorSources()}, stdout, stderr)
}

// benchReferenceCmd is `shequ bench reference`, not in the usage: the
// trivial server the events bench starts as a child process to compare
// `shequ serve` with (internal/bench/reference.go).
func benchReferenceCmd(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("shequ bench reference", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "监听地址")
	status := fs.Int("status", 200, "应答状态码")
	typ := fs.String("type", "text/html; charset=utf-8", "应答的 Content-Type")
	size := fs.Int("size", 0, "应答正文的字节数")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	return bench.ServeReference(ctx, ln, bench.ReferencePage{Status: *status, ContentType: *typ, Size: *size})
}
