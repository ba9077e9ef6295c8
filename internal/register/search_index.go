package register

import (
	"context"
	"fmt"
	"strings"

	"shequ/internal/database"
)

type sqliteIndex struct{}

func (sqliteIndex) put(ctx context.Context, q database.Querier, table string, id int64, text string) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM `+table+`_fts WHERE rowid = $1`, id); err != nil {
		return err
	}
	_, err := q.ExecContext(ctx, `INSERT INTO `+table+`_fts (rowid, search) VALUES ($1, $2)`, id, text)
	return err
}

// The FTS table holds the tokens; a copy in the row would only take space.
func (sqliteIndex) column(string) string { return "" }

func (sqliteIndex) match(table, alias string, tokens []string, arg int) (string, []any) {
	return fmt.Sprintf("%s.id IN (SELECT rowid FROM %s_fts WHERE %s_fts MATCH $%d)", alias, table, table, arg),
		[]any{ftsQuery(tokens)}
}

// The FTS table leads: it yields matching rowids in order, so the engine
// neither collects every match of a common token nor sorts them.
func (sqliteIndex) source(table, alias string, tokens []string, arg int) (string, string, string, []any) {
	return fmt.Sprintf("%s_fts JOIN %s %s ON %s.id = %s_fts.rowid", table, table, alias, alias, table),
		fmt.Sprintf("%s_fts MATCH $%d", table, arg), table + "_fts.rowid", []any{ftsQuery(tokens)}
}

func ftsQuery(tokens []string) string {
	quoted := make([]string, len(tokens))
	for i, t := range tokens {
		quoted[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
	}
	return strings.Join(quoted, " AND ")
}

type pgIndex struct{}

// The search column itself is indexed (GIN over its tokens as an array).
func (pgIndex) put(context.Context, database.Querier, string, int64, string) error { return nil }

func (pgIndex) column(text string) string { return text }

func (p pgIndex) source(table, alias string, tokens []string, arg int) (string, string, string, []any) {
	where, args := p.match(table, alias, tokens, arg)
	return table + " " + alias, where, alias + ".id", args
}

func (pgIndex) match(table, alias string, tokens []string, arg int) (string, []any) {
	return fmt.Sprintf("string_to_array(%s.search, ' ') @> $%d::text[]", alias, arg),
		[]any{"{" + pgArrayItems(tokens) + "}"}
}

// pgArrayItems renders tokens as the items of a PostgreSQL array literal.
func pgArrayItems(tokens []string) string {
	items := make([]string, len(tokens))
	for i, t := range tokens {
		items[i] = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(t) + `"`
	}
	return strings.Join(items, ",")
}
