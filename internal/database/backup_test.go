package database_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/testdb"
	"shequ/internal/testwait"
)

// backupWorld is a database with a community and a writer that commits, in
// each transaction, one household, one person in it, one audit entry and a
// bump of the community's version — so that a copy which splits a
// transaction, or misses one while holding a later one, shows.
type backupWorld struct {
	db        *database.DB
	community int64
	commits   atomic.Int64
}

const seedRows = 300

func newBackupWorld(t *testing.T, ctx context.Context, dsn string) *backupWorld {
	t.Helper()
	db, err := database.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	w := &backupWorld{db: db, community: database.NewID()}
	now := database.FormatTime(time.Now())
	if _, err := db.ExecContext(ctx, `INSERT INTO org_units (id, level, name, community_id, created_at, updated_at)
		VALUES ($1, 'community', '备份社区', $1, $2, $2)`, w.community, now); err != nil {
		t.Fatal(err)
	}
	// Rows from before the backup starts, named A… so that they sort before
	// the writer's B… rows.
	for i := range seedRows {
		if err := w.write(ctx, "A", i); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// write commits the rows of one writer transaction.
func (w *backupWorld) write(ctx context.Context, prefix string, i int) error {
	return w.db.InTx(ctx, func(tx *sql.Tx) error {
		now := database.FormatTime(time.Now())
		hh, p := database.NewID(), database.NewID()
		key := fmt.Sprintf("%s%06d", prefix, i)
		if _, err := tx.ExecContext(ctx, `INSERT INTO households (community_id, id, number, kind, org_id, address, created_at, updated_at)
			VALUES ($1, $2, $3, 'registered', $1, $4, $5, $5)`, w.community, hh, key, "备份路"+key+"号", now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO persons (community_id, id, household_id, org_id, name, id_number, gender,
			birth_date, residence, created_at, updated_at) VALUES ($1, $2, $3, $1, $4, $5, 'F', '1980-01-02', 'registered', $6, $6)`,
			w.community, p, hh, key, "X"+key, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (id, at, user_name, action, entity, entity_id, community_id, detail)
			VALUES ($1, $2, '测试', 'create', 'household', $3, $4, $5)`, database.NewID(), now, hh, w.community, key); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE org_units SET version = version + 1 WHERE id = $1`, w.community)
		return err
	})
}

// keyed are the tables the test compares row by row, with the column that
// carries the writer's key and the primary key.
var keyed = []struct{ table, key, order string }{
	{"households", "number", "community_id, id"},
	{"persons", "name", "community_id, id"},
	{"audit_log", "detail", "id"},
}

// checksum hashes every row of table whose key is at most upTo, in primary
// key order.
func checksum(t *testing.T, ctx context.Context, db *database.DB, table, key, order, upTo string) (string, int) {
	t.Helper()
	rows, err := db.QueryContext(ctx, `SELECT * FROM `+table+` WHERE `+key+` <= $1 ORDER BY `+order, upTo)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	h := sha256.New()
	n := 0
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			fmt.Fprintf(h, "%v\x1f", v)
		}
		h.Write([]byte{'\n'})
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil)), n
}

func count(t *testing.T, ctx context.Context, db *database.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func tables(t *testing.T, ctx context.Context, db *database.DB) []string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
	if db.Engine == database.Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`
	}
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	return out
}

func TestBackupWhileWritingRestoresTheSnapshot(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := testwait.Context(t, context.Background())
			srcDSN := e.DSN(t)
			w := newBackupWorld(t, ctx, srcDSN)

			stop := make(chan struct{})
			var wg sync.WaitGroup
			var writeErr error
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					if err := w.write(ctx, "B", i); err != nil {
						writeErr = err
						return
					}
					w.commits.Add(1)
				}
			}()
			testwait.Until(t, "the writer's first commits", func() bool { return w.commits.Load() >= 20 })
			before := int(w.commits.Load())
			out := filepath.Join(t.TempDir(), "backups", "shequ.backup")
			r, err := database.Backup(ctx, srcDSN, out)
			after := int(w.commits.Load())
			// Let the writer go on past the backup before stopping it, so the
			// source holds rows the copy must not.
			testwait.Until(t, "commits after the backup", func() bool { return int(w.commits.Load()) > after+5 })
			close(stop)
			wg.Wait()
			if err != nil {
				t.Fatal(err)
			}
			if writeErr != nil {
				t.Fatal(writeErr)
			}
			if r.Bytes == 0 || r.Engine != w.db.Engine {
				t.Fatalf("backup result %+v", r)
			}
			if fi, err := os.Stat(out); err != nil || fi.Mode().Perm()&0o077 != 0 {
				t.Fatalf("backup file %v, mode %v: a backup holds personal data and must be the owner's alone", err, fi.Mode())
			}
			if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".*partial")); len(leftovers) > 0 {
				t.Fatalf("temporary files left: %v", leftovers)
			}
			if _, err := database.Backup(ctx, srcDSN, out); err == nil || !strings.Contains(err.Error(), "已存在") {
				t.Fatalf("a second backup onto the same file: %v", err)
			}

			dstDSN := e.DSN(t)
			if err := database.Restore(ctx, dstDSN, out, false); err != nil {
				t.Fatal(err)
			}
			dst, err := database.Open(ctx, dstDSN)
			if err != nil {
				t.Fatal(err)
			}
			defer dst.Close()

			// The copy holds the writer's first k transactions, whole, for a k
			// between the commits seen before and after the backup ran.
			k := count(t, ctx, dst, `SELECT COUNT(*) FROM households WHERE number LIKE 'B%'`)
			total := int(w.commits.Load())
			t.Logf("writer commits: %d before the backup, %d after, %d in the copy, %d in all", before, after, k, total)
			if k < before || k > after {
				t.Fatalf("the copy holds %d writer transactions; %d had committed when the backup began and %d when it ended", k, before, after)
			}
			if v := count(t, ctx, dst, `SELECT version FROM org_units WHERE id = $1`, w.community); v != 1+seedRows+k {
				t.Errorf("community version %d in the copy, want %d: the copy split or skipped transactions", v, 1+seedRows+k)
			}
			upTo := fmt.Sprintf("B%06d", k-1)
			for _, kt := range keyed {
				want, wn := checksum(t, ctx, w.db, kt.table, kt.key, kt.order, upTo)
				got, gn := checksum(t, ctx, dst, kt.table, kt.key, kt.order, "C")
				if gn != seedRows+k || wn != gn || got != want {
					t.Errorf("%s: copy has %d rows (checksum %.12s), the source's first %d transactions %d rows (%.12s)",
						kt.table, gn, got, k, wn, want)
				}
			}
			// Every other table has what the source has; the written ones lack
			// exactly the transactions after the snapshot.
			srcTables, dstTables := tables(t, ctx, w.db), tables(t, ctx, dst)
			if strings.Join(srcTables, ",") != strings.Join(dstTables, ",") {
				t.Fatalf("tables differ:\nsource %v\ncopy   %v", srcTables, dstTables)
			}
			for _, tb := range srcTables {
				s := count(t, ctx, w.db, `SELECT COUNT(*) FROM `+tb)
				d := count(t, ctx, dst, `SELECT COUNT(*) FROM `+tb)
				want := s
				switch tb {
				case "households", "persons", "audit_log":
					want = s - (total - k)
				case "id_nodes":
					continue // the copy may hold the test process's lease, taken when it was opened
				}
				if d != want {
					t.Errorf("%s: %d rows in the copy, want %d (source %d)", tb, d, want, s)
				}
			}
			if v, _ := dst.SchemaVersion(ctx); v == 0 {
				t.Error("restored database has no schema version")
			}
		})
	}
}

