package database

import "context"

// DeferKeys lets the transaction behind q change the leading column of
// composite keys (a record's community_id) in several tables one after
// another: the foreign keys between them are checked at its commit
// rather than after each statement, when a row may still point at its
// parent's old key. The setting ends with the transaction.
func (db *DB) DeferKeys(ctx context.Context, q Querier) error { return db.d.deferKeys(ctx, q) }

// SQLite's connections enforce foreign keys (foreign_keys(1) at Open);
// defer_foreign_keys holds them until the commit and resets itself then.
func (sqliteDialect) deferKeys(ctx context.Context, q Querier) error {
	_, err := q.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`)
	return err
}

// PostgreSQL defers only constraints declared DEFERRABLE: the register's
// composite foreign keys are, from migration 053, and stay immediate
// everywhere else.
func (postgresDialect) deferKeys(ctx context.Context, q Querier) error {
	_, err := q.ExecContext(ctx, `SET CONSTRAINTS ALL DEFERRED`)
	return err
}
