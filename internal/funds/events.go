package funds

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"shequ/internal/database"
)

// changeEvent records a fund or an entry as a change event, as the
// register records its rows (change_events, migration 002): who, when,
// the source, and the row as written. Entries are never changed, so every
// event is a create of version 1; a correction is an entry of its own.
func changeEvent(ctx context.Context, tx *sql.Tx, st Staff, at time.Time, community int64, entity string, id int64, row any) error {
	snap, err := json.Marshal(row)
	if err != nil {
		return err
	}
	source := st.Source
	if source == "" {
		source = "web"
	}
	var actor any
	if st.UserID != 0 {
		actor = st.UserID
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO change_events (community_id, id, at, actor_id, actor, source, entity,
		entity_id, op, version, changes, snapshot) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'create', 1, '{}', $9)`,
		community, database.NewID(), database.FormatTime(at), actor, st.Name, source, entity, id, string(snap))
	return err
}
