package register

import (
	"context"
	"time"

	"shequ/internal/database"
	"shequ/internal/orgtree"
)

// Store reads and writes the register.
type Store struct {
	db    *database.DB
	org   *orgtree.Store
	index searchIndex
	now   func() time.Time
}

// NewStore returns a Store on db.
func NewStore(db *database.DB) *Store {
	s := &Store{db: db, org: orgtree.NewStore(db), now: time.Now}
	if db.Engine == database.Postgres {
		s.index = pgIndex{}
	} else {
		s.index = sqliteIndex{}
	}
	return s
}

// DB returns the database the store works on.
func (s *Store) DB() *database.DB { return s.db }

// searchIndex is where the engines differ: SQLite keeps search tokens in FTS5
// tables beside the rows, PostgreSQL indexes the rows' search column itself.
type searchIndex interface {
	// put (re)indexes one row; table is persons, households or organisations.
	put(ctx context.Context, q database.Querier, table string, id int64, text string) error
	// column is the value to store in a row's search column.
	column(text string) string
	// source returns the FROM clause, condition and ordering column that
	// find rows of table (as alias) holding all of tokens, driven by the
	// index so that a LIMIT stops the scan early.
	source(table, alias string, tokens []string, arg int) (from, where, order string, args []any)
	// match returns a condition selecting rows of alias whose search tokens
	// include all of tokens, numbering placeholders from arg.
	match(table, alias string, tokens []string, arg int) (string, []any)
}
