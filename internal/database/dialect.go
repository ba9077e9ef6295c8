package database

import (
	"context"
	"strconv"
)

// dialect is everything the two engines spell differently, chosen once when
// the database opens. Code outside this package reaches it through methods
// of *DB (Args, Search, Bulk, SecondaryIndexes, GroupTx …) and never asks
// which engine it runs on.
type dialect interface {
	// placeholder is the nth parameter of a statement.
	placeholder(n int) string
	// search is the register's full-text index.
	search() SearchIndex
	// bulk switches a connection (through q, usually a transaction)
	// into or out of a bulk mode.
	bulk(ctx context.Context, q Querier, m BulkMode) error
	// overlapping reports whether a transaction's connection may run a
	// statement while the rows of another are still being read.
	overlapping() bool
	// secondaryIndexesQuery lists (name, definition) of the indexes of the
	// named tables that no constraint owns; in is a quoted, comma-separated
	// list of table names.
	secondaryIndexesQuery(in string) string
	// analyze refreshes the planner's statistics of tables after a bulk
	// load, where the engine does not do it itself.
	analyze(ctx context.Context, q Querier, tables []string) error
	// groupCommits reports whether small write transactions are better
	// run together in one (a single-writer engine) than each on its own.
	groupCommits() bool
	// blobType is the column type of binary data.
	blobType() string
}

func dialectOf(e Engine) dialect {
	if e == Postgres {
		return postgresDialect{}
	}
	return sqliteDialect{}
}

type sqliteDialect struct{}

// SQLite reads ?NNN as the NNNth argument. Unlike $N, which it treats as a
// name and finds by a linear search of the names already seen (quadratic
// over a multi-row INSERT or an IN list of hundreds), ?NNN costs the same
// at any position; and unlike a bare ?, it stays right in a statement that
// also holds $N written by hand.
func (sqliteDialect) placeholder(n int) string { return "?" + strconv.Itoa(n) }
func (sqliteDialect) overlapping() bool        { return true }
func (sqliteDialect) groupCommits() bool       { return true }
func (sqliteDialect) blobType() string         { return "BLOB" }

type postgresDialect struct{}

func (postgresDialect) placeholder(n int) string { return "$" + strconv.Itoa(n) }

// A PostgreSQL connection serves one statement at a time: pgx reports a
// busy connection if another runs before the rows of the first are read.
func (postgresDialect) overlapping() bool  { return false }
func (postgresDialect) groupCommits() bool { return false }
func (postgresDialect) blobType() string   { return "BYTEA" }

// Placeholder is the nth parameter of a statement on engine e.
func (e Engine) Placeholder(n int) string { return dialectOf(e).placeholder(n) }

// Placeholder is the nth parameter of a statement on db.
func (db *DB) Placeholder(n int) string { return db.d.placeholder(n) }

// BlobType is the column type that holds binary data on db.
func (db *DB) BlobType() string { return db.d.blobType() }

// StatementsOverlap reports whether a transaction of db may run a statement
// while it is still reading the rows of another, so that a writer goroutine
// can share the transaction with a reader.
func (db *DB) StatementsOverlap() bool { return db.d.overlapping() }
