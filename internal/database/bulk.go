package database

import (
	"context"
	"fmt"
	"strings"
)

// BulkMode is how a connection is set for writing many rows at once.
type BulkMode int

const (
	// BulkOff is the ordinary setting.
	BulkOff BulkMode = iota
	// BulkFill is for filling empty tables: SQLite gets a page cache of
	// 1 GiB, which keeps the indexes being filled in memory.
	BulkFill
	// BulkUpdate is for one of many batches that change rows spread over
	// a big register (an import's): SQLite's ordinary page cache, and the
	// write-ahead log checkpointed every 64 MiB rather than every 4 MiB,
	// so that the pages each batch touches again (the ends of the change
	// log and of each community's rows) are written back once, not once
	// per batch.
	BulkUpdate
)

// Bulk sets the connection behind q (a transaction of db) to mode m.
// BulkOff puts back the page cache and leaves the checkpoint interval
// BulkUpdate chose, so that the batch's own commit still profits from it.
func (db *DB) Bulk(ctx context.Context, q Querier, m BulkMode) error { return db.d.bulk(ctx, q, m) }

func (sqliteDialect) bulk(ctx context.Context, q Querier, m BulkMode) error {
	var pragmas []string
	switch m {
	case BulkOff:
		pragmas = []string{`PRAGMA cache_size = -16000`}
	case BulkFill:
		pragmas = []string{`PRAGMA cache_size = -1048576`}
	case BulkUpdate:
		pragmas = []string{`PRAGMA cache_size = -16000`, `PRAGMA wal_autocheckpoint = 16384`}
	}
	for _, p := range pragmas {
		if _, err := q.ExecContext(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

// PostgreSQL's settings for bulk work are the server's; none is changed
// per connection.
func (postgresDialect) bulk(context.Context, Querier, BulkMode) error { return nil }

// Index is a secondary index: its name and the statement that creates it.
type Index struct {
	Name, Def string
}

// SecondaryIndexes lists the indexes of tables that no primary key or
// unique constraint owns: those a bulk load may drop and build again.
func (db *DB) SecondaryIndexes(ctx context.Context, tables ...string) ([]Index, error) {
	if len(tables) == 0 {
		return nil, nil
	}
	for _, t := range tables {
		if strings.ContainsAny(t, "'\"; ") {
			return nil, fmt.Errorf("secondary indexes: bad table name %q", t)
		}
	}
	rows, err := db.QueryContext(ctx, db.d.secondaryIndexesQuery("'"+strings.Join(tables, "', '")+"'"))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Index
	for rows.Next() {
		var ix Index
		if err := rows.Scan(&ix.Name, &ix.Def); err != nil {
			return nil, err
		}
		out = append(out, ix)
	}
	return out, rows.Err()
}

// sql is NULL for the indexes behind PRIMARY KEY and UNIQUE.
func (sqliteDialect) secondaryIndexesQuery(in string) string {
	return `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (` + in + `)
		ORDER BY name`
}

func (postgresDialect) secondaryIndexesQuery(in string) string {
	return `SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x
		JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
		WHERE t.relname IN (` + in + `) AND pg_table_is_visible(t.oid)
		AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
		ORDER BY i.relname`
}

// Analyze refreshes the planner's statistics of tables after a bulk load.
// PostgreSQL's autovacuum would do it later, after the first queries have
// been planned on empty tables; SQLite plans without them.
func (db *DB) Analyze(ctx context.Context, q Querier, tables ...string) error {
	return db.d.analyze(ctx, q, tables)
}

func (sqliteDialect) analyze(context.Context, Querier, []string) error { return nil }

func (postgresDialect) analyze(ctx context.Context, q Querier, tables []string) error {
	if len(tables) == 0 {
		return nil
	}
	_, err := q.ExecContext(ctx, `ANALYZE `+strings.Join(tables, ", "))
	return err
}
