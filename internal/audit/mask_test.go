package audit

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

// Searches and exports keep their terms masked in the table, new entries
// as they are written and old ones once migration 058 ran: the full
// number is nowhere in the audit log.
func TestSearchTermsStoredMasked(t *testing.T) {
	const id, phone = "610102199001011234", "13812345678"
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		l := New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
		defer l.Close()
		l.Record(Entry{UserName: "u", Action: Search, Detail: SearchDetail("persons", id), Rows: 1})
		l.Record(Entry{UserName: "u", Action: Search, Detail: SearchDetail("households", "城北 "+phone)})
		l.Record(Entry{UserName: "u", Action: Search, Detail: SearchDetail("tracking", "26112823060598")})
		if err := l.RecordNow(ctx, Entry{UserName: "u", Action: Export, Detail: SearchDetail("persons", id[:14])}); err != nil {
			t.Fatal(err)
		}
		l.Flush()
		// Entries written before terms were masked, as they were stored.
		for i, d := range []string{"persons: " + id, "persons: " + phone, "households: 王 " + phone, "persons: 610102",
			"tracking: 26112823060598", "persons: 6101021990"} {
			if _, err := db.ExecContext(ctx, `INSERT INTO audit_log (id, writer, at, user_name, addr, action, entity,
				route, status, detail) VALUES ($1, 0, '2026-01-01T00:00:00Z', 'old', '', 'search', '', '', 200, $2)`,
				int64(i+1), d); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.ExecContext(ctx, `DELETE FROM schema_migrations WHERE version = 58`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		rows, err := db.QueryContext(ctx, `SELECT detail FROM audit_log`)
		if err != nil {
			t.Fatal(err)
		}
		var details []string
		for rows.Next() {
			var d string
			rows.Scan(&d)
			details = append(details, d)
		}
		rows.Close()
		all := strings.Join(details, "\n")
		for _, full := range []string{id, phone, id[:14], "6101021990"} {
			if strings.Contains(all, full) {
				t.Errorf("the audit log holds %s in full:\n%s", full, all)
			}
		}
		for _, want := range []string{"persons: 6101**********1234", "households: 城北 138****5678", "persons: 138****5678",
			"households: (含号码,已隐去)", "persons: 610102\n", "tracking: 26112823060598", "persons: 61******90"} {
			if !strings.Contains(all+"\n", want) {
				t.Errorf("the audit log does not hold %q:\n%s", want, all)
			}
		}
		// Still append-only.
		if _, err := db.ExecContext(ctx, `UPDATE audit_log SET detail = ''`); err == nil {
			t.Error("the audit log could be changed after the migration")
		}
	})
}
