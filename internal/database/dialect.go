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
	// positional is the nth parameter of a statement whose parameters
	// appear in order, each once.
	positional(n int) string
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
	// deferKeys postpones the checks of foreign keys to the commit of
	// the transaction behind q (rekey.go).
	deferKeys(ctx context.Context, q Querier) error
}

func dialectOf(e Engine) dialect {
	if e == Postgres {
		return postgresDialect{}
	}
	return sqliteDialect{}
}

type sqliteDialect struct{}

// SQLite keeps the names of $N and ?NNN parameters in a list that it, and
// the driver binding each argument, search from the start for every one:
// quadratic over a multi-row INSERT (9,000 parameters took 0.8 s to bind
// as ?NNN, 1.2 s as $N, 6 ms as ?). A bare ? has no name; it is the
// parameter one past the highest before it.
func (sqliteDialect) positional(int) string { return "?" }
func (sqliteDialect) overlapping() bool     { return true }
func (sqliteDialect) groupCommits() bool    { return true }
func (sqliteDialect) blobType() string      { return "BLOB" }

type postgresDialect struct{}

func (postgresDialect) positional(n int) string { return numbered(n) }

// numbered is $N, which both engines read as the Nth argument wherever it
// stands and however often.
func numbered(n int) string { return "$" + strconv.Itoa(n) }

// A PostgreSQL connection serves one statement at a time: pgx reports a
// busy connection if another runs before the rows of the first are read.
func (postgresDialect) overlapping() bool  { return false }
func (postgresDialect) groupCommits() bool { return false }
func (postgresDialect) blobType() string   { return "BYTEA" }

// Placeholder is the nth parameter of a statement on engine e whose
// parameters appear in order, each once (see InOrder).
func (e Engine) Placeholder(n int) string { return dialectOf(e).positional(n) }

// Placeholder is Engine.Placeholder on db's engine.
func (db *DB) Placeholder(n int) string { return db.d.positional(n) }

// BlobType is the column type that holds binary data on db.
func (db *DB) BlobType() string { return db.d.blobType() }

// StatementsOverlap reports whether a transaction of db may run a statement
// while it is still reading the rows of another, so that a writer goroutine
// can share the transaction with a reader.
func (db *DB) StatementsOverlap() bool { return db.d.overlapping() }
