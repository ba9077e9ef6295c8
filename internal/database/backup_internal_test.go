package database

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// Without pg_dump anywhere, a PostgreSQL backup says what to install and
// leaves no file.
func TestBackupWithoutPgDumpSaysWhatToInstall(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	dirs := pgToolDirs
	pgToolDirs = func() []string { return nil }
	t.Cleanup(func() { pgToolDirs = dirs })
	out := filepath.Join(t.TempDir(), "b")
	_, err := Backup(context.Background(), "postgres://nobody@127.0.0.1:1/none", out)
	if err == nil || !strings.Contains(err.Error(), "找不到 pg_dump") || !strings.Contains(err.Error(), "postgresql-client") {
		t.Fatalf("backup without pg_dump: %v", err)
	}
	if names, _ := filepath.Glob(filepath.Join(filepath.Dir(out), "*")); len(names) != 0 {
		t.Errorf("files left: %v", names)
	}
}

// The password goes to the child's environment, not its command line.
func TestPgConnectionKeepsThePasswordOffTheCommandLine(t *testing.T) {
	conn, env, err := pgConnection("postgres://u:s3cret@h:5432/db?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(conn, "s3cret") || conn != "postgres://u@h:5432/db?sslmode=disable" {
		t.Errorf("command line %q", conn)
	}
	if env[len(env)-1] != "PGPASSWORD=s3cret" {
		t.Errorf("environment ends with %q", env[len(env)-1])
	}
}
