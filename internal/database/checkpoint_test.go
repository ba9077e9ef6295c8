package database

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"shequ/internal/testwait"
)

// The group committer's writes are checkpointed beside it: 20 MB written
// through group commits leave a log of a few of them, though the
// committer's connection never checkpoints in its commits.
func TestGroupCommitsAreCheckpointedBeside(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE TABLE blobs (id INTEGER PRIMARY KEY, b TEXT)`); err != nil {
		t.Fatal(err)
	}
	gap := checkpointGap
	checkpointGap = 0
	t.Cleanup(func() { checkpointGap = gap })
	big := strings.Repeat("社区", 100_000/6) // ~100 KB
	for i := 0; i < 200; i++ {
		before := db.group.checkpoints.Load()
		if err := db.GroupTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO blobs (id, b) VALUES ($1, $2)`, i, big)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		testwait.Until(t, "a checkpoint after the group", func() bool { return db.group.checkpoints.Load() > before })
	}
	fi, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() > 4<<20 {
		t.Errorf("the log holds %d bytes after 20 MB of group commits: nothing checkpointed it", fi.Size())
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM blobs`).Scan(&n); err != nil || n != 200 {
		t.Fatalf("%d rows, %v", n, err)
	}
}
