package indicators

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strconv"

	"shequ/internal/database"
)

// scanRaw runs a query and hands each row's values to fn straight from the
// driver, on a connection of its own. Reading a million rows, database/sql's
// per-row locking and conversions cost a fifth of the time; the scans of
// the register's big tables go this way. Both engines' drivers (modernc
// SQLite, pgx) implement driver.QueryerContext. vals is reused between
// rows.
func scanRaw(ctx context.Context, db *database.DB, query string, args []any, fn func(vals []driver.Value) error) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		qc, ok := dc.(driver.QueryerContext)
		if !ok {
			return fmt.Errorf("driver %T cannot query directly", dc)
		}
		named := make([]driver.NamedValue, len(args))
		for i, a := range args {
			v, err := driver.DefaultParameterConverter.ConvertValue(a) // int → int64, as database/sql does
			if err != nil {
				return err
			}
			named[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
		}
		rows, err := qc.QueryContext(ctx, query, named)
		if err != nil {
			return err
		}
		defer rows.Close()
		vals := make([]driver.Value, len(rows.Columns()))
		for {
			if err := rows.Next(vals); errors.Is(err, io.EOF) {
				return nil
			} else if err != nil {
				return err
			}
			if err := fn(vals); err != nil {
				return err
			}
		}
	})
}

// rawInt reads an integer column (NULL reads 0).
func rawInt(v driver.Value) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case float64:
		return int64(x)
	case []byte:
		n, _ := strconv.ParseInt(string(x), 10, 64)
		return n
	case string:
		n, _ := strconv.ParseInt(x, 10, 64)
		return n
	}
	return 0
}

// rawFloat reads a number column (NULL reads 0).
func rawFloat(v driver.Value) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case float32:
		return float64(x)
	case int64:
		return float64(x)
	case []byte:
		f, _ := strconv.ParseFloat(string(x), 64)
		return f
	case string:
		f, _ := strconv.ParseFloat(x, 64)
		return f
	}
	return 0
}

// rawDate reads a YYYY-MM-DD text column as YYYYMMDD.
func rawDate(v driver.Value) int64 {
	switch x := v.(type) {
	case string:
		return dateInt(x)
	case []byte:
		return dateBytes(x)
	}
	return 0
}
