package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The deployment's zone is the flag, else $SHEQU_TZ, else Asia/Shanghai; a
// name that is no zone stops the command with a message saying where it
// came from.
func TestZoneSetting(t *testing.T) {
	for _, c := range []struct{ flag, env, want string }{
		{"", "", "Asia/Shanghai"},
		{"", "Asia/Urumqi", "Asia/Urumqi"},
		{"America/New_York", "Asia/Urumqi", "America/New_York"},
	} {
		loc, err := loadZone(c.flag, c.env)
		if err != nil || loc.String() != c.want {
			t.Errorf("flag %q env %q: %v %v, want %s", c.flag, c.env, loc, err, c.want)
		}
	}
	if _, err := loadZone("", "Mars/Olympus"); err == nil || !strings.Contains(err.Error(), ZoneEnv) {
		t.Errorf("bad environment zone: %v", err)
	}
	if got := clock(mustZone(t, "Asia/Shanghai"), "2026-11-30 16:30:00.000000"); got != "2026-12-01 00:30" {
		t.Errorf("clock = %s", got)
	}
	if got := clock(mustZone(t, "America/New_York"), "2026-11-30 16:30:00.000000"); got != "2026-11-30 11:30" {
		t.Errorf("clock = %s", got)
	}
	db := filepath.Join(t.TempDir(), "t.db")
	if _, err := shequ(t, "token", "list", "--db", db, "--tz", "Mars/Olympus"); err == nil || !strings.Contains(err.Error(), "--tz") {
		t.Errorf("token list with a bad --tz: %v", err)
	}
	t.Setenv(ZoneEnv, "Mars/Olympus")
	if _, err := shequ(t, "serve", "--db", db); err == nil || !strings.Contains(err.Error(), ZoneEnv) {
		t.Errorf("serve with a bad %s: %v", ZoneEnv, err)
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
