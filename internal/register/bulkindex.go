package register

import (
	"context"
	"fmt"
	"strings"

	"shequ/internal/database"
)

// bulkTables are the register's tables a bulk load fills.
var bulkTables = []string{"buildings", "houses", "households", "organisations", "persons", "rentals", "rental_tenants",
	"person_tags", "change_events"}

// DeferIndexes drops the secondary indexes of the register's tables while a
// bulk load fills an empty register, and returns the function that builds
// them again: building an index over a million rows at once takes seconds,
// keeping it up to date row by row takes far longer. Primary keys and
// unique constraints stay, and so do their checks. It does nothing (and
// returns a no-op) when the register already holds persons, whose users
// rely on the indexes.
func DeferIndexes(ctx context.Context, db *database.DB) (restore func(context.Context) error, err error) {
	noop := func(context.Context) error { return nil }
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM persons`).Scan(&n); err != nil || n > 0 {
		return noop, err
	}
	in := "'" + strings.Join(bulkTables, "', '") + "'"
	var query string
	if db.Engine == database.SQLite {
		// sql is NULL for the indexes behind PRIMARY KEY and UNIQUE.
		query = `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (` + in + `)`
	} else {
		query = `SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x
			JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
			WHERE t.relname IN (` + in + `) AND pg_table_is_visible(t.oid)
			AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)`
	}
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return noop, err
	}
	type index struct{ name, def string }
	var defs []index
	for rows.Next() {
		var ix index
		if err := rows.Scan(&ix.name, &ix.def); err != nil {
			rows.Close()
			return noop, err
		}
		defs = append(defs, ix)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return noop, err
	}
	for _, ix := range defs {
		if _, err := db.ExecContext(ctx, `DROP INDEX `+ix.name); err != nil {
			return noop, fmt.Errorf("defer index %s: %w", ix.name, err)
		}
	}
	return func(ctx context.Context) error {
		for _, ix := range defs {
			if _, err := db.ExecContext(ctx, ix.def); err != nil {
				return fmt.Errorf("rebuild index %s: %w", ix.name, err)
			}
		}
		if db.Engine == database.Postgres {
			_, err := db.ExecContext(ctx, `ANALYZE `+strings.Join(bulkTables, ", "))
			return err
		}
		return nil
	}, nil
}
