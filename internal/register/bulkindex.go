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
	defs, err := db.SecondaryIndexes(ctx, bulkTables...)
	if err != nil {
		return noop, err
	}
	// A unique index is a constraint written as an index (persons'
	// numbers, unique where there is one): it stays, with its checks.
	kept := defs[:0]
	for _, ix := range defs {
		if !strings.HasPrefix(strings.ToUpper(ix.Def), "CREATE UNIQUE") {
			kept = append(kept, ix)
		}
	}
	defs = kept
	for _, ix := range defs {
		if _, err := db.ExecContext(ctx, `DROP INDEX `+ix.Name); err != nil {
			return noop, fmt.Errorf("defer index %s: %w", ix.Name, err)
		}
	}
	return func(ctx context.Context) error {
		for _, ix := range defs {
			if _, err := db.ExecContext(ctx, ix.Def); err != nil {
				return fmt.Errorf("rebuild index %s: %w", ix.Name, err)
			}
		}
		return db.Analyze(ctx, db, bulkTables...)
	}, nil
}
