package database_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

func TestArgs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		if _, err := db.ExecContext(ctx, `CREATE TABLE seam_t (id BIGINT PRIMARY KEY, name TEXT NOT NULL, n INTEGER NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		// A multi-row insert written wholly by the builder, in order.
		q := db.InOrder()
		stmt := `INSERT INTO seam_t (id, name, n) VALUES `
		for i := 1; i <= 3000; i++ {
			if i > 1 {
				stmt += ", "
			}
			stmt += q.Row(int64(i), fmt.Sprintf("n%d", i), i%7)
		}
		if q.Len() != 9000 {
			t.Fatalf("%d arguments, want 9000", q.Len())
		}
		if _, err := db.ExecContext(ctx, stmt, q.Values()...); err != nil {
			t.Fatal(err)
		}
		countOf := func(query string, args ...any) int {
			t.Helper()
			var n int
			if err := db.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
				t.Fatalf("%s: %v", query, err)
			}
			return n
		}
		if n := countOf(`SELECT COUNT(*) FROM seam_t`); n != 3000 {
			t.Fatalf("%d rows, want 3000", n)
		}
		// IN lists: empty, one, and far more than 1000 values.
		ids := make([]int64, 2500)
		for i := range ids {
			ids[i] = int64(2*i + 1) // odd ids up to 4999: 1500 of them exist
		}
		for _, tc := range []struct {
			in   []int64
			want int
		}{{nil, 0}, {[]int64{7}, 1}, {ids, 1500}} {
			q := db.Args()
			if n := countOf(`SELECT COUNT(*) FROM seam_t WHERE `+q.In("id", database.AnyOf(tc.in)...), q.Values()...); n != tc.want {
				t.Errorf("IN over %d values: %d rows, want %d", len(tc.in), n, tc.want)
			}
			q = db.Args()
			if n := countOf(`SELECT COUNT(*) FROM seam_t WHERE `+q.NotIn("id", database.AnyOf(tc.in)...), q.Values()...); n != 3000-tc.want {
				t.Errorf("NOT IN over %d values: %d rows, want %d", len(tc.in), n, 3000-tc.want)
			}
		}
		// Beside $N written by hand, before and after, and a placeholder
		// used twice.
		q = db.Args(int64(0))
		name := q.Arg("n10")
		in := q.In("n", 3, 4)
		if n := countOf(`SELECT COUNT(*) FROM seam_t WHERE id > $1 AND (name = `+name+` OR name = `+name+`) AND `+in+` AND id <> $1`,
			q.Values()...); n != 1 {
			t.Errorf("mixed placeholders: %d rows, want 1", n)
		}
		// A fragment for a statement written with $N, without a database.
		f := database.ArgsAfter(3)
		cond := "n = " + f.Arg(3)
		if n := countOf(`SELECT COUNT(*) FROM seam_t WHERE id >= $1 AND id <= $2 AND `+cond,
			append([]any{int64(1), int64(70)}, f.Values()...)...); n != 10 {
			t.Errorf("fragment after $2: %d rows, want 10", n)
		}
		if db.Placeholder(3) != db.Engine.Placeholder(3) {
			t.Error("DB.Placeholder and Engine.Placeholder disagree")
		}
		// A long IN list in order.
		q = db.InOrder()
		if n := countOf(`SELECT COUNT(*) FROM seam_t WHERE `+q.In("id", database.AnyOf(ids)...)+` AND n >= `+q.Arg(0),
			q.Values()...); n != 1500 {
			t.Errorf("IN in order: %d rows, want 1500", n)
		}
	})
}

func TestSearchIndex(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		idx := db.Search()
		// The register's persons table and its index come with the
		// migrations.
		var org int64
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM persons`).Scan(&org); err != nil {
			t.Fatal(err)
		}
		text := "张 三 zhang"
		if idx.Table("persons") == "" && idx.Column(text) != text {
			t.Error("an index without a table of its own must keep the tokens in the row")
		}
		if idx.Table("persons") != "" && idx.Column(text) != "" {
			t.Error("an index with its own table keeps nothing in the row")
		}
		q := db.Args()
		from, where, order := idx.Source(q, "persons", "p", []string{"张", "三"})
		if from == "" || where == "" || order == "" || q.Len() != 1 {
			t.Errorf("Source = %q, %q, %q with %d arguments", from, where, order, q.Len())
		}
	})
}

