package database

import (
	"context"
	"database/sql"
)

// Querier is what *sql.DB, *sql.Conn and *sql.Tx have in common, so store
// functions can run alone or inside a caller's transaction.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}
