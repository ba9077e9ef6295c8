package database

import (
	"context"
	"strings"
)

// SearchIndex finds register rows (persons, households, organisations) by
// their search tokens. The engines differ here: SQLite keeps the tokens in
// FTS5 tables beside the rows (table_fts, rowid = the row's id),
// PostgreSQL indexes the rows' search column itself (GIN over its tokens
// as an array).
type SearchIndex interface {
	// Put (re)indexes one row of table.
	Put(ctx context.Context, q Querier, table string, id int64, text string) error
	// Column is the value to store in a row's search column.
	Column(text string) string
	// Table is the table, beside table, whose rows (rowid, search) a bulk
	// load fills with the tokens; "" when the row's column is the index.
	Table(table string) string
	// Source returns the FROM clause, condition and ordering column that
	// find rows of table (as alias) holding all of tokens, driven by the
	// index so that a LIMIT stops the scan early.
	Source(q *Args, table, alias string, tokens []string) (from, where, order string)
	// Match returns a condition selecting rows of alias whose search
	// tokens include all of tokens.
	Match(q *Args, table, alias string, tokens []string) string
}

// Search is db's search index.
func (db *DB) Search() SearchIndex { return db.d.search() }

func (sqliteDialect) search() SearchIndex { return sqliteSearch{} }

type sqliteSearch struct{}

func (sqliteSearch) Put(ctx context.Context, q Querier, table string, id int64, text string) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM `+table+`_fts WHERE rowid = $1`, id); err != nil {
		return err
	}
	_, err := q.ExecContext(ctx, `INSERT INTO `+table+`_fts (rowid, search) VALUES ($1, $2)`, id, text)
	return err
}

// The FTS table holds the tokens; a copy in the row would only take space.
func (sqliteSearch) Column(string) string { return "" }

func (sqliteSearch) Table(table string) string { return table + "_fts" }

func (sqliteSearch) Match(q *Args, table, alias string, tokens []string) string {
	return alias + ".id IN (SELECT rowid FROM " + table + "_fts WHERE " + table + "_fts MATCH " + q.Arg(ftsQuery(tokens)) + ")"
}

// The FTS table leads: it yields matching rowids in order, so the engine
// neither collects every match of a common token nor sorts them.
func (sqliteSearch) Source(q *Args, table, alias string, tokens []string) (string, string, string) {
	return table + "_fts JOIN " + table + " " + alias + " ON " + alias + ".id = " + table + "_fts.rowid",
		table + "_fts MATCH " + q.Arg(ftsQuery(tokens)), table + "_fts.rowid"
}

func ftsQuery(tokens []string) string {
	quoted := make([]string, len(tokens))
	for i, t := range tokens {
		quoted[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
	}
	return strings.Join(quoted, " AND ")
}

func (postgresDialect) search() SearchIndex { return pgSearch{} }

type pgSearch struct{}

func (pgSearch) Put(context.Context, Querier, string, int64, string) error { return nil }

func (pgSearch) Column(text string) string { return text }

func (pgSearch) Table(string) string { return "" }

func (p pgSearch) Source(q *Args, table, alias string, tokens []string) (string, string, string) {
	return table + " " + alias, p.Match(q, table, alias, tokens), alias + ".id"
}

func (pgSearch) Match(q *Args, table, alias string, tokens []string) string {
	return "string_to_array(" + alias + ".search, ' ') @> " + q.Arg("{"+pgArrayItems(tokens)+"}") + "::text[]"
}

// pgArrayItems renders tokens as the items of a PostgreSQL array literal.
func pgArrayItems(tokens []string) string {
	items := make([]string, len(tokens))
	for i, t := range tokens {
		items[i] = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(t) + `"`
	}
	return strings.Join(items, ",")
}
