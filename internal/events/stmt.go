package events

import (
	"context"
	"database/sql"

	"shequ/internal/database"
)

// Prepared statements for the hot paths (reporting, the public lookup):
// the pure-Go SQLite parses every statement it is given, which cost a
// quarter of the time of a report. Statements are prepared once on the
// database and used on whatever connection or transaction runs them.

func (s *Store) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := s.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := s.db.PrepareContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil, err
	}
	if old, loaded := s.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return old.(*sql.Stmt), nil
	}
	return st, nil
}

// on returns the statement for q: as it is for the database, bound to the
// transaction for a *sql.Tx.
func (s *Store) on(ctx context.Context, q database.Querier, query string) (*sql.Stmt, error) {
	st, err := s.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if tx, ok := q.(*sql.Tx); ok {
		return tx.StmtContext(ctx, st), nil
	}
	return st, nil
}

func (s *Store) exec(ctx context.Context, q database.Querier, query string, args ...any) (sql.Result, error) {
	st, err := s.on(ctx, q, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (s *Store) query(ctx context.Context, q database.Querier, query string, args ...any) (*sql.Rows, error) {
	st, err := s.on(ctx, q, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// row is QueryRow through a prepared statement; a preparation error comes
// out of Scan.
type row struct {
	r   *sql.Row
	err error
}

func (r row) Scan(dst ...any) error {
	if r.err != nil {
		return r.err
	}
	return r.r.Scan(dst...)
}

func (s *Store) queryRow(ctx context.Context, q database.Querier, query string, args ...any) row {
	st, err := s.on(ctx, q, query)
	if err != nil {
		return row{err: err}
	}
	return row{r: st.QueryRowContext(ctx, args...)}
}
