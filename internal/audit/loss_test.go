package audit

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

// gate makes the database refuse audit entries while audit_gate.state is
// 1 (all of them) or 2 (those whose detail is 'poison'): a real refusal by
// the engine, as a full disk or a lost connection would give.
func gate(t *testing.T, db *database.DB) func(state int) {
	t.Helper()
	ctx := context.Background()
	stmts := []string{`CREATE TABLE audit_gate (state INTEGER NOT NULL)`, `INSERT INTO audit_gate VALUES (1)`}
	if db.Engine == database.Postgres {
		stmts = append(stmts, `CREATE FUNCTION audit_gate_check() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN
				IF (SELECT state FROM audit_gate) = 1 OR ((SELECT state FROM audit_gate) = 2 AND NEW.detail = 'poison') THEN
					RAISE EXCEPTION 'gate closed';
				END IF;
				RETURN NEW;
			END; $$`,
			`CREATE TRIGGER audit_gate BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_gate_check()`)
	} else {
		stmts = append(stmts, `CREATE TRIGGER audit_gate BEFORE INSERT ON audit_log
			WHEN (SELECT state FROM audit_gate) = 1 OR ((SELECT state FROM audit_gate) = 2 AND NEW.detail = 'poison')
			BEGIN SELECT RAISE(ABORT, 'gate closed'); END`)
	}
	for _, s := range stmts {
		if _, err := db.ExecContext(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	return func(state int) {
		if _, err := db.ExecContext(ctx, `UPDATE audit_gate SET state = $1`, state); err != nil {
			t.Fatal(err)
		}
	}
}

// waitFor polls cond until it holds or the test runs out of time.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline, ok := t.Deadline()
	if !ok {
		deadline = time.Now().Add(time.Hour)
	}
	for !cond() {
		if time.Now().After(deadline.Add(-5 * time.Second)) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func count(t *testing.T, db *database.DB, query string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestNoEntryLost: batches the database refuses are kept and written once
// it accepts them again; an entry it keeps refusing does not hold up the
// others; Close writes what is left; nothing is written twice.
func TestNoEntryLost(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		open := gate(t, db)
		l := New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
		l.retryMin, l.retryMax = time.Millisecond, 20*time.Millisecond
		for i := 0; i < 300; i++ {
			detail := fmt.Sprintf("entry %d", i)
			if i == 150 {
				detail = "poison"
			}
			l.Record(Entry{UserName: "u", Action: View, Entity: "person", EntityID: int64(i + 1), Detail: detail})
		}
		failures := func() int { l.mu.Lock(); defer l.mu.Unlock(); return l.failures }
		waitFor(t, "a refused write", func() bool { return failures() > 0 })
		if n := count(t, db, `SELECT COUNT(*) FROM audit_log`); n != 0 {
			t.Fatalf("%d entries written through a closed gate", n)
		}
		// Only the poison entry is refused now: the others get through
		// while it waits.
		open(2)
		waitFor(t, "the entries the database accepts", func() bool {
			return count(t, db, `SELECT COUNT(*) FROM audit_log`) == 299
		})
		before := failures()
		waitFor(t, "the poison entry to be tried again", func() bool { return failures() > before+1 })
		open(0)
		l.Close()
		if n := count(t, db, `SELECT COUNT(*) FROM audit_log`); n != 300 {
			t.Errorf("%d entries written, want 300", n)
		}
		if n := count(t, db, `SELECT COUNT(DISTINCT entity_id) FROM audit_log`); n != 300 {
			t.Errorf("%d distinct entries, want 300", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM audit_log WHERE detail = 'poison'`); n != 1 {
			t.Errorf("the refused entry written %d times", n)
		}
	})
}

// TestTwoWriters: two logs (two processes) whose entries carry the same id
// both keep theirs, and a batch written again is not doubled.
func TestTwoWriters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		a, b := New(db, nil), New(db, nil)
		defer a.Close()
		defer b.Close()
		e := Entry{ID: database.NewID(), UserName: "u", Action: Login}
		if err := a.RecordNow(ctx, e); err != nil {
			t.Fatal(err)
		}
		if err := b.RecordNow(ctx, e); err != nil {
			t.Fatalf("a second writer's entry with the same id: %v", err)
		}
		// A retry of a batch that was in fact committed.
		a.stamp(&e)
		if err := a.write(ctx, []Entry{e}); err != nil {
			t.Fatalf("writing an entry again: %v", err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM audit_log`); n != 2 {
			t.Errorf("%d entries, want 2", n)
		}
	})
}

// TestLongBatch: a batch far longer than one statement holds is written
// whole, in chunks.
func TestLongBatch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		l := New(db, nil)
		defer l.Close()
		batch := make([]Entry, 1000)
		for i := range batch {
			batch[i] = Entry{UserName: "u", Action: Search, Rows: i}
			l.stamp(&batch[i])
		}
		if err := l.write(context.Background(), batch); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM audit_log`); n != 1000 {
			t.Errorf("%d entries, want 1000", n)
		}
	})
}