func TestGroupTx(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		if _, err := db.ExecContext(ctx, `CREATE TABLE seam_g (id BIGINT PRIMARY KEY)`); err != nil {
			t.Fatal(err)
		}
		bad := errors.New("refused")
		var wg sync.WaitGroup
		errs := make([]error, 200)
		for i := range errs {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				errs[i] = db.GroupTx(ctx, func(tx *sql.Tx) error {
					if _, err := tx.ExecContext(ctx, `INSERT INTO seam_g (id) VALUES ($1)`, i); err != nil {
						return err
					}
					if i%10 == 0 {
						return bad // rolled back alone
					}
					return nil
				})
			}(i)
		}
		wg.Wait()
		for i, err := range errs {
			if (i%10 == 0) != errors.Is(err, bad) {
				t.Fatalf("transaction %d: %v", i, err)
			}
		}
		var n int
		db.QueryRowContext(ctx, `SELECT COUNT(*) FROM seam_g`).Scan(&n)
		if n != 180 {
			t.Errorf("%d rows committed, want 180", n)
		}
	})
}

func TestBulkMode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		cache := func() int {
			var n int
			if db.Placeholder(1) == "$1" {
				return 0 // PostgreSQL keeps its server's settings
			}
			if err := tx.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for _, m := range []database.BulkMode{database.BulkFill, database.BulkUpdate, database.BulkOff} {
			if err := db.Bulk(ctx, tx, m); err != nil {
				t.Fatalf("mode %d: %v", m, err)
			}
			if db.Placeholder(1) != "$1" {
				want := -16000
				if m == database.BulkFill {
					want = -1048576
				}
				if got := cache(); got != want {
					t.Errorf("mode %d: cache_size %d, want %d", m, got, want)
				}
			}
		}
		if err := db.Analyze(ctx, tx, "persons"); err != nil {
			t.Error(err)
		}
	})
}

func TestSecondaryIndexes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		for _, s := range []string{
			`CREATE TABLE seam_i (id BIGINT PRIMARY KEY, a TEXT NOT NULL UNIQUE, b TEXT NOT NULL)`,
			`CREATE INDEX seam_i_b ON seam_i (b)`,
		} {
			if _, err := db.ExecContext(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		ixs, err := db.SecondaryIndexes(ctx, "seam_i")
		if err != nil {
			t.Fatal(err)
		}
		if len(ixs) != 1 || ixs[0].Name != "seam_i_b" {
			t.Fatalf("indexes = %+v, want only seam_i_b (the key's and the unique one are the table's own)", ixs)
		}
		// What was listed can be dropped and made again.
		if _, err := db.ExecContext(ctx, `DROP INDEX `+ixs[0].Name); err != nil {
			t.Fatal(err)
		}
		if again, _ := db.SecondaryIndexes(ctx, "seam_i"); len(again) != 0 {
			t.Fatalf("after DROP: %+v", again)
		}
		if _, err := db.ExecContext(ctx, ixs[0].Def); err != nil {
			t.Fatal(err)
		}
		if again, _ := db.SecondaryIndexes(ctx, "seam_i"); len(again) != 1 {
			t.Fatalf("after rebuilding: %+v", again)
		}
		if _, err := db.SecondaryIndexes(ctx, "x'; DROP TABLE seam_i; --"); err == nil {
			t.Error("a table name with a quote was accepted")
		}
	})
}
