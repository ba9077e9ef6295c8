package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

func sqlitePath(dsn string) string {
	return strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite://"), "file:")
}

// backupSQLite copies the database with VACUUM INTO: it reads the file in
// one read transaction, which in WAL mode never blocks the server's
// writers nor waits for them, and writes a compact copy that needs no WAL
// beside it.
func backupSQLite(ctx context.Context, dsn, tmp string) error {
	path := sqlitePath(dsn)
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		return fmt.Errorf("数据库文件 %s 不存在或是空的,没有可备份的内容", path)
	}
	db, err := openSQLite(ctx, path, Tuning{})
	if err != nil {
		return err
	}
	defer db.DB.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO $1`, tmp); err != nil {
		return fmt.Errorf("备份 SQLite 数据库失败: %w", err)
	}
	return nil
}

// restoreSQLite makes a copy of the backup beside the target (VACUUM INTO
// again, which also proves the backup readable), then renames it over the
// target. The target's WAL and shared-memory files go first: a WAL left
// beside a new main file would be replayed into it.
func restoreSQLite(ctx context.Context, dsn, file string, force bool) error {
	path := sqlitePath(dsn)
	src, err := sql.Open("sqlite", "file:"+file+"?"+url.Values{"mode": {"ro"}}.Encode())
	if err != nil {
		return err
	}
	defer src.Close()
	var version int
	if err := src.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&version); err != nil {
		return fmt.Errorf("%s 不是 shequ 数据库的备份: %w", file, err)
	}
	if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
		if err := checkSQLiteTarget(ctx, path, force); err != nil {
			return err
		}
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return err
		}
	}
	return writeAtomically(path, func(tmp string) error {
		if _, err := src.ExecContext(ctx, `VACUUM INTO $1`, tmp); err != nil {
			return fmt.Errorf("读取备份文件 %s 失败: %w", file, err)
		}
		for _, side := range []string{"-wal", "-shm", "-journal"} {
			if err := os.Remove(path + side); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
		return nil
	})
}

// checkSQLiteTarget refuses an existing database file that has tables,
// unless force is set and no running process holds it.
func checkSQLiteTarget(ctx context.Context, path string, force bool) error {
	db, err := openSQLite(ctx, path, Tuning{})
	if err != nil {
		return err
	}
	defer db.DB.Close()
	var tables int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'`).Scan(&tables); err != nil {
		return fmt.Errorf("无法读取目标数据库 %s: %w", path, err)
	}
	if tables == 0 {
		return nil
	}
	if !force {
		return fmt.Errorf("目标数据库 %s 不是空的(已有 %d 张表);恢复只写入空数据库,确要用备份覆盖它请加 --force", path, tables)
	}
	return checkNotInUse(ctx, db)
}
