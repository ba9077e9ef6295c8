// Package database opens the register's store — an embedded SQLite file by
// default, PostgreSQL when given a postgres:// DSN — and applies the numbered
// schema migrations. The two engines run the same SQL ($N placeholders,
// ON CONFLICT upserts, TEXT dates); where they differ (placeholders in long
// statements, full-text search, bulk settings, index listing, group commit)
// the dialect chosen at Open answers (dialect.go), through methods of DB.
package database

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"modernc.org/sqlite"               // also registers "sqlite"
)

// Engine names the SQL engine behind a DB.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DB is a database handle that knows which engine it talks to.
type DB struct {
	*sql.DB
	Engine Engine // for messages; code asks the DB's methods, not the engine
	d      dialect
	group  groupCommit
}

func newDB(db *sql.DB, e Engine) *DB { return &DB{DB: db, Engine: e, d: dialectOf(e)} }

// IsPostgresDSN reports whether dsn selects PostgreSQL rather than a SQLite file.
func IsPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to dsn: a postgres:// URL, or else a SQLite file path (created
// if missing). It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*DB, error) { return OpenTuned(ctx, dsn, Tuning{}) }

// Tuning adjusts how a SQLite file is read; PostgreSQL ignores it.
type Tuning struct {
	// MapBytes lets SQLite read up to so many bytes of the file through a
	// memory map instead of a read call and a copy per page. The server
	// sets it: its random reads (residents' lookups) of a file larger than
	// the page caches ran 1.7 times as fast. Commands that scan the whole
	// register once (reports, imports) go without, so that the memory they
	// show is their own.
	MapBytes int64
	// CacheBytes bounds each connection's page cache (16 MB when 0). It is
	// memory of the process's own, per connection and never given back:
	// eight connections of a server each filled theirs over a day's random
	// lookups. With the file mapped, reads need no copy in the cache, so
	// the server keeps a small one.
	CacheBytes int64
}

// OpenTuned is Open with the given tuning. On a migrated database it leases
// the process's id node (lease.go); Close frees it.
func OpenTuned(ctx context.Context, dsn string, t Tuning) (*DB, error) {
	db, err := openEngine(ctx, dsn, t)
	if err != nil {
		return nil, err
	}
	if err := db.leaseIfMigrated(ctx); err != nil {
		db.DB.Close()
		return nil, err
	}
	return db, nil
}

func openEngine(ctx context.Context, dsn string, t Tuning) (*DB, error) {
	if IsPostgresDSN(dsn) {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, err
		}
		// As many kept idle as may be open: a connection closed when a
		// burst ends is opened again at the next — a backend started and
		// every statement prepared anew while the request waits, which
		// was the tail of votes over HTTP. Idle ones still go after five
		// minutes.
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(20)
		db.SetConnMaxIdleTime(5 * time.Minute)
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("连接 PostgreSQL 失败: %w", err)
		}
		return newDB(db, Postgres), nil
	}
	return openSQLite(ctx, dsn, t)
}

func openSQLite(ctx context.Context, path string, t Tuning) (*DB, error) {
	path = strings.TrimPrefix(path, "sqlite://")
	path = strings.TrimPrefix(path, "file:")
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, err
		}
	}
	// WAL lets readers run beside the one writer; busy_timeout makes writers
	// queue instead of failing; immediate transactions take the write lock up
	// front so two read-then-write transactions cannot deadlock on upgrade.
	q := url.Values{}
	for _, p := range []string{
		"foreign_keys(1)",
		"journal_mode(WAL)",
		"busy_timeout(10000)",
		"synchronous(NORMAL)",
		"temp_store(MEMORY)",
	} {
		q.Add("_pragma", p)
	}
	cache := t.CacheBytes
	if cache <= 0 {
		cache = 16000 << 10
	}
	q.Add("_pragma", fmt.Sprintf("cache_size(-%d)", cache>>10))
	if t.MapBytes > 0 {
		q.Add("_pragma", fmt.Sprintf("mmap_size(%d)", t.MapBytes))
	}
	q.Set("_txlock", "immediate")
	conn, err := sqlite.NewConnector("file:" + path + "?" + q.Encode())
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(cachingConnector{conn})
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("打开数据库文件 %s 失败: %w", path, err)
	}
	return newDB(db, SQLite), nil
}

// InTx runs fn in a transaction, committing when fn returns nil.
func (db *DB) InTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}
