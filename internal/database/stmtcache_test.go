package database_test

import (
	"context"
	"database/sql"
	"strconv"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

// The statements a connection keeps must behave as fresh ones: the same
// text run again while its rows are still open, in a transaction, after a
// failed run, and more distinct texts than are kept.
func TestKeptStatements(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		if _, err := db.ExecContext(ctx, `CREATE TABLE kept_t (id BIGINT PRIMARY KEY, n INTEGER NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		err := db.InTx(ctx, func(tx *sql.Tx) error {
			for i := 1; i <= 5; i++ {
				if _, err := tx.ExecContext(ctx, `INSERT INTO kept_t (id, n) VALUES ($1, $2)`, i, i*10); err != nil {
					return err
				}
			}
			if db.Engine != database.SQLite {
				return nil // PostgreSQL's connection runs one query at a time
			}
			// The same text inside a loop over its own rows, on the
			// transaction's one connection.
			const q = `SELECT id, n FROM kept_t WHERE id >= $1 ORDER BY id`
			rows, err := tx.QueryContext(ctx, q, 1)
			if err != nil {
				return err
			}
			defer rows.Close()
			seen := 0
			for rows.Next() {
				var id, n int
				if err := rows.Scan(&id, &n); err != nil {
					return err
				}
				var inner int
				if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM (`+q+`) x`, id).Scan(&inner); err != nil {
					return err
				}
				var again int
				if err := tx.QueryRowContext(ctx, q, id).Scan(&again, new(int)); err != nil {
					return err
				}
				if inner != 6-id || again != id {
					t.Errorf("id %d: inner count %d, again %d", id, inner, again)
				}
				seen++
			}
			if seen != 5 {
				t.Errorf("%d rows, want 5", seen)
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		// A failing run leaves the statement usable.
		if _, err := db.ExecContext(ctx, `INSERT INTO kept_t (id, n) VALUES ($1, $2)`, 1, 0); err == nil {
			t.Fatal("duplicate key accepted")
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO kept_t (id, n) VALUES ($1, $2)`, 6, 60); err != nil {
			t.Fatal(err)
		}
		// More distinct texts than a connection keeps, each answering
		// its own question.
		for i := 0; i < 300; i++ {
			var n int
			if err := db.QueryRowContext(ctx, `SELECT n + `+strconv.Itoa(i)+` FROM kept_t WHERE id = $1`, 6).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 60+i {
				t.Fatalf("text %d: %d", i, n)
			}
		}
	})
}
