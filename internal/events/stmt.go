package events

import (
	"context"
	"database/sql"

	"shequ/internal/database"
)

// The store's statements go through the database's prepared statements
// (database/prepared.go): parsing them cost a quarter of a report's time on
// SQLite.

func (s *Store) exec(ctx context.Context, q database.Querier, query string, args ...any) (sql.Result, error) {
	return s.db.PreparedExec(ctx, q, query, args...)
}

func (s *Store) query(ctx context.Context, q database.Querier, query string, args ...any) (*sql.Rows, error) {
	return s.db.PreparedQuery(ctx, q, query, args...)
}

func (s *Store) queryRow(ctx context.Context, q database.Querier, query string, args ...any) database.Row {
	return s.db.PreparedRow(ctx, q, query, args...)
}
