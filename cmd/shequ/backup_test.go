package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// The commands only parse and print; internal/database's tests prove the
// copy on both engines. This proves the wiring: a user made before the
// backup is there after the restore, and a second restore is refused.
func TestBackupAndRestoreCommands(t *testing.T) {
	dir := t.TempDir()
	db, copyDB, out := filepath.Join(dir, "t.db"), filepath.Join(dir, "copy.db"), filepath.Join(dir, "t.backup")
	if _, err := shequ(t, "migrate", "--db", db); err != nil {
		t.Fatal(err)
	}
	if _, err := shequ(t, "user", "add", "--db", db, "--name", "keeper", "--role", "admin", "--password", "long-enough-1"); err != nil {
		t.Fatal(err)
	}
	if msg, err := shequ(t, "backup", "--db", db, "--out", out); err != nil || !strings.Contains(msg, "已备份到") {
		t.Fatalf("backup: %v %s", err, msg)
	}
	if msg, err := shequ(t, "restore", "--db", copyDB, out); err != nil || !strings.Contains(msg, "已从") {
		t.Fatalf("restore: %v %s", err, msg)
	}
	if msg, _ := shequ(t, "user", "list", "--db", copyDB); !strings.Contains(msg, "keeper") {
		t.Errorf("the restored database lacks the user: %s", msg)
	}
	if _, err := shequ(t, "restore", "--db", copyDB, out); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("a restore onto a database with data: %v", err)
	}
	if _, err := shequ(t, "restore", "--db", copyDB); err == nil || !strings.Contains(err.Error(), "用法") {
		t.Errorf("restore without a file: %v", err)
	}
}