func TestRestoreRefusesWhatItWouldOverwrite(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := testwait.Context(t, context.Background())
			srcDSN := e.DSN(t)
			w := newBackupWorld(t, ctx, srcDSN)
			out := filepath.Join(t.TempDir(), "b")
			if _, err := database.Backup(ctx, srcDSN, out); err != nil {
				t.Fatal(err)
			}
			// Written after the backup: a forced restore takes it away again.
			if err := w.write(ctx, "B", 0); err != nil {
				t.Fatal(err)
			}

			// A database with tables is refused without --force …
			err := database.Restore(ctx, srcDSN, out, false)
			if err == nil || !strings.Contains(err.Error(), "不是空的") || !strings.Contains(err.Error(), "--force") {
				t.Fatalf("restore onto a database with data: %v", err)
			}
			// … and with it while a process holds the database (this test's
			// handle leases an id node in it).
			err = database.Restore(ctx, srcDSN, out, true)
			if err == nil || !strings.Contains(err.Error(), "正被运行中的 shequ 进程") {
				t.Fatalf("forced restore onto a database in use: %v", err)
			}
			if n := count(t, ctx, w.db, `SELECT COUNT(*) FROM households`); n != seedRows+1 {
				t.Fatalf("refused restores changed the database: %d households", n)
			}
			// Once the process has let go, --force replaces the data.
			w.db.Close()
			if err := database.Restore(ctx, srcDSN, out, true); err != nil {
				t.Fatal(err)
			}
			db, err := database.Open(ctx, srcDSN)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if n := count(t, ctx, db, `SELECT COUNT(*) FROM households`); n != seedRows {
				t.Errorf("after a forced restore %d households, want the backup's %d", n, seedRows)
			}
			if _, err := db.Migrate(ctx); err != nil {
				t.Errorf("a restored database does not migrate: %v", err)
			}

			// Not a backup, an empty file, a missing one.
			dir := t.TempDir()
			png := filepath.Join(dir, "photo.backup")
			os.WriteFile(png, []byte("\x89PNG\r\n\x1a\n0000000000"), 0o600)
			empty := filepath.Join(dir, "empty.backup")
			os.WriteFile(empty, nil, 0o600)
			for file, want := range map[string]string{png: "不是 shequ backup 生成的备份文件", empty: "是空的",
				filepath.Join(dir, "none"): "不存在"} {
				if err := database.Restore(ctx, e.DSN(t), file, false); err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("restore %s: %v, want %q", filepath.Base(file), err, want)
				}
			}
		})
	}
}

