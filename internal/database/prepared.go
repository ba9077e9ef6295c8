package database

import (
	"context"
	"database/sql"
)

// Statements on the hot paths (a session or token per request, an audit
// entry, an event report) are prepared once per database and reused on
// every connection: the pure-Go SQLite parses each statement it is given,
// which cost a quarter of the time of a small request. database/sql
// prepares a statement on each connection that runs it, once.

func (db *DB) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := db.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := db.PrepareContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil, err
	}
	if old, loaded := db.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return old.(*sql.Stmt), nil
	}
	return st, nil
}

// on returns the prepared statement for query, bound to q when q is a
// transaction.
func (db *DB) on(ctx context.Context, q Querier, query string) (*sql.Stmt, error) {
	st, err := db.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if tx, ok := q.(*sql.Tx); ok {
		return tx.StmtContext(ctx, st), nil
	}
	return st, nil
}

// PreparedExec runs query on q (the database itself or a transaction of
// it) through a statement prepared once.
func (db *DB) PreparedExec(ctx context.Context, q Querier, query string, args ...any) (sql.Result, error) {
	st, err := db.on(ctx, q, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// PreparedQuery is QueryContext through a statement prepared once.
func (db *DB) PreparedQuery(ctx context.Context, q Querier, query string, args ...any) (*sql.Rows, error) {
	st, err := db.on(ctx, q, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// Row is a single row to scan; a preparation error comes out of Scan.
type Row struct {
	r   *sql.Row
	err error
}

// Scan copies the row's columns into dst.
func (r Row) Scan(dst ...any) error {
	if r.err != nil {
		return r.err
	}
	return r.r.Scan(dst...)
}

// PreparedRow is QueryRowContext through a statement prepared once.
func (db *DB) PreparedRow(ctx context.Context, q Querier, query string, args ...any) Row {
	st, err := db.on(ctx, q, query)
	if err != nil {
		return Row{err: err}
	}
	return Row{r: st.QueryRowContext(ctx, args...)}
}
