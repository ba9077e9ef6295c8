package database

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// A backup is one file: a SQLite database file made by VACUUM INTO, or a
// pg_dump archive in its custom format. Both are taken while the server
// runs and hold the database as one transaction saw it, so a case and its
// steps, a person and its change events are both in it or both not.

// BackupResult says what a backup wrote.
type BackupResult struct {
	Engine Engine
	Bytes  int64
}

// Backup writes a consistent copy of the database at dsn to out, which must
// not exist yet. The copy is written beside out under a temporary name and
// renamed when complete, so that a file named out is always a whole backup.
// It does not migrate, lease an id node or otherwise write the database.
func Backup(ctx context.Context, dsn, out string) (BackupResult, error) {
	r := BackupResult{Engine: SQLite}
	if IsPostgresDSN(dsn) {
		r.Engine = Postgres
	}
	if out == "" {
		return r, errors.New("请用 --out 指定备份文件")
	}
	if _, err := os.Stat(out); err == nil {
		return r, fmt.Errorf("备份文件 %s 已存在;请换一个文件名(不会覆盖已有的备份)", out)
	}
	if dir := filepath.Dir(out); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return r, err
		}
	}
	err := writeAtomically(out, func(tmp string) error {
		if r.Engine == Postgres {
			return backupPostgres(ctx, dsn, tmp)
		}
		return backupSQLite(ctx, dsn, tmp)
	})
	if err != nil {
		return r, err
	}
	if fi, err := os.Stat(out); err == nil {
		r.Bytes = fi.Size()
	}
	return r, nil
}

// Restore loads a backup file into the database at dsn, which must be
// empty (no file, an empty file, or a database without tables) unless
// force is set. Even with force it refuses a database that a running
// shequ process holds (an id-node lease that has not expired): the server
// must be stopped first. Nothing is half restored: SQLite's file is
// replaced by a rename, PostgreSQL's restore runs in one transaction.
func Restore(ctx context.Context, dsn, file string, force bool) error {
	kind, err := backupKind(file)
	if err != nil {
		return err
	}
	want := SQLite
	if IsPostgresDSN(dsn) {
		want = Postgres
	}
	if kind != want {
		return fmt.Errorf("%s 是 %s 数据库的备份,不能恢复到 %s 数据库;请恢复到同一种数据库", file, engineName(kind), engineName(want))
	}
	if want == Postgres {
		return restorePostgres(ctx, dsn, file, force)
	}
	return restoreSQLite(ctx, dsn, file, force)
}

func engineName(e Engine) string {
	if e == Postgres {
		return "PostgreSQL"
	}
	return "SQLite"
}

// backupKind tells a SQLite file from a pg_dump archive by their first bytes.
func backupKind(file string) (Engine, error) {
	f, err := os.Open(file)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("备份文件 %s 不存在", file)
		}
		return "", fmt.Errorf("无法读取备份文件: %w", err)
	}
	defer f.Close()
	head := make([]byte, 16)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte("SQLite format 3\x00")):
		return SQLite, nil
	case bytes.HasPrefix(head, []byte("PGDMP")):
		return Postgres, nil
	case n == 0:
		return "", fmt.Errorf("备份文件 %s 是空的", file)
	}
	return "", fmt.Errorf("%s 不是 shequ backup 生成的备份文件(既不是 SQLite 数据库,也不是 pg_dump 归档)", file)
}

// writeAtomically has write fill a new temporary file beside out, then
// syncs it and renames it to out. The temporary file is created empty and
// readable by the owner only (a backup holds every resident's data); the
// writers (VACUUM INTO, pg_dump) keep its mode.
func writeAtomically(out string, write func(tmp string) error) error {
	dir := filepath.Dir(out)
	f, err := os.CreateTemp(dir, "."+filepath.Base(out)+".*.partial")
	if err != nil {
		return fmt.Errorf("无法创建备份文件: %w", err)
	}
	tmp := f.Name()
	f.Close()
	done := false
	defer func() {
		if !done {
			os.Remove(tmp)
		}
	}()
	if err := write(tmp); err != nil {
		return err
	}
	if err := syncFile(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, out); err != nil {
		return err
	}
	done = true
	syncFile(dir) // the rename itself; not every file system lets a directory be synced
	return nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// checkNotInUse refuses a database that a running shequ process holds:
// one whose id_nodes has a lease that has not expired (lease.go). A
// database without id_nodes has no such process.
func checkNotInUse(ctx context.Context, db *DB) error {
	now, err := db.clockMillis(ctx)
	if err != nil {
		return err
	}
	var holder string
	var left int64
	err = db.QueryRowContext(ctx, `SELECT holder, expires_ms - $1 FROM id_nodes
		WHERE holder <> '' AND expires_ms >= $1 ORDER BY expires_ms DESC LIMIT 1`, now).Scan(&holder, &left)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil && isMissingTable(err):
		return nil
	case err != nil:
		return err
	}
	return fmt.Errorf("数据库正被运行中的 shequ 进程(%s)使用;请先停止服务再恢复(进程已停止的,其租约约 %d 秒后失效)",
		holder, left/1000+1)
}

func isMissingTable(err error) bool {
	s := err.Error()
	return strings.Contains(s, "no such table") || strings.Contains(s, "does not exist")
}