// A backup of one engine cannot be restored into the other; the message
// says which is which.
func TestRestoreRefusesTheOtherEnginesBackup(t *testing.T) {
	ctx := testwait.Context(t, context.Background())
	dir := t.TempDir()
	sqliteBackup := filepath.Join(dir, "sqlite.backup")
	os.WriteFile(sqliteBackup, []byte("SQLite format 3\x00rest of the header"), 0o600)
	pgBackup := filepath.Join(dir, "pg.backup")
	os.WriteFile(pgBackup, []byte("PGDMP\x01\x0e\x00rest"), 0o600)
	err := database.Restore(ctx, filepath.Join(dir, "new.db"), pgBackup, false)
	if err == nil || !strings.Contains(err.Error(), "PostgreSQL 数据库的备份,不能恢复到 SQLite") {
		t.Errorf("a pg_dump archive into SQLite: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "new.db")); err == nil {
		t.Error("a refused restore created the database file")
	}
	err = database.Restore(ctx, "postgres://nobody@127.0.0.1:1/none", sqliteBackup, false)
	if err == nil || !strings.Contains(err.Error(), "SQLite 数据库的备份,不能恢复到 PostgreSQL") {
		t.Errorf("a SQLite file into PostgreSQL: %v", err)
	}
}

func TestBackupOfAMissingSQLiteFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	_, err := database.Backup(ctx, filepath.Join(dir, "none.db"), filepath.Join(dir, "b"))
	if err == nil || !strings.Contains(err.Error(), "不存在") {
		t.Fatalf("backup of a missing file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); err == nil {
		t.Error("the backup created the database it was to copy")
	}
	if names, _ := os.ReadDir(dir); len(names) != 0 {
		t.Errorf("files left behind: %v", names)
	}
}
