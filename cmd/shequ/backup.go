package main

import (
	"context"
	"fmt"
	"io"

	"shequ/internal/database"
)

// backupCmd writes a consistent copy of the database while the server runs.
func backupCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, dsn := newFlags("backup", stderr)
	out := fs.String("out", "", "备份文件(不得已存在;SQLite 为数据库文件,PostgreSQL 为 pg_dump 自定义格式归档)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" && fs.NArg() == 1 {
		*out = fs.Arg(0)
	}
	r, err := database.Backup(ctx, *dsn, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已备份到 %s(%s,%.1f MB)\n", *out, r.Engine, float64(r.Bytes)/(1<<20))
	return nil
}

// restoreCmd loads a backup into an empty database (or over one, with --force).
func restoreCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, dsn := newFlags("restore", stderr)
	force := fs.Bool("force", false, "目标数据库不为空时也用备份覆盖(服务须已停止)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("用法: shequ restore --db 数据库 [--force] 备份文件")
	}
	file := fs.Arg(0)
	if err := database.Restore(ctx, *dsn, file, *force); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已从 %s 恢复;启动服务时会自动升级数据库结构\n", file)
	return nil
}
