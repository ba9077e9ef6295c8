package audit

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestLog(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		l := New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
		// Many writers at once, as requests are.
		var wg sync.WaitGroup
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				for j := 0; j < 25; j++ {
					l.Record(Entry{UserID: int64(i + 1), UserName: fmt.Sprintf("u%d", i), Addr: "127.0.0.1", Action: View,
						Entity: "person", EntityID: int64(j + 1), Route: "GET /persons/{id}", Status: 200})
				}
			}(i)
		}
		wg.Wait()
		if err := l.RecordNow(ctx, Entry{UserID: 1, UserName: "u0", Action: Export, Rows: 1234, Detail: "民政低保名单"}); err != nil {
			t.Fatal(err)
		}
		l.Record(Entry{UserName: "nul\x00name\xff", Action: LoginFailed, Detail: strings.Repeat("韩", 2000)})
		l.Record(Entry{UserID: 2, UserName: "u1", Action: Search, Detail: "persons: 韩", Rows: 0})
		l.Flush()
		var n int
		db.QueryRow(`SELECT COUNT(*) FROM audit_log`).Scan(&n)
		if n != 503 {
			t.Fatalf("%d entries written, want 503", n)
		}
		es, more, err := l.Query(ctx, Filter{Action: Export})
		if err != nil || more || len(es) != 1 || es[0].Rows != 1234 || es[0].Detail != "民政低保名单" {
			t.Errorf("export entry: %v %+v", err, es)
		}
		es, _, _ = l.Query(ctx, Filter{Action: Search})
		if len(es) != 1 || es[0].Rows != 0 {
			t.Errorf("a search that found nothing: %+v", es)
		}
		es, _, _ = l.Query(ctx, Filter{Action: View, Limit: 1})
		if len(es) != 1 || es[0].Rows != -1 {
			t.Errorf("a view has no row count: %+v", es)
		}
		es, _, _ = l.Query(ctx, Filter{Action: LoginFailed})
		if len(es) != 1 || strings.ContainsRune(es[0].UserName, 0) || len([]rune(es[0].Detail)) != 500 {
			t.Errorf("failed login entry not cleaned: %q (%d)", es[0].UserName, len([]rune(es[0].Detail)))
		}
		// Paging from newest to oldest covers everything once.
		seen := map[int64]bool{}
		var before int64
		for {
			page, more, err := l.Query(ctx, Filter{UserName: "u3", Before: before, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range page {
				if seen[e.ID] {
					t.Fatal("an entry on two pages")
				}
				seen[e.ID] = true
				before = e.ID
			}
			if !more {
				break
			}
		}
		if len(seen) != 25 {
			t.Errorf("paged %d entries of u3, want 25", len(seen))
		}
		if c, _ := l.Count(ctx, View, time.Now().Add(-time.Hour)); c != 500 {
			t.Errorf("count = %d", c)
		}
		l.Close()
		l.Record(Entry{Action: Logout, UserName: "after close"}) // written at once, not lost
		db.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE user_name = 'after close'`).Scan(&n)
		if n != 1 {
			t.Error("an entry recorded after Close was lost")
		}
	})
}

// TestAppendOnly: nobody can edit or delete the log, not even with SQL.
func TestAppendOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		l := New(db, nil)
		defer l.Close()
		if err := l.RecordNow(ctx, Entry{UserName: "u", Action: Reveal, Entity: "person", EntityID: 7}); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			`UPDATE audit_log SET user_name = 'someone else'`,
			`DELETE FROM audit_log`,
		} {
			if _, err := db.ExecContext(ctx, q); err == nil {
				t.Errorf("%s succeeded", q)
			}
		}
		if db.Engine == database.Postgres {
			if _, err := db.ExecContext(ctx, `TRUNCATE audit_log`); err == nil {
				t.Error("TRUNCATE succeeded")
			}
		}
		var name string
		db.QueryRow(`SELECT user_name FROM audit_log`).Scan(&name)
		if name != "u" {
			t.Errorf("entry now says %q", name)
		}
	})
}
