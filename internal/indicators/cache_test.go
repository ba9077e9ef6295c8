package indicators

import (
	"context"
	"testing"
	"time"

	"shequ/internal/database"
	"shequ/internal/database/dbtest"
)

// TestWatermark sees a new event, and one committed after a newer one (a
// smaller id than the largest), in a community's change events.
func TestWatermark(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		c := NewRowCache(1 << 20)
		const community = 42
		event := func(id int64) {
			t.Helper()
			_, err := db.ExecContext(ctx, `INSERT INTO change_events (community_id, id, at, actor, source, entity, entity_id, op, version, changes, snapshot)
				VALUES ($1, $2, $3, 'test', 'test', 'person', 1, 'update', 1, '{}', '{}')`,
				community, id, database.FormatTime(time.Now()))
			if err != nil {
				t.Fatal(err)
			}
		}
		mark := func() watermark {
			t.Helper()
			m, err := c.mark(ctx, db, community)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		old := database.IDAt(time.Now().Add(-3 * recentWindow))
		event(old) // history from long ago: not counted
		m0 := mark()
		if m0.count != 0 || m0.max != old {
			t.Fatalf("history only: %+v", m0)
		}
		if again := mark(); again != m0 {
			t.Fatalf("nothing changed, but the mark did: %+v then %+v", m0, again)
		}
		newer := database.NewID()
		event(newer)
		m1 := mark()
		if m1 == m0 {
			t.Fatal("a new event did not change the mark")
		}
		event(newer - 1) // made before newer, committed after it
		if m2 := mark(); m2 == m1 || m2.max != m1.max {
			t.Fatalf("a late commit below the largest id: %+v then %+v", m1, m2)
		}
	})
}
