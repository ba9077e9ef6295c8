package database

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// pgToolDirs are searched for pg_dump and pg_restore after PATH: Debian
// installs each major version's tools in its own directory.
var pgToolDirs = func() []string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	// The newest first: pg_dump refuses a server newer than itself.
	sort.Slice(dirs, func(i, j int) bool { return pgMajor(dirs[i]) > pgMajor(dirs[j]) })
	return dirs
}

func pgMajor(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

// pgTool finds a PostgreSQL client program, or says in Chinese what to install.
func pgTool(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, d := range pgToolDirs() {
		p := filepath.Join(d, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("找不到 %s:PostgreSQL 数据库的备份与恢复要用 PostgreSQL 客户端工具 pg_dump 和 pg_restore,"+
		"版本不低于数据库服务器。请安装(Debian/Ubuntu: apt-get install postgresql-client)并确认它在 PATH 中", name)
}

// pgConnection splits a DSN into the URL to pass on the command line and
// the password, which goes in the child's environment instead, where other
// users of the machine cannot read it from the process list.
func pgConnection(dsn string) (conn string, env []string, err error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", nil, fmt.Errorf("PostgreSQL 连接串无效: %w", err)
	}
	env = os.Environ()
	if u.User != nil {
		if pw, ok := u.User.Password(); ok {
			env = append(env, "PGPASSWORD="+pw)
			u.User = url.User(u.User.Username())
		}
	}
	return u.String(), env, nil
}

// runPgTool runs a client program and turns its failure into an error
// carrying what it wrote on stderr.
func runPgTool(ctx context.Context, name string, env []string, args ...string) error {
	bin, err := pgTool(name)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return fmt.Errorf("%s 失败: %s", name, msg)
	}
	return nil
}

// backupPostgres runs pg_dump, whose one repeatable-read transaction sees
// the database as of its start while the server goes on writing.
func backupPostgres(ctx context.Context, dsn, tmp string) error {
	conn, env, err := pgConnection(dsn)
	if err != nil {
		return err
	}
	return runPgTool(ctx, "pg_dump", env, "--format=custom", "--no-password", "--file="+tmp, "--dbname="+conn)
}

// restorePostgres runs pg_restore in a single transaction, without the
// source's owners and grants: the target database's user owns what it
// restores.
func restorePostgres(ctx context.Context, dsn, file string, force bool) error {
	conn, env, err := pgConnection(dsn)
	if err != nil {
		return err
	}
	if _, err := pgTool("pg_restore"); err != nil {
		return err
	}
	db, err := openEngine(ctx, dsn, Tuning{})
	if err != nil {
		return err
	}
	var tables int
	err = db.QueryRowContext(ctx, `SELECT COUNT(*) FROM information_schema.tables
		WHERE table_schema NOT IN ('pg_catalog', 'information_schema')`).Scan(&tables)
	if err == nil && tables > 0 {
		if !force {
			err = fmt.Errorf("目标数据库不是空的(已有 %d 张表);恢复只写入空数据库,确要用备份覆盖它请加 --force", tables)
		} else {
			err = checkNotInUse(ctx, db)
		}
	}
	db.DB.Close()
	if err != nil {
		return err
	}
	args := []string{"--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", "--no-password"}
	if tables > 0 {
		args = append(args, "--clean", "--if-exists")
	}
	return runPgTool(ctx, "pg_restore", env, append(args, "--dbname="+conn, file)...)
}
