package demo

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"shequ/internal/database"
)

// TestCityScale loads a city of $SHEQU_DEMO_PERSONS persons into a SQLite
// file ($SHEQU_DEMO_DB, default a temp file) and reports the time; it is
// skipped unless the variable is set.
func TestCityScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SHEQU_DEMO_PERSONS"))
	if n == 0 {
		t.Skip("set SHEQU_DEMO_PERSONS to run")
	}
	path := os.Getenv("SHEQU_DEMO_DB")
	if path == "" {
		path = filepath.Join(t.TempDir(), "city.db")
	}
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		os.Remove(f)
	}
	ctx := context.Background()
	db, err := database.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	sum, err := Load(ctx, db, Options{Preset: "city", Persons: n, Seed: 1, Today: today}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d persons, %d households, %d communities in %s", sum.Persons, sum.Households, sum.Communities, time.Since(start))
}
