// Command shequ runs the community register: the web server, schema
// migrations, demo data, accounts, API tokens and benchmarks.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"

	"shequ/internal/database"
)

const usage = `shequ — 社区治理与便民服务平台

用法:
  shequ serve   [--db 文件|postgres://…] [--addr 127.0.0.1:8080] [--demo]   运行网站与 API
  shequ migrate [--db …]                                                  升级数据库结构
  shequ demo    [--db …] --preset chengbei|zinan|city [--persons N] [--seed S] [--workbooks 目录]  载入演示数据
  shequ import  [--db …] --department police [--unit 社区] 文件              导入部门名册(xlsx/csv)
  shequ org     import [--db …] 文件                                        导入组织架构(xlsx/csv/GeoJSON)
  shequ user    add|import|list|set-password [--db …] …                   管理账号;import 从名单批量建账号
  shequ token   create|list|revoke [--db …] …                             管理 API 令牌
  shequ calendar show|import|set-hours [--db …] [--year Y] …              工作日历:节假日、调休、作息时间
  shequ events  categories|scan|outbox [--db …]                           事件分类、督办扫描、通知发件箱
  shequ report  [--db …] --org 单元 [--period 2026-10] [--template 编码] [-o 文件.xlsx|pdf|csv]  计算报表
  shequ bench   [--db …] [--persons N] [--only events|reports]            性能测量(每行一个 JSON)
  shequ backup  [--db …] --out 文件                                       在线备份(服务运行时也可)
  shequ restore [--db …] [--force] 文件                                   从备份恢复到空数据库

--db 默认为 ./shequ.db(SQLite);以 postgres:// 开头时使用 PostgreSQL。
环境变量 SHEQU_NODE=0…30 指定本进程的 id 节点号(默认打开数据库时自动租用)。
`

func main() {
	// SHEQU_CPUPROFILE=file writes a CPU profile of the command, for
	// `go tool pprof` (how the import benchmark was tuned). A "%p" in
	// the name becomes the process id, so that the servers a benchmark
	// starts as children write profiles of their own.
	if p := os.Getenv("SHEQU_CPUPROFILE"); p != "" {
		p = strings.ReplaceAll(p, "%p", strconv.Itoa(os.Getpid()))
		if f, err := os.Create(p); err == nil && pprof.StartCPUProfile(f) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	// SHEQU_MEMPROFILE=file writes a heap profile when the command ends
	// (a server: when it is stopped with SIGTERM or Ctrl-C), for finding
	// what a long-running server keeps; "%p" as for SHEQU_CPUPROFILE.
	if p := os.Getenv("SHEQU_MEMPROFILE"); p != "" {
		memProfile = strings.ReplaceAll(p, "%p", strconv.Itoa(os.Getpid()))
		defer writeHeapProfile()
	}
	// SHEQU_NODE=n gives the process id node n instead of one leased
	// from the database (README, "Several processes on one database").
	if v := os.Getenv("SHEQU_NODE"); v != "" {
		n, err := strconv.Atoi(v)
		if err == nil {
			err = database.UseNode(n)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "错误: SHEQU_NODE:", err)
			os.Exit(2)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "错误:", err)
		}
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

// memProfile is where SHEQU_MEMPROFILE asks for the heap profile; ""
// once it is written.
var memProfile string

// writeHeapProfile writes the live heap after a collection, so that what
// it shows is what is kept. The server writes it before it lets go of its
// caches; other commands as they end.
func writeHeapProfile() {
	name := memProfile
	if name == "" {
		return
	}
	memProfile = ""
	f, err := os.Create(name)
	if err != nil {
		fmt.Fprintln(os.Stderr, "SHEQU_MEMPROFILE:", err)
		return
	}
	defer f.Close()
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		fmt.Fprintln(os.Stderr, "SHEQU_MEMPROFILE:", err)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serveCmd(ctx, rest, stdout, stderr)
	case "migrate":
		return migrateCmd(ctx, rest, stdout, stderr)
	case "demo":
		return demoCmd(ctx, rest, stdout, stderr)
	case "user":
		return userCmd(ctx, rest, stdout, stderr)
	case "token":
		return tokenCmd(ctx, rest, stdout, stderr)
	case "bench":
		return benchCmd(ctx, rest, stdout, stderr)
	case "import":
		return importCmd(ctx, rest, stdout, stderr)
	case "calendar":
		return calendarCmd(ctx, rest, stdout, stderr)
	case "events":
		return eventsCmd(ctx, rest, stdout, stderr)
	case "report":
		return reportCmd(ctx, rest, stdout, stderr)
	case "backup":
		return backupCmd(ctx, rest, stdout, stderr)
	case "restore":
		return restoreCmd(ctx, rest, stdout, stderr)
	case "org":
		return orgCmd(ctx, rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("未知命令 %q", cmd)
	}
}

// newFlags makes a flag set with the --db flag every command takes.
func newFlags(name string, stderr io.Writer) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("shequ "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "shequ.db", "SQLite 文件路径,或 postgres:// DSN")
	return fs, db
}

// openDB opens and migrates the database.
func openDB(ctx context.Context, dsn string) (*database.DB, error) {
	return openTunedDB(ctx, dsn, database.Tuning{})
}

func openTunedDB(ctx context.Context, dsn string, t database.Tuning) (*database.DB, error) {
	db, err := database.OpenTuned(ctx, dsn, t)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("升级数据库结构失败: %w", err)
	}
	return db, nil
}

func migrateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, dsn := newFlags("migrate", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := database.Open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	v, _ := db.SchemaVersion(ctx)
	fmt.Fprintf(stdout, "已应用 %d 个迁移,当前结构版本 %d\n", n, v)
	return nil
}
